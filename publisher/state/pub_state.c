#include "pub_state.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_state_int.h"

#define BUSY_TIMEOUT_MS 5000

int64_t
pub_now(void)
{
	return (int64_t)time(NULL);
}

int
pub_sql_error(struct pub_state *st, int code, const char *what,
    struct ctl_diag *d)
{
	return ctl_diag_set(d, code, "%s/%s: %s: %s", st->dir,
	    PUB_STATE_FILE, what, sqlite3_errmsg(st->db));
}

int
pub_sql_prepare(struct pub_state *st, const char *sql, sqlite3_stmt **stmt,
    struct ctl_diag *d)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
		*stmt = NULL;
		return pub_sql_error(st, CTL_ERR_IO, "cannot prepare a query", d);
	}
	return CTL_OK;
}

int
pub_sql_exec(struct pub_state *st, const char *sql, struct ctl_diag *d)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return pub_sql_error(st, CTL_ERR_IO, "cannot update", d);
	return CTL_OK;
}

int
pub_sql_run(struct pub_state *st, sqlite3_stmt *stmt, struct ctl_diag *d)
{
	int r;

	while ((r = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (r == SQLITE_DONE)
		return CTL_OK;
	if ((r & 0xff) == SQLITE_CONSTRAINT)
		return pub_sql_error(st, CTL_ERR_USAGE, "refused", d);
	return pub_sql_error(st, CTL_ERR_IO, "cannot update", d);
}

int
pub_sql_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

void
pub_sql_column_copy(sqlite3_stmt *stmt, int i, char *out, size_t sz)
{
	const unsigned char *t = sqlite3_column_text(stmt, i);

	snprintf(out, sz, "%s", t != NULL ? (const char *)t : "");
}

static int
connect_db(const char *dir, const char *path, int flags,
    struct pub_state **out, struct ctl_diag *d)
{
	struct pub_state *st;
	int rc = CTL_ERR_IO;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->dir = strdup(dir)) == NULL) {
		free(st);
		return CTL_ERR_NOMEM;
	}
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot open: %s", path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	/* WAL lets the server's readers run beside one writer. */
	if ((rc = pub_sql_exec(st, "PRAGMA journal_mode=WAL; "
	    "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;", d)) != CTL_OK)
		goto fail;
	*out = st;
	return CTL_OK;
fail:
	pub_state_close(st);
	return rc;
}

int
pub_state_open(const char *dir, struct pub_state **out, struct ctl_diag *d)
{
	char path[4096];
	struct pub_state *st = NULL;
	int rc;

	*out = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
	    PUB_STATE_FILE) >= sizeof(path))
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: path too long", dir);
	if (access(path, F_OK) != 0)
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: no cluster here "
		    "(%s is missing; run ctlpublisherd init first)", dir, path);
	if ((rc = connect_db(dir, path, SQLITE_OPEN_READWRITE, &st, d)) !=
	    CTL_OK)
		return rc;
	if ((rc = pub_schema_check(st, d)) != CTL_OK) {
		pub_state_close(st);
		return rc;
	}
	*out = st;
	return CTL_OK;
}

int
pub_state_create(const char *dir, unsigned base_port, struct pub_state **out,
    struct ctl_diag *d)
{
	char path[4096];
	struct pub_state *st = NULL;
	int fd, rc;

