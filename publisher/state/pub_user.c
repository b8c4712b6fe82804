#include "pub_user.h"

#include <stdio.h>
#include <string.h>

#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_password.h"
#include "pub_state.h"
#include "pub_state_int.h"
#include "secret.h"

static int
name_ok(const char *s)
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > PUB_USER_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int
pub_user_set(struct pub_state *st, const char *actor, const char *name,
    const char *password, struct ctl_diag *d)
{
	struct pub_pwhash h;
	sqlite3_stmt *q = NULL;
	int rc, existed = 0;

	if (!name_ok(name))
		return ctl_diag_set(d, CTL_ERR_USAGE, "a user name is 1 to %d "
		    "letters, digits, '.', '_' or '-'", PUB_USER_NAME_MAX);
	if ((rc = pub_password_hash(password, &h, d)) != CTL_OK)
		return rc;
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		goto done;
	if ((rc = pub_sql_prepare(st, "SELECT 1 FROM users WHERE name = ?1",
	    &q, d)) != CTL_OK)
		goto out;
	if (pub_sql_bind_text(q, 1, name) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	existed = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	if ((rc = pub_sql_prepare(st, "INSERT OR REPLACE INTO users (name, "
	    "kdf, log2_n, r, p, salt, hash) VALUES (?1, 'scrypt', ?2, ?3, ?4, "
	    "?5, ?6)", &q, d)) != CTL_OK)
		goto out;
	if (pub_sql_bind_text(q, 1, name) != SQLITE_OK ||
	    sqlite3_bind_int(q, 2, (int)h.log2_n) != SQLITE_OK ||
	    sqlite3_bind_int(q, 3, (int)h.r) != SQLITE_OK ||
	    sqlite3_bind_int(q, 4, (int)h.p) != SQLITE_OK ||
	    sqlite3_bind_blob(q, 5, h.salt, sizeof(h.salt),
	    SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_blob(q, 6, h.hash, sizeof(h.hash),
	    SQLITE_TRANSIENT) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK ||
	    (rc = pub_audit_add(st, actor, existed ? "user-password" :
	    "user-add", NULL, NULL, name, d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	rc = pub_state_end(st, q, rc, d);
done:
	secret_wipe(&h, sizeof(h));
	return rc;
}

/* The hash that an unknown user's password is checked against, so that
 * "no such user" costs the same as "wrong password". */
static void
dummy_hash(struct pub_pwhash *h)
{
	memset(h, 0x5a, sizeof(*h));
	h->log2_n = PUB_SCRYPT_LOG2_N;
	h->r = PUB_SCRYPT_R;
	h->p = PUB_SCRYPT_P;
}

int
pub_user_check(struct pub_state *st, const char *name, const char *password,
    struct ctl_diag *d)
{
	struct pub_pwhash h;
	sqlite3_stmt *q = NULL;
	int rc, r, known = 0;

	dummy_hash(&h);
	if ((rc = pub_sql_prepare(st, "SELECT log2_n, r, p, salt, hash FROM "
	    "users WHERE name = ?1 AND kdf = 'scrypt'", &q, d)) != CTL_OK)
		return rc;
	if (pub_sql_bind_text(q, 1, name != NULL ? name : "") != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	r = sqlite3_step(q);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot read the users", d);
		goto out;
	}
	if (r == SQLITE_ROW &&
	    sqlite3_column_bytes(q, 3) == PUB_SALT_LEN &&
	    sqlite3_column_bytes(q, 4) == PUB_HASH_LEN) {
		h.log2_n = (unsigned)sqlite3_column_int(q, 0);
		h.r = (unsigned)sqlite3_column_int(q, 1);
		h.p = (unsigned)sqlite3_column_int(q, 2);
		memcpy(h.salt, sqlite3_column_blob(q, 3), PUB_SALT_LEN);
		memcpy(h.hash, sqlite3_column_blob(q, 4), PUB_HASH_LEN);
		known = 1;
	}
	/* The scrypt work is done whether the user is known or not. */
	if (pub_password_matches(password != NULL ? password : "", &h) &&
	    known)
		rc = CTL_OK;
	else
		rc = ctl_diag_set(d, CTL_ERR_UNTRUSTED,
		    "wrong user name or password");
out:
	sqlite3_finalize(q);
	secret_wipe(&h, sizeof(h));
	return rc;
}
