#include "sources.h"

#include <string.h>

#include "ctl_cert.h"
#include "ctl_err.h"

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