	*out = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
	    PUB_STATE_FILE) >= sizeof(path))
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: path too long", dir);
	/* Made here so that it is 0600 from its first byte: it holds the
	 * password hashes. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		return ctl_diag_set(d, errno == EEXIST ? CTL_ERR_USAGE :
		    CTL_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
	close(fd);
	if ((rc = connect_db(dir, path, SQLITE_OPEN_READWRITE, &st, d)) !=
	    CTL_OK)
		goto fail;
	if ((rc = pub_schema_create(st, base_port, d)) != CTL_OK)
		goto fail;
	*out = st;
	return CTL_OK;
fail:
	pub_state_close(st);
	unlink(path);
	return rc;
}

void
pub_state_close(struct pub_state *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	free(st->dir);
	free(st);
}

const char *
pub_state_dir(const struct pub_state *st)
{
	return st->dir;
}

int
pub_state_end(struct pub_state *st, sqlite3_stmt *q, int rc,
    struct ctl_diag *d)
{
	sqlite3_finalize(q);
	if (rc == CTL_OK)
		rc = pub_state_commit(st, d);
	if (rc != CTL_OK)
		pub_state_rollback(st);
	return rc;
}

void *
pub_grow(void *v, size_t have, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 8;
	void *nv;

	if (have < *cap)
		return v;
	if ((nv = realloc(v, n * size)) == NULL)
		return NULL;
	*cap = n;
	return nv;
}

int
pub_sha1_hex_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return s[40] == '\0';
}

int
pub_state_data_version(struct pub_state *st, int64_t *v, struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = pub_sql_prepare(st, "PRAGMA data_version", &q, d)) != CTL_OK)
		return rc;
	if (sqlite3_step(q) != SQLITE_ROW)
		rc = pub_sql_error(st, CTL_ERR_IO, "PRAGMA data_version", d);
	else
		*v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc;
}

int
pub_state_begin(struct pub_state *st, struct ctl_diag *d)
{
	/* The outermost level takes the write lock at once, so that two
	 * writers wait for each other instead of failing on the upgrade. */
	int rc = pub_sql_exec(st, st->txdepth == 0 ? "BEGIN IMMEDIATE" :
	    "SAVEPOINT pub", d);

	if (rc == CTL_OK)
		st->txdepth++;
	return rc;
}

int
pub_state_commit(struct pub_state *st, struct ctl_diag *d)
{
	int rc;

	if (st->txdepth == 0)
		return ctl_diag_set(d, CTL_ERR_INTERNAL,
		    "commit without a transaction");
	rc = pub_sql_exec(st, st->txdepth == 1 ? "COMMIT" : "RELEASE pub", d);
	if (rc != CTL_OK)
		return rc;  /* still open: the caller rolls back */
	st->txdepth--;
	return CTL_OK;
}

void
pub_state_rollback(struct pub_state *st)
{
	if (st->txdepth == 0)
		return;
	if (st->txdepth == 1)
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	else
		(void)sqlite3_exec(st->db, "ROLLBACK TO pub; RELEASE pub",
		    NULL, NULL, NULL);
	st->txdepth--;
}

const char *
pub_ctl_mode_name(enum pub_ctl_mode m)
{
	switch (m) {
	case PUB_CTL_NONE: return "none";
	case PUB_CTL_TOKEN: return "token";
	case PUB_CTL_TOKENLESS: return "tokenless";
	}
	return "none";
}

int
pub_ctl_mode_parse(const char *s, enum pub_ctl_mode *m)
{
	static const enum pub_ctl_mode all[] = {
		PUB_CTL_NONE, PUB_CTL_TOKEN, PUB_CTL_TOKENLESS,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, pub_ctl_mode_name(all[i])) == 0) {
			*m = all[i];
			return CTL_OK;
		}
	return CTL_ERR_USAGE;
}

static bool
text_is(sqlite3_stmt *q, int col, const char *want)
{
	const unsigned char *t = sqlite3_column_text(q, col);

	return t != NULL && strcmp((const char *)t, want) == 0;
}

const char *
pub_tvs_tls_name(enum pub_tvs_tls t)
{
	return t == PUB_TVS_TLS10 ? "1.0" : "1.2";
}

const char *
pub_itl_signer_name(enum pub_itl_signer s)
{
	return s == PUB_ITL_CALLMANAGER ? "CallManager" : "ITLRecovery";
}

