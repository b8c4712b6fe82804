/* Export, consolidate, import, list: see bulk_ops.h. */
#include "bulk_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk_config.h"
#include "bulk_p12.h"
#include "bulk_sftp.h"
#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_log.h"
#include "pub_node.h"
#include "pub_state.h"
#include "pub_store.h"

/* The node certificate behind each type of a bulk file. */
static const enum pub_cert_purpose node_purpose[BULK_NCERTS] = {
	[BULK_CERT_CALLMANAGER] = PUB_CERT_CALLMANAGER,
	[BULK_CERT_CAPF] = PUB_CERT_CAPF,
	[BULK_CERT_TOMCAT] = PUB_CERT_TOMCAT,
	[BULK_CERT_ITLRECOVERY] = PUB_CERT_ITLRECOVERY,
};

void
bulk_report_free(struct bulk_report *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static struct bulk_row *
row_add(struct bulk_report *r, struct ctl_diag *d)
{
	struct bulk_row *nv;

	if ((nv = realloc(r->v, (r->n + 1) * sizeof(*nv))) == NULL) {
		ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	r->v = nv;
	memset(&nv[r->n], 0, sizeof(nv[r->n]));
	return &nv[r->n++];
}

/* This cluster's id, from the publisher's name. */
static int
own_id(const char *dir, struct pub_state *st, struct bulk_report *r,
    struct ctl_diag *d)
{
	struct pub_node pub;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = pub_node_publisher(st, &pub, d)) != CTL_OK)
		return rc;
	return bulk_cluster_id(dir, pub.name, r->cluster, d);
}

/* Node N's certificates of type T, in C. */
static int
node_certs(struct pub_state *st, const char *cluster, const char *node,
    enum bulk_type t, struct bulk_certs *c, unsigned *mask,
    struct ctl_diag *d)
{
	char *path;
	X509 *x;
	unsigned i;
	int rc;

	*mask = 0;
	for (i = 0; i < BULK_NCERTS; i++) {
		if (!bulk_cert_in_type((enum bulk_cert)i, t))
			continue;
		path = NULL;
		x = NULL;
		rc = pub_node_cert_paths(st, node, node_purpose[i], &path,
		    NULL, d);
		if (rc == CTL_ERR_NOT_FOUND)
			continue;       /* not every node has every type */
		if (rc == CTL_OK)
			rc = pub_certgen_load(path, NULL, &x, NULL, d);
		if (rc == CTL_OK)
			rc = bulk_certs_add(c, cluster, node,
			    (enum bulk_cert)i, x, d);
		X509_free(x);
		free(path);
		if (rc != CTL_OK)
			return rc;
		*mask |= 1u << i;
	}
	return CTL_OK;
}

int
bulk_export(const char *dir, struct pub_state *st, enum bulk_type t,
    struct bulk_report *r, struct ctl_diag *d)
{
	struct pub_node *nodes = NULL;
	struct bulk_certs c = { NULL, 0 };
	struct bulk_sftp_conf conf;
	struct bulk_sftp *s = NULL;
	struct bulk_row *row;
	uint8_t **files = NULL;
	size_t *lens = NULL, n = 0, i;
	int rc;

