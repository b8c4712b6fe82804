/* The network commands' shared options: see net_opts.h. */
#include "net_opts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_config.h"
#include "ctl_err.h"
#include "hex.h"
#include "log_escape.h"

/* The connection options given before the command (net_opts_leading()). */
static struct net_opts leading;
static int have_leading;

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

static void
opts_defaults(struct net_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = NET_DEFAULT_PORT;
	o->user = NET_DEFAULT_USER;
	o->timeout_s = NET_DEFAULT_TIMEOUT;
}

void
net_opts_init(struct net_opts *o)
{
	if (have_leading)
		*o = leading;
	else
		opts_defaults(o);
}

int
net_opts_leading(int argc, char **argv, int *used, struct ctl_diag *d)
{
	static const struct option shared[] = { NET_LONG_OPTIONS };
	char esc[LOG_ESCAPE_SIZE(40)];
	const char *w, *eq, *arg;
	size_t i, n;
	int k = 1, r;

	opts_defaults(&leading);
	have_leading = 0;
	while (k < argc && argv[k][0] == '-' && strcmp(argv[k], "--help") != 0 &&
	    strcmp(argv[k], "-h") != 0 && strcmp(argv[k], "--version") != 0) {
		w = argv[k];
		eq = strchr(w, '=');
		n = eq != NULL ? (size_t)(eq - w) : strlen(w);
		for (i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
			if (strncmp(w, "--", 2) == 0 && n - 2 ==
			    strlen(shared[i].name) &&
			    strncmp(w + 2, shared[i].name, n - 2) == 0)
				break;
		if (i == sizeof(shared) / sizeof(shared[0])) {
			log_escape(esc, sizeof(esc), w, n);
			return ctl_diag_set(d, CTL_ERR_USAGE, "option '%s' before "
			    "the command: only the connection options (--server, "
			    "--user, --password-file, --cafile, --accept-new, "
			    "--timeout) go there; give it after the command",
			    esc);
		}
		if (shared[i].has_arg == no_argument) {
			if (eq != NULL)
				return ctl_diag_set(d, CTL_ERR_USAGE, "option "
				    "'--%s' takes no value", shared[i].name);
			arg = NULL;
		} else if (eq != NULL) {
			arg = eq + 1;
		} else if (k + 1 < argc) {
			arg = argv[++k];
		} else {
			return ctl_diag_set(d, CTL_ERR_USAGE, "option '--%s' "
			    "needs a value", shared[i].name);
		}
		if ((r = net_opt(&leading, shared[i].val, arg, d)) != CTL_OK)
			return r;
		have_leading = 1;
		k++;
	}
	*used = k;
	return CTL_OK;
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
		/* A Host name is also a host name: checked now, looked up in
		 * net_opts_check(). */
		ctl_diag_clear(&hd);
		if ((r = net_host_port_parse(arg, NET_DEFAULT_PORT, o->host,
		    sizeof(o->host), &o->port, &hd)) != CTL_OK)
			return ctl_diag_set(d, r, "--server %s: %s", arg,
			    ctl_diag_msg(&hd, r));
		o->server = arg;
		return CTL_OK;
	case NET_OPT_USER:
		if (arg[0] == '\0' || strlen(arg) > NET_MAX_USER)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--user: a name of "
			    "1 to %d bytes", NET_MAX_USER);
		o->user = arg;
		o->user_set = 1;
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
net_opts_check(struct net_opts *o, struct ctl_diag *d)
{
	struct client_host *h = NULL;
	struct ctl_diag hd;
	char from[NET_MAX_PATH], esc[LOG_ESCAPE_SIZE(64)];
	const char *name = o->server, *what = "--server", *target;
	int found = 0, r;

	if (name == NULL && (name = getenv(NET_SERVER_ENV)) != NULL &&
	    name[0] != '\0')
		what = "$" NET_SERVER_ENV;
	if (name == NULL || name[0] == '\0')
		return ctl_diag_set(d, CTL_ERR_USAGE, "--server HOST[:PORT] is "
		    "required (or a Host NAME of the configuration file, or "
		    "$%s)", NET_SERVER_ENV);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	target = name;
	/* HOST:PORT and [IPV6] are never Host names. */
	if (strpbrk(name, ":[") == NULL) {
		if ((r = client_config_lookup(name, h, &found, from,
		    sizeof(from), d)) != CTL_OK)
			goto out;
		if (found && h->server[0] != '\0')
			target = h->server;
	}
	ctl_diag_clear(&hd);
	if ((r = net_host_port_parse(target, NET_DEFAULT_PORT, o->host,
	    sizeof(o->host), &o->port, &hd)) != CTL_OK) {
		r = ctl_diag_set(d, CTL_ERR_USAGE, "%s %s: %s", what,
		    log_escape_str(esc, sizeof(esc), target),
		    ctl_diag_msg(&hd, r));
		goto out;
	}
	if (found) {
		memcpy(o->cfg_user, h->user, sizeof(o->cfg_user));
		memcpy(o->cfg_password_file, h->password_file,
		    sizeof(o->cfg_password_file));
		memcpy(o->cfg_cafile, h->cafile, sizeof(o->cfg_cafile));
		if (!o->user_set && o->cfg_user[0] != '\0')
			o->user = o->cfg_user;
		if (o->password_file == NULL && o->cfg_password_file[0] != '\0')
			o->password_file = o->cfg_password_file;
		if (o->cafile == NULL && o->cfg_cafile[0] != '\0')
			o->cafile = o->cfg_cafile;
	}
	o->have_server = 1;
	r = CTL_OK;
out:
	free(h);
	return r;
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
