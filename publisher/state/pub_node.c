#include "pub_node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_err.h"
#include "pub_state.h"
#include "pub_state_int.h"

static const char *const cert_names[PUB_CERT_NPURPOSES] = {
	"CallManager", "CAPF", "TVS", "ITLRecovery", "Tomcat", "client",
	"CallManager-ECDSA", "Tomcat-ECDSA", "IPsec",
};

/* The file names and the state's keys: kept as the first version wrote
 * them, so that an older cluster's rows and files still match. */
static const char *const file_bases[PUB_CERT_NPURPOSES] = {
	"CallManager", "CAPF", "TVS", "ITLRecovery", "tomcat", "client",
	"CallManager-ECDSA", "Tomcat-ECDSA", "ipsec",
};

static const char *const dist_names[] = { "current", "stale", "failed" };

const char *
pub_cert_purpose_name(enum pub_cert_purpose p)
{
	if ((unsigned)p < PUB_CERT_NPURPOSES)
		return cert_names[p];
	return "unknown";
}

int
pub_cert_purpose_parse(const char *s, enum pub_cert_purpose *p)
{
	unsigned i;

	for (i = 0; i < PUB_CERT_NPURPOSES; i++)
		if (strcasecmp(s, cert_names[i]) == 0) {
			*p = (enum pub_cert_purpose)i;
			return CTL_OK;
		}
	return CTL_ERR_USAGE;
}

const char *
pub_cert_file_base(enum pub_cert_purpose p)
{
	if ((unsigned)p < PUB_CERT_NPURPOSES)
		return file_bases[p];
	return "unknown";
}

bool
pub_cert_type_on_node(enum pub_cert_purpose p, bool publisher)
{
	switch (p) {
	case PUB_CERT_CALLMANAGER:
	case PUB_CERT_CALLMANAGER_ECDSA:
	case PUB_CERT_TOMCAT:
	case PUB_CERT_TOMCAT_ECDSA:
	case PUB_CERT_IPSEC:
	case PUB_CERT_TVS:
		return true;
	case PUB_CERT_CAPF:         /* CUCM 14 keeps CAPF on the publisher */
	case PUB_CERT_ITLRECOVERY:  /* one for the cluster since 12.5 */
		return publisher;
	case PUB_CERT_CLIENT:
		break;
	}
	return false;
}

const char *
pub_cert_type_list(void)
{
	return "CallManager, CallManager-ECDSA, Tomcat, Tomcat-ECDSA, IPsec, "
	    "TVS, and on the publisher CAPF and ITLRecovery";
}

const char *
pub_dist_state_name(enum pub_dist_state s)
{
	if ((unsigned)s < sizeof(dist_names) / sizeof(dist_names[0]))
		return dist_names[s];
	return "failed";
}

static int
dist_parse(const char *s, enum pub_dist_state *out)
{
	unsigned i;

	for (i = 0; s != NULL && i < sizeof(dist_names) / sizeof(dist_names[0]);
	    i++)
		if (strcmp(s, dist_names[i]) == 0) {
			*out = (enum pub_dist_state)i;
			return CTL_OK;
		}
	return CTL_ERR_IO;
}

