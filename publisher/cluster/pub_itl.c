#include "pub_itl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "ctl_build.h"
#include "ctl_err.h"
#include "ctl_signer.h"
#include "ctl_verify.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_itl_reset.h"
#include "pub_node.h"
#include "pub_state.h"
#include "pub_store.h"

/* What the ITL holds, worked out from the state: the records in order
 * (entry 0 is the signer) and where the signer's key is. */
struct itl_plan {
	struct pub_node *nodes;
	size_t nnodes;
	struct ctl_entry *e;          /* e[i].cert owned */
	size_t ne;
	enum pub_cert_purpose signer; /* of the publisher */
	bool rollback;                /* the rollback ITL: the signer only */
};

static void
plan_free(struct itl_plan *p)
{
	size_t i;

	for (i = 0; p->e != NULL && i < p->ne; i++)
		X509_free(p->e[i].cert);
	free(p->e);
	free(p->nodes);
	memset(p, 0, sizeof(*p));
}

/* Appends node N's certificate for purpose P with ROLE. */
static int
plan_add(struct pub_state *st, struct itl_plan *p, const struct pub_node *n,
    enum pub_cert_purpose purpose, uint16_t role, struct ctl_diag *d)
{
	struct ctl_entry *e = &p->e[p->ne];
	char *cpath = NULL;
	int rc;

	memset(e, 0, sizeof(*e));
	if ((rc = pub_node_cert_paths(st, n->name, purpose, &cpath, NULL, d)) ==
	    CTL_OK)
		rc = pub_certgen_load(cpath, NULL, &e->cert, NULL, d);
	free(cpath);
	if (rc != CTL_OK)
		return rc;
	e->role = role;
	e->dns_name = n->name;
	/* An address that does not parse is written as 0.0.0.0, "none",
	 * as CUCM does for a record without one. */
	if (inet_pton(AF_INET, n->ip, e->ip) != 1)
		memset(e->ip, 0, sizeof(e->ip));
	p->ne++;
	return CTL_OK;
}

static int
plan_make(struct pub_state *st, struct itl_plan *p, struct ctl_diag *d)
{
	struct pub_settings set;
	const struct pub_node *pub;
	size_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = pub_settings_get(st, &set, d)) != CTL_OK ||
	    (rc = pub_node_list(st, &p->nodes, &p->nnodes, d)) != CTL_OK)
		return rc;
	/* pub_node_list() orders by index: the publisher comes first. */
	if (p->nnodes == 0 || !p->nodes[0].publisher) {
		rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: the cluster has no "
		    "publisher, so there is no ITL signer", pub_state_dir(st));
		goto out;
	}
	/* Two SASTs, and per node a CCM+TFTP and a TVS, plus CAPF. */
	if ((p->e = calloc(2 * p->nnodes + 3, sizeof(*p->e))) == NULL) {
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	pub = &p->nodes[0];
	p->signer = set.itl_signer == PUB_ITL_CALLMANAGER ?
	    PUB_CERT_CALLMANAGER : PUB_CERT_ITLRECOVERY;
	if ((rc = plan_add(st, p, pub, p->signer, CTL_ROLE_SAST, d)) != CTL_OK)
		goto out;
	/* "Prepare Cluster for Rollback to pre-8.0": the signer's SAST
	 * record alone, no TVS and no CCM+TFTP.  A phone holding such an
	 * ITL treats it as blank and takes the next cluster's ITL as its
	 * first one. */
	p->rollback = set.rollback_pre8;
	if (p->rollback) {
		rc = CTL_OK;
		goto out;
	}
	/* Signed by CallManager (CUCM 8.x to 11.5), the ITL still lists
	 * ITLRecovery as a SAST: it is the key that `utils itl reset
	 * localkey` signs a recovery ITL with, which phones then accept. */
	if (p->signer == PUB_CERT_CALLMANAGER &&
	    (rc = plan_add(st, p, pub, PUB_CERT_ITLRECOVERY, CTL_ROLE_SAST,
	    d)) != CTL_OK)
		goto out;
	if ((rc = plan_add(st, p, pub, PUB_CERT_CALLMANAGER, CTL_ROLE_CCM_TFTP,
	    d)) != CTL_OK ||
	    (rc = plan_add(st, p, pub, PUB_CERT_CAPF, CTL_ROLE_CAPF, d)) !=
	    CTL_OK ||
	    (rc = plan_add(st, p, pub, PUB_CERT_TVS, CTL_ROLE_TVS, d)) != CTL_OK)
		goto out;
	for (i = 1; i < p->nnodes; i++)
		if ((rc = plan_add(st, p, &p->nodes[i], PUB_CERT_CALLMANAGER,
		    CTL_ROLE_CCM_TFTP, d)) != CTL_OK ||
		    (rc = plan_add(st, p, &p->nodes[i], PUB_CERT_TVS,
		    CTL_ROLE_TVS, d)) != CTL_OK)
			goto out;
	rc = CTL_OK;
out:
	if (rc != CTL_OK)
		plan_free(p);
	return rc;
}

