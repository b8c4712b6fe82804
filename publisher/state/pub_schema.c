/* The state database's schema: creating it, and refusing versions newer
 * than this program knows. */
#include <stdio.h>

#include <stdlib.h>

#include "ctl_err.h"
#include "pub_node.h"
#include "pub_node_cert.h"
#include "pub_state.h"
#include "pub_state_int.h"

/* "CTLP": marks the file as ours (PRAGMA application_id). */
#define PUB_APPLICATION_ID 0x43544c50

/* Version 2 added the TVS and ITL settings and each node's TFTP port;
 * version 3 the pre-8.0 rollback and the ITL reset; version 4 the
 * CallManager-ECDSA, Tomcat-ECDSA and IPsec certificates and the
 * IPsec-trust store. */
#define NODE_CERTS_V4 \
"  node TEXT NOT NULL REFERENCES nodes(name)," \
"  purpose TEXT NOT NULL CHECK (purpose IN ('CallManager','CAPF','TVS'," \
"    'ITLRecovery','tomcat','client','CallManager-ECDSA','Tomcat-ECDSA'," \
"    'ipsec'))," \
"  cert_path TEXT NOT NULL, key_path TEXT NOT NULL," \
"  PRIMARY KEY (node, purpose));"

#define TRUST_V4 \
"  id INTEGER PRIMARY KEY," \
"  purpose TEXT NOT NULL CHECK (purpose IN ('Phone-SAST-trust'," \
"    'CallManager-trust','tomcat-trust','CAPF-trust','IPsec-trust'))," \
"  der BLOB NOT NULL, sha1 TEXT NOT NULL, subject TEXT NOT NULL," \
"  issuer TEXT NOT NULL, serial TEXT NOT NULL, added INTEGER NOT NULL," \
"  UNIQUE (purpose, sha1));"

static const char schema_v4[] =
"CREATE TABLE schema_version (version INTEGER NOT NULL);"
"CREATE TABLE settings ("
"  id INTEGER PRIMARY KEY CHECK (id = 1),"
"  security_mode INTEGER NOT NULL CHECK (security_mode IN (0, 1)),"
"  ctl_mode TEXT NOT NULL CHECK (ctl_mode IN ('none','token','tokenless')),"
"  base_port INTEGER NOT NULL,"
"  tvs_tls TEXT NOT NULL DEFAULT '1.2' CHECK (tvs_tls IN ('1.0','1.2')),"
"  itl_signer TEXT NOT NULL DEFAULT 'ITLRecovery'"
"    CHECK (itl_signer IN ('ITLRecovery','CallManager')),"
"  rollback_pre8 INTEGER NOT NULL DEFAULT 0 CHECK (rollback_pre8 IN (0, 1)),"
"  itl_reset TEXT NOT NULL DEFAULT 'none'"
"    CHECK (itl_reset IN ('none','localkey','remotekey')),"
"  itl_reset_sha1 TEXT NOT NULL DEFAULT '');"
"CREATE TABLE nodes ("
"  idx INTEGER PRIMARY KEY CHECK (idx >= 0),"
"  name TEXT NOT NULL UNIQUE,"
"  ip TEXT NOT NULL UNIQUE,"
"  port_ctl INTEGER NOT NULL, port_tvs INTEGER NOT NULL,"
"  port_dist INTEGER NOT NULL, port_tftp INTEGER NOT NULL,"
"  role TEXT NOT NULL CHECK (role IN ('publisher','subscriber')),"
"  tftp_dir TEXT NOT NULL,"
"  ctl_sha1 TEXT,"
"  dist_state TEXT NOT NULL DEFAULT 'current'"
"    CHECK (dist_state IN ('current','stale','failed')),"
"  dist_reason TEXT NOT NULL DEFAULT '',"
"  dist_time INTEGER NOT NULL DEFAULT 0);"
"CREATE UNIQUE INDEX one_publisher ON nodes(role) WHERE role = 'publisher';"
"CREATE TABLE node_certs (" NODE_CERTS_V4
"CREATE TABLE trust (" TRUST_V4
"CREATE TABLE users ("
"  name TEXT PRIMARY KEY,"
"  kdf TEXT NOT NULL CHECK (kdf = 'scrypt'),"
"  log2_n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL,"
"  salt BLOB NOT NULL, hash BLOB NOT NULL);"
"CREATE TABLE audit ("
"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
"  time INTEGER NOT NULL, user TEXT NOT NULL, operation TEXT NOT NULL,"
"  old_sha1 TEXT, new_sha1 TEXT, detail TEXT NOT NULL DEFAULT '');";

