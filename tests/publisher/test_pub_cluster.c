/*
 * A whole cluster made by pub_init(): files and modes, the state it
 * records, refusals (an existing cluster, node counts and ports out of
 * range), the tokenless CTL, and certificate regeneration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_trust.h"
#include "ctl_verify.h"
#include "file_io.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_init.h"
#include "pub_layout.h"
#include "pub_node.h"
#include "pub_regen.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pub_tokenless.h"
#include "pub_user.h"
#include "pubtest.h"

#define NODES 3

static struct pt_cluster cl;
static char *top;       /* holds the cluster, and the refusal cases */
static char *cdir;      /* the cluster */
static struct pub_state *st;

static int
setup(void **state)
{
	(void)state;
	if (pt_cluster_make("cluster", NODES, &cl) != 0)
		return -1;
	top = cl.top;
	cdir = cl.dir;
	st = cl.st;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pt_cluster_free(&cl);
	return 0;
}

static void
assert_mode(const char *dir, const char *a, const char *b, int mode)
{
	char *p = pt_path(dir, a, b);

	assert_non_null(p);
	if (pt_mode(p) != mode)
		fail_msg("%s: mode %o, expected %o", p, pt_mode(p), mode);
	free(p);
}

static void
test_files_and_modes(void **state)
{
	/* Every node's types (and the TLS client), then the publisher's
	 * own. */
	static const char *const purposes[] = {
		"CallManager", "TVS", "tomcat", "client", "CallManager-ECDSA",
		"Tomcat-ECDSA", "ipsec", "CAPF", "ITLRecovery",
	};
	const size_t every = 7;
	struct ctl_diag d;
	uint8_t *pw, *a, *b;
	size_t pwlen, alen, blen, i, j;
	char name[PUB_NODE_NAME_MAX], file[64], *p, *q;

	(void)state;
	assert_int_equal(pt_mode(cdir), 0700);
	assert_mode(cdir, "admin.password", NULL, 0600);
	assert_mode(cdir, "state.db", NULL, 0600);
	assert_mode(cdir, "cluster-ca.key", NULL, 0600);
	assert_mode(cdir, "cluster-ca.pem", NULL, 0644);
	assert_mode(cdir, "trust.pem", NULL, 0644);
	for (i = 0; i < NODES; i++) {
		pub_layout_node_name(NULL, (unsigned)i, name);
		p = pt_path(cdir, "nodes", name);
		assert_int_equal(pt_mode(p), 0700);
		assert_mode(p, "tftp", NULL, 0755);
		for (j = 0; j < sizeof(purposes) / sizeof(purposes[0]); j++) {
			snprintf(file, sizeof(file), "%s.key", purposes[j]);
			if (i > 0 && j >= every) {
				/* CAPF and ITLRecovery: the publisher's only */
				q = pt_path(p, file, NULL);
				assert_int_equal(pt_mode(q), -1);
				free(q);
				continue;
			}
			assert_mode(p, file, NULL, 0600);
			snprintf(file, sizeof(file), "%s.pem", purposes[j]);
			assert_mode(p, file, NULL, 0644);
		}
		free(p);
	}
	/* Nothing of the temporary directory is left beside the cluster. */
	assert_int_equal(pt_count_prefix(top, "c.tmp-"), 0);
	/* The password: 20 letters and digits, and it logs in. */
	p = pt_path(cdir, "admin.password", NULL);
	assert_int_equal(file_read_limited(p, 256, &pw, &pwlen, &d), CTL_OK);
	free(p);
	assert_int_equal(pwlen, 20);
	for (i = 0; i < pwlen; i++)
		assert_true((pw[i] >= 'a' && pw[i] <= 'z') ||
		    (pw[i] >= 'A' && pw[i] <= 'Z') ||
		    (pw[i] >= '0' && pw[i] <= '9'));
	pw = realloc(pw, pwlen + 1);
	pw[pwlen] = '\0';
	assert_int_equal(pub_user_check(st, PUB_ADMIN_USER, (char *)pw, &d),
	    CTL_OK);
	free(pw);
	/* trust.pem is the cluster CA. */
	p = pt_path(cdir, "trust.pem", NULL);
	q = pt_path(cdir, "cluster-ca.pem", NULL);
	assert_int_equal(file_read_limited(p, 65536, &a, &alen, &d), CTL_OK);
	assert_int_equal(file_read_limited(q, 65536, &b, &blen, &d), CTL_OK);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	free(p);
	free(q);
}

