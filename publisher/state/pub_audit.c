#include "pub_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "pub_state.h"
#include "pub_state_int.h"

int
pub_audit_add(struct pub_state *st, const char *actor, const char *operation,
    const char *old_sha1, const char *new_sha1, const char *detail,
    struct ctl_diag *d)
{
	char cut[PUB_AUDIT_DETAIL_MAX];
	sqlite3_stmt *q = NULL;
	int rc;

	if (actor == NULL || actor[0] == '\0' ||
	    strlen(actor) >= PUB_AUDIT_USER_MAX || operation == NULL ||
	    operation[0] == '\0' || strlen(operation) >= PUB_AUDIT_OP_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "audit: the user (1 to %d "
		    "bytes) and the operation (1 to %d bytes) are required",
		    PUB_AUDIT_USER_MAX - 1, PUB_AUDIT_OP_MAX - 1);
	if ((old_sha1 != NULL && !pub_sha1_hex_ok(old_sha1)) ||
	    (new_sha1 != NULL && !pub_sha1_hex_ok(new_sha1)))
		return ctl_diag_set(d, CTL_ERR_USAGE, "audit: a SHA1 must be 40 "
		    "hex digits");
	snprintf(cut, sizeof(cut), "%s", detail != NULL ? detail : "");
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	if ((rc = pub_sql_prepare(st, "INSERT INTO audit (time, user, "
	    "operation, old_sha1, new_sha1, detail) VALUES "
	    "(?1, ?2, ?3, lower(?4), lower(?5), ?6)", &q, d)) != CTL_OK)
		goto out;
	if (sqlite3_bind_int64(q, 1, pub_now()) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, actor) != SQLITE_OK ||
	    pub_sql_bind_text(q, 3, operation) != SQLITE_OK ||
	    pub_sql_bind_text(q, 4, old_sha1) != SQLITE_OK ||
	    pub_sql_bind_text(q, 5, new_sha1) != SQLITE_OK ||
	    pub_sql_bind_text(q, 6, cut) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	return pub_state_end(st, q, rc, d);
}

int
pub_audit_list(struct pub_state *st, size_t max, struct pub_audit_entry **out,
    size_t *n, struct ctl_diag *d)
{
	struct pub_audit_entry *v = NULL, *nv;
	size_t have = 0, cap = 0;
	sqlite3_stmt *q = NULL;
	int rc, r;

	*out = NULL;
	*n = 0;
	/* The newest MAX, read newest first and turned round below. */
	if ((rc = pub_sql_prepare(st, "SELECT id, time, user, operation, "
	    "old_sha1, new_sha1, detail FROM audit ORDER BY id DESC LIMIT ?1",
	    &q, d)) != CTL_OK)
		return rc;
	if (sqlite3_bind_int64(q, 1, max == 0 || max > INT64_MAX ? -1 :
	    (sqlite3_int64)max) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		struct pub_audit_entry *e;

		if ((nv = pub_grow(v, have, &cap, sizeof(*v))) == NULL) {
			rc = CTL_ERR_NOMEM;
			goto out;
		}
		v = nv;
		e = &v[have++];
		e->id = sqlite3_column_int64(q, 0);
		e->time = sqlite3_column_int64(q, 1);
		pub_sql_column_copy(q, 2, e->user, sizeof(e->user));
		pub_sql_column_copy(q, 3, e->operation, sizeof(e->operation));
		pub_sql_column_copy(q, 4, e->old_sha1, sizeof(e->old_sha1));
		pub_sql_column_copy(q, 5, e->new_sha1, sizeof(e->new_sha1));
		pub_sql_column_copy(q, 6, e->detail, sizeof(e->detail));
	}
	if (r != SQLITE_DONE) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot read the audit log", d);
		goto out;
	}
	for (size_t i = 0; i < have / 2; i++) {
		struct pub_audit_entry t = v[i];

		v[i] = v[have - 1 - i];
		v[have - 1 - i] = t;
	}
	*out = v;
	*n = have;
	v = NULL; /* transferred */
	rc = CTL_OK;
out:
	sqlite3_finalize(q);
	free(v);
	return rc;
}

int
pub_audit_names(struct pub_state *st, const char *sha1, bool *named,
    struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc, r;

	*named = false;
	if (sha1 == NULL || !pub_sha1_hex_ok(sha1))
		return ctl_diag_set(d, CTL_ERR_USAGE, "audit: a SHA1 must be 40 "
		    "hex digits");
	if ((rc = pub_sql_prepare(st, "SELECT 1 FROM audit WHERE new_sha1 = "
	    "lower(?1) LIMIT 1", &q, d)) != CTL_OK)
		return rc;
	if (pub_sql_bind_text(q, 1, sha1) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((r = sqlite3_step(q)) != SQLITE_ROW && r != SQLITE_DONE) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot read the audit log", d);
		goto out;
	}
	*named = r == SQLITE_ROW;
	rc = CTL_OK;
out:
	sqlite3_finalize(q);
	return rc;
}
