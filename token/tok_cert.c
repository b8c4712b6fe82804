/* Reading a certificate from a token, without logging in. */
#include "tok_int.h"

#include <stdio.h>
#include <string.h>

#include "ctl_err.h"

int
tok_cert_load(struct tok_ctx *ctx, const char *uritext, X509 **out,
    struct ctl_diag *d)
{
	struct tok_uri u;
	PKCS11_SLOT *slot;
	PKCS11_CERT *certs = NULL, *found = NULL;
	unsigned int i, n = 0, nmatch = 0;
	char name[160], seen[256] = "";
	int r;

	*out = NULL;
	if ((r = tok_uri_parse(uritext, &u, d)) != CTL_OK)
		return r;
	if (u.has_class && u.klass != CKO_CERTIFICATE) {
		r = ctl_diag_set(d, CTL_ERR_URI,
		    "%s: a certificate is named with type=cert (or no type)",
		    uritext);
		goto out;
	}
	if ((r = tok_select(ctx, &u, uritext, &slot, d)) != CTL_OK)
		goto out;
	tok_token_name(slot->token, name, sizeof(name));
	if (PKCS11_enumerate_certs(slot->token, &certs, &n) != 0) {
		r = ctl_diag_set(d, CTL_ERR_TOKEN,
		    "token %s: cannot list its certificates", name);
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t used = strlen(seen);
		const char *label = certs[i].label ? certs[i].label : "?";

		if (used < sizeof(seen))
			snprintf(seen + used, sizeof(seen) - used, "%s%s",
			    used ? ", " : "", label);
		if (tok_uri_match_object(&u, certs[i].label, certs[i].id,
		    certs[i].id_len)) {
			found = &certs[i];
			nmatch++;
		}
	}
	if (nmatch == 0) {
		r = ctl_diag_set(d, CTL_ERR_NOT_FOUND,
		    "token %s: no certificate matches %s (certificates: %s)",
		    name, uritext, n ? seen : "none");
		goto out;
	}
	if (nmatch > 1) {
		r = ctl_diag_set(d, CTL_ERR_USAGE,
		    "token %s holds %u certificates matching %s (%s): name one "
		    "with object= or id=", name, nmatch, uritext, seen);
		goto out;
	}
	if ((*out = X509_dup(found->x509)) == NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	r = CTL_OK;
out:
	tok_uri_clear(&u);
	return r;
}
