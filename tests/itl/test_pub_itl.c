/*
 * The ITL built from the state (pub_itl.c), without processes: what
 * init writes on every node, the records and their order for both
 * signers, when a regeneration changes it and when it does not, and a
 * damaged file being replaced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "ctl_err.h"
#include "ctl_trust.h"
#include "ctl_verify.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_init.h"
#include "pub_itl.h"
#include "pub_node.h"
#include "pub_regen.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pubtest.h"

#define NODES 3

static struct pt_cluster cl;
static char *cdir;
static struct pub_state *st;
static struct pub_node *nodes;
static size_t nnodes;

static int
setup(void **state)
{
	struct ctl_diag d = { "" };

	(void)state;
	if (pt_cluster_make("itl", NODES, &cl) != 0)
		return -1;
	cdir = cl.dir;
	st = cl.st;
	if (pub_node_list(st, &nodes, &nnodes, &d) != CTL_OK) {
		fprintf(stderr, "setup: %s\n", d.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(nodes);
	pt_cluster_free(&cl);
	return 0;
}

/* Node I's stored ITL, parsed (freed by the caller). */
static struct ctl_file *
stored(size_t i)
{
	struct ctl_file *f = NULL;
	struct ctl_diag d;
	uint8_t *data = NULL;
	size_t len = 0;

	assert_int_equal(pub_store_read(nodes[i].tftp_dir, PUB_ITL_FILENAME,
	    &data, &len, &d), CTL_OK);
	assert_int_equal(ctl_parse(data, len, &f, &d), CTL_OK);
	free(data);
	return f;
}

static void
sha1_of(size_t i, char out[41])
{
	struct ctl_diag d;

	assert_int_equal(pub_store_sha1(nodes[i].tftp_dir, PUB_ITL_FILENAME,
	    out, &d), CTL_OK);
}

/* Does record R hold node NODE's certificate for purpose P? */
static int
holds(const struct ctl_record *r, const char *node, enum pub_cert_purpose p)
{
	struct ctl_diag d;
	char *path = NULL;
	X509 *x = NULL;
	int same;

	assert_int_equal(pub_node_cert_paths(st, node, p, &path, NULL, &d),
	    CTL_OK);
	assert_int_equal(pub_certgen_load(path, NULL, &x, NULL, &d), CTL_OK);
	same = r->cert != NULL && X509_cmp(r->cert, x) == 0;
	X509_free(x);
	free(path);
	return same;
}

struct want {
	uint16_t role;
	const char *node;
	enum pub_cert_purpose purpose;
};

static void
check_records(const struct ctl_file *f, const struct want *w, size_t n)
{
	char ip[16];
	size_t i, k;

	assert_int_equal(f->nrecords, n);
	for (i = 0; i < n; i++) {
		const struct ctl_record *r = &f->records[i];

		if (r->role != w[i].role || !holds(r, w[i].node, w[i].purpose))
			fail_msg("record %zu: role %u, expected %u with %s's %s",
			    i + 1, r->role, w[i].role, w[i].node,
			    pub_cert_purpose_name(w[i].purpose));
		assert_string_equal(r->dns_name, w[i].node);
		for (k = 0; k < nnodes; k++)
			if (strcmp(nodes[k].name, w[i].node) == 0)
				break;
		assert_true(k < nnodes);
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", r->ip[0], r->ip[1],
		    r->ip[2], r->ip[3]);
		assert_string_equal(ip, nodes[k].ip);
	}
}

static const struct want by_itlrecovery[] = {
	{ CTL_ROLE_SAST, "cucm-pub", PUB_CERT_ITLRECOVERY },
	{ CTL_ROLE_CCM_TFTP, "cucm-pub", PUB_CERT_CALLMANAGER },
	{ CTL_ROLE_CAPF, "cucm-pub", PUB_CERT_CAPF },
	{ CTL_ROLE_TVS, "cucm-pub", PUB_CERT_TVS },
	{ CTL_ROLE_CCM_TFTP, "cucm-sub1", PUB_CERT_CALLMANAGER },
	{ CTL_ROLE_TVS, "cucm-sub1", PUB_CERT_TVS },
	{ CTL_ROLE_CCM_TFTP, "cucm-sub2", PUB_CERT_CALLMANAGER },
	{ CTL_ROLE_TVS, "cucm-sub2", PUB_CERT_TVS },
};