static void
test_nodes_recorded(void **state)
{
	struct pub_settings s;
	struct pub_node *v, one;
	struct ctl_diag d;
	size_t n, i;
	char want[PUB_NODE_NAME_MAX], *cert, *key;
	X509 *x;
	EVP_PKEY *k;

	(void)state;
	assert_int_equal(pub_settings_get(st, &s, &d), CTL_OK);
	assert_int_equal(s.security_mode, 0);
	assert_int_equal(s.ctl_mode, PUB_CTL_NONE);
	assert_int_equal(pub_node_list(st, &v, &n, &d), CTL_OK);
	assert_int_equal(n, NODES);
	for (i = 0; i < n; i++) {
		pub_layout_node_name(NULL, (unsigned)i, want);
		assert_string_equal(v[i].name, want);
		assert_int_equal(v[i].publisher, i == 0);
		assert_int_equal(v[i].ports.ctl, 2444 + 10 * i);
		assert_int_equal(v[i].ports.tvs, 2445 + 10 * i);
		assert_int_equal(v[i].ports.dist, 2446 + 10 * i);
		assert_string_equal(v[i].ctl_sha1, "");
		assert_int_equal(v[i].dist, PUB_DIST_CURRENT);
		assert_true(pt_exists(v[i].tftp_dir));
		/* The CallManager certificate: CN is the node's name, and
		 * its key matches. */
		assert_int_equal(pub_node_cert_paths(st, v[i].name,
		    PUB_CERT_CALLMANAGER, &cert, &key, &d), CTL_OK);
		assert_int_equal(pub_certgen_load(cert, key, &x, &k, &d),
		    CTL_OK);
		assert_int_equal(ctl_cert_key_bits(x), 2048);
		{
			char *name = NULL;

			assert_int_equal(ctl_name_format(
			    X509_get_subject_name(x), &name), CTL_OK);
			assert_true(strncmp(name, "CN=", 3) == 0);
			assert_true(strncmp(name + 3, v[i].name,
			    strlen(v[i].name)) == 0);
			assert_non_null(strstr(name, ";OU="));
			assert_non_null(strstr(name, ";C=PL"));
			free(name);
		}
		X509_free(x);
		EVP_PKEY_free(k);
		free(cert);
		free(key);
	}
	assert_string_equal(v[0].ip, "127.0.0.2");
	assert_string_equal(v[2].ip, "127.0.0.4");
	free(v);
	assert_int_equal(pub_node_publisher(st, &one, &d), CTL_OK);
	assert_string_equal(one.name, "cucm-pub");
	assert_int_equal(pub_node_get(st, "cucm-sub9", &one, &d),
	    CTL_ERR_NOT_FOUND);
	/* The distribution state. */
	assert_int_equal(pub_node_set_ctl(st, "cucm-sub1",
	    "0123456789abcdef0123456789ABCDEF01234567", PUB_DIST_FAILED,
	    "connection refused", &d), CTL_OK);
	assert_int_equal(pub_node_get(st, "cucm-sub1", &one, &d), CTL_OK);
	assert_string_equal(one.ctl_sha1,
	    "0123456789abcdef0123456789abcdef01234567");
	assert_int_equal(one.dist, PUB_DIST_FAILED);
	assert_string_equal(one.dist_reason, "connection refused");
	assert_true(one.dist_time > 0);
	assert_int_equal(pub_node_set_ctl(st, "cucm-sub1", NULL,
	    PUB_DIST_CURRENT, NULL, &d), CTL_OK);
	assert_int_equal(pub_node_set_ctl(st, "nobody", NULL,
	    PUB_DIST_CURRENT, NULL, &d), CTL_ERR_NOT_FOUND);
	assert_int_equal(pub_node_set_ctl(st, "cucm-sub1", "abc",
	    PUB_DIST_CURRENT, NULL, &d), CTL_ERR_USAGE);
}

