/*
 * Checking a parsed .tlv file: which SAST record signed it, whether each
 * record agrees with its certificate, and whether the signature verifies.
 */
#ifndef CTL_VERIFY_H
#define CTL_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ctl.h"

struct ctl_diag;

/*
 * Index of the signer record: the first record with the SAST role whose
 * ISSUERNAME and SERIALNUMBER equal the header's CANAME and SERIALNUMBER.
 * Returns -1 when there is none.
 */
int ctl_find_signer(const struct ctl_file *f);

/*
 * The bytes the signature covers: the whole file without the SIGNATURE
 * field (tag, length and value).  *OUT is freed by the caller.
 */
int ctl_tbs(const struct ctl_file *f, uint8_t **out, size_t *len);

/* Checks an RSA PKCS#1 v1.5 signature over MSG with MD.  Returns CTL_OK
 * or CTL_ERR_BAD_SIGNATURE. */
int ctl_signature_check(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg,
    size_t len, const uint8_t *sig, size_t siglen);

/*
 * Checks F's signature with KEY (NULL fails), as a phone does with a key it already
 * trusts.  Fails with CTL_ERR_BAD_SIGNATURE or CTL_ERR_UNTRUSTED and a
 * reason in D (a wrong digest code is named as such).
 */
int ctl_verify_with_key(const struct ctl_file *f, EVP_PKEY *key,
    struct ctl_diag *d);

/*
 * Verifies F on its own: the header names a signer, a SAST record holds
 * it, every record's PUBLICKEY and SERIALNUMBER match its certificate, and
 * the signature verifies with the signer's certificate.  *SIGNER (may be
 * NULL) gets the signer record's index or -1.  Returns CTL_OK, or
 * CTL_ERR_NO_SIGNER, CTL_ERR_UNTRUSTED or CTL_ERR_BAD_SIGNATURE with the
 * reason in D.
 */
int ctl_verify(const struct ctl_file *f, int *signer, struct ctl_diag *d);

#endif
