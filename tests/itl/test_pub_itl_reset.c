/*
 * The ITL reset and the ITLRecovery backup (pub_itl_reset.c), without
 * processes: one row per PKCS12 backup a remotekey reset is given (not
 * PKCS12, cut short, trailing bytes, no MAC, a wrong password, no key,
 * no certificate, a 1024-bit key, the right one), each checked for its
 * code, the words of its message, and, when refused, that the settings,
 * the kept reset ITL and the audit log did not move; the backup's
 * password rule; the catch-up hooks while a reset is active; the
 * 1024-bit rule of localkey.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pkcs12.h>

#include "certgen.h"
#include "ctl.h"
#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_itl.h"
#include "pub_itl_reset.h"
#include "pub_node.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pubtest.h"

#define PW "correct horse battery"

static struct pt_cluster cl;
static struct pub_node pub;
static uint8_t *backup;         /* the publisher's ITLRecovery, as PKCS12 */
static size_t backup_len;

static int
setup(void **state)
{
	struct ctl_diag d = { "" };
	char sha[41];

	(void)state;
	if (pt_cluster_make("itlreset", 2, &cl) != 0 ||
	    pub_node_publisher(cl.st, &pub, &d) != CTL_OK ||
	    pub_itl_backup(cl.st, "test", PW, &backup, &backup_len, sha,
	    &d) != CTL_OK) {
		fprintf(stderr, "setup: %s\n", d.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(backup);
	pt_cluster_free(&cl);
	return 0;
}

/* DER of a PKCS12 made from KEY and CERT (either NULL); MAC_ITER -1
 * writes none. */
static uint8_t *
p12_make(EVP_PKEY *key, X509 *cert, int mac_iter, size_t *len)
{
	PKCS12 *p = PKCS12_create(PW, NULL, key, cert, NULL, 0, 0, 0, mac_iter,
	    0);
	unsigned char *der = NULL;
	int n;

	assert_non_null(p);
	n = i2d_PKCS12(p, &der);
	assert_true(n > 0);
	PKCS12_free(p);
	*len = (size_t)n;
	return der;
}

/* What a refusal must leave alone. */
struct snap {
	struct pub_settings set;
	size_t naudit;
	int kept;
};

static void
snap_take(struct snap *s)
{
	struct pub_audit_entry *v = NULL;
	struct ctl_diag d;
	char *kept = pt_path(cl.dir, PUB_ITL_RESET_FILE, NULL);

	assert_int_equal(pub_settings_get(cl.st, &s->set, &d), CTL_OK);
	assert_int_equal(pub_audit_list(cl.st, 0, &v, &s->naudit, &d), CTL_OK);
	s->kept = pt_exists(kept);
	free(v);
	free(kept);
}

static void
assert_unchanged(const struct snap *before)
{
	struct snap now;

	snap_take(&now);
	assert_int_equal(now.set.itl_reset, before->set.itl_reset);
	assert_string_equal(now.set.itl_reset_sha1, before->set.itl_reset_sha1);
	assert_int_equal(now.naudit, before->naudit);
	assert_int_equal(now.kept, before->kept);
}

enum input { IN_GARBAGE, IN_EMPTY, IN_CUT, IN_TRAILING, IN_NO_MAC,
	IN_WRONG_PW, IN_NO_KEY, IN_NO_CERT, IN_1024, IN_GOOD };

static const struct row {
	const char *what;
	enum input in;
	int rc;
	const char *words;
} rows[] = {
	{ "not PKCS12", IN_GARBAGE, CTL_ERR_FORMAT, "is not a PKCS12 file" },
	{ "empty", IN_EMPTY, CTL_ERR_FORMAT, "is not a PKCS12 file (0 bytes)" },
	{ "cut short", IN_CUT, CTL_ERR_FORMAT, "is not a PKCS12 file" },
	{ "a trailing byte", IN_TRAILING, CTL_ERR_FORMAT,
	  "is not a PKCS12 file" },
	{ "no MAC", IN_NO_MAC, CTL_ERR_FORMAT, "no integrity MAC" },
	{ "a wrong password", IN_WRONG_PW, CTL_ERR_KEY, "wrong password" },
	{ "no key", IN_NO_KEY, CTL_ERR_KEY, "holds no private key" },
	{ "no certificate", IN_NO_CERT, CTL_ERR_KEY, "holds no certificate" },
	{ "a 1024-bit key", IN_1024, CTL_ERR_REFUSED, "the ITLRecovery key is "
	  "1024-bit and the CallManager certificates are 2048-bit: "
	  "regenerate the ITLRecovery certificate" },
	{ "the backup", IN_GOOD, CTL_OK, NULL },
};

static void
test_remotekey_rows(void **state)
{
	struct tg_spec weak = { "/CN=ITLRECOVERY_weak", 1024, 16, NULL, 0,
	    NULL, NULL };
	struct tg_cert w, rec;
	struct ctl_diag d;
	struct snap before;
	char *cpath = NULL, *kpath = NULL, sha[41];
	size_t i;

	(void)state;
	assert_int_equal(tg_make(&weak, &w), 0);
	assert_int_equal(pub_node_cert_paths(cl.st, pub.name,
	    PUB_CERT_ITLRECOVERY, &cpath, &kpath, &d), CTL_OK);
	assert_int_equal(pub_certgen_load(cpath, kpath, &rec.cert, &rec.key,
	    &d), CTL_OK);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint8_t *in = NULL, junk[300];
		size_t len = 0;
		const char *pw = PW;
		int rc;

		switch (r->in) {
		case IN_GARBAGE:
			memset(junk, 0x5a, sizeof(junk));
			in = junk;
			len = sizeof(junk);
			break;
		case IN_EMPTY:
			in = junk;
			break;
		case IN_CUT:
			in = backup;
			len = backup_len - 10;
			break;
		case IN_TRAILING:
			in = malloc(backup_len + 1);
			memcpy(in, backup, backup_len);
			in[backup_len] = 0;
			len = backup_len + 1;
			break;
		case IN_NO_MAC:
			in = p12_make(rec.key, rec.cert, -1, &len);
			break;
		case IN_WRONG_PW:
			in = backup;
			len = backup_len;
			pw = "wrong horse battery";
			break;
		case IN_NO_KEY:
			in = p12_make(NULL, rec.cert, 0, &len);
			break;
		case IN_NO_CERT:
			in = p12_make(rec.key, NULL, 0, &len);
			break;
		case IN_1024:
			in = p12_make(w.key, w.cert, 0, &len);
			break;
		case IN_GOOD:
			in = backup;
			len = backup_len;
			break;
		}
		snap_take(&before);
		ctl_diag_clear(&d);
		rc = pub_itl_reset_remotekey(cl.st, "test", in, len, pw, sha,
		    &d);
		if (rc != r->rc || (r->words != NULL &&
		    strstr(d.msg, r->words) == NULL))
			fail_msg("%s: rc %d (want %d): %s", r->what, rc, r->rc,
			    d.msg);
		if (rc != CTL_OK)
			assert_unchanged(&before);
		if (in != junk && in != backup)
			OPENSSL_free(in);
	}
	free(cpath);
	free(kpath);
	tg_free(&w);
	tg_free(&rec);
}

/* The publisher's ITL is not the one the state calls for, and a
 * refresh writes it. */
static void
stale_then_written(void)
{
	struct ctl_diag d;
	bool current = true, changed = false;

	assert_int_equal(pub_itl_current(cl.st, pub.tftp_dir, &current, &d),
	    CTL_OK);
	assert_false(current);
	assert_int_equal(pub_itl_refresh(cl.st, "test", pub.tftp_dir, &changed,
	    &d), CTL_OK);
	assert_true(changed);
}

/* After the good row: the reset is recorded; a second reset replaces
 * it; the catch-up hooks serve the kept file, not a rebuilt ITL, until
 * done. */
static void
test_hooks(void **state)
{
	struct pub_settings set;
	struct ctl_diag d;
	bool current = true, changed = false;
	char sha[41];

	(void)state;
	assert_int_equal(pub_settings_get(cl.st, &set, &d), CTL_OK);
	assert_int_equal(set.itl_reset, PUB_ITL_RESET_REMOTEKEY);
	/* Signed by the present ITLRecovery, that reset ITL can be the
	 * normal one byte for byte (built in the same second): take one
	 * signed by CallManager. */
	assert_int_equal(pub_itl_reset_localkey(cl.st, "test", sha, &d),
	    CTL_OK);
	assert_int_equal(pub_settings_get(cl.st, &set, &d), CTL_OK);
	assert_int_equal(set.itl_reset, PUB_ITL_RESET_LOCALKEY);
	assert_string_equal(set.itl_reset_sha1, sha);
	stale_then_written();
	assert_int_equal(pub_store_sha1(pub.tftp_dir, PUB_ITL_FILENAME, sha,
	    &d), CTL_OK);
	assert_string_equal(sha, set.itl_reset_sha1);
	assert_int_equal(pub_itl_refresh(cl.st, "test", pub.tftp_dir, &changed,
	    &d), CTL_OK);
	assert_false(changed);
	assert_int_equal(pub_itl_reset_done(cl.st, "test", &d), CTL_OK);
	stale_then_written();
	assert_int_equal(pub_itl_current(cl.st, pub.tftp_dir, &current, &d),
	    CTL_OK);
	assert_true(current);
	assert_int_equal(pub_itl_reset_done(cl.st, "test", &d),
	    CTL_ERR_NOT_ALLOWED);
}

static void
test_backup_password(void **state)
{
	struct ctl_diag d;
	struct snap before;
	uint8_t *out = (uint8_t *)"x";
	size_t len = 1;
	char sha[41];

	(void)state;
	snap_take(&before);
	assert_int_equal(pub_itl_backup(cl.st, "test", "1234567", &out, &len,
	    sha, &d), CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "shorter than 8"));
	assert_null(out);
	assert_unchanged(&before);
	assert_int_equal(pub_itl_backup(cl.st, "test", "12345678", &out, &len,
	    sha, &d), CTL_OK);
	assert_true(len > 0);
	free(out);
}

/* localkey with a 1024-bit ITLRecovery on the publisher: refused. */
static void
test_localkey_1024(void **state)
{
	struct tg_spec weak = { "/CN=ITLRECOVERY_weak", 1024, 16, NULL, 0,
	    NULL, NULL };
	struct tg_cert w;
	struct ctl_diag d;
	struct snap before;
	char *cpath = NULL, *kpath = NULL, sha[41];

	(void)state;
	assert_int_equal(tg_make(&weak, &w), 0);
	assert_int_equal(pub_node_cert_paths(cl.st, pub.name,
	    PUB_CERT_ITLRECOVERY, &cpath, &kpath, &d), CTL_OK);
	assert_int_equal(pub_certgen_write(w.cert, w.key, cpath, kpath, &d),
	    CTL_OK);
	snap_take(&before);
	assert_int_equal(pub_itl_reset_localkey(cl.st, "test", sha, &d),
	    CTL_ERR_REFUSED);
	assert_non_null(strstr(d.msg, "1024-bit"));
	assert_unchanged(&before);
	free(cpath);
	free(kpath);
	tg_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remotekey_rows),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_backup_password),
		cmocka_unit_test(test_localkey_1024),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
