/* One TVS question from the command line: see tvs_ask.h. */
#include "tvs_ask.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "cli.h"
#include "ctl.h"
#include "ctl_err.h"

int
tvs_target_parse(const char *arg, const char *option, struct tvs_target *t)
{
	const char *host = arg, *port = NULL, *end;
	struct in6_addr a6;
	unsigned long p;
	char *stop;
	size_t n, i;

	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL)
			goto bad;
		host = arg + 1;
		n = (size_t)(end - host);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			goto bad;
	} else {
		end = strchr(arg, ':');
		if (end != NULL && strchr(end + 1, ':') != NULL)
			goto bad;
		n = end != NULL ? (size_t)(end - arg) : strlen(arg);
		if (end != NULL)
			port = end + 1;
	}
	if (n == 0 || n > TVS_ASK_MAX_HOST)
		goto bad;
	memcpy(t->host, host, n);
	t->host[n] = '\0';
	if (arg[0] == '[') {
		if (inet_pton(AF_INET6, t->host, &a6) != 1)
			goto bad;
	} else {
		if (t->host[0] == '-' || t->host[0] == '.')
			goto bad;
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)t->host[i]) &&
			    strchr(".-_", t->host[i]) == NULL)
				goto bad;
	}
	t->port = TVS_DEFAULT_PORT;
	if (port != NULL) {
		errno = 0;
		p = strtoul(port, &stop, 10);
		if (!isdigit((unsigned char)port[0]) || *stop != '\0' ||
		    errno != 0 || p == 0 || p > 65535) {
			cli_error("%s %s: the port must be a number from 1 to "
			    "65535", option, arg);
			return -1;
		}
		t->port = (uint16_t)p;
	}
	return 0;
bad:
	cli_error("%s %s: not a host name or address (HOST[:PORT], "
	    "[IPV6]:PORT)", option, arg);
	return -1;
}

int
tvs_timeout_parse(const char *arg, const char *option, int *ms)
{
	unsigned long v;
	char *stop;

	errno = 0;
	v = strtoul(arg, &stop, 10);
	if (!isdigit((unsigned char)arg[0]) || *stop != '\0' || errno != 0 ||
	    v == 0 || v > 600000) {
		cli_error("%s %s: give milliseconds, from 1 to 600000", option,
		    arg);
		return -1;
	}
	*ms = (int)v;
	return 0;
}

int
tvs_ask_once(const struct tvs_target *t, const char *cafile, bool tls10,
    int timeout_ms, const char *device, X509 *cert, struct tvs_response *out,
    struct ctl_diag *d)
{
	struct tvs_client_opts o;
	SSL_CTX *ctx = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	o.cafile = cafile;
	o.tls10_only = tls10;
	o.timeout_ms = timeout_ms;
	if ((rc = tvs_client_ctx(&o, &ctx, d)) != CTL_OK)
		return rc;
	rc = tvs_client_query(ctx, &o, t->host, t->port, device, cert, out, d);
	SSL_CTX_free(ctx);
	return rc;
}

void
tvs_roles_format(const struct tvs_response *r, char *out, size_t n)
{
	size_t i, used = 0;
	const char *name;
	char num[8];
	int w;

	if (n == 0)
		return;
	out[0] = '\0';
	if (r->nroles == 0) {
		snprintf(out, n, "none");
		return;
	}
	for (i = 0; i < r->nroles && used < n; i++) {
		if ((name = ctl_role_name(r->roles[i])) == NULL) {
			snprintf(num, sizeof(num), "%u", r->roles[i]);
			name = num;
		}
		w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