	if ((rc = own_id(dir, st, r, d)) != CTL_OK ||
	    (rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK)
		goto out;
	if ((files = calloc(n ? n : 1, sizeof(*files))) == NULL ||
	    (lens = calloc(n ? n : 1, sizeof(*lens))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Every file is built before the server is touched. */
	for (i = 0; i < n; i++) {
		if ((row = row_add(r, d)) == NULL) {
			rc = CTL_ERR_NOMEM;
			goto out;
		}
		snprintf(row->cluster, sizeof(row->cluster), "%s", r->cluster);
		snprintf(row->node, sizeof(row->node), "%s", nodes[i].name);
		row->type = t;
		bulk_certs_free(&c);
		if ((rc = bulk_node_file_name(r->cluster, nodes[i].name, t,
		    row->file, d)) != CTL_OK ||
		    (rc = node_certs(st, r->cluster, nodes[i].name, t, &c,
		    &row->certs, d)) != CTL_OK)
			goto out;
		if (c.n == 0) {
			rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "node %s has no "
			    "%s certificate to export", nodes[i].name,
			    bulk_type_name(t));
			goto out;
		}
		if ((rc = bulk_p12_build(&c, false, &files[i], &lens[i], d)))
			goto out;
	}
	if ((rc = bulk_sftp_open(dir, &conf, &s, d)) != CTL_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((rc = bulk_sftp_put(s, r->v[i].file, files[i], lens[i],
		    d)) != CTL_OK)
			goto out;
		pub_log("bulk export: wrote %s to %s:%u%s", r->v[i].file,
		    conf.host, conf.port, conf.dir);
	}
	rc = CTL_OK;
out:
	for (i = 0; files != NULL && i < n; i++)
		free(files[i]);
	free(files);
	free(lens);
	bulk_sftp_close(s);
	bulk_certs_free(&c);
	free(nodes);
	return rc;
}

/* Rows in the order of their file names: output that does not depend
 * on the order the server lists its directory in. */
static int
row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bulk_row *)a)->file,
	    ((const struct bulk_row *)b)->file);
}

/* Every file of ours on the server, as rows of R, sorted by name. */
static int
list_rows(struct bulk_sftp *s, struct bulk_report *r, struct ctl_diag *d)
{
	struct bulk_file_name fn;
	struct bulk_row *row;
	char **names = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = bulk_sftp_list(s, &names, &n, d)) != CTL_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if (bulk_file_name_parse(names[i], strlen(names[i]), &fn) !=
		    CTL_OK)
			continue;       /* not ours, or half written */
		if ((row = row_add(r, d)) == NULL) {
			rc = CTL_ERR_NOMEM;
			break;
		}
		snprintf(row->file, sizeof(row->file), "%s", names[i]);
		snprintf(row->cluster, sizeof(row->cluster), "%s", fn.cluster);
		snprintf(row->node, sizeof(row->node), "%s", fn.node);
		row->type = fn.type;
	}
	bulk_sftp_names_free(names, n);
	if (rc == CTL_OK && r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), row_cmp);
	return rc;
}

int
bulk_list(const char *dir, struct pub_state *st, struct bulk_report *r,
    struct ctl_diag *d)
{
	struct bulk_sftp_conf conf;
	struct bulk_sftp *s = NULL;
	int rc;

	if ((rc = own_id(dir, st, r, d)) == CTL_OK &&
	    (rc = bulk_sftp_open(dir, &conf, &s, d)) == CTL_OK)
		rc = list_rows(s, r, d);
	bulk_sftp_close(s);
	return rc;
}

/* Reads and parses file NAME (whose name said FN) into C. */
static int
fetch(struct bulk_sftp *s, const char *name, const struct bulk_file_name *fn,
    struct bulk_certs *c, struct ctl_diag *d)
{
	uint8_t *p = NULL;
	size_t len = 0;
	int rc;

	if ((rc = bulk_sftp_get(s, name, &p, &len, d)) == CTL_OK)
		rc = bulk_p12_parse(name, p, len, fn, c, d);
	free(p);
	return rc;
}

int
bulk_consolidate(const char *dir, struct pub_state *st, enum bulk_type t,
    struct bulk_report *r, struct ctl_diag *d)
{
	struct bulk_report all;
	struct bulk_file_name fn;
	struct bulk_certs c = { NULL, 0 };
	struct bulk_sftp_conf conf;
	struct bulk_sftp *s = NULL;
	const char *first = NULL;
	char who[BULK_ID_MAX + 48];
	uint8_t *out = NULL;
	size_t len = 0, i, k, before;
	bool two = false;
	int rc;

