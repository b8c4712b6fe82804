/*
 * Signing with a key on a token: the digest and the PKCS#1 DigestInfo are
 * made here, the token does one C_Sign (CKM_RSA_PKCS) through libp11's
 * EVP_PKEY.
 */
#include "tok_int.h"
#include "tok_key_int.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "ctl_err.h"

int
tok_key_sign(void *key, const EVP_MD *md, const uint8_t *msg, size_t msglen,
    uint8_t *sig, size_t *siglen, struct ctl_diag *d)
{
	struct tok_key *k = key;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	size_t need, len;
	unsigned long rv;
	char nb[48];
	int type, r = CTL_ERR_INTERNAL;

	type = md != NULL ? EVP_MD_get_type(md) : NID_undef;
	if (type != NID_sha1 && type != NID_sha256 && type != NID_sha512) {
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "token %s: digest %s is not used for CTL files (use sha1, "
		    "sha256 or sha512)", k->label,
		    md != NULL ? EVP_MD_get0_name(md) : "(none)");
	}
	need = (size_t)EVP_PKEY_get_size(k->pkey);
	if (*siglen < need) {
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "token %s: the signature needs %zu bytes, %zu given",
		    k->label, need, *siglen);
	}
	ERR_clear_error();
	if ((mctx = EVP_MD_CTX_new()) == NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	len = *siglen;
	/*
	 * With SIG given, EVP_DigestSign signs once; it never asks the key
	 * for the length first, so the token sees exactly one C_Sign.
	 */
	if (EVP_DigestSignInit(mctx, &pctx, md, NULL, k->pkey) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_DigestSign(mctx, sig, &len, msg, msglen) != 1) {
		rv = tok_ckr_last();
		if (tok_ckr_is_removal(rv)) {
			r = ctl_diag_set(d, CTL_ERR_TOKEN_ABSENT,
			    "token %s was removed while signing (%s): no "
			    "signature was made; plug it in and run the "
			    "command again", k->label,
			    tok_ckr_name(rv, nb, sizeof(nb)));
		} else if (rv != CKR_OK) {
			r = ctl_diag_set(d, CTL_ERR_TOKEN,
			    "token %s: signing failed (%s)", k->label,
			    tok_ckr_name(rv, nb, sizeof(nb)));
		} else {
			r = ctl_diag_set(d, CTL_ERR_CRYPTO,
			    "token %s: signing failed in OpenSSL", k->label);
		}
		goto out;
	}
	*siglen = len;
	r = CTL_OK;
out:
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	return r;
}
