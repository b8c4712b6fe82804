/*
 * The state upgrade from schema version 3 to 4 on a cluster as version 3's
 * init made it: every node with CallManager, CAPF, TVS, ITLRecovery,
 * tomcat and client, no ECDSA or IPsec certificate, empty trust stores.
 * Opening it makes what is missing and loses nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sqlite3.h>

#include "ctl_err.h"
#include "file_io.h"
#include "pub_certgen.h"
#include "pub_layout.h"
#include "pub_node.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pub_trust.h"
#include "pubtest.h"

#define NODES 2

/* Version 3's node_certs and trust, their CHECKs as they were. */
static const char to_v3[] =
"DELETE FROM node_certs WHERE purpose IN ('CallManager-ECDSA',"
"  'Tomcat-ECDSA','ipsec');"
"DROP TABLE trust;"
"CREATE TABLE trust ("
"  id INTEGER PRIMARY KEY,"
"  purpose TEXT NOT NULL CHECK (purpose IN ('Phone-SAST-trust',"
"    'CallManager-trust','tomcat-trust','CAPF-trust')),"
"  der BLOB NOT NULL, sha1 TEXT NOT NULL, subject TEXT NOT NULL,"
"  issuer TEXT NOT NULL, serial TEXT NOT NULL, added INTEGER NOT NULL,"
"  UNIQUE (purpose, sha1));"
"CREATE TABLE node_certs_v3 ("
"  node TEXT NOT NULL REFERENCES nodes(name),"
"  purpose TEXT NOT NULL CHECK (purpose IN ('CallManager','CAPF','TVS',"
"    'ITLRecovery','tomcat','client')),"
"  cert_path TEXT NOT NULL, key_path TEXT NOT NULL,"
"  PRIMARY KEY (node, purpose));"
"INSERT INTO node_certs_v3 SELECT * FROM node_certs;"
"DROP TABLE node_certs;"
"ALTER TABLE node_certs_v3 RENAME TO node_certs;"
/* version 3 made CAPF and ITLRecovery on every node */
"INSERT INTO node_certs SELECT 'cucm-sub1', purpose,"
"  replace(cert_path, 'cucm-pub', 'cucm-sub1'),"
"  replace(key_path, 'cucm-pub', 'cucm-sub1') FROM node_certs"
"  WHERE node = 'cucm-pub' AND purpose IN ('CAPF','ITLRecovery');"
"UPDATE schema_version SET version = 3;";

static const char *const new_files[] = {
	"CallManager-ECDSA", "Tomcat-ECDSA", "ipsec",
};
static const char *const old_files[] = {
	"CallManager", "CAPF", "TVS", "ITLRecovery", "tomcat", "client",
};

/* The SHA1 of DIR/nodes/NODE/BASE.pem into HEX. */
static void
pem_sha1(const char *dir, const char *node, const char *base, char hex[41])
{
	char name[160], *p;
	uint8_t *data;
	size_t len;
	struct ctl_diag d;

	snprintf(name, sizeof(name), "nodes/%s/%s.pem", node, base);
	assert_non_null(p = pt_path(dir, name, NULL));
	assert_int_equal(file_read_limited(p, 1 << 20, &data, &len, &d),
	    CTL_OK);
	pub_sha1_hex(data, len, hex);
	free(data);
	free(p);
}

static void
copy_file(const char *from, const char *to)
{
	uint8_t *data;
	size_t len;
	struct ctl_diag d;

	assert_int_equal(file_read_limited(from, 1 << 20, &data, &len, &d),
	    CTL_OK);
	assert_int_equal(file_write_atomic(to, data, len, 0600, &d), CTL_OK);
	free(data);
}

