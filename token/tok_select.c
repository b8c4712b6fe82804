/* Choosing the one token a PKCS#11 URI names. */
#include "tok_int.h"

#include <stdio.h>
#include <string.h>

#include "ctl_err.h"

const char *
tok_token_name(const PKCS11_TOKEN *t, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%s (%s, serial %s)", t->label, t->model,
	    t->serialnr);
	return buf;
}

/* Appends ", LABEL" to the list in BUF, keeping it terminated. */
static void
list_add(char *buf, size_t bufsz, const char *label)
{
	size_t used = strlen(buf);

	if (used < bufsz)
		snprintf(buf + used, bufsz - used, "%s%s", used ? ", " : "",
		    label);
}

/*
 * 1 when the token in SLOT shows, without login, a certificate or public
 * key that U's object= and id= match: when several tokens fit the token
 * attributes, "pkcs11:object=SAST2-cert" still names one of them.
 */
static int
has_object(PKCS11_SLOT *slot, const struct tok_uri *u)
{
	PKCS11_CERT *certs = NULL;
	PKCS11_KEY *keys = NULL;
	unsigned int i, n = 0;

	if (PKCS11_enumerate_certs(slot->token, &certs, &n) == 0)
		for (i = 0; i < n; i++)
			if (tok_uri_match_object(u, certs[i].label,
			    certs[i].id, certs[i].id_len))
				return 1;
	n = 0;
	if (PKCS11_enumerate_public_keys(slot->token, &keys, &n) == 0)
		for (i = 0; i < n; i++)
			if (tok_uri_match_object(u, keys[i].label,
			    keys[i].id, keys[i].id_len))
				return 1;
	return 0;
}

int
tok_select(struct tok_ctx *ctx, const struct tok_uri *u, const char *uritext,
    PKCS11_SLOT **slot, struct ctl_diag *d)
{
	char present[256] = "", matching[256] = "";
	PKCS11_SLOT *found = NULL;
	unsigned int i, n = 0;

	*slot = NULL;
	for (i = 0; i < ctx->nslots; i++) {
		PKCS11_SLOT *s = &ctx->slots[i];

		/* SoftHSM and some readers show a blank token in a spare slot. */
		if (s->token == NULL || !s->token->initialized)
			continue;
		list_add(present, sizeof(present), s->token->label);
		if (!tok_uri_match_token(u, s))
			continue;
		list_add(matching, sizeof(matching), s->token->label);
		found = s;
		n++;
	}
	if (n > 1 && (u->object != NULL || u->id != NULL)) {
		matching[0] = '\0';
		for (n = 0, i = 0; i < ctx->nslots; i++) {
			PKCS11_SLOT *s = &ctx->slots[i];

			if (s->token == NULL || !s->token->initialized ||
			    !tok_uri_match_token(u, s) || !has_object(s, u))
				continue;
			list_add(matching, sizeof(matching), s->token->label);
			found = s;
			n++;
		}
		if (n == 0) {
			return ctl_diag_set(d, CTL_ERR_NOT_FOUND,
			    "no token holds an object matching %s (tokens "
			    "present: %s)", uritext, present);
		}
	}
	if (n == 1) {
		*slot = found;
		return CTL_OK;
	}
	if (n > 1) {
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "%u tokens match %s (%s): name one with token= or serial=",
		    n, uritext, matching);
	}
	if (present[0] == '\0') {
		return ctl_diag_set(d, CTL_ERR_TOKEN_ABSENT,
		    "no token matches %s: module %s shows no token; plug the "
		    "eToken in and run 'ctlclient tokens' to see what is "
		    "detected", uritext, ctx->module);
	}
	return ctl_diag_set(d, CTL_ERR_TOKEN_ABSENT,
	    "no token matches %s (tokens present: %s): check the label with "
	    "'ctlclient tokens'", uritext, present);
}
