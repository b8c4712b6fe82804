/*
 * The state database: users and password checks, trust stores, the
 * audit log, settings, nested transactions, schema versions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <sqlite3.h>

#include "certgen.h"
#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_state.h"
#include "pub_trust.h"
#include "pub_user.h"
#include "pubtest.h"

#define ADMIN_PW "correct horse battery"

static char *dir;
static struct pub_state *st;
static struct tg_cert cert_a, cert_b;

static int
setup(void **state)
{
	struct tg_spec a = { "/CN=SAST-A/OU=TAC/O=Cisco", 1024, 10, NULL, 0,
	    NULL, NULL };
	struct tg_spec b = { "/CN=SAST-B/OU=TAC/O=Cisco", 1024, 10, NULL, 0,
	    NULL, NULL };
	struct ctl_diag d = { "" };

	(void)state;
	if ((dir = pt_tempdir("state")) == NULL ||
	    pub_state_create(dir, 2444, &st, &d) != CTL_OK ||
	    pub_user_set(st, "init", "admin", ADMIN_PW, &d) != CTL_OK ||
	    tg_make(&a, &cert_a) != 0 || tg_make(&b, &cert_b) != 0) {
		fprintf(stderr, "setup: %s\n", d.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pub_state_close(st);
	pt_rmtree(dir);
	tg_free(&cert_a);
	tg_free(&cert_b);
	return 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
test_password_check(void **state)
{
	static const struct {
		const char *user, *password;
		int want;
	} rows[] = {
		{ "admin", ADMIN_PW, CTL_OK },
		{ "admin", "correct horse battery ", CTL_ERR_UNTRUSTED },
		{ "admin", "", CTL_ERR_UNTRUSTED },
		{ "Admin", ADMIN_PW, CTL_ERR_UNTRUSTED },
		{ "nobody", ADMIN_PW, CTL_ERR_UNTRUSTED },
		{ "", "", CTL_ERR_UNTRUSTED },
		{ "admin' OR '1'='1", ADMIN_PW, CTL_ERR_UNTRUSTED },
	};
	struct ctl_diag d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ctl_diag_clear(&d);
		assert_int_equal(pub_user_check(st, rows[i].user,
		    rows[i].password, &d), rows[i].want);
		if (rows[i].want != CTL_OK)
			assert_string_equal(d.msg, "wrong user name or password");
	}
}

static void
test_password_unknown_user_costs_the_same(void **state)
{
	struct ctl_diag d;
	double t0, wrong, unknown;

	(void)state;
	t0 = now_ms();
	assert_int_equal(pub_user_check(st, "admin", "wrong", &d),
	    CTL_ERR_UNTRUSTED);
	wrong = now_ms() - t0;
	t0 = now_ms();
	assert_int_equal(pub_user_check(st, "nobody", "wrong", &d),
	    CTL_ERR_UNTRUSTED);
	unknown = now_ms() - t0;
	/* Both do the full scrypt work (tens of milliseconds); loose
	 * bounds, so that a busy machine does not fail the test. */
	assert_true(wrong > 5.0);
	assert_true(unknown > 5.0);
	assert_true(unknown > wrong / 4 && unknown < wrong * 4);
}