static void
test_upgrade_v3(void **state)
{
	struct pt_cluster cl;
	struct pub_trust_entry *trust = NULL;
	struct ctl_diag d;
	char name[PUB_NODE_NAME_MAX], before[NODES][6][41], hex[41];
	char file[160], *p, *q, *cpath, *kpath;
	sqlite3 *raw;
	size_t i, j, nt;
	X509 *x;
	EVP_PKEY *k;

	(void)state;
	assert_int_equal(pt_cluster_make("upgrade", NODES, &cl), 0);
	pub_state_close(cl.st);
	cl.st = NULL;
	/* Back to what version 3 made. */
	for (i = 0; i < NODES; i++) {
		pub_layout_node_name(NULL, (unsigned)i, name);
		for (j = 0; j < 3; j++) {
			snprintf(file, sizeof(file), "nodes/%s/%s.pem", name,
			    new_files[j]);
			p = pt_path(cl.dir, file, NULL);
			unlink(p);
			free(p);
			snprintf(file, sizeof(file), "nodes/%s/%s.key", name,
			    new_files[j]);
			p = pt_path(cl.dir, file, NULL);
			unlink(p);
			free(p);
		}
	}
	for (j = 0; j < 2; j++) {
		const char *base = j == 0 ? "CAPF" : "ITLRecovery";
		const char *ext[2] = { "pem", "key" };

		for (size_t e = 0; e < 2; e++) {
			snprintf(file, sizeof(file), "nodes/cucm-pub/%s.%s", base,
			    ext[e]);
			p = pt_path(cl.dir, file, NULL);
			snprintf(file, sizeof(file), "nodes/cucm-sub1/%s.%s",
			    base, ext[e]);
			q = pt_path(cl.dir, file, NULL);
			copy_file(p, q);
			free(p);
			free(q);
		}
	}
	p = pt_path(cl.dir, "state.db", NULL);
	assert_int_equal(sqlite3_open(p, &raw), SQLITE_OK);
	free(p);
	assert_int_equal(sqlite3_exec(raw, to_v3, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	for (i = 0; i < NODES; i++) {
		pub_layout_node_name(NULL, (unsigned)i, name);
		for (j = 0; j < 6; j++)
			pem_sha1(cl.dir, name, old_files[j], before[i][j]);
	}

	/* Opening it upgrades it. */
	ctl_diag_clear(&d);
	if (pub_state_open(cl.dir, &cl.st, &d) != CTL_OK)
		fail_msg("open: %s", d.msg);
	for (i = 0; i < NODES; i++) {
		pub_layout_node_name(NULL, (unsigned)i, name);
		/* nothing lost: the same files, still recorded */
		for (j = 0; j < 6; j++) {
			enum pub_cert_purpose pp;

			pem_sha1(cl.dir, name, old_files[j], hex);
			assert_string_equal(hex, before[i][j]);
			assert_int_equal(pub_cert_purpose_parse(old_files[j], &pp),
			    CTL_OK);
			assert_int_equal(pub_node_cert_paths(cl.st, name, pp,
			    &cpath, NULL, &d), CTL_OK);
			free(cpath);
		}
		/* the new types, with the keys they should have */
		for (j = PUB_CERT_CALLMANAGER_ECDSA; j <= PUB_CERT_IPSEC; j++) {
			assert_int_equal(pub_node_cert_paths(cl.st, name,
			    (enum pub_cert_purpose)j, &cpath, &kpath, &d), CTL_OK);
			assert_int_equal(pub_certgen_load(cpath, kpath, &x, &k, &d),
			    CTL_OK);
			assert_int_equal(EVP_PKEY_get_base_id(k),
			    j == PUB_CERT_IPSEC ? EVP_PKEY_RSA : EVP_PKEY_EC);
			X509_free(x);
			EVP_PKEY_free(k);
			free(cpath);
			free(kpath);
		}
	}
	/* The ECDSA and IPsec certificates are in their trust stores. */
	assert_int_equal(pub_trust_list(cl.st, 1, PUB_TRUST_PHONE_SAST, &trust,
	    &nt, &d), CTL_OK);
	assert_int_equal(nt, 3 * NODES);
	pub_trust_list_free(trust, nt);
	assert_int_equal(pub_trust_list(cl.st, 0, PUB_TRUST_IPSEC, &trust,
	    &nt, &d), CTL_OK);
	assert_int_equal(nt, NODES);
	pub_trust_list_free(trust, nt);
	/* A second open changes nothing more. */
	pub_state_close(cl.st);
	pem_sha1(cl.dir, "cucm-sub1", "CallManager-ECDSA", before[0][0]);
	assert_int_equal(pub_state_open(cl.dir, &cl.st, &d), CTL_OK);
	pem_sha1(cl.dir, "cucm-sub1", "CallManager-ECDSA", hex);
	assert_string_equal(hex, before[0][0]);
	pt_cluster_free(&cl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upgrade_v3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
