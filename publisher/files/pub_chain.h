/*
 * Does a CA-signed certificate's chain complete through a trust store?
 * The check an identity certificate from a certificate authority passes
 * before it replaces a node's own: each link's signature verified with
 * its issuer's key, not just the names compared.
 */
#ifndef PUB_CHAIN_H
#define PUB_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

struct ctl_diag;

/* The longest chain followed, the leaf included. */
#define PUB_CHAIN_MAX_DEPTH 8

/*
 * Checks LEAF at NOW (seconds since 1970): it must be valid then (not
 * expired, not yet valid), not self-signed, and each issuer, from LEAF's
 * up to a self-signed root, must be one of the N certificates at STORE
 * (borrowed) whose subject is the issuer's name, that is a CA, is valid
 * at NOW, and whose key verifies the signature below it.  STORE_NAME
 * names the store in messages ("CallManager-trust").  Changes nothing.
 * Fails with CTL_ERR_UNTRUSTED naming the first missing link (the
 * issuer's subject of the first certificate whose issuer is not in the
 * store), a signature that does not verify, an issuer that is not a CA
 * or is out of its validity; with CTL_ERR_KEY for a LEAF that is expired,
 * not yet valid or self-signed; CTL_ERR_TOO_BIG above
 * PUB_CHAIN_MAX_DEPTH.
 */
int pub_chain_check(X509 *leaf, X509 *const *store, size_t n, int64_t now,
    const char *store_name, struct ctl_diag *d);

#endif
