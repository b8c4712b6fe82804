/*
 * Test certificates of a chosen shape: subject RDNs in a chosen order, a
 * serial of a chosen length, a key of a chosen size, and (when asked) an
 * exact DER length, reached by padding a comment extension.  Cisco's
 * byte counts depend on these sizes, so the fidelity tests need them.
 */
#ifndef TEST_CERTGEN_H
#define TEST_CERTGEN_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct tg_cert {
	X509 *cert;
	EVP_PKEY *key;
};

struct tg_spec {
	const char *subject;     /* "/L=Krakow/CN=name/...", in this order */
	int bits;                /* RSA key size; 0 for an EC P-256 key */
	size_t serial_len;       /* bytes of serial, 1..20 */
	const EVP_MD *md;        /* signature digest; NULL for SHA-256 */
	size_t der_len;          /* exact DER length wanted, or 0 */
	const struct tg_cert *issuer; /* NULL: self-signed */
	EVP_PKEY *reuse_key;     /* use this key (up-ref'd) instead of a new one */
};

/* Makes a certificate; returns 0 or -1.  Free with tg_free(). */
int tg_make(const struct tg_spec *spec, struct tg_cert *out);
void tg_free(struct tg_cert *c);

/* Writes the certificate (PEM) to CERT_PATH and, when KEY_PATH is not
 * NULL, the key and certificate together (PEM) to KEY_PATH.  0 or -1. */
int tg_write(const struct tg_cert *c, const char *cert_path,
    const char *key_path);

/* DER length of C's certificate. */
size_t tg_der_len(const struct tg_cert *c);

#endif
