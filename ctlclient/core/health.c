/* The health checks: pure functions of the collected data. */
#include "health.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_err.h"

static int
add(struct health_report *r, enum health_level level, const char *check,
    const char *node, const char *subject, const char *action,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int
add(struct health_report *r, enum health_level level, const char *check,
    const char *node, const char *subject, const char *action,
    const char *fmt, ...)
{
	struct health_finding *f, *nv;
	va_list ap;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;

		if ((nv = realloc(r->v, cap * sizeof(*nv))) == NULL)
			return CTL_ERR_NOMEM;
		r->v = nv;
		r->cap = cap;
	}
	f = &r->v[r->n++];
	memset(f, 0, sizeof(*f));
	f->level = level;
	snprintf(f->check, sizeof(f->check), "%s", check);
	snprintf(f->node, sizeof(f->node), "%s", node);
	snprintf(f->subject, sizeof(f->subject), "%s", subject);
	snprintf(f->action, sizeof(f->action), "%s", action);
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	return CTL_OK;
}

/* "CallManager CN=.." or "tomcat-trust CN=..". */
static void
cert_label(const struct health_cert *c, char *out, size_t n)
{
	snprintf(out, n, "%s %s", c->type, c->info->subject);
}

/* "node pub1's CallManager" or "tomcat-trust", for sentences. */
static void
cert_owner(const struct health_cert *c, char *out, size_t n)
{
	if (c->store)
		snprintf(out, n, "%s%s%s", c->node[0] ? c->node : "",
		    c->node[0] ? "'s " : "", c->type);
	else
		snprintf(out, n, "node %s's %s", c->node, c->type);
}

