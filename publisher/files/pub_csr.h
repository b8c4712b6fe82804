/*
 * Certificate signing requests for a node's certificate, and the key
 * that waits for the certificate authority's answer.  The key is made
 * here and written only to the node's directory (mode 0600): it never
 * travels; the request carries its public half.
 */
#ifndef PUB_CSR_H
#define PUB_CSR_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pub_certgen.h"

struct ctl_diag;

/* The most subjectAltName entries of one request (every node's name and
 * address in a multi-server request). */
#define PUB_CSR_SAN_MAX 256

/*
 * Makes a new key of type KT (not PUB_KEY_DEFAULT) and a request signed
 * with it (SHA-256) for SUBJECT, with a subjectAltName of the NDNS names
 * at DNS and the NIP IPv4 addresses at IP (together at most
 * PUB_CSR_SAN_MAX).  *KEY is a new reference (EVP_PKEY_free; its
 * private parts are cleared when freed), *PEM the request as PEM, a new
 * string of *PEMLEN bytes (free).  Fails with CTL_ERR_USAGE for too
 * many names or an address that is not IPv4, CTL_ERR_CRYPTO.
 */
int pub_csr_make(const X509_NAME *subject, const char *const *dns,
    size_t ndns, const char *const *ip, size_t nip, enum pub_key_type kt,
    EVP_PKEY **key, char **pem, size_t *pemlen, struct ctl_diag *d);

/*
 * Writes KEY as PEM to PATH, atomically and mode 0600, the text wiped
 * from memory once written.  Replaces what PATH held.  CTL_ERR_CRYPTO,
 * CTL_ERR_IO.
 */
int pub_csr_key_write(const char *path, EVP_PKEY *key, struct ctl_diag *d);

/*
 * Reads the key at PATH into *KEY (EVP_PKEY_free).  Fails with
 * CTL_ERR_NOT_FOUND when PATH does not exist, CTL_ERR_KEY when it holds
 * no key, CTL_ERR_IO.
 */
int pub_csr_key_read(const char *path, EVP_PKEY **key, struct ctl_diag *d);

#endif
