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

#include "pub_node.h"
#include "pub_tvs_snap.h"

/* A node directory path and a file name in it. */
#define PUB_TVS_FILE_PATH_MAX (PUB_PATH_MAX + 32)

struct ctl_file;

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

/* Frees what C holds. */
void pub_tvs_ctl_clear(struct pub_tvs_ctl *c);

#endif