static int
check_expiry(const struct health_input *in, struct health_report *r)
{
	const struct health_cert *c;
	char label[320], owner[160];
	long left;
	size_t i;
	int rc;

	for (i = 0; i < in->ncerts; i++) {
		c = &in->certs[i];
		left = cert_info_days_left(c->info, in->now);
		cert_label(c, label, sizeof(label));
		cert_owner(c, owner, sizeof(owner));
		if (c->info->not_after <= in->now)
			rc = add(r, HEALTH_PROBLEM, "expired", c->node, label,
			    c->store ? "delete it from the store (`ctlclient "
			    "trust delete`) or upload its renewed certificate" :
			    "regenerate this certificate on the node, then "
			    "restart the services that use it",
			    "%s certificate %s (serial %s) expired on %s",
			    owner, c->info->subject,
			    c->info->serial, c->info->not_after_text);
		else if (left < in->days)
			rc = add(r, HEALTH_WARNING, "expiring", c->node, label,
			    c->store ? "upload its renewed certificate before "
			    "then, and delete this one once it has expired" :
			    "regenerate this certificate on the node before "
			    "then",
			    "%s certificate %s (serial %s) expires on %s, "
			    "in %ld days", owner, c->info->subject,
			    c->info->serial, c->info->not_after_text, left);
		else
			rc = CTL_OK;
		if (rc != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

/* ITL recovery signs with the ITLRecovery key: phones holding an ITL
 * signed by a stronger server key refuse a weaker one. */
static int
check_recovery_key(const struct health_input *in, struct health_report *r)
{
	const struct health_cert *c, *strongest = NULL;
	size_t i;
	int rc;

	for (i = 0; i < in->ncerts; i++) {
		c = &in->certs[i];
		if (!c->store && strncasecmp(c->type, "CallManager", 11) == 0 &&
		    strcmp(c->info->key_type, "RSA") == 0 &&
		    (strongest == NULL ||
		    c->info->key_bits > strongest->info->key_bits))
			strongest = c;
	}
	if (strongest == NULL)
		return CTL_OK;
	for (i = 0; i < in->ncerts; i++) {
		c = &in->certs[i];
		if (c->store || strcasecmp(c->type, "ITLRecovery") != 0 ||
		    strcmp(c->info->key_type, "RSA") != 0 ||
		    c->info->key_bits >= strongest->info->key_bits)
			continue;
		if ((rc = add(r, HEALTH_PROBLEM, "itlrecovery-key", c->node,
		    "ITLRecovery", "regenerate the ITLRecovery certificate "
		    "with a key at least as long as the CallManager keys",
		    "node %s's ITLRecovery key is %s while node %s's %s key is "
		    "%s: an ITL recovery signed with it would fail",
		    c->node, c->info->key, strongest->node, strongest->type,
		    strongest->info->key)) != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

/* The publisher's IPsec certificate must sit, same serial, in every
 * subscriber's IPsec-trust. */
static int
check_ipsec(const struct health_input *in, struct health_report *r)
{
	const struct health_cert *pub = NULL, *c, *same_subject;
	const char *pubname = NULL;
	size_t i, k;
	bool found;
	int rc;

	for (i = 0; i < in->nnodes; i++)
		if (in->nodes[i].publisher)
			pubname = in->nodes[i].name;
	for (i = 0; pubname != NULL && i < in->ncerts; i++)
		if (!in->certs[i].store &&
		    strcmp(in->certs[i].node, pubname) == 0 &&
		    strcasecmp(in->certs[i].type, HEALTH_IPSEC_TYPE) == 0)
			pub = &in->certs[i];
	if (pub == NULL)
		return CTL_OK;      /* no IPsec certificate yet: nothing to hold */
	for (i = 0; i < in->nnodes; i++) {
		if (in->nodes[i].publisher)
			continue;
		found = false;
		same_subject = NULL;
		for (k = 0; k < in->ncerts && !found; k++) {
			c = &in->certs[k];
			/* A store is the node's own, or the cluster's (""). */
			if (!c->store ||
			    strcasecmp(c->type, HEALTH_IPSEC_STORE) != 0 ||
			    (c->node[0] != '\0' &&
			    strcmp(c->node, in->nodes[i].name) != 0))
				continue;
			if (strcmp(c->info->serial, pub->info->serial) == 0)
				found = true;
			else if (strcmp(c->info->subject,
			    pub->info->subject) == 0)
				same_subject = c;
		}
		if (found)
			continue;
		if (same_subject != NULL)
			rc = add(r, HEALTH_PROBLEM, "ipsec-trust",
			    in->nodes[i].name, HEALTH_IPSEC_STORE,
			    "upload the publisher's IPsec certificate to "
			    "IPsec-trust and delete the old one, then restart "
			    "disaster recovery on the node",
			    "node %s's IPsec-trust holds %s with serial %s, but "
			    "the publisher's IPsec certificate has serial %s",
			    in->nodes[i].name, same_subject->info->subject,
			    same_subject->info->serial, pub->info->serial);
		else
			rc = add(r, HEALTH_PROBLEM, "ipsec-trust",
			    in->nodes[i].name, HEALTH_IPSEC_STORE,
			    "upload the publisher's IPsec certificate to "
			    "IPsec-trust, then restart disaster recovery on "
			    "the node",
			    "node %s's IPsec-trust lacks the publisher's IPsec "
			    "certificate %s (serial %s)", in->nodes[i].name,
			    pub->info->subject, pub->info->serial);
		if (rc != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

static int
check_itl_size(const struct health_input *in, struct health_report *r)
{
	const struct health_node *n;
	size_t i;
	int rc;

	char why[96];

	for (i = 0; i < in->nnodes; i++) {
		n = &in->nodes[i];
		if (n->itl.state != HEALTH_FILE_PRESENT)
			continue;
		if (n->itl.len > HEALTH_ITL_MAX_BYTES)
			snprintf(why, sizeof(why), "%zu bytes, above the %d "
			    "bytes", n->itl.len, HEALTH_ITL_MAX_BYTES);
		else if (n->itl.parsed && n->itl.ncerts > HEALTH_ITL_MAX_CERTS)
			snprintf(why, sizeof(why), "%zu certificates, above "
			    "the %d", n->itl.ncerts, HEALTH_ITL_MAX_CERTS);
		else
			continue;
		if ((rc = add(r, HEALTH_PROBLEM, "itl-size", n->name,
		    "ITLFile.tlv", "remove certificates the phones do not need "
		    "from the ITL (TVS and CAPF of retired nodes)",
		    "node %s serves an ITL of %s phones accept", n->name,
		    why)) != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

static const char *
file_state_text(const struct health_file *f)
{
	switch (f->state) {
	case HEALTH_FILE_ABSENT: return "none";
	case HEALTH_FILE_PRESENT: return f->sha1;
	default: return "unknown";
	}
}

/* One file on every node against the publisher's. */
static int
check_same_file(const struct health_input *in, const char *name,
    size_t which, struct health_report *r)
{
	const struct health_node *pub = NULL, *n;
	const struct health_file *f, *pf;
	size_t i;
	int rc;

	for (i = 0; i < in->nnodes; i++)
		if (in->nodes[i].publisher)
			pub = &in->nodes[i];
	for (i = 0; i < in->nnodes; i++) {
		n = &in->nodes[i];
		f = which ? &n->itl : &n->ctl;
		if (f->state == HEALTH_FILE_FAILED) {
			if ((rc = add(r, HEALTH_PROBLEM, "tftp", n->name, name,
			    "check that the node's TFTP server runs and can be "
			    "reached from the phones",
			    "cannot download %s from node %s: %s", name,
			    n->name, f->error)) != CTL_OK)
				return rc;
			continue;
		}
		if (pub == NULL || n == pub)
			continue;
		pf = which ? &pub->itl : &pub->ctl;
		if (pf->state != HEALTH_FILE_PRESENT &&
		    pf->state != HEALTH_FILE_ABSENT)
			continue;
		if (f->state == HEALTH_FILE_UNKNOWN || (f->state == pf->state &&
		    (f->state == HEALTH_FILE_ABSENT ||
		    strcmp(f->sha1, pf->sha1) == 0)))
			continue;
		if ((rc = add(r, HEALTH_PROBLEM, "files-differ", n->name, name,
		    "bring the node back in line: check that its node process "
		    "runs (the publisher pushes its files within seconds), "
		    "else push the publisher's file again",
		    "node %s serves %s SHA1 %s, the publisher %s: phones of "
		    "that node get another trust list", n->name, name,
		    file_state_text(f), file_state_text(pf))) != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

static int
check_files(const struct health_input *in, struct health_report *r)
{
	size_t i;
	int rc;

	if ((rc = check_same_file(in, "CTLFile.tlv", 0, r)) != CTL_OK ||
	    (rc = check_same_file(in, "ITLFile.tlv", 1, r)) != CTL_OK)
		return rc;
	if (in->security_mode != 1)
		return CTL_OK;
	for (i = 0; i < in->nnodes; i++)
		if (in->nodes[i].publisher &&
		    in->nodes[i].ctl.state == HEALTH_FILE_ABSENT)
			return add(r, HEALTH_PROBLEM, "no-ctl",
			    in->nodes[i].name, "CTLFile.tlv",
			    "write a CTL (`ctlclient update` or "
			    "`ctlclient tokenless update`)",
			    "the cluster is in mixed mode but the publisher "
			    "serves no CTL: secure phones cannot register");
	return CTL_OK;
}

static int
check_tvs(const struct health_input *in, struct health_report *r)
{
	const struct health_node *n;
	size_t i, k;
	int rc = CTL_OK;

	for (i = 0; i < in->nnodes && rc == CTL_OK; i++) {
		n = &in->nodes[i];
		if (n->tvs == HEALTH_TVS_FAILED) {
			rc = add(r, HEALTH_PROBLEM, "tvs", n->name, "TVS",
			    "check that the node runs and its TVS port can be "
			    "reached", "node %s's TVS cannot be reached: %s",
			    n->name, n->tvs_error);
			continue;
		}
		if (n->tvs != HEALTH_TVS_SEEN ||
		    n->itl.state != HEALTH_FILE_PRESENT || !n->itl.parsed)
			continue;
		for (k = 0; k < n->itl.ntvs; k++)
			if (strcmp(n->itl.tvs[k], n->tvs_sha1) == 0)
				break;
		if (k == n->itl.ntvs)
			rc = add(r, HEALTH_PROBLEM, "tvs-certificate", n->name,
			    "TVS", "rebuild the ITL so that it carries the TVS "
			    "certificate the node presents (or restart the node "
			    "so that it presents the certificate the ITL "
			    "carries)",
			    "node %s's TVS presents certificate SHA1 %s, which "
			    "the ITL it serves does not carry: phones refuse "
			    "to ask it", n->name, n->tvs_sha1);
	}
	return rc;
}

int
health_check(const struct health_input *in, struct health_report *out)
{
	int rc;

	if ((rc = check_expiry(in, out)) != CTL_OK ||
	    (rc = check_recovery_key(in, out)) != CTL_OK ||
	    (rc = check_ipsec(in, out)) != CTL_OK ||
	    (rc = check_itl_size(in, out)) != CTL_OK ||
	    (rc = check_files(in, out)) != CTL_OK ||
	    (rc = check_tvs(in, out)) != CTL_OK)
		return rc;
	return CTL_OK;
}

enum health_level
health_worst(const struct health_report *r)
{
	enum health_level w = HEALTH_OK;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].level > w)
			w = r->v[i].level;
	return w;
}

const char *
health_level_name(enum health_level l)
{
	return l == HEALTH_PROBLEM ? "problem" : l == HEALTH_WARNING ?
	    "warning" : "ok";
}

void
health_report_free(struct health_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