static void
test_user_set_and_replace(void **state)
{
	static const char *const bad_names[] = {
		"", "a b", "x/y", "o'brien",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct ctl_diag d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		assert_int_equal(pub_user_set(st, "admin", bad_names[i], "pw",
		    &d), CTL_ERR_USAGE);
	assert_int_equal(pub_user_set(st, "admin", "alice", "", &d),
	    CTL_ERR_USAGE);
	assert_int_equal(pub_user_set(st, "admin", "alice", "first", &d),
	    CTL_OK);
	assert_int_equal(pub_user_check(st, "alice", "first", &d), CTL_OK);
	assert_int_equal(pub_user_set(st, "admin", "alice", "second", &d),
	    CTL_OK);
	assert_int_equal(pub_user_check(st, "alice", "first", &d),
	    CTL_ERR_UNTRUSTED);
	assert_int_equal(pub_user_check(st, "alice", "second", &d), CTL_OK);
}

static size_t
der_of(const struct tg_cert *c, uint8_t **out)
{
	int n;

	*out = NULL;
	n = i2d_X509(c->cert, out);
	assert_true(n > 0);
	return (size_t)n;
}

static size_t
count_store(enum pub_trust_purpose p)
{
	struct pub_trust_entry *v;
	struct ctl_diag d;
	size_t n;

	assert_int_equal(pub_trust_list(st, 0, p, &v, &n, &d), CTL_OK);
	pub_trust_list_free(v, n);
	return n;
}

static int
audit_has(const char *op, const char *old_sha1, const char *new_sha1)
{
	struct pub_audit_entry *v;
	struct ctl_diag d;
	size_t n, i;
	int found = 0;

	assert_int_equal(pub_audit_list(st, 0, &v, &n, &d), CTL_OK);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].operation, op) == 0 &&
		    strcmp(v[i].old_sha1, old_sha1) == 0 &&
		    strcmp(v[i].new_sha1, new_sha1) == 0)
			found = 1;
	free(v);
	return found;
}

static void
test_trust_store(void **state)
{
	struct pub_trust_entry *v;
	struct ctl_diag d;
	uint8_t *der = NULL, *bad;
	char sha1[41], sha1_b[41], upper[41];
	size_t len, n, i;
	BIO *b;
	char *pem;
	long pemlen;

	(void)state;
	len = der_of(&cert_a, &der);
	assert_int_equal(count_store(PUB_TRUST_PHONE_SAST), 0);
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_PHONE_SAST, der,
	    len, sha1, &d), CTL_OK);
	assert_int_equal(strlen(sha1), 40);
	assert_true(audit_has("trust-add", "", sha1));

	/* The same certificate again: refused, nothing changed. */
	ctl_diag_clear(&d);
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_PHONE_SAST, der,
	    len, NULL, &d), CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "already holds"));
	assert_int_equal(count_store(PUB_TRUST_PHONE_SAST), 1);
	/* ... but another store may hold it too. */
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_CALLMANAGER, der,
	    len, NULL, &d), CTL_OK);

	/* Not DER: PEM, garbage, trailing bytes, truncated, empty. */
	b = BIO_new(BIO_s_mem());
	assert_true(PEM_write_bio_X509(b, cert_a.cert));
	pemlen = BIO_get_mem_data(b, &pem);
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_CAPF,
	    (const uint8_t *)pem, (size_t)pemlen, NULL, &d), CTL_ERR_KEY);
	BIO_free(b);
	bad = malloc(len + 1);
	assert_non_null(bad);
	memcpy(bad, der, len);
	bad[len] = 0;
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_CAPF, bad,
	    len + 1, NULL, &d), CTL_ERR_KEY);
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_CAPF, bad,
	    len - 1, NULL, &d), CTL_ERR_KEY);
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_CAPF, bad, 0,
	    NULL, &d), CTL_ERR_KEY);
	memset(bad, 0x30, len);
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_CAPF, bad, len,
	    NULL, &d), CTL_ERR_KEY);
	free(bad);
	assert_int_equal(count_store(PUB_TRUST_CAPF), 0);
	assert_int_equal(pub_trust_add(st, "admin", (enum pub_trust_purpose)7,
	    der, len, NULL, &d), CTL_ERR_USAGE);
	free(der);

	/* A second certificate; list shows both stores' entries. */
	len = der_of(&cert_b, &der);
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_PHONE_SAST, der,
	    len, sha1_b, &d), CTL_OK);
	assert_int_equal(pub_trust_list(st, 0, PUB_TRUST_PHONE_SAST, &v, &n,
	    &d), CTL_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].sha1, sha1);
	assert_string_equal(v[0].subject, "CN=SAST-A;OU=TAC;O=Cisco");
	assert_string_equal(v[1].subject, "CN=SAST-B;OU=TAC;O=Cisco");
	assert_int_equal(v[1].der_len, len);
	assert_memory_equal(v[1].der, der, len);
	assert_int_equal(strlen(v[1].serial), 20);
	assert_true(v[1].added > 0);
	pub_trust_list_free(v, n);
	free(der);
	assert_int_equal(pub_trust_list(st, 1, 0, &v, &n, &d), CTL_OK);
	assert_int_equal(n, 3);
	pub_trust_list_free(v, n);

	/* Delete: bad SHA1, unknown SHA1, wrong store, then the right one
	 * (in capitals). */
	assert_int_equal(pub_trust_delete(st, "admin", PUB_TRUST_PHONE_SAST,
	    "xyz", &d), CTL_ERR_USAGE);
	assert_int_equal(pub_trust_delete(st, "admin", PUB_TRUST_PHONE_SAST,
	    "0000000000000000000000000000000000000000", &d),
	    CTL_ERR_NOT_FOUND);
	assert_int_equal(pub_trust_delete(st, "admin", PUB_TRUST_TOMCAT, sha1,
	    &d), CTL_ERR_NOT_FOUND);
	assert_int_equal(count_store(PUB_TRUST_PHONE_SAST), 2);
	for (i = 0; i < 41; i++)
		upper[i] = (char)(sha1[i] >= 'a' && sha1[i] <= 'f' ?
		    sha1[i] - 32 : sha1[i]);
	assert_int_equal(pub_trust_delete(st, "admin", PUB_TRUST_PHONE_SAST,
	    upper, &d), CTL_OK);
	assert_int_equal(count_store(PUB_TRUST_PHONE_SAST), 1);
	assert_int_equal(count_store(PUB_TRUST_CALLMANAGER), 1);
	assert_true(audit_has("trust-delete", sha1, ""));
	assert_int_equal(pub_trust_delete(st, "admin", PUB_TRUST_PHONE_SAST,
	    sha1, &d), CTL_ERR_NOT_FOUND);
}

