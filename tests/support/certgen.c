#include "certgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

static EVP_PKEY *
new_key(int bits)
{
	if (bits == 0)
		return EVP_EC_gen("P-256");
	return EVP_RSA_gen((unsigned int)bits);
}

static int
add_subject(X509_NAME *n, const char *spec)
{
	char *copy = strdup(spec), *p, *next, *eq;
	int rc = -1;

	if (copy == NULL || *copy != '/')
		goto out;
	for (p = copy + 1; p != NULL && *p != '\0'; p = next) {
		next = strchr(p, '/');
		if (next != NULL)
			*next++ = '\0';
		if ((eq = strchr(p, '=')) == NULL)
			goto out;
		*eq++ = '\0';
		if (!X509_NAME_add_entry_by_txt(n, p, MBSTRING_UTF8,
		    (unsigned char *)eq, -1, -1, 0))
			goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* One attempt with PAD bytes of comment (-1: no comment). */
static X509 *
make_once(const struct tg_spec *s, EVP_PKEY *key, const uint8_t *serial,
    long pad)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	X509_EXTENSION *ext = NULL;
	char *comment = NULL;
	EVP_PKEY *signkey = s->issuer ? s->issuer->key : key;
	X509 *ok = NULL;

	if (x == NULL || n == NULL || add_subject(n, s->subject) != 0)
		goto out;
	if ((bn = BN_bin2bn(serial, (int)s->serial_len, NULL)) == NULL ||
	    (sn = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_set_version(x, 2) || !X509_set_serialNumber(x, sn) ||
	    !X509_set_subject_name(x, n) ||
	    !X509_set_issuer_name(x, s->issuer ?
	    X509_get_subject_name(s->issuer->cert) : n) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 5L * 365 * 86400) ||
	    !X509_set_pubkey(x, key))
		goto out;
	if (pad >= 0) {
		if ((comment = malloc((size_t)pad + 1)) == NULL)
			goto out;
		memset(comment, 'x', (size_t)pad);
		comment[pad] = '\0';
		ext = X509V3_EXT_conf_nid(NULL, NULL, NID_netscape_comment,
		    comment);
		if (ext == NULL || !X509_add_ext(x, ext, -1))
			goto out;
	}
	if (!X509_sign(x, signkey, s->md ? s->md : EVP_sha256()))
		goto out;
	ok = x;
	x = NULL;
out:
	X509_free(x);
	X509_NAME_free(n);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	X509_EXTENSION_free(ext);
	free(comment);
	return ok;
}

size_t
tg_der_len(const struct tg_cert *c)
{
	int n = i2d_X509(c->cert, NULL);

	return n > 0 ? (size_t)n : 0;
}

int
tg_make(const struct tg_spec *s, struct tg_cert *out)
{
	uint8_t serial[20];
	X509 *x = NULL;
	EVP_PKEY *key = NULL;
	long pad, base, len;

	memset(out, 0, sizeof(*out));
	if (s->serial_len < 1 || s->serial_len > sizeof(serial) ||
	    RAND_bytes(serial, (int)s->serial_len) != 1)
		return -1;
	/* Positive, and exactly serial_len bytes long. */
	serial[0] = (uint8_t)(0x40 | (serial[0] & 0x3f));
	if (s->reuse_key != NULL) {
		key = s->reuse_key;
		EVP_PKEY_up_ref(key);
	} else if ((key = new_key(s->bits)) == NULL) {
		return -1;
	}
	if ((x = make_once(s, key, serial, -1)) == NULL)
		goto fail;
	if (s->der_len != 0) {
		/* The comment extension costs about 15 bytes of framing plus
		 * its text; DER length fields may grow by a byte at 128 and
		 * 256, so try every padding in a window below the estimate. */
		base = i2d_X509(x, NULL);
		X509_free(x);
		x = NULL;
		for (pad = (long)s->der_len - base - 64; pad <= (long)s->der_len -
		    base; pad++) {
			if (pad < 0)
				continue;
			if ((x = make_once(s, key, serial, pad)) == NULL)
				goto fail;
			len = i2d_X509(x, NULL);
			if (len == (long)s->der_len)
				break;
			X509_free(x);
			x = NULL;
		}
		if (x == NULL)
			goto fail;
	}
	out->cert = x;
	out->key = key;
	return 0;
fail:
	X509_free(x);
	EVP_PKEY_free(key);
	return -1;
}

void
tg_free(struct tg_cert *c)
{
	X509_free(c->cert);
	EVP_PKEY_free(c->key);
	memset(c, 0, sizeof(*c));
}

int
tg_write(const struct tg_cert *c, const char *cert_path, const char *key_path)
{
	FILE *f;
	int ok;

	if ((f = fopen(cert_path, "w")) == NULL)
		return -1;
	ok = PEM_write_X509(f, c->cert);
	if (fclose(f) != 0 || !ok)
		return -1;
	if (key_path == NULL)
		return 0;
	if ((f = fopen(key_path, "w")) == NULL)
		return -1;
	ok = PEM_write_PrivateKey(f, c->key, NULL, NULL, 0, NULL, NULL) &&
	    PEM_write_X509(f, c->cert);
	if (fclose(f) != 0 || !ok)
		return -1;
	return 0;
}