static int
plan_build(struct pub_state *st, const struct itl_plan *p, uint32_t timestamp,
    uint8_t **out, size_t *len, struct ctl_diag *d)
{
	struct ctl_build_opts o;
	struct ctl_signer s;
	char *cpath = NULL, *kpath = NULL;
	char label[PUB_NODE_NAME_MAX + 16];
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	int rc;

	if ((rc = pub_node_cert_paths(st, p->nodes[0].name, p->signer, &cpath,
	    &kpath, d)) != CTL_OK ||
	    (rc = pub_certgen_load(cpath, kpath, &cert, &key, d)) != CTL_OK)
		goto out;
	/* The key file and the certificate file are written one after the
	 * other by a regeneration: a signer that is not the SAST record
	 * loaded a moment ago is a regeneration in flight.  ctl_build()
	 * would then add a record; refuse, the next attempt sees both. */
	if (X509_cmp(cert, p->e[0].cert) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: the %s certificate "
		    "changed while the ITL was being built: try again", cpath,
		    pub_cert_purpose_name(p->signer));
		goto out;
	}
	snprintf(label, sizeof(label), "%s %s", p->nodes[0].name,
	    pub_cert_purpose_name(p->signer));
	ctl_signer_key(&s, key, cert, label);
	o.digest = CTL_DIGEST_SHA1;
	o.filename = PUB_ITL_FILENAME;
	o.timestamp = timestamp != 0 ? timestamp : (uint32_t)time(NULL);
	rc = ctl_build(p->e, p->ne, &s, &o, out, len, NULL, d);
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	free(cpath);
	free(kpath);
	return rc;
}

int
pub_itl_build(struct pub_state *st, uint32_t timestamp, uint8_t **out,
    size_t *len, struct ctl_diag *d)
{
	struct itl_plan p;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = plan_make(st, &p, d)) != CTL_OK)
		return rc;
	rc = plan_build(st, &p, timestamp, out, len, d);
	plan_free(&p);
	return rc;
}

/* Does the file F hold what plan P calls for? */
static bool
matches(const struct ctl_file *f, const struct itl_plan *p)
{
	const struct ctl_record *r;
	struct ctl_diag vd;
	int signer = -1;
	size_t i;

	if (!ctl_is_itl(f) || f->nrecords != p->ne ||
	    ctl_verify(f, &signer, &vd) != CTL_OK || signer != 0)
		return false;
	for (i = 0; i < p->ne; i++) {
		r = &f->records[i];
		if (!r->has_role || r->role != p->e[i].role || r->cert == NULL ||
		    X509_cmp(r->cert, p->e[i].cert) != 0 ||
		    r->dns_name == NULL ||
		    strcmp(r->dns_name, p->e[i].dns_name) != 0 ||
		    !r->has_ip || memcmp(r->ip, p->e[i].ip, 4) != 0)
			return false;
	}
	return true;
}

/* Compares the stored ITL with plan P; *CURRENT false when absent. */
static int
plan_current(const struct itl_plan *p, const char *tftp_dir, bool *current,
    struct ctl_diag *d)
{
	struct ctl_file *f = NULL;
	struct ctl_diag rd;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	*current = false;
	ctl_diag_clear(&rd);
	rc = pub_store_read(tftp_dir, PUB_ITL_FILENAME, &data, &len, &rd);
	if (rc == CTL_ERR_NOT_FOUND)
		return CTL_OK;
	if (rc != CTL_OK)
		return ctl_diag_set(d, rc, "%s", ctl_diag_msg(&rd, rc));
	/* A file that does not parse is simply not current: replace it. */
	if (ctl_parse(data, len, &f, &rd) == CTL_OK)
		*current = matches(f, p);
	ctl_free(f);
	free(data);
	return CTL_OK;
}

int
pub_itl_current(struct pub_state *st, const char *tftp_dir, bool *current,
    struct ctl_diag *d)
{
	struct itl_plan p;
	bool reset = false;
	int rc;

	/* While phones recover, the reset ITL is the one to serve. */
	if ((rc = pub_itl_reset_current(st, tftp_dir, &reset, current, d)) !=
	    CTL_OK || reset)
		return rc;
	if ((rc = plan_make(st, &p, d)) != CTL_OK)
		return rc;
	rc = plan_current(&p, tftp_dir, current, d);
	plan_free(&p);
	return rc;
}

int
pub_itl_refresh(struct pub_state *st, const char *actor, const char *tftp_dir,
    bool *changed, struct ctl_diag *d)
{
	struct itl_plan p;
	uint8_t *file = NULL;
	size_t len = 0;
	char old_sha1[41], new_sha1[41], detail[PUB_AUDIT_DETAIL_MAX];
	bool current = false, reset = false;
	int rc;

	if ((rc = pub_itl_reset_refresh(st, actor, tftp_dir, &reset, changed,
	    d)) != CTL_OK || reset)
		return rc;
	if ((rc = plan_make(st, &p, d)) != CTL_OK)
		return rc;
	if ((rc = plan_current(&p, tftp_dir, &current, d)) != CTL_OK ||
	    current)
		goto out;
	if (pub_store_sha1(tftp_dir, PUB_ITL_FILENAME, old_sha1, NULL) !=
	    CTL_OK)
		old_sha1[0] = '\0';
	if ((rc = plan_build(st, &p, 0, &file, &len, d)) != CTL_OK)
		goto out;
	pub_sha1_hex(file, len, new_sha1);
	snprintf(detail, sizeof(detail), "%s%zu records, signed by the %s "
	    "certificate of %s", p.rollback ? "rollback to pre-8.0 ITL: " : "",
	    p.ne, pub_cert_purpose_name(p.signer), p.nodes[0].name);
	/* Record first, then write: no node serves an ITL the audit log
	 * does not name, even when this process dies in between. */
	if ((rc = pub_audit_add(st, actor, "itl-update", old_sha1[0] ?
	    old_sha1 : NULL, new_sha1, detail, d)) != CTL_OK)
		goto out;
	if ((rc = pub_store_write(tftp_dir, PUB_ITL_FILENAME, file, len, d)) !=
	    CTL_OK) {
		struct ctl_diag ad;

		(void)pub_audit_add(st, actor, "itl-update-failed", new_sha1,
		    old_sha1[0] ? old_sha1 : NULL, ctl_diag_msg(d, rc), &ad);
		goto out;
	}
	if (changed != NULL)
		*changed = true;
out:
	free(file);
	plan_free(&p);
	return rc;
}
