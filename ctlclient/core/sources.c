#include "sources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "log_escape.h"
#include "net_opts.h"
#include "rehearse.h"

bool
cli_is_uri(const char *spec)
{
	return strncmp(spec, "pkcs11:", 7) == 0;
}

static int
tokens(struct cli_sources *src, struct ctl_diag *d)
{
	if (src->tok != NULL)
		return CTL_OK;
	return tok_ctx_open(src->module, &src->tok, d);
}

int
cli_signer_open(struct cli_sources *src, const char *spec,
    struct cli_signer *cs, struct ctl_diag *d)
{
	int rc;

	memset(cs, 0, sizeof(*cs));
	if (!cli_is_uri(spec))
		return ctl_signer_file_open(spec, &cs->s, d);
	if ((rc = tokens(src, d)) != CTL_OK ||
	    (rc = tok_key_open(src->tok, spec, &src->login, &cs->key, d)))
		return rc;
	cs->s.sign = tok_key_sign;
	cs->s.ctx = cs->key;
	cs->s.cert = tok_key_cert(cs->key);
	cs->s.label = tok_key_label(cs->key);
	return CTL_OK;
}

void
cli_signer_close(struct cli_signer *cs)
{
	if (cs->key != NULL)
		tok_key_free(cs->key);
	else if (cs->s.cert != NULL)
		ctl_signer_file_free(&cs->s);
	memset(cs, 0, sizeof(*cs));
}

int
cli_cert_open(struct cli_sources *src, const char *spec, X509 **out,
    struct ctl_diag *d)
{
	int rc;

	if (!cli_is_uri(spec))
		return ctl_cert_load_file(spec, out, d);
	if ((rc = tokens(src, d)) != CTL_OK)
		return rc;
	return tok_cert_load(src->tok, spec, out, d);
}

void
cli_sources_close(struct cli_sources *src)
{
	tok_ctx_free(src->tok);
	src->tok = NULL;
}

int
cli_endpoints_parse(const char *arg, const char *option,
    uint16_t default_port, struct cli_endpoint *t, size_t max, size_t *n,
    struct ctl_diag *d)
{
	char item[CLI_ENDPOINT_HOST + 16], esc[LOG_ESCAPE_SIZE(40)];
	struct ctl_diag hd;
	const char *p = arg, *comma;
	size_t len, k = 0;
	int r;

	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (k == max)
			return ctl_diag_set(d, CTL_ERR_USAGE, "%s: at most %zu "
			    "servers", option, max);
		if (len == 0 || len >= sizeof(item))
			return ctl_diag_set(d, CTL_ERR_USAGE, "%s: an empty or "
			    "too long item in the list (HOST[:PORT],...)",
			    option);
		memcpy(item, p, len);
		item[len] = '\0';
		ctl_diag_clear(&hd);
		if ((r = net_host_port_parse(item, default_port, t[k].host,
		    sizeof(t[k].host), &t[k].port, &hd)) != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_USAGE, "%s %s: %s",
			    option, log_escape_str(esc, sizeof(esc), item),
			    ctl_diag_msg(&hd, r));
		k++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*n = k;
	return CTL_OK;
}

const char *
cli_endpoint_format(const struct cli_endpoint *t, char *out, size_t n)
{
	snprintf(out, n, strchr(t->host, ':') != NULL ? "[%s]:%u" : "%s:%u",
	    t->host, t->port);
	return out;
}

int
cli_itl_fetch(const struct cli_endpoint *t, size_t n, int timeout_ms,
    struct ctl_file **out, char *from, size_t fromsz, struct ctl_diag *d)
{
	char err[CTL_DIAG_MAX], name[CLI_ENDPOINT_HOST + 10];
	struct ctl_diag pd;
	uint8_t *data = NULL;
	size_t i, len, absent = 0;
	int rc;

	err[0] = '\0';
	for (i = 0; i < n; i++) {
		cli_endpoint_format(&t[i], name, sizeof(name));
		switch (rehearse_tftp_get(t[i].host, t[i].port,
		    REHEARSE_ITL_FILE, timeout_ms, &data, &len, err,
		    sizeof(err))) {
		case PHONE_DL_FAILED:
			continue;
		case PHONE_DL_ABSENT:
			absent++;
			continue;
		case PHONE_DL_OK:
			break;
		}
		ctl_diag_clear(&pd);
		rc = ctl_parse(data, len, out, &pd);
		free(data);
		if (rc != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "%s served by %s "
			    "does not parse: %s", REHEARSE_ITL_FILE, name,
			    ctl_diag_msg(&pd, rc));
		if (!ctl_is_itl(*out)) {
			ctl_free(*out);
			*out = NULL;
			return ctl_diag_set(d, CTL_ERR_FORMAT, "%s served by %s "
			    "is not an ITL", REHEARSE_ITL_FILE, name);
		}
		snprintf(from, fromsz, "%s", name);
		return CTL_OK;
	}
	if (absent > 0)
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "no %s on the TFTP "
		    "servers given: nothing to pin TVS certificates from",
		    REHEARSE_ITL_FILE);
	return ctl_diag_set(d, CTL_ERR_NETWORK, "no TFTP server answered "
	    "(last: %s)", err);
}

size_t
cli_itl_tvs_pins(const struct ctl_file *itl, X509 **pins, size_t max)
{
	size_t i, n = 0;

	for (i = 0; itl != NULL && i < itl->nrecords && n < max; i++)
		if (itl->records[i].has_role &&
		    itl->records[i].role == CTL_ROLE_TVS &&
		    itl->records[i].cert != NULL)
			pins[n++] = itl->records[i].cert;
	return n;
}