static const struct want by_callmanager[] = {
	{ CTL_ROLE_SAST, "cucm-pub", PUB_CERT_CALLMANAGER },
	{ CTL_ROLE_SAST, "cucm-pub", PUB_CERT_ITLRECOVERY },
	{ CTL_ROLE_CCM_TFTP, "cucm-pub", PUB_CERT_CALLMANAGER },
	{ CTL_ROLE_CAPF, "cucm-pub", PUB_CERT_CAPF },
	{ CTL_ROLE_TVS, "cucm-pub", PUB_CERT_TVS },
	{ CTL_ROLE_CCM_TFTP, "cucm-sub1", PUB_CERT_CALLMANAGER },
	{ CTL_ROLE_TVS, "cucm-sub1", PUB_CERT_TVS },
	{ CTL_ROLE_CCM_TFTP, "cucm-sub2", PUB_CERT_CALLMANAGER },
	{ CTL_ROLE_TVS, "cucm-sub2", PUB_CERT_TVS },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* init wrote one ITL, the same on every node, world-readable. */
static void
test_init_writes_itl(void **state)
{
	struct ctl_file *f;
	struct ctl_diag d;
	char first[41], sha[41], *path;
	int signer = -1;
	bool current = false;
	size_t i;

	(void)state;
	sha1_of(0, first);
	for (i = 0; i < nnodes; i++) {
		path = pt_path(nodes[i].tftp_dir, PUB_ITL_FILENAME, NULL);
		assert_int_equal(pt_mode(path), 0644);
		free(path);
		sha1_of(i, sha);
		assert_string_equal(sha, first);
		assert_int_equal(pub_itl_current(st, nodes[i].tftp_dir,
		    &current, &d), CTL_OK);
		assert_true(current);
	}
	f = stored(1);
	assert_true(ctl_is_itl(f));
	assert_string_equal(f->hdr.filename, "ITLFile.tlv");
	assert_int_equal(f->hdr.digest, CTL_DIGEST_SHA1);
	assert_int_equal(ctl_verify(f, &signer, &d), CTL_OK);
	assert_int_equal(signer, 0);
	check_records(f, by_itlrecovery, N(by_itlrecovery));
	ctl_free(f);
}

/* The same state and time give the same bytes: one ITL for all. */
static void
test_build_is_deterministic(void **state)
{
	struct ctl_diag d;
	uint8_t *a = NULL, *b = NULL;
	size_t alen, blen;

	(void)state;
	assert_int_equal(pub_itl_build(st, 1700000000, &a, &alen, &d), CTL_OK);
	assert_int_equal(pub_itl_build(st, 1700000000, &b, &blen, &d), CTL_OK);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
}

/* Nothing changed: no new file, no audit entry. */
static void
test_refresh_when_current(void **state)
{
	struct pub_audit_entry *v = NULL;
	struct ctl_diag d;
	char before[41], after[41];
	bool changed = true;
	size_t n, n2;

	(void)state;
	assert_int_equal(pub_audit_list(st, 0, &v, &n, &d), CTL_OK);
	free(v);
	sha1_of(0, before);
	assert_int_equal(pub_itl_refresh(st, "admin", nodes[0].tftp_dir,
	    &changed, &d), CTL_OK);
	assert_false(changed);
	sha1_of(0, after);
	assert_string_equal(before, after);
	assert_int_equal(pub_audit_list(st, 0, &v, &n2, &d), CTL_OK);
	free(v);
	assert_int_equal(n, n2);
}

/* A damaged or missing ITL is not current, and is replaced. */
static void
test_damaged_is_replaced(void **state)
{
	static const uint8_t junk[] = "not a trust list";
	struct ctl_diag d;
	struct ctl_file *f;
	bool current = true, changed = false;

	(void)state;
	assert_int_equal(pub_store_write(nodes[2].tftp_dir, PUB_ITL_FILENAME,
	    junk, sizeof(junk), &d), CTL_OK);
	assert_int_equal(pub_itl_current(st, nodes[2].tftp_dir, &current, &d),
	    CTL_OK);
	assert_false(current);
	assert_int_equal(pub_itl_refresh(st, "admin", nodes[2].tftp_dir,
	    &changed, &d), CTL_OK);
	assert_true(changed);
	f = stored(2);
	check_records(f, by_itlrecovery, N(by_itlrecovery));
	ctl_free(f);
	assert_int_equal(pub_store_delete(nodes[2].tftp_dir, PUB_ITL_FILENAME,
	    &d), CTL_OK);
	assert_int_equal(pub_itl_current(st, nodes[2].tftp_dir, &current, &d),
	    CTL_OK);
	assert_false(current);
	assert_int_equal(pub_itl_refresh(st, "admin", nodes[2].tftp_dir,
	    &changed, &d), CTL_OK);
	assert_true(changed);
}

/*
 * Regenerating a certificate the ITL holds rebuilds the publisher's
 * copy at once (the subscribers' copies are now behind, for the
 * publisher to push); one it does not hold changes nothing.  Signed by
 * ITLRecovery, the new ITL is still trusted by a phone holding the old.
 */
static void
test_regenerate(void **state)
{
	static const struct {
		const char *node;
		enum pub_cert_purpose p;
		bool changes;
	} rows[] = {
		{ "cucm-sub1", PUB_CERT_TVS, true },
		{ "cucm-sub2", PUB_CERT_CALLMANAGER, true },
		{ "cucm-pub", PUB_CERT_CAPF, true },
		/* not in the ITL (CAPF and ITLRecovery are the
		 * publisher's only) */
		{ "cucm-sub1", PUB_CERT_IPSEC, false },
		{ "cucm-sub2", PUB_CERT_CALLMANAGER_ECDSA, false },
	};
	struct pub_audit_entry *v = NULL;
	struct ctl_file *old, *newf;
	struct ctl_trust t;
	struct ctl_diag d;
	char before[41], after[41];
	bool current;
	size_t i, n;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		old = stored(0);
		sha1_of(0, before);
		assert_int_equal(pub_cert_regenerate(st, "admin", rows[i].node,
		    rows[i].p, PUB_KEY_DEFAULT, NULL, &d), CTL_OK);
		sha1_of(0, after);
		if ((strcmp(before, after) != 0) != rows[i].changes)
			fail_msg("row %zu (%s %s): the ITL %s", i, rows[i].node,
			    pub_cert_purpose_name(rows[i].p), rows[i].changes ?
			    "did not change" : "changed");
		assert_int_equal(pub_itl_current(st, nodes[0].tftp_dir,
		    &current, &d), CTL_OK);
		assert_true(current);
		assert_int_equal(pub_itl_current(st, nodes[1].tftp_dir,
		    &current, &d), CTL_OK);
		/* The subscriber is behind since the first change. */
		assert_false(current);
		newf = stored(0);
		check_records(newf, by_itlrecovery, N(by_itlrecovery));
		assert_int_equal(ctl_trust_direct(old, newf, &t, &d), CTL_OK);
		assert_true(t.accept);
		ctl_free(old);
		ctl_free(newf);
	}
	/* cert-regenerate stays the last entry; itl-update comes first. */
	assert_int_equal(pub_audit_list(st, 2, &v, &n, &d), CTL_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].operation, "cert-regenerate");
	free(v);
}

