/*
 * The CTL cache of TVS and the rule that guards it (docs/tvs.md): TVS
 * takes a node's new CTLFile.tlv only when it parses and verifies and
 * (no CTL was cached before, or its signer is in the database cache, or
 * its signer is a SAST record of the CTL cached before); otherwise the
 * old one stays and the reason is logged.  A CTL file that is gone
 * clears the cache.  What was taken is kept in a file, so that a
 * restarted node still knows it.
 */
#ifndef PUB_TVS_CTL_H
#define PUB_TVS_CTL_H

#include <stdbool.h>

#include "ctl_trust.h"
#include "pub_node.h"
#include "pub_tvs_snap.h"

/* A node directory path and a file name in it. */
#define PUB_TVS_FILE_PATH_MAX (PUB_PATH_MAX + 32)

struct ctl_file;
struct pub_state;

/* One node's CTL cache.  Zeroed, then PATH and KEEP_PATH set. */
struct pub_tvs_ctl {
	char path[PUB_TVS_FILE_PATH_MAX];      /* nodes/NODE/tftp/CTLFile.tlv */
	char keep_path[PUB_TVS_FILE_PATH_MAX]; /* nodes/NODE/tvs-ctl-cache.tlv */
	struct ctl_file *ctl;                  /* the CTL cached, or NULL */
	char sha1[41];                         /* its SHA1, "" for none */
	char refused_sha1[41];                 /* the last CTL refused, "" */
};

/* Takes the CTL cache a previous run kept in C->keep_path, if it still
 * verifies; logs what it did. */
void pub_tvs_ctl_load_kept(struct pub_tvs_ctl *c);

/*
 * Looks at C->path again and applies the rule, DB being the database
 * part that may vouch for a new signer; DB_CHANGED says that DB is new,
 * so that a CTL refused before is looked at again.  Returns true when
 * the CTL cache changed.  Failures are logged.
 */
bool pub_tvs_ctl_check(struct pub_tvs_ctl *c, const struct pub_tvs_snap *db,
    bool db_changed);

/* Adds the records of the CTL cached (if any) to the CTL part of S. */
void pub_tvs_ctl_add_records(const struct pub_tvs_ctl *c,
    struct pub_tvs_snap *s);

/*
 * The check the publisher makes on every uploaded CTL: would the
 * cluster's phones, holding INSTALLED (NULL: no CTL yet), take NEWF?
 * They do when NEWF verifies and there is no CTL yet, or its signer is
 * a SAST of INSTALLED whose key verifies it (ctl_trust_direct()), or a
 * phone with TVS would have TVS vouch for the signer: the lookup TVS
 * makes, in the database part built from ST (pub_tvs_db_build()) and
 * the records of INSTALLED.  Fills *T (accept and the reason either
 * way) and returns CTL_OK; fails with CTL_ERR_USAGE (INSTALLED is not
 * a CTL), CTL_ERR_IO, CTL_ERR_NOMEM.
 */
int pub_tvs_ctl_vouch(struct pub_state *st, const struct ctl_file *installed,
    const struct ctl_file *newf, struct ctl_trust *t, struct ctl_diag *d);

/* Frees what C holds. */
void pub_tvs_ctl_clear(struct pub_tvs_ctl *c);

#endif