static void
test_init_refusals(void **state)
{
	static const struct {
		unsigned nodes, port;
		int want;
	} rows[] = {
		{ 0, 2444, CTL_ERR_USAGE },
		{ 17, 2444, CTL_ERR_USAGE },
		{ 3, 0, CTL_ERR_USAGE },
		{ 3, PUB_PORT_MAX + 1, CTL_ERR_USAGE },
		{ 1, PUB_PORT_MAX, CTL_OK },      /* the boundaries that fit */
	};
	struct ctl_diag d;
	struct pub_init_opts o;
	struct stat before, after;
	char *db = pt_path(cdir, PUB_STATE_FILE, NULL), *p, *f;
	size_t i;
	FILE *fp;

	(void)state;
	/* Every option set: the TVS and ITL ones are refused when out of
	 * range, and stack garbage may be. */
	memset(&o, 0, sizeof(o));
	/* An existing cluster: refused, untouched. */
	assert_int_equal(stat(db, &before), 0);
	o.nodes = 2;
	o.port = 2444;
	ctl_diag_clear(&d);
	assert_int_equal(pub_init(cdir, &o, &d), CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "already holds a cluster"));
	assert_int_equal(stat(db, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mtime, after.st_mtime);
	/* Also given with a trailing slash. */
	p = pt_path(cdir, "", NULL);
	assert_int_equal(pub_init(p, &o, &d), CTL_ERR_USAGE);
	free(p);
	free(db);

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char tag[16];

		snprintf(tag, sizeof(tag), "r%zu", i);
		p = pt_path(top, tag, NULL);
		o.nodes = rows[i].nodes;
		o.port = rows[i].port;
		assert_int_equal(pub_init(p, &o, &d), rows[i].want);
		assert_int_equal(pt_exists(p), rows[i].want == CTL_OK);
		free(p);
	}
	/* A directory that is not empty: refused, left as it was. */
	p = pt_path(top, "full", NULL);
	assert_int_equal(mkdir(p, 0755), 0);
	f = pt_path(p, "mine.txt", NULL);
	assert_non_null(fp = fopen(f, "w"));
	fclose(fp);
	o.nodes = 1;
	o.port = 2444;
	assert_int_equal(pub_init(p, &o, &d), CTL_ERR_USAGE);
	assert_true(pt_exists(f));
	assert_int_equal(pt_count_prefix(p, "."), 2 + 0);
	free(f);
	free(p);
	/* An empty directory is fine. */
	p = pt_path(top, "empty", NULL);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(pub_init(p, &o, &d), CTL_OK);
	assert_int_equal(pt_mode(p), 0700);
	free(p);
	/* No temporary directory left by any of them. */
	assert_int_equal(pt_count_prefix(top, "r0.tmp"), 0);
	assert_int_equal(pt_count_prefix(top, "full.tmp"), 0);
	assert_int_equal(pt_count_prefix(top, "c.tmp"), 0);
}

/* The DER of node NODE's certificate for purpose P. */
static X509 *
node_cert(const char *node, enum pub_cert_purpose p)
{
	struct ctl_diag d;
	char *cert;
	X509 *x;

	assert_int_equal(pub_node_cert_paths(st, node, p, &cert, NULL, &d),
	    CTL_OK);
	assert_int_equal(pub_certgen_load(cert, NULL, &x, NULL, &d), CTL_OK);
	free(cert);
	return x;
}

static int
same_cert(const struct ctl_record *r, X509 *x)
{
	uint8_t *der = NULL;
	int n = i2d_X509(x, &der), same;

	same = n > 0 && (size_t)n == r->cert_der.len &&
	    memcmp(der, r->cert_der.p, (size_t)n) == 0;
	OPENSSL_free(der);
	return same;
}

static struct ctl_file *
build_parsed(uint32_t ts)
{
	struct ctl_file *f = NULL;
	struct ctl_diag d = { "" };
	uint8_t *b = NULL;
	size_t len = 0;

	if (pub_tokenless_build(st, 0, ts, &b, &len, &d) != CTL_OK)
		fail_msg("build: %s", d.msg);
	assert_int_equal(ctl_parse(b, len, &f, &d), CTL_OK);
	free(b);
	return f;
}