	memset(&all, 0, sizeof(all));
	if ((rc = own_id(dir, st, r, d)) != CTL_OK ||
	    (rc = bulk_sftp_open(dir, &conf, &s, d)) != CTL_OK ||
	    (rc = list_rows(s, &all, d)) != CTL_OK)
		goto out;
	/* The nodes' files of type T, in name order. */
	for (i = 0; i < all.n; i++) {
		if (all.v[i].node[0] == '\0' || all.v[i].type != t)
			continue;
		if (first == NULL)
			first = all.v[i].cluster;
		else if (strcmp(first, all.v[i].cluster) != 0)
			two = true;
	}
	if (first == NULL || !two) {
		if (first != NULL)
			snprintf(who, sizeof(who), "only one cluster (%s) has "
			    "exported", first);
		else
			snprintf(who, sizeof(who), "no cluster has exported");
		rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s:%u%s: %s; "
		    "consolidating needs the %s exports of at least two "
		    "clusters: run `ctlclient bulk export --type %s` on the "
		    "other cluster first", conf.host, conf.port, conf.dir, who,
		    bulk_type_name(t), bulk_type_name(t));
		goto out;
	}
	/* Every file is read and checked before anything is written. */
	for (i = 0; i < all.n; i++) {
		if (all.v[i].node[0] == '\0' || all.v[i].type != t)
			continue;
		if (bulk_file_name_parse(all.v[i].file, strlen(all.v[i].file),
		    &fn) != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_INTERNAL, "name changed");
			goto out;
		}
		before = c.n;
		if ((rc = fetch(s, all.v[i].file, &fn, &c, d)) != CTL_OK)
			goto out;
		for (k = before; k < c.n; k++)
			all.v[i].certs |= 1u << c.v[k].type;
	}
	k = 0;
	for (i = 0; i < all.n; i++)
		if (all.v[i].node[0] != '\0' && all.v[i].type == t)
			all.v[k++] = all.v[i];
	r->v = all.v;
	r->n = k;
	all.v = NULL; /* transferred */
	all.n = 0;
	bulk_consolidated_name(t, r->file);
	if ((rc = bulk_p12_build(&c, true, &out, &len, d)) != CTL_OK ||
	    (rc = bulk_sftp_put(s, r->file, out, len, d)) != CTL_OK)
		goto out;
	pub_log("bulk consolidate: wrote %s (%zu certificates from %zu "
	    "files) to %s:%u%s", r->file, c.n, r->n, conf.host, conf.port,
	    conf.dir);
out:
	bulk_report_free(&all);
	free(out);
	bulk_certs_free(&c);
	bulk_sftp_close(s);
	return rc;
}

/* Does store P of the N entries at V hold the certificate SHA1? */
static bool
holds(const struct pub_trust_entry *v, size_t n, enum pub_trust_purpose p,
    const char *sha1)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].purpose == p && strcmp(v[i].sha1, sha1) == 0)
			return true;
	return false;
}

/* Did a row before ROW add its certificate to its store (a certificate
 * twice in one file)? */
static bool
added_before(const struct bulk_report *r, const struct bulk_row *row)
{
	const struct bulk_row *p;

	for (p = r->v; p < row; p++)
		if (!p->already && p->store == row->store &&
		    strcmp(p->sha1, row->sha1) == 0)
			return true;
	return false;
}

/* Adds C's foreign certificates to the stores, in the caller's
 * transaction; a row each in R. */