int
pub_node_add(struct pub_state *st, const struct pub_node *n,
    struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	char tftp[PUB_PATH_MAX];
	int rc;

	snprintf(tftp, sizeof(tftp), "%s/%s/tftp", PUB_DIR_NODES, n->name);
	if ((rc = pub_sql_prepare(st, "INSERT INTO nodes (idx, name, ip, "
	    "port_ctl, port_tvs, port_dist, port_tftp, role, tftp_dir) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &q, d)) != CTL_OK)
		return rc;
	if (sqlite3_bind_int(q, 1, (int)n->index) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, n->name) != SQLITE_OK ||
	    pub_sql_bind_text(q, 3, n->ip) != SQLITE_OK ||
	    sqlite3_bind_int(q, 4, n->ports.ctl) != SQLITE_OK ||
	    sqlite3_bind_int(q, 5, n->ports.tvs) != SQLITE_OK ||
	    sqlite3_bind_int(q, 6, n->ports.dist) != SQLITE_OK ||
	    sqlite3_bind_int(q, 7, n->ports.tftp) != SQLITE_OK ||
	    pub_sql_bind_text(q, 8, n->publisher ? "publisher" : "subscriber") !=
	    SQLITE_OK ||
	    pub_sql_bind_text(q, 9, tftp) != SQLITE_OK)
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
	else
		rc = pub_sql_run(st, q, d);
	sqlite3_finalize(q);
	return rc;
}

int
pub_node_cert_add(struct pub_state *st, const char *node,
    enum pub_cert_purpose p, struct ctl_diag *d)
{
	char cert[PUB_PATH_MAX], key[PUB_PATH_MAX];
	sqlite3_stmt *q = NULL;
	int rc;

	if ((unsigned)p >= PUB_CERT_NPURPOSES)
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown certificate "
		    "purpose %d", (int)p);
	snprintf(cert, sizeof(cert), "%s/%s/%s.pem", PUB_DIR_NODES, node,
	    file_bases[p]);
	snprintf(key, sizeof(key), "%s/%s/%s.key", PUB_DIR_NODES, node,
	    file_bases[p]);
	if ((rc = pub_sql_prepare(st, "INSERT OR REPLACE INTO node_certs "
	    "(node, purpose, cert_path, key_path) VALUES (?1, ?2, ?3, ?4)",
	    &q, d)) != CTL_OK)
		return rc;
	if (pub_sql_bind_text(q, 1, node) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, file_bases[p]) != SQLITE_OK ||
	    pub_sql_bind_text(q, 3, cert) != SQLITE_OK ||
	    pub_sql_bind_text(q, 4, key) != SQLITE_OK)
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
	else
		rc = pub_sql_run(st, q, d);
	sqlite3_finalize(q);
	return rc;
}

#define NODE_COLUMNS "idx, name, ip, port_ctl, port_tvs, port_dist, role, " \
    "tftp_dir, ctl_sha1, dist_state, dist_reason, dist_time, port_tftp"

static int
read_node(struct pub_state *st, sqlite3_stmt *q, struct pub_node *n,
    struct ctl_diag *d)
{
	const unsigned char *role = sqlite3_column_text(q, 6);
	const unsigned char *tftp = sqlite3_column_text(q, 7);

	memset(n, 0, sizeof(*n));
	n->index = (unsigned)sqlite3_column_int(q, 0);
	pub_sql_column_copy(q, 1, n->name, sizeof(n->name));
	pub_sql_column_copy(q, 2, n->ip, sizeof(n->ip));
	n->ports.ctl = (uint16_t)sqlite3_column_int(q, 3);
	n->ports.tvs = (uint16_t)sqlite3_column_int(q, 4);
	n->ports.dist = (uint16_t)sqlite3_column_int(q, 5);
	n->ports.tftp = (uint16_t)sqlite3_column_int(q, 12);
	n->publisher = role != NULL && strcmp((const char *)role,
	    "publisher") == 0;
	if (tftp == NULL || (size_t)snprintf(n->tftp_dir, sizeof(n->tftp_dir),
	    "%s/%s", st->dir, (const char *)tftp) >= sizeof(n->tftp_dir) ||
	    dist_parse((const char *)sqlite3_column_text(q, 9), &n->dist) !=
	    CTL_OK)
		return ctl_diag_set(d, CTL_ERR_IO, "%s/%s: node %s: damaged row",
		    st->dir, PUB_STATE_FILE, n->name);
	pub_sql_column_copy(q, 8, n->ctl_sha1, sizeof(n->ctl_sha1));
	pub_sql_column_copy(q, 10, n->dist_reason, sizeof(n->dist_reason));
	n->dist_time = sqlite3_column_int64(q, 11);
	return CTL_OK;
}

int
pub_node_list(struct pub_state *st, struct pub_node **out, size_t *n,
    struct ctl_diag *d)
{
	struct pub_node *v = NULL, *nv;
	size_t have = 0, cap = 0;
	sqlite3_stmt *q = NULL;
	int rc, r;

	*out = NULL;
	*n = 0;
	if ((rc = pub_sql_prepare(st, "SELECT " NODE_COLUMNS " FROM nodes "
	    "ORDER BY idx", &q, d)) != CTL_OK)
		return rc;
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = pub_grow(v, have, &cap, sizeof(*v))) == NULL) {
			rc = CTL_ERR_NOMEM;
			goto out;
		}
		v = nv;
		if ((rc = read_node(st, q, &v[have++], d)) != CTL_OK)
			goto out;
	}
	if (r != SQLITE_DONE) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot read the nodes", d);
		goto out;
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