static void
test_trust_purpose_names(void **state)
{
	static const struct {
		const char *s;
		int rc;
		enum pub_trust_purpose p;
	} rows[] = {
		{ "Phone-SAST-trust", CTL_OK, PUB_TRUST_PHONE_SAST },
		{ "callmanager-trust", CTL_OK, PUB_TRUST_CALLMANAGER },
		{ "tomcat-trust", CTL_OK, PUB_TRUST_TOMCAT },
		{ "CAPF-trust", CTL_OK, PUB_TRUST_CAPF },
		{ "CAPF", CTL_ERR_USAGE, 0 },
		{ "", CTL_ERR_USAGE, 0 },
	};
	enum pub_trust_purpose p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(pub_trust_purpose_parse(rows[i].s, &p),
		    rows[i].rc);
		if (rows[i].rc == CTL_OK)
			assert_int_equal(p, rows[i].p);
	}
}

static void
test_settings(void **state)
{
	struct pub_settings s;
	struct pub_audit_entry *v;
	struct ctl_diag d;
	size_t n;

	(void)state;
	assert_int_equal(pub_settings_get(st, &s, &d), CTL_OK);
	assert_int_equal(s.security_mode, 0);
	assert_int_equal(s.ctl_mode, PUB_CTL_NONE);
	assert_int_equal(s.base_port, 2444);
	assert_int_equal(pub_settings_set_mode(st, "admin", 1, PUB_CTL_TOKENLESS,
	    &d), CTL_OK);
	assert_int_equal(pub_audit_list(st, 1, &v, &n, &d), CTL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].operation, "set-mode");
	assert_string_equal(v[0].user, "admin");
	assert_string_equal(v[0].detail,
	    "security mode 0 -> 1, CTL mode none -> tokenless");
	free(v);
	/* Out of range: refused, nothing changed. */
	assert_int_equal(pub_settings_set_mode(st, "admin", 2, PUB_CTL_NONE,
	    &d), CTL_ERR_USAGE);
	assert_int_equal(pub_settings_set_mode(st, "admin", 0,
	    (enum pub_ctl_mode)9, &d), CTL_ERR_USAGE);
	assert_int_equal(pub_settings_get(st, &s, &d), CTL_OK);
	assert_int_equal(s.security_mode, 1);
	assert_int_equal(s.ctl_mode, PUB_CTL_TOKENLESS);
}