int
pub_settings_set_options(struct pub_state *st, const char *actor,
    enum pub_tvs_tls tvs_tls, enum pub_itl_signer itl_signer,
    struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	char detail[128];
	int rc;

	if ((tvs_tls != PUB_TVS_TLS12 && tvs_tls != PUB_TVS_TLS10) ||
	    (itl_signer != PUB_ITL_ITLRECOVERY &&
	    itl_signer != PUB_ITL_CALLMANAGER))
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown TVS TLS version "
		    "or ITL signer");
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	if ((rc = pub_sql_prepare(st, "UPDATE settings SET tvs_tls = ?1, "
	    "itl_signer = ?2 WHERE id = 1", &q, d)) != CTL_OK)
		goto out;
	if (pub_sql_bind_text(q, 1, pub_tvs_tls_name(tvs_tls)) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, pub_itl_signer_name(itl_signer)) !=
	    SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK)
		goto out;
	snprintf(detail, sizeof(detail), "TVS TLS %s and later, ITL signed "
	    "by %s", pub_tvs_tls_name(tvs_tls), pub_itl_signer_name(itl_signer));
	if ((rc = pub_audit_add(st, actor, "set-options", NULL, NULL, detail,
	    d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	return pub_state_end(st, q, rc, d);
}

int
pub_settings_get(struct pub_state *st, struct pub_settings *out,
    struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = pub_sql_prepare(st, "SELECT security_mode, ctl_mode, "
	    "base_port, tvs_tls, itl_signer, rollback_pre8, itl_reset, "
	    "itl_reset_sha1 FROM settings WHERE id = 1", &q,
	    d)) != CTL_OK)
		return rc;
	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot read the settings", d);
		goto out;
	}
	out->security_mode = sqlite3_column_int(q, 0);
	if (sqlite3_column_text(q, 1) == NULL ||
	    pub_ctl_mode_parse((const char *)sqlite3_column_text(q, 1),
	    &out->ctl_mode) != CTL_OK) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s/%s: unknown CTL mode",
		    st->dir, PUB_STATE_FILE);
		goto out;
	}
	out->base_port = (unsigned)sqlite3_column_int(q, 2);
	out->tvs_tls = text_is(q, 3, "1.0") ? PUB_TVS_TLS10 : PUB_TVS_TLS12;
	out->itl_signer = text_is(q, 4, "CallManager") ? PUB_ITL_CALLMANAGER :
	    PUB_ITL_ITLRECOVERY;
	out->rollback_pre8 = sqlite3_column_int(q, 5) != 0;
	out->itl_reset = text_is(q, 6, "localkey") ? PUB_ITL_RESET_LOCALKEY :
	    text_is(q, 6, "remotekey") ? PUB_ITL_RESET_REMOTEKEY :
	    PUB_ITL_RESET_NONE;
	snprintf(out->itl_reset_sha1, sizeof(out->itl_reset_sha1), "%s",
	    sqlite3_column_text(q, 7) != NULL ?
	    (const char *)sqlite3_column_text(q, 7) : "");
	rc = CTL_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