static int
get_one(struct pub_state *st, const char *sql, const char *arg,
    struct pub_node *out, struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc, r;

	if ((rc = pub_sql_prepare(st, sql, &q, d)) != CTL_OK)
		return rc;
	if (arg != NULL && pub_sql_bind_text(q, 1, arg) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	r = sqlite3_step(q);
	if (r == SQLITE_ROW)
		rc = read_node(st, q, out, d);
	else if (r == SQLITE_DONE)
		rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: no node %s",
		    st->dir, arg != NULL ? arg : "is the publisher");
	else
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot read the nodes", d);
out:
	sqlite3_finalize(q);
	return rc;
}

int
pub_node_get(struct pub_state *st, const char *name, struct pub_node *out,
    struct ctl_diag *d)
{
	return get_one(st, "SELECT " NODE_COLUMNS " FROM nodes WHERE name = ?1",
	    name != NULL ? name : "", out, d);
}

int
pub_node_publisher(struct pub_state *st, struct pub_node *out,
    struct ctl_diag *d)
{
	return get_one(st, "SELECT " NODE_COLUMNS " FROM nodes WHERE role = "
	    "'publisher'", NULL, out, d);
}

int
pub_node_set_ctl(struct pub_state *st, const char *name, const char *sha1,
    enum pub_dist_state state, const char *reason, struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sha1 != NULL && !pub_sha1_hex_ok(sha1))
		return ctl_diag_set(d, CTL_ERR_USAGE, "a CTL SHA1 must be 40 hex "
		    "digits");
	if ((unsigned)state > PUB_DIST_FAILED)
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown distribution "
		    "state %d", (int)state);
	if ((rc = pub_sql_prepare(st, "UPDATE nodes SET ctl_sha1 = lower(?1), "
	    "dist_state = ?2, dist_reason = ?3, dist_time = ?4 WHERE name = ?5",
	    &q, d)) != CTL_OK)
		return rc;
	if (pub_sql_bind_text(q, 1, sha1) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, pub_dist_state_name(state)) != SQLITE_OK ||
	    pub_sql_bind_text(q, 3, reason != NULL ? reason : "") != SQLITE_OK ||
	    sqlite3_bind_int64(q, 4, pub_now()) != SQLITE_OK ||
	    pub_sql_bind_text(q, 5, name) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK)
		goto out;
	if (sqlite3_changes(st->db) == 0)
		rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: no node %s",
		    st->dir, name);
out:
	sqlite3_finalize(q);
	return rc;
}

int
pub_node_cert_paths(struct pub_state *st, const char *node,
    enum pub_cert_purpose p, char **cert, char **key, struct ctl_diag *d)
{
	sqlite3_stmt *q = NULL;
	const unsigned char *c, *k;
	int rc, r;

	*cert = NULL;
	if (key != NULL)
		*key = NULL;
	if ((unsigned)p >= PUB_CERT_NPURPOSES)
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown certificate "
		    "purpose %d", (int)p);
	if ((rc = pub_sql_prepare(st, "SELECT cert_path, key_path FROM "
	    "node_certs WHERE node = ?1 AND purpose = ?2", &q, d)) != CTL_OK)
		return rc;
	if (pub_sql_bind_text(q, 1, node) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, file_bases[p]) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	r = sqlite3_step(q);
	if (r == SQLITE_DONE) {
		rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "node %s has no %s "
		    "certificate", node, cert_names[p]);
		goto out;
	}
	if (r != SQLITE_ROW || (c = sqlite3_column_text(q, 0)) == NULL ||
	    (k = sqlite3_column_text(q, 1)) == NULL) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot read the node "
		    "certificates", d);
		goto out;
	}
	if (asprintf(cert, "%s/%s", st->dir, (const char *)c) < 0) {
		*cert = NULL;
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	if (key != NULL && asprintf(key, "%s/%s", st->dir,
	    (const char *)k) < 0) {
		*key = NULL;
		free(*cert);
		*cert = NULL;
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	rc = CTL_OK;
out:
	sqlite3_finalize(q);
	return rc;
}
