/*
 * The health checks (ctlclient/core/health.c), row by row on collected
 * data built by hand: a healthy three-node cluster, one thing changed
 * per row, and the findings it must give (check, level, node, how
 * many) and nothing else.  Boundary rows sit on each limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_err.h"
#include "health.h"

#define NOW   ((time_t)1900000000)
#define DAY   86400
#define NCERT_MAX 16

struct fixture {
	struct cert_info info[NCERT_MAX];
	struct health_cert certs[NCERT_MAX];
	struct health_node nodes[3];
	struct health_input in;
};

static const char *const names[3] = { "pub", "sub1", "sub2" };

static struct health_cert *
cert_add(struct fixture *f, const char *node, const char *type, bool store,
    const char *key_type, int bits, const char *serial, const char *subject)
{
	size_t i = f->in.ncerts++;
	struct cert_info *c = &f->info[i];

	memset(c, 0, sizeof(*c));
	snprintf(c->subject, sizeof(c->subject), "%s", subject);
	snprintf(c->serial, sizeof(c->serial), "%s", serial);
	snprintf(c->key_type, sizeof(c->key_type), "%s", key_type);
	snprintf(c->key, sizeof(c->key), "%s %d", key_type, bits);
	c->key_bits = bits;
	c->not_before = NOW - 10 * DAY;
	c->not_after = NOW + 365 * DAY;
	snprintf(c->not_after_text, sizeof(c->not_after_text), "later");
	f->certs[i].node = node;
	f->certs[i].type = type;
	f->certs[i].store = store;
	f->certs[i].info = c;
	return &f->certs[i];
}

static void
file_set(struct health_file *h, const char *sha1, size_t ncerts)
{
	memset(h, 0, sizeof(*h));
	h->state = HEALTH_FILE_PRESENT;
	snprintf(h->sha1, sizeof(h->sha1), "%s", sha1);
	h->len = 4000;
	h->parsed = true;
	h->ncerts = ncerts;
}

/* A healthy cluster: three nodes, their certificates, one ITL and CTL. */
static void
healthy(struct fixture *f)
{
	size_t i, k;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 3; i++) {
		cert_add(f, names[i], "CallManager", false, "RSA", 2048, "0a",
		    names[i]);
		cert_add(f, names[i], "TVS", false, "RSA", 2048, "0b",
		    names[i]);
	}
	cert_add(f, "pub", "ITLRecovery", false, "RSA", 2048, "0c",
	    "ITLRECOVERY_pub");
	cert_add(f, "", "tomcat-trust", true, "EC", 256, "0d", "Web CA");
	for (i = 0; i < 3; i++) {
		struct health_node *n = &f->nodes[i];

		snprintf(n->name, sizeof(n->name), "%s", names[i]);
		n->publisher = i == 0;
		file_set(&n->ctl, "1111111111111111111111111111111111111111", 6);
		file_set(&n->itl, "2222222222222222222222222222222222222222", 5);
		for (k = 0; k < 3; k++)
			snprintf(n->itl.tvs[k], sizeof(n->itl.tvs[k]),
			    "%040zu", k + 1);
		n->itl.ntvs = 3;
		n->tvs = HEALTH_TVS_SEEN;
		snprintf(n->tvs_sha1, sizeof(n->tvs_sha1), "%040zu", i + 1);
	}
	f->in.now = NOW;
	f->in.days = 30;
	f->in.security_mode = 1;
	f->in.certs = f->certs;
	f->in.nodes = f->nodes;
	f->in.nnodes = 3;
}

/* --- the changes, one per row --- */

static void none(struct fixture *f) { (void)f; }
static void node_expired(struct fixture *f)
{ f->info[2].not_after = NOW - 1; }          /* sub1's CallManager */
static void expires_now(struct fixture *f)
{ f->info[2].not_after = NOW; }
static void store_29_days(struct fixture *f)
{ f->info[7].not_after = NOW + 29 * DAY + 10; }
static void store_30_days(struct fixture *f)
{ f->info[7].not_after = NOW + 30 * DAY; }
static void recovery_1024(struct fixture *f)
{ f->info[6].key_bits = 1024; }
static void recovery_ec(struct fixture *f)
{
	snprintf(f->info[6].key_type, sizeof(f->info[6].key_type), "EC");
	f->info[6].key_bits = 256;
}
static void cm_4096(struct fixture *f)
{ f->info[4].key_bits = 4096; }              /* sub2's CallManager */

