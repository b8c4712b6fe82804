/*
 * Reading a PKCS12 file strictly, for every caller that takes one from
 * outside (a key backup, bulk certificate files): the DER must fill the
 * buffer exactly, a MAC must be present and verify with the password,
 * and OpenSSL must parse the content.  Callers word the refusal for
 * their file, so the step that failed is given back rather than a
 * message.
 */
#ifndef PUB_P12_H
#define PUB_P12_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

enum pub_p12_step {
	PUB_P12_OK,
	PUB_P12_NOT_PKCS12,   /* empty, above MAX, not DER, bytes after it */
	PUB_P12_NO_MAC,       /* no integrity MAC: nothing to check */
	PUB_P12_WRONG_PASSWORD, /* the MAC does not verify */
	PUB_P12_UNREADABLE,   /* the MAC verifies, the content does not parse */
};

/*
 * Opens the LEN bytes at P (at most MAX) with PASSWORD.  On PUB_P12_OK,
 * *KEY, *CERT and *CA (each may come back NULL, each owned by the
 * caller) are what the file holds; otherwise all three are NULL.  For
 * PUB_P12_UNREADABLE, WHY (WHYLEN bytes, may be NULL) gets OpenSSL's
 * reason.  The OpenSSL error queue is left empty.
 */
enum pub_p12_step pub_p12_open(const uint8_t *p, size_t len, size_t max,
    const char *password, EVP_PKEY **key, X509 **cert, STACK_OF(X509) **ca,
    char *why, size_t whylen);

#endif
