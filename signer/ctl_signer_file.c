/* Signers whose key is in memory or in a PEM file. */
#include "ctl_signer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "ctl_err.h"
#include "file_io.h"
#include "ossl_err.h"

static int
key_sign(void *ctx, const EVP_MD *md, const uint8_t *msg, size_t msglen,
    uint8_t *sig, size_t *siglen, struct ctl_diag *d)
{
	EVP_PKEY *key = ctx;
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t need = 0;
	int rc = CTL_ERR_CRYPTO;

	if (mctx == NULL)
		return CTL_ERR_NOMEM;
	if (EVP_DigestSignInit(mctx, &pctx, md, NULL, key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_DigestSign(mctx, NULL, &need, msg, msglen) != 1) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot start signing: %s",
		    ossl_err_reason());
		goto out;
	}
	if (need > *siglen) {
		rc = ctl_diag_set(d, CTL_ERR_INTERNAL, "signature buffer too "
		    "small (%zu bytes, %zu needed)", *siglen, need);
		goto out;
	}
	if (EVP_DigestSign(mctx, sig, siglen, msg, msglen) != 1) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "signing failed: %s",
		    ossl_err_reason());
		goto out;
	}
	rc = CTL_OK;
out:
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	return rc;
}

void
ctl_signer_key(struct ctl_signer *s, EVP_PKEY *key, X509 *cert,
    const char *label)
{
	s->sign = key_sign;
	s->ctx = key;
	s->cert = cert;
	s->label = label;
}

int
ctl_signer_file_open(const char *path, struct ctl_signer *s,
    struct ctl_diag *d)
{
	FILE *fp = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int fd = -1, rc = CTL_ERR_INTERNAL;

	memset(s, 0, sizeof(*s));
	if ((fd = file_open_regular(path, "the signer file", d)) < 0) {
		rc = fd;
		goto out;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot open the signer "
		    "file: %s", path, strerror(errno));
		goto out;
	}
	fd = -1; /* transferred */
	/* The PEM readers skip blocks of other types, so the key and the
	 * certificate may come in either order. */
	if ((key = PEM_read_PrivateKey(fp, NULL, NULL, NULL)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: no PEM private key in "
		    "the signer file (it must hold the key and its "
		    "certificate)", path);
		goto out;
	}
	rewind(fp);
	if ((cert = PEM_read_X509(fp, NULL, NULL, NULL)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: no PEM certificate in "
		    "the signer file (it must hold the key and its "
		    "certificate)", path);
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: the private key does "
		    "not belong to the certificate in the same file", path);
		goto out;
	}
	ctl_signer_key(s, key, cert, path);
	key = NULL; /* transferred */
	cert = NULL;
	rc = CTL_OK;
out:
	ERR_clear_error();
	if (fp != NULL)
		fclose(fp);
	if (fd >= 0)
		close(fd);
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}

void
ctl_signer_file_free(struct ctl_signer *s)
{
	EVP_PKEY_free(s->ctx);
	X509_free(s->cert);
	memset(s, 0, sizeof(*s));
}