static void ipsec_pub(struct fixture *f)
{ cert_add(f, "pub", "IPsec", false, "RSA", 2048, "01", "pub-ipsec"); }
static void ipsec_missing(struct fixture *f) { ipsec_pub(f); }
static void ipsec_cluster_store(struct fixture *f)
{
	ipsec_pub(f);
	cert_add(f, "", "IPsec-trust", true, "RSA", 2048, "01", "pub-ipsec");
}
static void ipsec_old_serial(struct fixture *f)
{
	ipsec_pub(f);
	cert_add(f, "", "IPsec-trust", true, "RSA", 2048, "02", "pub-ipsec");
}
static void ipsec_one_node(struct fixture *f)
{
	ipsec_pub(f);
	cert_add(f, "sub1", "IPsec-trust", true, "RSA", 2048, "01",
	    "pub-ipsec");
}
static void ipsec_store_only(struct fixture *f)
{ cert_add(f, "", "IPsec-trust", true, "RSA", 2048, "07", "other"); }

static void itl_65536(struct fixture *f)
{ f->nodes[1].itl.len = 65536; }
static void itl_65537(struct fixture *f)
{ f->nodes[1].itl.len = 65537; }
static void itl_39(struct fixture *f)
{ f->nodes[2].itl.ncerts = 39; }
static void itl_40(struct fixture *f)
{ f->nodes[2].itl.ncerts = 40; }
static void itl_differs(struct fixture *f)
{ f->nodes[2].itl.sha1[0] = '9'; }
static void ctl_absent_sub(struct fixture *f)
{ f->nodes[1].ctl.state = HEALTH_FILE_ABSENT; }
static void ctl_failed(struct fixture *f)
{
	f->nodes[1].ctl.state = HEALTH_FILE_FAILED;
	snprintf(f->nodes[1].ctl.error, sizeof(f->nodes[1].ctl.error),
	    "timed out");
}
static void no_ctl_mixed(struct fixture *f)
{
	size_t i;

	for (i = 0; i < 3; i++)
		f->nodes[i].ctl.state = HEALTH_FILE_ABSENT;
}
static void no_ctl_nonsecure(struct fixture *f)
{
	no_ctl_mixed(f);
	f->in.security_mode = 0;
}
static void tvs_other_cert(struct fixture *f)
{ f->nodes[1].tvs_sha1[0] = 'f'; }
static void tvs_down(struct fixture *f)
{ f->nodes[2].tvs = HEALTH_TVS_FAILED; }
static void tvs_not_asked(struct fixture *f)
{ f->nodes[2].tvs = HEALTH_TVS_UNKNOWN; }
static void tvs_itl_unparsed(struct fixture *f)
{
	f->nodes[1].tvs_sha1[0] = 'f';
	f->nodes[1].itl.parsed = false;
}
static void worst_of_two(struct fixture *f)
{
	store_29_days(f);
	node_expired(f);
}

struct row {
	const char *name;
	void (*change)(struct fixture *f);
	size_t total;           /* findings in all */
	const char *check;      /* of the first finding; NULL for none */
	enum health_level level;
	const char *node;       /* of the first finding */
	const char *words;      /* in its message */
	enum health_level worst;
};