static void
test_audit(void **state)
{
	struct pub_audit_entry *v;
	struct ctl_diag d;
	char longdetail[600];
	size_t n;

	(void)state;
	memset(longdetail, 'x', sizeof(longdetail) - 1);
	longdetail[sizeof(longdetail) - 1] = '\0';
	assert_int_equal(pub_audit_add(st, "admin", "upload",
	    "1111111111111111111111111111111111111111",
	    "ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD", longdetail, &d), CTL_OK);
	assert_int_equal(pub_audit_add(st, "admin", "delete-ctl",
	    "abcdefabcdefabcdefabcdefabcdefabcdefabcd", NULL, NULL, &d), CTL_OK);
	assert_int_equal(pub_audit_list(st, 2, &v, &n, &d), CTL_OK);
	assert_int_equal(n, 2);
	assert_true(v[0].id < v[1].id);
	assert_string_equal(v[0].operation, "upload");
	assert_string_equal(v[0].new_sha1,
	    "abcdefabcdefabcdefabcdefabcdefabcdefabcd");
	assert_int_equal(strlen(v[0].detail), PUB_AUDIT_DETAIL_MAX - 1);
	assert_string_equal(v[1].operation, "delete-ctl");
	assert_string_equal(v[1].new_sha1, "");
	assert_true(v[1].time > 1600000000);
	free(v);
	/* Bad rows change nothing. */
	assert_int_equal(pub_audit_add(st, "", "op", NULL, NULL, NULL, &d),
	    CTL_ERR_USAGE);
	assert_int_equal(pub_audit_add(st, "admin", "", NULL, NULL, NULL, &d),
	    CTL_ERR_USAGE);
	assert_int_equal(pub_audit_add(st, "admin", "op", "12", NULL, NULL, &d),
	    CTL_ERR_USAGE);
	assert_int_equal(pub_audit_list(st, 1, &v, &n, &d), CTL_OK);
	assert_string_equal(v[0].operation, "delete-ctl");
	free(v);
}

static void
test_nested_rollback(void **state)
{
	struct ctl_diag d;
	uint8_t *der = NULL;
	size_t len, before = count_store(PUB_TRUST_TOMCAT);

	(void)state;
	len = der_of(&cert_a, &der);
	assert_int_equal(pub_state_begin(st, &d), CTL_OK);
	assert_int_equal(pub_trust_add(st, "admin", PUB_TRUST_TOMCAT, der, len,
	    NULL, &d), CTL_OK);
	assert_int_equal(count_store(PUB_TRUST_TOMCAT), before + 1);
	pub_state_rollback(st);
	assert_int_equal(count_store(PUB_TRUST_TOMCAT), before);
	free(der);
}

