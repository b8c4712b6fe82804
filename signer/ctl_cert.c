#include "ctl_cert.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "ctl_err.h"
#include "file_io.h"
#include "wbuf.h"

#define NAME_MAX_BYTES 4096

static const int name_order[] = {
	NID_commonName, NID_organizationalUnitName, NID_organizationName,
	NID_localityName, NID_stateOrProvinceName, NID_countryName,
};

static bool
is_ordered(int nid)
{
	size_t i;

	for (i = 0; i < sizeof(name_order) / sizeof(name_order[0]); i++)
		if (name_order[i] == nid)
			return true;
	return false;
}

static int
put_entry(struct wbuf *w, const X509_NAME_ENTRY *e)
{
	int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
	const char *sn = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
	unsigned char *utf8 = NULL;
	char oid[80];
	int n, rc;

	if (sn == NULL) {
		OBJ_obj2txt(oid, sizeof(oid), X509_NAME_ENTRY_get_object(e), 1);
		sn = oid;
	}
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (n < 0)
		return CTL_ERR_CRYPTO;
	if ((w->len > 0 && (rc = wb_put_u8(w, ';')) != CTL_OK) ||
	    (rc = wb_put_bytes(w, sn, strlen(sn))) != CTL_OK ||
	    (rc = wb_put_u8(w, '=')) != CTL_OK ||
	    (rc = wb_put_bytes(w, utf8, (size_t)n)) != CTL_OK) {
		OPENSSL_free(utf8);
		return rc;
	}
	OPENSSL_free(utf8);
	return CTL_OK;
}

int
ctl_name_format(const X509_NAME *name, char **out)
{
	struct wbuf w;
	const X509_NAME_ENTRY *e;
	size_t i, len;
	int j, rc = CTL_ERR_INTERNAL;

	*out = NULL;
	wb_init(&w, NAME_MAX_BYTES);
	for (i = 0; i < sizeof(name_order) / sizeof(name_order[0]); i++) {
		j = -1;
		while ((j = X509_NAME_get_index_by_NID(name, name_order[i],
		    j)) >= 0) {
			e = X509_NAME_get_entry(name, j);
			if ((rc = put_entry(&w, e)) != CTL_OK)
				goto out;
		}
	}
	for (j = 0; j < X509_NAME_entry_count(name); j++) {
		e = X509_NAME_get_entry(name, j);
		if (is_ordered(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e))))
			continue;
		if ((rc = put_entry(&w, e)) != CTL_OK)
			goto out;
	}
	if ((rc = wb_put_u8(&w, '\0')) != CTL_OK)
		goto out;
	*out = (char *)wb_steal(&w, &len);
	rc = CTL_OK;
out:
	wb_free(&w);
	return rc;
}

int
ctl_cert_serial(const X509 *x, uint8_t **out, size_t *len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	int n, rc = CTL_ERR_CRYPTO;

	*out = NULL;
	*len = 0;
	if (bn == NULL)
		goto out;
	/* A zero serial still takes one byte in the record. */
	n = BN_num_bytes(bn) > 0 ? BN_num_bytes(bn) : 1;
	if ((*out = calloc(1, (size_t)n)) == NULL) {
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	if (BN_bn2binpad(bn, *out, n) != n) {
		free(*out);
		*out = NULL;
		goto out;
	}
	*len = (size_t)n;
	rc = CTL_OK;
out:
	BN_free(bn);
	return rc;
}

int
ctl_cert_pubkey(const X509 *x, uint8_t **out, size_t *len)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	unsigned char *p = NULL;
	int n;

	*out = NULL;
	*len = 0;
	if (pk == NULL)
		return CTL_ERR_KEY;
	/* i2d_PublicKey writes the type-specific form: RSAPublicKey for
	 * RSA, the uncompressed point for EC. */
	n = i2d_PublicKey(pk, &p);
	if (n <= 0)
		return CTL_ERR_KEY;
	*out = malloc((size_t)n);
	if (*out == NULL) {
		OPENSSL_free(p);
		return CTL_ERR_NOMEM;
	}
	memcpy(*out, p, (size_t)n);
	OPENSSL_free(p);
	*len = (size_t)n;
	return CTL_OK;
}

void
ctl_cert_signature(const X509 *x, const uint8_t **sig, size_t *len)
{
	const ASN1_BIT_STRING *bs = NULL;

	X509_get0_signature(&bs, NULL, x);
	*sig = bs != NULL ? ASN1_STRING_get0_data(bs) : NULL;
	*len = bs != NULL ? (size_t)ASN1_STRING_length(bs) : 0;
}

int
ctl_cert_sha1(const X509 *x, uint8_t out[20])
{
	unsigned int n = 20;

	return X509_digest(x, EVP_sha1(), out, &n) == 1 && n == 20 ?
	    CTL_OK : CTL_ERR_CRYPTO;
}

int
ctl_cert_key_bits(const X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);

	return pk != NULL ? EVP_PKEY_get_bits(pk) : 0;
}

const char *
ctl_cert_key_type(const X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);

	if (pk != NULL && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA)
		return "RSA";
	if (pk != NULL && EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC)
		return "EC";
	return "unknown";
}

const char *
ctl_cert_key_describe(const X509 *x, char *buf, size_t len)
{
	const char *type = ctl_cert_key_type(x);
	int bits = ctl_cert_key_bits(x);

	if (strcmp(type, "RSA") == 0)
		snprintf(buf, len, "RSA %d bits", bits);
	else if (strcmp(type, "EC") == 0)
		/* P-256 and P-384 are named by their size. */
		snprintf(buf, len, "EC P-%d (%d bits)", bits, bits);
	else
		snprintf(buf, len, "unknown");
	return buf;
}

int
ctl_cert_load_file(const char *path, X509 **out, struct ctl_diag *d)
{
	BIO *bio = NULL;
	X509 *x = NULL;
	int fd = -1, rc = CTL_ERR_INTERNAL;

	*out = NULL;
	if ((fd = file_open_regular(path, "the certificate file", d)) < 0) {
		rc = fd;
		goto out;
	}
	if ((bio = BIO_new_fd(fd, BIO_CLOSE)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot open the "
		    "certificate file", path);
		goto out;
	}
	fd = -1; /* transferred */
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (x == NULL) {
		(void)BIO_reset(bio);
		x = d2i_X509_bio(bio, NULL);
	}
	if (x == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: not a PEM or DER X.509 "
		    "certificate", path);
		goto out;
	}
	*out = x;
	rc = CTL_OK;
out:
	ERR_clear_error();
	BIO_free(bio);
	if (fd >= 0)
		close(fd);
	return rc;
}