static void
test_tokenless_ctl(void **state)
{
	static const uint16_t roles[] = {
		CTL_ROLE_SAST, CTL_ROLE_CCM_TFTP, CTL_ROLE_CAPF,
		CTL_ROLE_CCM_TFTP, CTL_ROLE_CCM_TFTP, CTL_ROLE_SAST,
	};
	static const char *const dns[] = {
		"cucm-pub", "cucm-pub", "cucm-pub", "cucm-sub1", "cucm-sub2",
		"cucm-pub",
	};
	static const uint8_t ips[][4] = {
		{ 127, 0, 0, 2 }, { 127, 0, 0, 2 }, { 127, 0, 0, 2 },
		{ 127, 0, 0, 3 }, { 127, 0, 0, 4 }, { 127, 0, 0, 2 },
	};
	struct pub_settings set;
	X509 *itlrec;
	struct ctl_file *f;
	struct ctl_diag d;
	X509 *pub_cm, *capf, *sub;
	char *name = NULL;
	int signer = -1;
	size_t i;

	(void)state;
	f = build_parsed(1425667513);
	assert_int_equal(ctl_verify(f, &signer, &d), CTL_OK);
	assert_int_equal(signer, 0);
	assert_false(ctl_is_itl(f));
	assert_string_equal(f->hdr.filename, "CTLFile.tlv");
	assert_int_equal(f->hdr.timestamp, 1425667513);
	assert_int_equal(f->hdr.digest, CTL_DIGEST_SHA1);
	/* The ITLRecovery certificate signs the ITL (the default, CUCM 12
	 * and later): it is the CTL's last record, a SAST that did not
	 * sign. */
	assert_int_equal(f->nrecords, 6);
	for (i = 0; i < f->nrecords; i++) {
		assert_int_equal(f->records[i].role, roles[i]);
		assert_string_equal(f->records[i].dns_name, dns[i]);
		assert_memory_equal(f->records[i].ip, ips[i], 4);
	}
	/* The signer is the publisher's CallManager certificate, and the
	 * same certificate is the CCM+TFTP record. */
	pub_cm = node_cert("cucm-pub", PUB_CERT_CALLMANAGER);
	capf = node_cert("cucm-pub", PUB_CERT_CAPF);
	assert_true(same_cert(&f->records[0], pub_cm));
	assert_true(same_cert(&f->records[1], pub_cm));
	assert_true(same_cert(&f->records[2], capf));
	assert_int_equal(ctl_name_format(X509_get_subject_name(pub_cm), &name),
	    CTL_OK);
	assert_string_equal(f->hdr.signer_name, name);
	assert_true(strncmp(f->records[2].subject, "CN=CAPF-", 8) == 0);
	free(name);
	for (i = 1; i < NODES; i++) {
		char node[PUB_NODE_NAME_MAX];

		pub_layout_node_name(NULL, (unsigned)i, node);
		sub = node_cert(node, PUB_CERT_CALLMANAGER);
		assert_true(same_cert(&f->records[2 + i], sub));
		X509_free(sub);
	}
	itlrec = node_cert("cucm-pub", PUB_CERT_ITLRECOVERY);
	assert_true(same_cert(&f->records[5], itlrec));
	X509_free(itlrec);
	X509_free(pub_cm);
	X509_free(capf);
	ctl_free(f);
	/* The CallManager certificate signs the ITL (8.x to 11.5): the CTL
	 * is the five records Cisco's tokenless CTL guide shows. */
	assert_int_equal(pub_settings_get(st, &set, &d), CTL_OK);
	assert_int_equal(pub_settings_set_options(st, "t", set.tvs_tls,
	    PUB_ITL_CALLMANAGER, &d), CTL_OK);
	f = build_parsed(1425667513);
	assert_int_equal(f->nrecords, 5);
	for (i = 0; i < f->nrecords; i++)
		assert_int_equal(f->records[i].role, roles[i]);
	ctl_free(f);
	assert_int_equal(pub_settings_set_options(st, "t", set.tvs_tls,
	    set.itl_signer, &d), CTL_OK);
}

