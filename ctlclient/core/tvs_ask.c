/* One TVS question from the command line: see tvs_ask.h. */
#include "tvs_ask.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "ctl_err.h"
#include "net_opts.h"

int
tvs_target_parse(const char *arg, const char *option, struct tvs_target *t)
{
	struct ctl_diag d;
	int r;

	ctl_diag_clear(&d);
	if ((r = net_host_port_parse(arg, TVS_DEFAULT_PORT, t->host,
	    sizeof(t->host), &t->port, &d)) != CTL_OK)
		cli_error("%s %s: %s", option, arg, ctl_diag_msg(&d, r));
	return r;
}

int
tvs_target_list_parse(const char *arg, const char *option,
    struct tvs_target *t, size_t max, size_t *n)
{
	char item[TVS_ASK_MAX_HOST + 16];
	const char *p = arg, *comma;
	size_t len;

	*n = 0;
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= sizeof(item)) {
			cli_error("%s %s: item %zu is %s: give HOST[:PORT] "
			    "items separated by commas", option, arg, *n + 1,
			    len == 0 ? "empty" : "too long");
			return CTL_ERR_USAGE;
		}
		if (*n == max) {
			cli_error("%s %s: at most %zu TVS servers", option, arg,
			    max);
			return CTL_ERR_USAGE;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (tvs_target_parse(item, option, &t[*n]) != CTL_OK)
			return CTL_ERR_USAGE;
		(*n)++;
		if (comma == NULL)
			return CTL_OK;
		p = comma + 1;
	}
}

void
tvs_target_format(const struct tvs_target *t, char *out, size_t n)
{
	snprintf(out, n, strchr(t->host, ':') != NULL ? "[%s]:%u" : "%s:%u",
	    t->host, t->port);
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
		return CTL_ERR_USAGE;
	}
	*ms = (int)v;
	return CTL_OK;
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