static void
test_schema_versions(void **state)
{
	struct pub_state *s2 = NULL;
	struct ctl_diag d;
	char *dir2 = pt_tempdir("schema"), *db;
	sqlite3 *raw;
	FILE *f;

	(void)state;
	assert_non_null(dir2);
	/* No state at all. */
	ctl_diag_clear(&d);
	assert_int_equal(pub_state_open(dir2, &s2, &d), CTL_ERR_NOT_FOUND);
	assert_null(s2);
	/* Twice created: refused. */
	assert_int_equal(pub_state_create(dir2, 2444, &s2, &d), CTL_OK);
	pub_state_close(s2);
	assert_int_equal(pub_state_create(dir2, 2444, &s2, &d), CTL_ERR_USAGE);
	/* Version 1 (no TVS/ITL settings, no TFTP port, no rollback or ITL
	 * reset): upgraded on open. */
	db = pt_path(dir2, PUB_STATE_FILE, NULL);
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "ALTER TABLE settings DROP COLUMN "
	    "tvs_tls; ALTER TABLE settings DROP COLUMN itl_signer; "
	    "ALTER TABLE settings DROP COLUMN rollback_pre8; "
	    "ALTER TABLE settings DROP COLUMN itl_reset; "
	    "ALTER TABLE settings DROP COLUMN itl_reset_sha1; "
	    "ALTER TABLE nodes DROP COLUMN port_tftp; "
	    "UPDATE schema_version SET version = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(raw);
	{
		struct pub_settings set;

		assert_int_equal(pub_state_open(dir2, &s2, &d), CTL_OK);
		assert_int_equal(pub_settings_get(s2, &set, &d), CTL_OK);
		assert_int_equal(set.tvs_tls, PUB_TVS_TLS12);
		assert_int_equal(set.itl_signer, PUB_ITL_ITLRECOVERY);
		assert_int_equal(pub_settings_set_options(s2, "t",
		    PUB_TVS_TLS10, PUB_ITL_CALLMANAGER, &d), CTL_OK);
		assert_int_equal(pub_settings_get(s2, &set, &d), CTL_OK);
		assert_int_equal(set.tvs_tls, PUB_TVS_TLS10);
		assert_int_equal(set.itl_signer, PUB_ITL_CALLMANAGER);
		assert_false(set.rollback_pre8);
		assert_int_equal(set.itl_reset, PUB_ITL_RESET_NONE);
		assert_string_equal(set.itl_reset_sha1, "");
		pub_state_close(s2);
		s2 = NULL;
	}
	/* Version 2 (no rollback or ITL reset): upgraded on open, the
	 * settings it had kept. */
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "ALTER TABLE settings DROP COLUMN "
	    "rollback_pre8; ALTER TABLE settings DROP COLUMN itl_reset; "
	    "ALTER TABLE settings DROP COLUMN itl_reset_sha1; "
	    "DELETE FROM schema_version WHERE version > 2", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(raw);
	{
		struct pub_settings set;

		assert_int_equal(pub_state_open(dir2, &s2, &d), CTL_OK);
		assert_int_equal(pub_settings_get(s2, &set, &d), CTL_OK);
		assert_int_equal(set.itl_signer, PUB_ITL_CALLMANAGER);
		assert_false(set.rollback_pre8);
		assert_int_equal(set.itl_reset, PUB_ITL_RESET_NONE);
		pub_state_close(s2);
		s2 = NULL;
	}
	/* A newer schema: refused with a reason. */
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "UPDATE schema_version SET "
	    "version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	ctl_diag_clear(&d);
	assert_int_equal(pub_state_open(dir2, &s2, &d), CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "newer"));
	assert_null(s2);
	/* Not ours: a file of text, an SQLite file of someone else. */
	unlink(db);
	assert_non_null(f = fopen(db, "w"));
	fputs("not a database, not at all; just some text.\n", f);
	fclose(f);
	assert_int_not_equal(pub_state_open(dir2, &s2, &d), CTL_OK);
	unlink(db);
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "CREATE TABLE t (x)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(pub_state_open(dir2, &s2, &d), CTL_ERR_USAGE);
	free(db);
	pt_rmtree(dir2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_check),
		cmocka_unit_test(test_password_unknown_user_costs_the_same),
		cmocka_unit_test(test_user_set_and_replace),
		cmocka_unit_test(test_trust_store),
		cmocka_unit_test(test_trust_purpose_names),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_nested_rollback),
		cmocka_unit_test(test_schema_versions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