/*
 * Signed by CallManager (CUCM before 12): the CallManager certificate is
 * the signing SAST and ITLRecovery a second SAST.  Regenerating
 * CallManager then gives an ITL phones reject: Cisco's warning.
 */
static void
test_callmanager_signer(void **state)
{
	struct ctl_file *old, *newf;
	struct ctl_trust t;
	struct ctl_diag d;
	bool changed = false;
	int signer = -1;

	(void)state;
	assert_int_equal(pub_settings_set_options(st, "admin", PUB_TVS_TLS12,
	    PUB_ITL_CALLMANAGER, &d), CTL_OK);
	assert_int_equal(pub_itl_refresh(st, "admin", nodes[0].tftp_dir,
	    &changed, &d), CTL_OK);
	assert_true(changed);
	old = stored(0);
	assert_int_equal(ctl_verify(old, &signer, &d), CTL_OK);
	assert_int_equal(signer, 0);
	check_records(old, by_callmanager, N(by_callmanager));
	assert_int_equal(pub_cert_regenerate(st, "admin", "cucm-pub",
	    PUB_CERT_CALLMANAGER, PUB_KEY_DEFAULT, NULL, &d), CTL_OK);
	newf = stored(0);
	check_records(newf, by_callmanager, N(by_callmanager));
	assert_int_equal(ctl_trust_direct(old, newf, &t, &d), CTL_OK);
	assert_false(t.accept);
	assert_true(t.tvs_could_help);
	ctl_free(old);
	ctl_free(newf);
	/* Back to ITLRecovery: rebuilt again. */
	assert_int_equal(pub_settings_set_options(st, "admin", PUB_TVS_TLS12,
	    PUB_ITL_ITLRECOVERY, &d), CTL_OK);
	assert_int_equal(pub_itl_refresh(st, "admin", nodes[0].tftp_dir,
	    &changed, &d), CTL_OK);
	assert_true(changed);
	newf = stored(0);
	check_records(newf, by_itlrecovery, N(by_itlrecovery));
	ctl_free(newf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_writes_itl),
		cmocka_unit_test(test_build_is_deterministic),
		cmocka_unit_test(test_refresh_when_current),
		cmocka_unit_test(test_damaged_is_replaced),
		cmocka_unit_test(test_regenerate),
		cmocka_unit_test(test_callmanager_signer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
