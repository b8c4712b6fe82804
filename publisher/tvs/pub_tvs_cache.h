/*
 * What the Trust Verification Service of one node trusts (docs/tvs.md):
 * a database cache (the cluster's own certificates and the trust stores)
 * and a CTL cache (the records of the last CTL this node took, by the
 * rule in pub_tvs_cache_refresh(), kept by pub_tvs_ctl.h).  Readers get
 * an immutable snapshot (pub_tvs_snap.h); a refresh builds a new one and
 * swaps it in, so lookups never wait for a rebuild.
 */
#ifndef PUB_TVS_CACHE_H
#define PUB_TVS_CACHE_H

#include "pub_tvs_snap.h"

struct ctl_diag;
struct pub_state;

/* The CTL cache as kept on disk, nodes/NAME/tvs-ctl-cache.tlv. */
#define PUB_TVS_CTL_CACHE_FILE "tvs-ctl-cache.tlv"

/*
 * Builds the database part of what TVS trusts from ST into a new
 * snapshot *OUT (not sealed; dropped with pub_tvs_snap_put()): every
 * node's CallManager, TVS, CAPF and ITLRecovery certificates and every
 * trust store.  SEEN (when not NULL) is called with CTX and the path of
 * each node certificate file read.  A certificate that cannot be read is
 * logged and left out.  TVS and the publisher's upload check both build
 * from here, so that they trust the same certificates.  Fails with
 * CTL_ERR_IO, CTL_ERR_NOMEM.
 */
int pub_tvs_db_build(struct pub_state *st, struct pub_tvs_snap **out,
    void (*seen)(void *ctx, const char *path), void *ctx,
    struct ctl_diag *d);

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
 * clears the CTL cache.  Safe from any thread (one refresh runs at a
 * time; a call returns at once when a refresh that began after it was
 * made has ended meanwhile, as that one saw all it would): TVS calls it
 * about once a second, and before it answers "invalid", so that a
 * certificate committed a moment ago is known.  Failures are logged;
 * the previous snapshot stays.
 */
void pub_tvs_cache_refresh(struct pub_tvs_cache *c);

/* The current snapshot, with a reference for the caller (drop it with
 * pub_tvs_snap_put()).  Safe from any thread. */
struct pub_tvs_snap *pub_tvs_cache_get(struct pub_tvs_cache *c);

/* Frees C (NULL is allowed).  Snapshots still held stay valid. */
void pub_tvs_cache_close(struct pub_tvs_cache *c);

#endif
