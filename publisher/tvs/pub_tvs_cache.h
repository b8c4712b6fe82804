/*
 * What the Trust Verification Service of one node trusts (docs/tvs.md):
 * a database cache (the cluster's own certificates and the trust stores)
 * and a CTL cache (the records of the last CTL this node took, by the
 * rule in pub_tvs_cache_refresh()).  Readers get an immutable snapshot;
 * a refresh builds a new one and swaps it in, so lookups never wait for
 * a rebuild.
 */
#ifndef PUB_TVS_CACHE_H
#define PUB_TVS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "tvs_msg.h"

struct ctl_diag;

/* Seconds a phone may keep a "valid" answer.  CUCM answers in hours; one
 * hour bounds how long a phone keeps trusting a certificate that was
 * removed from the trust stores. */
#define PUB_TVS_TTL 3600

/* The CTL cache as kept on disk, nodes/NAME/tvs-ctl-cache.tlv. */
#define PUB_TVS_CTL_CACHE_FILE "tvs-ctl-cache.tlv"

/* Most certificates in one snapshot: every node's four certificates, the
 * trust stores and one CTL stay far below. */
#define PUB_TVS_CACHE_MAX 4096

/* Where an answer came from, for the log line. */
#define PUB_TVS_WHERE_MAX 256

struct pub_tvs_answer {
	bool valid;
	uint8_t roles[TVS_ROLES_MAX];        /* when valid */
	size_t nroles;
	char where[PUB_TVS_WHERE_MAX];       /* "Phone-SAST-trust", "CTL", or
	                                        why it is invalid */
};

/* An immutable set of trusted certificates (reference counted). */
struct pub_tvs_snap;

/* A new, empty snapshot with one reference, or NULL when out of memory. */
struct pub_tvs_snap *pub_tvs_snap_new(void);

/*
 * Adds certificate DER (LEN bytes, copied) with ROLE, found at WHERE
 * ("Phone-SAST-trust", "CallManager of cucm-pub"), to the database part
 * or (FROM_CTL) the CTL part of S.  The same certificate added twice to
 * one part keeps one entry with the union of roles and places.  Only
 * before S is sealed.  Fails with CTL_ERR_FORMAT (not one DER
 * certificate), CTL_ERR_TOO_BIG (PUB_TVS_CACHE_MAX), CTL_ERR_NOMEM.
 */
int pub_tvs_snap_add(struct pub_tvs_snap *s, bool from_ctl,
    const uint8_t *der, size_t len, uint8_t role, const char *where,
    struct ctl_diag *d);

/* Makes S ready for lookups; nothing is added afterwards. */
void pub_tvs_snap_seal(struct pub_tvs_snap *s);

/* Drops a reference to S (NULL is allowed); the last one frees it. */
void pub_tvs_snap_put(struct pub_tvs_snap *s);

/* Does the database part (or, FROM_CTL, the CTL part) of S hold exactly
 * DER?  With ROLE >= 0, it must also hold that role there. */
bool pub_tvs_snap_has(const struct pub_tvs_snap *s, bool from_ctl,
    const uint8_t *der, size_t len, int role);

/* Counts of the two parts, for the log. */
void pub_tvs_snap_counts(const struct pub_tvs_snap *s, size_t *db,
    size_t *ctl);

/*
 * Answers for CERT (whose DER is DER/LEN): looked up by issuer name and
 * serial number in the database part, then in the CTL part; a hit is
 * valid only when the whole DER is equal.  Never fails: an invalid
 * answer says why in A->where.
 */
void pub_tvs_lookup(const struct pub_tvs_snap *s, X509 *cert,
    const uint8_t *der, size_t len, struct pub_tvs_answer *a);

/* One node's caches, kept up to date by pub_tvs_cache_refresh(). */
struct pub_tvs_cache;

/*
 * Opens the caches of node NODE of the cluster in DIR: reads the state,
 * the CTL cache kept in nodes/NODE/tvs-ctl-cache.tlv, and the node's
 * CTLFile.tlv.  *OUT is freed with pub_tvs_cache_close().  Fails with
 * CTL_ERR_NOT_FOUND (no such cluster or node), CTL_ERR_IO, CTL_ERR_NOMEM.
 */
int pub_tvs_cache_open(const char *dir, const char *node,
    struct pub_tvs_cache **out, struct ctl_diag *d);

/*
 * Rebuilds what changed since the last call: the database cache when
 * the state was committed by another connection (PRAGMA data_version)
 * or a node certificate file changed; the CTL cache when CTLFile.tlv
 * changed.  A new CTL is taken only when it parses and verifies and
 * (no CTL was cached before, or its signer is in the database cache, or
 * its signer is a SAST record of the CTL cached before); otherwise the
 * old cache stays and the reason is logged.  A CTL file that is gone
 * clears the CTL cache.  Call it from one thread only, about once a
 * second.  Failures are logged; the previous snapshot stays.
 */
void pub_tvs_cache_refresh(struct pub_tvs_cache *c);

/* The current snapshot, with a reference for the caller (drop it with
 * pub_tvs_snap_put()).  Safe from any thread. */
struct pub_tvs_snap *pub_tvs_cache_get(struct pub_tvs_cache *c);

/* Frees C (NULL is allowed).  Snapshots still held stay valid. */
void pub_tvs_cache_close(struct pub_tvs_cache *c);

#endif
