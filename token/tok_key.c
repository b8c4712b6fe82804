/*
 * Opening a signing key on a token: the SAST certificate and the private
 * key beside it (same CKA_ID), after one login.
 */
#include "tok_int.h"
#include "tok_key_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "hex.h"

static int
check_type(const struct tok_uri *u, const char *uritext, struct ctl_diag *d)
{
	if (!u->has_class || u->klass == CKO_PRIVATE_KEY ||
	    u->klass == CKO_CERTIFICATE)
		return CTL_OK;
	return ctl_diag_set(d, CTL_ERR_URI,
	    "%s: a signing key is named with type=private or type=cert (or "
	    "no type)", uritext);
}

/* Fails before the PIN is asked for when the token cannot hold a pair. */
static int
precheck_certs(PKCS11_SLOT *slot, const struct tok_uri *u, const char *name,
    struct ctl_diag *d)
{
	PKCS11_CERT *certs = NULL;
	unsigned int i, n = 0;
	char idhex[HEX_SIZE(32)];

	if (PKCS11_enumerate_certs(slot->token, &certs, &n) != 0) {
		return ctl_diag_set(d, CTL_ERR_TOKEN,
		    "token %s: cannot list its certificates", name);
	}
	if (n == 0) {
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND,
		    "token %s holds no certificate: a signing token needs "
		    "its SAST certificate next to the key (same ID); no PIN "
		    "was asked for", name);
	}
	if (u->id == NULL)
		return CTL_OK;
	for (i = 0; i < n; i++)
		if (certs[i].id_len == u->id_len &&
		    memcmp(certs[i].id, u->id, u->id_len) == 0)
			return CTL_OK;
	return ctl_diag_set(d, CTL_ERR_NOT_FOUND,
	    "token %s holds no certificate with id %s; no PIN was asked for",
	    name, hex_format(idhex, sizeof(idhex), u->id, u->id_len, ':', 0));
}

/* The one certificate/private key pair U names on the logged-in token. */
static int
find_pair(PKCS11_SLOT *slot, const struct tok_uri *u, const char *name,
    const char *uritext, PKCS11_KEY **keyp, PKCS11_CERT **certp,
    struct ctl_diag *d)
{
	PKCS11_KEY *keys = NULL;
	PKCS11_CERT *certs = NULL;
	unsigned int nk = 0, nc = 0, i, j, pairs = 0;
	char seen[256] = "";

	*keyp = NULL;
	*certp = NULL;
	if (PKCS11_enumerate_keys(slot->token, &keys, &nk) != 0 ||
	    PKCS11_enumerate_certs(slot->token, &certs, &nc) != 0) {
		return ctl_diag_set(d, CTL_ERR_TOKEN,
		    "token %s: cannot list its keys and certificates", name);
	}
	for (i = 0; i < nk; i++) {
		for (j = 0; j < nc; j++) {
			size_t used = strlen(seen);

			if (keys[i].id_len != certs[j].id_len ||
			    memcmp(keys[i].id, certs[j].id, keys[i].id_len) != 0)
				continue;
			if (used < sizeof(seen))
				snprintf(seen + used, sizeof(seen) - used,
				    "%s%s+%s", used ? ", " : "",
				    keys[i].label ? keys[i].label : "?",
				    certs[j].label ? certs[j].label : "?");
			if (!tok_uri_match_object(u, keys[i].label,
			    keys[i].id, keys[i].id_len) &&
			    !tok_uri_match_object(u, certs[j].label,
			    certs[j].id, certs[j].id_len))
				continue;
			*keyp = &keys[i];
			*certp = &certs[j];
			pairs++;
		}
	}
	if (pairs == 1)
		return CTL_OK;
	if (pairs > 1) {
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "token %s holds %u key pairs matching %s (%s): name one "
		    "with object= or id=", name, pairs, uritext, seen);
	}
	if (seen[0] == '\0') {
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND,
		    "token %s holds no private key with a certificate of the "
		    "same ID: it cannot sign as a SAST token", name);
	}
	return ctl_diag_set(d, CTL_ERR_NOT_FOUND,
	    "token %s: no key pair matches %s (pairs present, key+cert: %s)",
	    name, uritext, seen);
}

int
tok_key_open(struct tok_ctx *ctx, const char *uritext,
    const struct tok_login_opts *opts, struct tok_key **out,
    struct ctl_diag *d)
{
	struct tok_uri u;
	struct tok_key *k = NULL;
	PKCS11_SLOT *slot = NULL;
	PKCS11_KEY *key;
	PKCS11_CERT *cert;
	char name[160];
	int r;

	*out = NULL;
	if ((r = tok_uri_parse(uritext, &u, d)) != CTL_OK)
		return r;
	if ((r = check_type(&u, uritext, d)) != CTL_OK ||
	    (r = tok_select(ctx, &u, uritext, &slot, d)) != CTL_OK)
		goto out;
	tok_token_name(slot->token, name, sizeof(name));
	if ((r = precheck_certs(slot, &u, name, d)) != CTL_OK ||
	    (r = tok_login(ctx, &slot, &u, opts, d)) != CTL_OK ||
	    (r = find_pair(slot, &u, name, uritext, &key, &cert, d)) != CTL_OK)
		goto out;
	if (PKCS11_get_key_type(key) != EVP_PKEY_RSA) {
		r = ctl_diag_set(d, CTL_ERR_KEY,
		    "token %s: key %s is not an RSA key; CTL files are signed "
		    "with RSA", name, key->label ? key->label : "(no label)");
		goto out;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->label = strdup(slot->token->label)) == NULL ||
	    (k->cert = X509_dup(cert->x509)) == NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((k->pkey = PKCS11_get_private_key(key)) == NULL) {
		r = ctl_diag_set(d, CTL_ERR_TOKEN,
		    "token %s: cannot use private key %s", name,
		    key->label ? key->label : "(no label)");
		goto out;
	}
	/* A certificate written under the wrong ID would sign unverifiably. */
	if (EVP_PKEY_eq(X509_get0_pubkey(k->cert), k->pkey) != 1) {
		r = ctl_diag_set(d, CTL_ERR_KEY,
		    "token %s: certificate %s does not belong to private key "
		    "%s although they share an ID: write the right "
		    "certificate to the token", name,
		    cert->label ? cert->label : "(no label)",
		    key->label ? key->label : "(no label)");
		goto out;
	}
	k->ctx = ctx;
	ctx->open_keys++;
	*out = k;
	k = NULL; /* transferred */
	r = CTL_OK;
out:
	tok_key_free(k);
	tok_uri_clear(&u);
	return r;
}

X509 *
tok_key_cert(const struct tok_key *k)
{
	return k->cert;
}

const char *
tok_key_label(const struct tok_key *k)
{
	return k->label;
}

void
tok_key_free(struct tok_key *k)
{
	if (k == NULL)
		return;
	if (k->ctx != NULL)
		k->ctx->open_keys--;
	EVP_PKEY_free(k->pkey);
	X509_free(k->cert);
	free(k->label);
	free(k);
}
