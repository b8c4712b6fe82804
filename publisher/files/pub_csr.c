#include "pub_csr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ctl_err.h"
#include "file_io.h"
#include "secret.h"

/* The subjectAltName extension of the names and addresses, into EXTS. */
static int
add_san(STACK_OF(X509_EXTENSION) *exts, const char *const *dns,
    size_t ndns, const char *const *ip, size_t nip, struct ctl_diag *d)
{
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	GENERAL_NAME *g = NULL;
	ASN1_OCTET_STRING *a = NULL;
	X509_EXTENSION *ext = NULL;
	unsigned char addr[4];
	size_t i;
	int rc = CTL_ERR_CRYPTO;

	if (gens == NULL)
		goto out;
	for (i = 0; i < ndns + nip; i++) {
		if ((g = GENERAL_NAME_new()) == NULL)
			goto out;
		if (i < ndns) {
			ASN1_IA5STRING *s = ASN1_IA5STRING_new();

			if (s == NULL || !ASN1_STRING_set(s, dns[i], -1)) {
				ASN1_IA5STRING_free(s);
				goto out;
			}
			GENERAL_NAME_set0_value(g, GEN_DNS, s);
		} else {
			if (inet_pton(AF_INET, ip[i - ndns], addr) != 1) {
				rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s is not an "
				    "IPv4 address", ip[i - ndns]);
				goto out;
			}
			if ((a = ASN1_OCTET_STRING_new()) == NULL ||
			    !ASN1_OCTET_STRING_set(a, addr, sizeof(addr)))
				goto out;
			GENERAL_NAME_set0_value(g, GEN_IPADD, a);
			a = NULL; /* transferred */
		}
		if (!sk_GENERAL_NAME_push(gens, g))
			goto out;
		g = NULL; /* transferred */
	}
	if ((ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens)) == NULL ||
	    !sk_X509_EXTENSION_push(exts, ext))
		goto out;
	ext = NULL; /* transferred */
	rc = CTL_OK;
out:
	if (rc == CTL_ERR_CRYPTO)
		rc = ctl_diag_set(d, rc, "cannot build the request's "
		    "subjectAltName");
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(a);
	GENERAL_NAME_free(g);
	GENERAL_NAMES_free(gens);
	return rc;
}

int
pub_csr_make(const X509_NAME *subject, const char *const *dns, size_t ndns,
    const char *const *ip, size_t nip, enum pub_key_type kt, EVP_PKEY **key,
    char **pem, size_t *pemlen, struct ctl_diag *d)
{
	STACK_OF(X509_EXTENSION) *exts = NULL;
	X509_REQ *req = NULL;
	EVP_PKEY *k = NULL;
	BIO *b = NULL;
	char *p, *copy;
	long n;
	int rc = CTL_ERR_CRYPTO;

	*key = NULL;
	*pem = NULL;
	if (ndns > PUB_CSR_SAN_MAX || nip > PUB_CSR_SAN_MAX - ndns)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%zu names and addresses "
		    "for one request: at most %d", ndns + nip, PUB_CSR_SAN_MAX);
	if ((k = pub_key_new(kt)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot make a new key");
		goto out;
	}
	if ((req = X509_REQ_new()) == NULL ||
	    !X509_REQ_set_version(req, 0) ||
	    !X509_REQ_set_subject_name(req, subject) ||
	    !X509_REQ_set_pubkey(req, k) ||
	    (exts = sk_X509_EXTENSION_new_null()) == NULL) {
		rc = ctl_diag_set(d, rc, "cannot build the request");
		goto out;
	}
	if (ndns + nip > 0 &&
	    (rc = add_san(exts, dns, ndns, ip, nip, d)) != CTL_OK)
		goto out;
	rc = CTL_ERR_CRYPTO;
	if (!X509_REQ_add_extensions(req, exts) ||
	    X509_REQ_sign(req, k, EVP_sha256()) <= 0 ||
	    (b = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509_REQ(b, req) ||
	    (n = BIO_get_mem_data(b, &p)) <= 0) {
		rc = ctl_diag_set(d, rc, "cannot sign the request");
		goto out;
	}
	if ((copy = malloc((size_t)n + 1)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(copy, p, (size_t)n);
	copy[n] = '\0';
	*pem = copy;
	*pemlen = (size_t)n;
	*key = k;
	k = NULL; /* transferred */
	rc = CTL_OK;
out:
	ERR_clear_error();
	BIO_free(b);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
	return rc;
}

int
pub_csr_key_write(const char *path, EVP_PKEY *key, struct ctl_diag *d)
{
	/* secure memory: the key text is cleared when the BIO is freed */
	BIO *b = BIO_new(BIO_s_secmem());
	char *p;
	long n;
	int rc;

	if (b == NULL || !PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0,
	    NULL, NULL) || (n = BIO_get_mem_data(b, &p)) <= 0) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "%s: cannot encode the "
		    "key", path);
		goto out;
	}
	rc = file_write_atomic(path, p, (size_t)n, 0600, d);
out:
	ERR_clear_error();
	BIO_free(b);
	return rc;
}

int
pub_csr_key_read(const char *path, EVP_PKEY **key, struct ctl_diag *d)
{
	uint8_t *raw = NULL;
	size_t len = 0;
	BIO *b = NULL;
	struct stat sb;
	int rc;

	*key = NULL;
	if (lstat(path, &sb) != 0 && errno == ENOENT)
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: no pending key",
		    path);
	if ((rc = file_read_limited(path, 64u * 1024, &raw, &len, d)) !=
	    CTL_OK)
		return rc;
	if ((b = BIO_new_mem_buf(raw, (int)len)) == NULL ||
	    (*key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)) == NULL)
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: no PEM private key",
		    path);
	ERR_clear_error();
	BIO_free(b);
	secret_wipe(raw, len);
	free(raw);
	return rc;
}