static const struct row rows[] = {
	{ "healthy", none, 0, NULL, HEALTH_OK, NULL, NULL, HEALTH_OK },
	{ "node certificate expired", node_expired, 1, "expired",
	  HEALTH_PROBLEM, "sub1", "node sub1's CallManager", HEALTH_PROBLEM },
	{ "expires this very second", expires_now, 1, "expired",
	  HEALTH_PROBLEM, "sub1", "expired on", HEALTH_PROBLEM },
	{ "store certificate in 29 days", store_29_days, 1, "expiring",
	  HEALTH_WARNING, "", "tomcat-trust certificate Web CA",
	  HEALTH_WARNING },
	{ "store certificate in 30 days", store_30_days, 0, NULL, HEALTH_OK,
	  NULL, NULL, HEALTH_OK },
	{ "ITLRecovery 1024 bits", recovery_1024, 1, "itlrecovery-key",
	  HEALTH_PROBLEM, "pub", "RSA 2048", HEALTH_PROBLEM },
	{ "ITLRecovery EC", recovery_ec, 0, NULL, HEALTH_OK, NULL, NULL,
	  HEALTH_OK },
	{ "a CallManager key longer", cm_4096, 1, "itlrecovery-key",
	  HEALTH_PROBLEM, "pub", "node sub2's CallManager key", HEALTH_PROBLEM },
	{ "IPsec trust missing", ipsec_missing, 2, "ipsec-trust",
	  HEALTH_PROBLEM, "sub1", "lacks the publisher's IPsec", HEALTH_PROBLEM },
	{ "IPsec trust in the cluster's store", ipsec_cluster_store, 0, NULL,
	  HEALTH_OK, NULL, NULL, HEALTH_OK },
	{ "IPsec trust with an old serial", ipsec_old_serial, 2, "ipsec-trust",
	  HEALTH_PROBLEM, "sub1", "serial 02", HEALTH_PROBLEM },
	{ "IPsec trust on one node only", ipsec_one_node, 1, "ipsec-trust",
	  HEALTH_PROBLEM, "sub2", "sub2's IPsec-trust", HEALTH_PROBLEM },
	{ "no IPsec certificate: skipped", ipsec_store_only, 0, NULL,
	  HEALTH_OK, NULL, NULL, HEALTH_OK },
	{ "ITL of 65536 bytes", itl_65536, 0, NULL, HEALTH_OK, NULL, NULL,
	  HEALTH_OK },
	{ "ITL of 65537 bytes", itl_65537, 1, "itl-size", HEALTH_PROBLEM,
	  "sub1", "65537 bytes", HEALTH_PROBLEM },
	{ "ITL of 39 certificates", itl_39, 0, NULL, HEALTH_OK, NULL, NULL,
	  HEALTH_OK },
	{ "ITL of 40 certificates", itl_40, 1, "itl-size", HEALTH_PROBLEM,
	  "sub2", "40 certificates", HEALTH_PROBLEM },
	{ "a node serves another ITL", itl_differs, 1, "files-differ",
	  HEALTH_PROBLEM, "sub2", "ITLFile.tlv SHA1 9", HEALTH_PROBLEM },
	{ "a node serves no CTL", ctl_absent_sub, 1, "files-differ",
	  HEALTH_PROBLEM, "sub1", "CTLFile.tlv SHA1 none", HEALTH_PROBLEM },
	{ "a node's TFTP fails", ctl_failed, 1, "tftp", HEALTH_PROBLEM,
	  "sub1", "timed out", HEALTH_PROBLEM },
	{ "mixed mode without a CTL", no_ctl_mixed, 1, "no-ctl",
	  HEALTH_PROBLEM, "pub", "mixed mode", HEALTH_PROBLEM },
	{ "non-secure without a CTL", no_ctl_nonsecure, 0, NULL, HEALTH_OK,
	  NULL, NULL, HEALTH_OK },
	{ "TVS presents another certificate", tvs_other_cert, 1,
	  "tvs-certificate", HEALTH_PROBLEM, "sub1", "does not carry",
	  HEALTH_PROBLEM },
	{ "TVS cannot be reached", tvs_down, 1, "tvs", HEALTH_PROBLEM, "sub2",
	  "cannot be reached", HEALTH_PROBLEM },
	{ "TVS not asked", tvs_not_asked, 0, NULL, HEALTH_OK, NULL, NULL,
	  HEALTH_OK },
	{ "TVS against an unreadable ITL", tvs_itl_unparsed, 0, NULL,
	  HEALTH_OK, NULL, NULL, HEALTH_OK },
	{ "a warning and a problem", worst_of_two, 2, "expired",
	  HEALTH_PROBLEM, "sub1", "expired", HEALTH_PROBLEM },
};

static void
test_rows(void **state)
{
	struct health_report r;
	struct fixture f;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];

		print_message("row: %s\n", w->name);
		healthy(&f);
		w->change(&f);
		memset(&r, 0, sizeof(r));
		assert_int_equal(health_check(&f.in, &r), CTL_OK);
		if (r.n != w->total)
			for (k = 0; k < r.n; k++)
				print_message("  got [%s] %s\n", r.v[k].check,
				    r.v[k].message);
		assert_int_equal(r.n, w->total);
		assert_int_equal(health_worst(&r), w->worst);
		if (w->check != NULL) {
			assert_string_equal(r.v[0].check, w->check);
			assert_int_equal(r.v[0].level, w->level);
			assert_string_equal(r.v[0].node, w->node);
			assert_non_null(strstr(r.v[0].message, w->words));
			/* Every finding says what to do. */
			for (k = 0; k < r.n; k++)
				assert_true(r.v[k].action[0] != '\0');
		}
		health_report_free(&r);
	}
}

static void
test_days_left(void **state)
{
	struct cert_info c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.not_after = NOW + DAY;
	assert_int_equal(cert_info_days_left(&c, NOW), 1);
	c.not_after = NOW + DAY - 1;
	assert_int_equal(cert_info_days_left(&c, NOW), 0);
	c.not_after = NOW;
	assert_int_equal(cert_info_days_left(&c, NOW), 0);
	c.not_after = NOW - 1;
	assert_int_equal(cert_info_days_left(&c, NOW), -1);
	c.not_after = NOW - DAY;
	assert_int_equal(cert_info_days_left(&c, NOW), -1);
	c.not_after = NOW - DAY - 1;
	assert_int_equal(cert_info_days_left(&c, NOW), -2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_days_left),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