static void
test_store_into_node(void **state)
{
	struct pub_node pub;
	struct ctl_diag d;
	uint8_t *b = NULL, *got = NULL;
	size_t len, glen;
	char sha1[41], stored[41];

	(void)state;
	assert_int_equal(pub_node_publisher(st, &pub, &d), CTL_OK);
	assert_int_equal(pub_tokenless_build(st, CTL_DIGEST_SHA256, 0, &b, &len,
	    &d), CTL_OK);
	assert_int_equal(pub_store_write(pub.tftp_dir, PUB_CTL_FILENAME, b, len,
	    &d), CTL_OK);
	pub_sha1_hex(b, len, sha1);
	assert_int_equal(pub_store_sha1(pub.tftp_dir, PUB_CTL_FILENAME, stored,
	    &d), CTL_OK);
	assert_string_equal(sha1, stored);
	assert_int_equal(pub_store_read(pub.tftp_dir, PUB_CTL_FILENAME, &got,
	    &glen, &d), CTL_OK);
	assert_int_equal(glen, len);
	assert_memory_equal(got, b, len);
	free(got);
	free(b);
}

static void
test_regenerate(void **state)
{
	struct pub_audit_entry *v;
	struct ctl_file *old, *newf, *again;
	struct ctl_trust t;
	struct ctl_diag d;
	X509 *before, *after;
	EVP_PKEY *kb, *ka;
	char *cert, *key, old_sha1[41], new_sha1[41];
	uint8_t md[20];
	size_t n;

	(void)state;
	old = build_parsed(1425667513);
	assert_int_equal(pub_node_cert_paths(st, "cucm-pub",
	    PUB_CERT_CALLMANAGER, &cert, &key, &d), CTL_OK);
	assert_int_equal(pub_certgen_load(cert, key, &before, &kb, &d), CTL_OK);
	assert_int_equal(pub_cert_regenerate(st, "admin", "cucm-pub",
	    PUB_CERT_CALLMANAGER, PUB_KEY_DEFAULT, NULL, &d), CTL_OK);
	assert_int_equal(pub_certgen_load(cert, key, &after, &ka, &d), CTL_OK);
	/* Same subject, new serial, new key. */
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(before),
	    X509_get_subject_name(after)), 0);
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get_serialNumber(before),
	    X509_get_serialNumber(after)), 0);
	assert_int_not_equal(EVP_PKEY_eq(kb, ka), 1);
	assert_int_equal(pt_mode(key), 0600);
	/* Audited with both SHA1s. */
	ctl_cert_sha1(before, md);
	assert_int_equal(pub_audit_list(st, 1, &v, &n, &d), CTL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].operation, "cert-regenerate");
	snprintf(old_sha1, sizeof(old_sha1), "%s", v[0].old_sha1);
	snprintf(new_sha1, sizeof(new_sha1), "%s", v[0].new_sha1);
	assert_string_not_equal(old_sha1, new_sha1);
	assert_string_equal(v[0].detail, "cucm-pub CallManager");
	free(v);

	/* The next CTL is signed by the new certificate: a phone holding
	 * the old CTL does not know it, and only TVS can help. */
	newf = build_parsed(1425668000);
	assert_int_equal(ctl_verify(newf, NULL, &d), CTL_OK);
	assert_int_equal(ctl_trust_direct(old, newf, &t, &d), CTL_OK);
	assert_false(t.accept);
	assert_true(t.tvs_could_help);
	/* A phone holding the new one takes the next update directly. */
	again = build_parsed(1425669000);
	assert_int_equal(ctl_trust_direct(newf, again, &t, &d), CTL_OK);
	assert_true(t.accept);

	/* The internal TLS client is not a type; CAPF is the publisher's
	 * only. */
	assert_int_equal(pub_cert_regenerate(st, "admin", "cucm-pub",
	    PUB_CERT_CLIENT, PUB_KEY_DEFAULT, NULL, &d), CTL_ERR_USAGE);
	assert_int_equal(pub_cert_regenerate(st, "admin", "cucm-sub1",
	    PUB_CERT_CAPF, PUB_KEY_DEFAULT, NULL, &d), CTL_ERR_USAGE);
	assert_int_equal(pub_cert_regenerate(st, "admin", "cucm-sub7",
	    PUB_CERT_CALLMANAGER, PUB_KEY_DEFAULT, NULL, &d),
	    CTL_ERR_NOT_FOUND);

	ctl_free(old);
	ctl_free(newf);
	ctl_free(again);
	X509_free(before);
	X509_free(after);
	EVP_PKEY_free(kb);
	EVP_PKEY_free(ka);
	free(cert);
	free(key);
}