static int
import_certs(struct pub_state *st, const char *actor,
    const struct bulk_certs *c, struct bulk_report *r, struct ctl_diag *d)
{
	struct pub_trust_entry *have = NULL;
	enum pub_trust_purpose stores[2];
	struct bulk_row *row;
	unsigned char *der = NULL;
	size_t nhave = 0, i, k, ns;
	int len, rc;

	if ((rc = pub_trust_list(st, 1, PUB_TRUST_PHONE_SAST, &have, &nhave,
	    d)) != CTL_OK)
		return rc;
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].cluster, r->cluster) == 0) {
			r->skipped++;   /* this cluster's own: never imported */
			continue;
		}
		der = NULL;
		if ((len = i2d_X509(c->v[i].x, &der)) <= 0) {
			rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot encode a "
			    "certificate of %s", c->v[i].node);
			goto out;
		}
		ns = bulk_cert_stores(c->v[i].type, stores);
		for (k = 0; k < ns; k++) {
			if ((row = row_add(r, d)) == NULL) {
				rc = CTL_ERR_NOMEM;
				goto out;
			}
			snprintf(row->cluster, sizeof(row->cluster), "%s",
			    c->v[i].cluster);
			snprintf(row->node, sizeof(row->node), "%s",
			    c->v[i].node);
			snprintf(row->file, sizeof(row->file), "%s", r->file);
			row->cert = c->v[i].type;
			row->store = stores[k];
			pub_sha1_hex(der, (size_t)len, row->sha1);
			row->already = holds(have, nhave, stores[k],
			    row->sha1) || added_before(r, row);
			if (!row->already) {
				if ((rc = pub_trust_add(st, actor, stores[k],
				    der, (size_t)len, NULL, d)) != CTL_OK)
					goto out;
				r->added++;
			} else {
				r->already++;
			}
		}
		OPENSSL_free(der);
		der = NULL;
	}
	rc = CTL_OK;
out:
	OPENSSL_free(der);
	pub_trust_list_free(have, nhave);
	return rc;
}

int
bulk_import(const char *dir, struct pub_state *st, const char *actor,
    enum bulk_type t, struct bulk_report *r, struct ctl_diag *d)
{
	struct bulk_file_name fn;
	struct bulk_certs c = { NULL, 0 };
	struct bulk_sftp_conf conf;
	struct bulk_sftp *s = NULL;
	char detail[2048];     /* pub_audit_add() cuts it */
	bool began = false;
	int rc;

	if ((rc = own_id(dir, st, r, d)) != CTL_OK ||
	    (rc = bulk_sftp_open(dir, &conf, &s, d)) != CTL_OK)
		goto out;
	bulk_consolidated_name(t, r->file);
	if (bulk_file_name_parse(r->file, strlen(r->file), &fn) != CTL_OK) {
		rc = ctl_diag_set(d, CTL_ERR_INTERNAL, "bad file name");
		goto out;
	}
	rc = fetch(s, r->file, &fn, &c, d);
	if (rc == CTL_ERR_NOT_FOUND)
		rc = ctl_diag_set(d, rc, "%s:%u%s holds no %s: nothing is "
		    "consolidated for type %s; run `ctlclient bulk consolidate "
		    "--type %s` (on either cluster) first", conf.host,
		    conf.port, conf.dir, r->file, bulk_type_name(t),
		    bulk_type_name(t));
	if (rc != CTL_OK)
		goto out;
	bulk_sftp_close(s);
	s = NULL;
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		goto out;
	began = true;
	if ((rc = import_certs(st, actor, &c, r, d)) != CTL_OK)
		goto out;
	if (r->n == 0) {
		rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s holds no other "
		    "cluster's certificates (only this cluster's, %s): run "
		    "`ctlclient bulk export` on the other cluster, then "
		    "`ctlclient bulk consolidate` again", r->file, r->cluster);
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s from %s:%u%s: %zu added, %zu "
	    "already present, %zu of this cluster skipped", r->file,
	    conf.host, conf.port, conf.dir, r->added, r->already, r->skipped);
	if ((rc = pub_audit_add(st, actor, "bulk-import", NULL, NULL, detail,
	    d)) != CTL_OK || (rc = pub_state_commit(st, d)) != CTL_OK)
		goto out;
	began = false;
	pub_log("bulk import by %s: %s", actor, detail);
out:
	if (began)
		pub_state_rollback(st);
	bulk_certs_free(&c);
	bulk_sftp_close(s);
	return rc;
}
