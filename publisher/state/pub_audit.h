/*
 * The audit log: one entry per change to the cluster, with who made it,
 * when, the operation, and the SHA1 of what it replaced and of what
 * replaced it (a CTL file, a certificate).
 */
#ifndef PUB_AUDIT_H
#define PUB_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_diag;
struct pub_state;

#define PUB_AUDIT_USER_MAX   64    /* bytes, with the NUL */
#define PUB_AUDIT_OP_MAX     32
#define PUB_AUDIT_DETAIL_MAX 256

struct pub_audit_entry {
	int64_t id;                      /* increasing */
	int64_t time;                    /* seconds since 1970 (UTC) */
	char user[PUB_AUDIT_USER_MAX];
	char operation[PUB_AUDIT_OP_MAX];
	char old_sha1[41];               /* lowercase hex, "" for none */
	char new_sha1[41];
	char detail[PUB_AUDIT_DETAIL_MAX];
};

/*
 * Appends an entry: ACTOR did OPERATION, replacing OLD_SHA1 by NEW_SHA1
 * (either NULL for none; 40 hex digits otherwise), with DETAIL (NULL
 * for none; cut to PUB_AUDIT_DETAIL_MAX - 1 bytes).  Inside a
 * pub_state_begin() it joins the caller's transaction.  Fails with
 * CTL_ERR_USAGE for an empty or too long ACTOR or OPERATION, or a SHA1
 * that is not 40 hex digits, CTL_ERR_IO.
 */
int pub_audit_add(struct pub_state *st, const char *actor,
    const char *operation, const char *old_sha1, const char *new_sha1,
    const char *detail, struct ctl_diag *d);

/*
 * The last MAX entries (all of them when MAX is 0), oldest first, in
 * *OUT (an array of *N entries freed by the caller with free(); NULL
 * when there are none).  Fails with CTL_ERR_IO.
 */
int pub_audit_list(struct pub_state *st, size_t max,
    struct pub_audit_entry **out, size_t *n, struct ctl_diag *d);

/*
 * Does an entry name SHA1 (40 hex digits) as what it changed to (its
 * NEW_SHA1)?  Every CTL the publisher writes is named so before it is
 * written (docs/publisher.md, "Record first").  Fails with
 * CTL_ERR_USAGE for a SHA1 that is not 40 hex digits, CTL_ERR_IO.
 */
int pub_audit_names(struct pub_state *st, const char *sha1, bool *named,
    struct ctl_diag *d);

#endif