int
pub_settings_set_mode(struct pub_state *st, const char *actor,
    int security_mode, enum pub_ctl_mode ctl_mode, struct ctl_diag *d)
{
	struct pub_settings old;
	sqlite3_stmt *q = NULL;
	char detail[128];
	int rc;

	if ((security_mode != 0 && security_mode != 1) ||
	    (ctl_mode != PUB_CTL_NONE && ctl_mode != PUB_CTL_TOKEN &&
	    ctl_mode != PUB_CTL_TOKENLESS))
		return ctl_diag_set(d, CTL_ERR_USAGE, "security mode %d with "
		    "CTL mode %d: out of range", security_mode, (int)ctl_mode);
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	if ((rc = pub_settings_get(st, &old, d)) != CTL_OK ||
	    (rc = pub_sql_prepare(st, "UPDATE settings SET security_mode = ?1, "
	    "ctl_mode = ?2 WHERE id = 1", &q, d)) != CTL_OK)
		goto out;
	if (sqlite3_bind_int(q, 1, security_mode) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, pub_ctl_mode_name(ctl_mode)) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK)
		goto out;
	snprintf(detail, sizeof(detail), "security mode %d -> %d, CTL mode "
	    "%s -> %s", old.security_mode, security_mode,
	    pub_ctl_mode_name(old.ctl_mode), pub_ctl_mode_name(ctl_mode));
	if ((rc = pub_audit_add(st, actor, "set-mode", NULL, NULL, detail,
	    d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	return pub_state_end(st, q, rc, d);
}

int
pub_settings_set_rollback(struct pub_state *st, const char *actor, bool on,
    struct ctl_diag *d)
{
	struct pub_settings old;
	sqlite3_stmt *q = NULL;
	char detail[128];
	int rc;

	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	if ((rc = pub_settings_get(st, &old, d)) != CTL_OK ||
	    (rc = pub_sql_prepare(st, "UPDATE settings SET rollback_pre8 = ?1 "
	    "WHERE id = 1", &q, d)) != CTL_OK)
		goto out;
	if (sqlite3_bind_int(q, 1, on ? 1 : 0) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK)
		goto out;
	snprintf(detail, sizeof(detail), "%s (was %s): Prepare Cluster for "
	    "Rollback to pre-8.0", on ? "on" : "off", old.rollback_pre8 ?
	    "on" : "off");
	if ((rc = pub_audit_add(st, actor, "rollback-pre8", NULL, NULL, detail,
	    d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	return pub_state_end(st, q, rc, d);
}

const char *
pub_itl_reset_name(enum pub_itl_reset r)
{
	switch (r) {
	case PUB_ITL_RESET_NONE: return "none";
	case PUB_ITL_RESET_LOCALKEY: return "localkey";
	case PUB_ITL_RESET_REMOTEKEY: return "remotekey";
	}
	return "none";
}

int
pub_settings_set_itl_reset(struct pub_state *st, const char *actor,
    enum pub_itl_reset r, const char *sha1, const char *detail,
    struct ctl_diag *d)
{
	struct pub_settings old;
	sqlite3_stmt *q = NULL;
	int rc;

	if ((r != PUB_ITL_RESET_NONE && r != PUB_ITL_RESET_LOCALKEY &&
	    r != PUB_ITL_RESET_REMOTEKEY) ||
	    (r != PUB_ITL_RESET_NONE) != (sha1 != NULL) ||
	    (sha1 != NULL && strlen(sha1) != 40))
		return ctl_diag_set(d, CTL_ERR_USAGE, "ITL reset %d: out of "
		    "range, or its SHA1 missing", (int)r);
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	if ((rc = pub_settings_get(st, &old, d)) != CTL_OK ||
	    (rc = pub_sql_prepare(st, "UPDATE settings SET itl_reset = ?1, "
	    "itl_reset_sha1 = ?2 WHERE id = 1", &q, d)) != CTL_OK)
		goto out;
	if (pub_sql_bind_text(q, 1, pub_itl_reset_name(r)) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, sha1 != NULL ? sha1 : "") != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK ||
	    (rc = pub_audit_add(st, actor, "itl-reset", old.itl_reset_sha1[0] ?
	    old.itl_reset_sha1 : NULL, sha1, detail, d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	return pub_state_end(st, q, rc, d);
}

/* Leaves the administrator accounts out of the copy at PATH: their rows
 * overwritten in place (secure_delete), then the file rebuilt. */
static int
drop_users(const char *path, struct ctl_diag *d)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	int rc = CTL_OK;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK || sqlite3_exec(db, "PRAGMA secure_delete = ON; "
	    "DELETE FROM users; VACUUM;", NULL, NULL, &err) != SQLITE_OK)
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot remove the "
		    "accounts from the copy: %s", path, err != NULL ? err :
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_free(err);
	sqlite3_close(db);
	return rc;
}

int
pub_state_copy(struct pub_state *st, const char *path, bool with_users,
    struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	int fd, rc;

	/* VACUUM INTO fills an empty file and keeps its mode. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create: %s", path,
		    strerror(errno));
	close(fd);
	if ((rc = pub_sql_prepare(st, "VACUUM INTO ?1", &q, d)) != CTL_OK)
		goto out;
	if (pub_sql_bind_text(q, 1, path) != SQLITE_OK)
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
	else
		rc = pub_sql_run(st, q, d);
	if (rc == CTL_OK && !with_users)
		rc = drop_users(path, d);
out:
	sqlite3_finalize(q);
	if (rc != CTL_OK)
		(void)unlink(path);
	return rc;
}
