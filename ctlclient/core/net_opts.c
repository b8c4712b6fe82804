/* The network commands' shared options: see net_opts.h. */
#include "net_opts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "hex.h"

static int
host_char_ok(int c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

int
net_host_port_parse(const char *arg, uint16_t default_port, char *host,
    size_t hostsz, uint16_t *port, struct ctl_diag *d)
{
	const char *name = arg, *digits = NULL, *end;
	struct in6_addr a6;
	char *stop;
	unsigned long p;
	size_t n, i;

	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL)
			goto bad_host;
		name = arg + 1;
		n = (size_t)(end - name);
		if (end[1] == ':')
			digits = end + 2;
		else if (end[1] != '\0')
			goto bad_host;
	} else {
		end = strchr(arg, ':');
		if (end != NULL && strchr(end + 1, ':') != NULL)
			return ctl_diag_set(d, CTL_ERR_USAGE, "put an IPv6 "
			    "address in brackets, [ADDRESS]:PORT");
		n = end != NULL ? (size_t)(end - arg) : strlen(arg);
		if (end != NULL)
			digits = end + 1;
	}
	if (n == 0 || n > NET_MAX_HOST || n >= hostsz)
		goto bad_host;
	memcpy(host, name, n);
	host[n] = '\0';
	if (arg[0] == '[') {
		if (inet_pton(AF_INET6, host, &a6) != 1)
			goto bad_host;
	} else {
		if (host[0] == '-' || host[0] == '.')
			goto bad_host;
		for (i = 0; i < n; i++)
			if (!host_char_ok(host[i]))
				goto bad_host;
	}
	for (i = 0; i < n; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	*port = default_port;
	if (digits != NULL) {
		errno = 0;
		p = strtoul(digits, &stop, 10);
		if (!isdigit((unsigned char)digits[0]) || *stop != '\0' ||
		    errno != 0 || p == 0 || p > 65535)
			return ctl_diag_set(d, CTL_ERR_USAGE, "the port must be "
			    "a number from 1 to 65535");
		*port = (uint16_t)p;
	}
	return CTL_OK;
bad_host:
	return ctl_diag_set(d, CTL_ERR_USAGE, "not a host name or address "
	    "(HOST[:PORT], [IPV6]:PORT)");
}

void
net_opts_init(struct net_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = NET_DEFAULT_PORT;
	o->user = NET_DEFAULT_USER;
	o->timeout_s = NET_DEFAULT_TIMEOUT;
}

int
net_opt(struct net_opts *o, int c, const char *arg, struct ctl_diag *d)
{
	struct ctl_diag hd;
	unsigned long v;
	char *stop;
	int r;

	switch (c) {
	case NET_OPT_SERVER:
		ctl_diag_clear(&hd);
		if ((r = net_host_port_parse(arg, NET_DEFAULT_PORT, o->host,
		    sizeof(o->host), &o->port, &hd)) != CTL_OK)
			return ctl_diag_set(d, r, "--server %s: %s", arg,
			    ctl_diag_msg(&hd, r));
		o->have_server = 1;
		return CTL_OK;
	case NET_OPT_USER:
		if (arg[0] == '\0' || strlen(arg) > NET_MAX_USER)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--user: a name of "
			    "1 to %d bytes", NET_MAX_USER);
		o->user = arg;
		return CTL_OK;
	case NET_OPT_PASSWORD_FILE:
		o->password_file = arg;
		return CTL_OK;
	case NET_OPT_CAFILE:
		o->cafile = arg;
		return CTL_OK;
	case NET_OPT_ACCEPT_NEW:
		o->accept_new = 1;
		return CTL_OK;
	case NET_OPT_TIMEOUT:
		errno = 0;
		v = strtoul(arg, &stop, 10);
		if (!isdigit((unsigned char)arg[0]) || *stop != '\0' ||
		    errno != 0 || v == 0 || v > NET_MAX_TIMEOUT)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--timeout %s: "
			    "seconds, from 1 to %d", arg, NET_MAX_TIMEOUT);
		o->timeout_s = (int)v;
		return CTL_OK;
	}
	/* net_cmd_main() hands over only the codes above. */
	return ctl_diag_set(d, CTL_ERR_INTERNAL, "option code %d is not a "
	    "connection option", c);
}

int
net_opts_check(const struct net_opts *o, struct ctl_diag *d)
{
	if (!o->have_server)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--server HOST[:PORT] is "
		    "required");
	return CTL_OK;
}

int
net_parse_sha1(const char *s, uint8_t out[20])
{
	char buf[41];
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == ':')
			continue;
		if (n == sizeof(buf) - 1)
			return CTL_ERR_USAGE;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return hex_parse(buf, out, 20) == 0 ? CTL_OK : CTL_ERR_USAGE;
}