/* The rule the publisher checks on one regeneration: no certificate of
 * the ITL while the ITLRecovery key is, or would become, shorter than a
 * CallManager key; FORCE with a reason goes through, audited. */
static void
test_recovery_rule(void **state)
{
	static const struct {
		const char *node;
		enum pub_cert_purpose p;
		enum pub_key_type kt;
		bool forced;
		int rc;
	} before[] = {
		{ "cucm-pub", PUB_CERT_TVS, PUB_KEY_DEFAULT, false, CTL_OK },
		/* the new key counts */
		{ "cucm-sub1", PUB_CERT_CALLMANAGER, PUB_KEY_RSA4096, false,
		  CTL_ERR_REFUSED },
		{ "cucm-sub1", PUB_CERT_CALLMANAGER, PUB_KEY_RSA4096, true,
		  CTL_OK },
	}, after[] = {
		{ "cucm-pub", PUB_CERT_TVS, PUB_KEY_DEFAULT, false,
		  CTL_ERR_REFUSED },
		{ "cucm-pub", PUB_CERT_CAPF, PUB_KEY_DEFAULT, false,
		  CTL_ERR_REFUSED },
		{ "cucm-pub", PUB_CERT_CALLMANAGER, PUB_KEY_RSA4096, false,
		  CTL_ERR_REFUSED },
		{ "cucm-pub", PUB_CERT_TVS, PUB_KEY_DEFAULT, true, CTL_OK },
		{ "cucm-pub", PUB_CERT_TOMCAT, PUB_KEY_DEFAULT, false, CTL_OK },
		{ "cucm-pub", PUB_CERT_IPSEC, PUB_KEY_DEFAULT, false, CTL_OK },
		{ "cucm-pub", PUB_CERT_ITLRECOVERY, PUB_KEY_DEFAULT, false,
		  CTL_ERR_REFUSED },
		/* boundary: as long as the longest CallManager key */
		{ "cucm-pub", PUB_CERT_ITLRECOVERY, PUB_KEY_RSA3072, false,
		  CTL_ERR_REFUSED },
		{ "cucm-pub", PUB_CERT_ITLRECOVERY, PUB_KEY_RSA4096, false,
		  CTL_OK },
	};
	struct pub_audit_entry *v;
	struct ctl_diag d;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		ctl_diag_clear(&d);
		assert_int_equal(pub_cert_regen_recovery_check(st,
		    before[i].node, before[i].p, before[i].kt, before[i].forced,
		    &d), before[i].rc);
		if (before[i].rc != CTL_OK)
			assert_non_null(strstr(d.msg, "as this regeneration "
			    "would make it"));
	}
	assert_int_equal(pub_cert_regenerate(st, "admin", "cucm-sub1",
	    PUB_CERT_CALLMANAGER, PUB_KEY_RSA4096, NULL, &d), CTL_OK);
	for (i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		ctl_diag_clear(&d);
		assert_int_equal(pub_cert_regen_recovery_check(st,
		    after[i].node, after[i].p, after[i].kt, after[i].forced,
		    &d), after[i].rc);
		if (after[i].rc != CTL_OK)
			assert_non_null(strstr(d.msg, "shorter than the "
			    "CallManager key"));
	}
	assert_int_equal(pub_cert_regenerate_forced(st, "admin", "cucm-pub",
	    PUB_CERT_TVS, PUB_KEY_DEFAULT, "itlrecovery-key", "change 42",
	    NULL, &d), CTL_OK);
	assert_int_equal(pub_audit_list(st, 1, &v, &n, &d), CTL_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].operation, "cert-regenerate-forced");
	assert_string_equal(v[0].detail,
	    "cucm-pub TVS; forced (itlrecovery-key): change 42");
	free(v);
	/* Put the cluster back for the tests after this one. */
	assert_int_equal(pub_cert_regenerate(st, "admin", "cucm-sub1",
	    PUB_CERT_CALLMANAGER, PUB_KEY_DEFAULT, NULL, &d), CTL_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_and_modes),
		cmocka_unit_test(test_nodes_recorded),
		cmocka_unit_test(test_init_refusals),
		cmocka_unit_test(test_tokenless_ctl),
		cmocka_unit_test(test_store_into_node),
		cmocka_unit_test(test_regenerate),
		cmocka_unit_test(test_recovery_rule),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