int
pub_schema_create(struct pub_state *st, unsigned base_port,
    struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	char pragma[64];
	int rc;

	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d",
	    PUB_APPLICATION_ID);
	if ((rc = pub_sql_exec(st, pragma, d)) != CTL_OK ||
	    (rc = pub_sql_exec(st, schema_v4, d)) != CTL_OK ||
	    (rc = pub_sql_prepare(st, "INSERT INTO schema_version (version) "
	    "VALUES (?1)", &q, d)) != CTL_OK)
		goto out;
	if (sqlite3_bind_int(q, 1, PUB_SCHEMA_VERSION) != SQLITE_OK ||
	    (rc = pub_sql_run(st, q, d)) != CTL_OK)
		goto out;
	sqlite3_finalize(q);
	if ((rc = pub_sql_prepare(st, "INSERT INTO settings (id, "
	    "security_mode, ctl_mode, base_port) VALUES (1, 0, 'none', ?1)",
	    &q, d)) != CTL_OK)
		goto out;
	if (sqlite3_bind_int(q, 1, (int)base_port) != SQLITE_OK ||
	    (rc = pub_sql_run(st, q, d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	return pub_state_end(st, q, rc, d);
}

/* What turns a version 1 database into version 2. */
static const char upgrade_v2[] =
"ALTER TABLE settings ADD COLUMN tvs_tls TEXT NOT NULL DEFAULT '1.2'"
"  CHECK (tvs_tls IN ('1.0','1.2'));"
"ALTER TABLE settings ADD COLUMN itl_signer TEXT NOT NULL"
"  DEFAULT 'ITLRecovery' CHECK (itl_signer IN ('ITLRecovery','CallManager'));"
"ALTER TABLE nodes ADD COLUMN port_tftp INTEGER NOT NULL DEFAULT 0;"
"UPDATE nodes SET port_tftp = port_ctl + 3;"
"INSERT INTO schema_version (version) VALUES (2);";

/* What turns a version 2 database into version 3. */
static const char upgrade_v3[] =
"ALTER TABLE settings ADD COLUMN rollback_pre8 INTEGER NOT NULL DEFAULT 0"
"  CHECK (rollback_pre8 IN (0, 1));"
"ALTER TABLE settings ADD COLUMN itl_reset TEXT NOT NULL DEFAULT 'none'"
"  CHECK (itl_reset IN ('none','localkey','remotekey'));"
"ALTER TABLE settings ADD COLUMN itl_reset_sha1 TEXT NOT NULL DEFAULT '';"
"INSERT INTO schema_version (version) VALUES (3);";

/* What turns a version 3 database's tables into version 4's: the
 * certificate purposes' and trust stores' CHECKs change, which SQLite
 * only does by copying the tables. */
static const char upgrade_v4_tables[] =
"CREATE TABLE node_certs_v4 (" NODE_CERTS_V4
"INSERT INTO node_certs_v4 SELECT node, purpose, cert_path, key_path"
"  FROM node_certs;"
"DROP TABLE node_certs;"
"ALTER TABLE node_certs_v4 RENAME TO node_certs;"
"CREATE TABLE trust_v4 (" TRUST_V4
"INSERT INTO trust_v4 SELECT id, purpose, der, sha1, subject, issuer,"
"  serial, added FROM trust;"
"DROP TABLE trust;"
"ALTER TABLE trust_v4 RENAME TO trust;"
"INSERT INTO schema_version (version) VALUES (4);";

/*
 * Version 3 to 4: the new purposes, then each node's missing types made
 * as a new cluster would have them (pub_node_cert_make; the -ECDSA ones
 * go to their trust stores).  What the cluster had stays, the
 * subscribers' CAPF and ITLRecovery too: TVS still vouches for them,
 * though they are no longer types of a subscriber.
 */
static int
upgrade_v4(struct pub_state *st, struct ctl_diag *d)
{
	struct pub_node *nodes = NULL;
	struct ctl_diag e;
	char *cpath = NULL;
	size_t n = 0, i;
	unsigned p;
	int rc;

	if ((rc = pub_sql_exec(st, upgrade_v4_tables, d)) != CTL_OK ||
	    (rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK)
		goto out;
	for (i = 0; i < n; i++)
		for (p = 0; p < PUB_CERT_NPURPOSES; p++) {
			if (!pub_cert_type_on_node((enum pub_cert_purpose)p,
			    nodes[i].publisher))
				continue;
			rc = pub_node_cert_paths(st, nodes[i].name,
			    (enum pub_cert_purpose)p, &cpath, NULL, &e);
			free(cpath);
			cpath = NULL;
			if (rc == CTL_OK)
				continue;
			if (rc != CTL_ERR_NOT_FOUND) {
				*d = e;
				goto out;
			}
			if ((rc = pub_node_cert_make(st, "upgrade", &nodes[i],
			    (enum pub_cert_purpose)p, PUB_KEY_DEFAULT, NULL, NULL,
			    d)) != CTL_OK)
				goto out;
		}
	rc = CTL_OK;
out:
	free(nodes);
	return rc;
}

/* Upgrades an older database, one version at a time, unless another process (a node starting
 * beside this one) did it first. */
static int
upgrade(struct pub_state *st, struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc, version = 0;

	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	if ((rc = pub_sql_prepare(st, "SELECT max(version) FROM "
	    "schema_version", &q, d)) != CTL_OK)
		goto out;
	if (sqlite3_step(q) == SQLITE_ROW)
		version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (version == 1 && (rc = pub_sql_exec(st, upgrade_v2, d)) != CTL_OK)
		goto out;
	if (version >= 1 && version <= 2 &&
	    (rc = pub_sql_exec(st, upgrade_v3, d)) != CTL_OK)
		goto out;
	if (version >= 1 && version <= 3 && (rc = upgrade_v4(st, d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	return pub_state_end(st, NULL, rc, d);
}

int
pub_schema_check(struct pub_state *st, struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc, appid = 0, version;

	if ((rc = pub_sql_prepare(st, "PRAGMA application_id", &q, d)) !=
	    CTL_OK)
		return rc;
	if (sqlite3_step(q) == SQLITE_ROW)
		appid = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	q = NULL;
	if (appid != PUB_APPLICATION_ID)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s/%s: not a "
		    "ctlpublisherd state database", st->dir, PUB_STATE_FILE);
	if ((rc = pub_sql_prepare(st, "SELECT max(version) FROM "
	    "schema_version", &q, d)) != CTL_OK)
		return rc;
	if (sqlite3_step(q) != SQLITE_ROW ||
	    sqlite3_column_type(q, 0) != SQLITE_INTEGER) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s/%s: no schema version",
		    st->dir, PUB_STATE_FILE);
		goto out;
	}
	version = sqlite3_column_int(q, 0);
	if (version > PUB_SCHEMA_VERSION) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s/%s: schema version %d "
		    "is newer than this ctlpublisherd reads (%d); use the "
		    "ctlpublisherd that wrote it", st->dir, PUB_STATE_FILE,
		    version, PUB_SCHEMA_VERSION);
		goto out;
	}
	if (version < 1) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s/%s: schema version %d "
		    "is not valid", st->dir, PUB_STATE_FILE, version);
		goto out;
	}
	sqlite3_finalize(q);
	return version < PUB_SCHEMA_VERSION ? upgrade(st, d) : CTL_OK;
out:
	sqlite3_finalize(q);
	return rc;
}
