#include "cert_plan.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cert_restart.h"
#include "ctl_err.h"

#define BIT(t) (1u << (t))

static const char *const names[CP_NTYPES] = {
	[CP_TOMCAT] = "Tomcat", [CP_TOMCAT_ECDSA] = "Tomcat-ECDSA",
	[CP_IPSEC] = "IPsec", [CP_ITLRECOVERY] = "ITLRecovery",
	[CP_CAPF] = "CAPF", [CP_CALLMANAGER] = "CallManager",
	[CP_CALLMANAGER_ECDSA] = "CallManager-ECDSA", [CP_TVS] = "TVS",
};

/* The ITL holds them: phones download a new ITL after each. */
#define ITL_TYPES (BIT(CP_ITLRECOVERY) | BIT(CP_CAPF) | BIT(CP_CALLMANAGER) | \
	BIT(CP_TVS))
/* The CTL holds them: in mixed mode the CTL is updated after them. */
#define CTL_TYPES (BIT(CP_ITLRECOVERY) | BIT(CP_CAPF) | BIT(CP_CALLMANAGER))
/* Phones that reject their new ITL after them are recovered with the
 * ITLRecovery key. */
#define RECOVERY_TYPES (BIT(CP_CAPF) | BIT(CP_CALLMANAGER) | BIT(CP_TVS))

const char *
cert_plan_type_name(enum cert_plan_type t)
{
	return t < CP_NTYPES ? names[t] : "?";
}

const char *
cert_plan_rule_name(enum cert_plan_rule r)
{
	switch (r) {
	case CP_RULE_SIGNER_AND_TVS: return "signer-and-tvs";
	case CP_RULE_RECOVERY_KEY: return "itlrecovery-key";
	case CP_RULE_NONE: break;
	}
	return "none";
}

int
cert_plan_types_parse(const char *list, unsigned *mask, struct ctl_diag *d)
{
	const char *p = list, *end;
	unsigned m = 0;
	size_t len;
	int t;

	for (;;) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == 0)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--regenerate %s: "
			    "an empty type; give TYPE[,TYPE...] from %s, %s, %s, "
			    "%s, %s, %s, %s, %s", list, names[0], names[1],
			    names[2], names[3], names[4], names[5], names[6],
			    names[7]);
		for (t = 0; t < CP_NTYPES; t++)
			if (strlen(names[t]) == len &&
			    strncasecmp(p, names[t], len) == 0)
				break;
		if (t == CP_NTYPES)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--regenerate: "
			    "unknown certificate type '%.*s'; the types are "
			    "%s, %s, %s, %s, %s, %s, %s, %s", (int)(len > 64 ?
			    64 : len), p, names[0], names[1], names[2],
			    names[3], names[4], names[5], names[6], names[7]);
		m |= BIT(t);
		if (end == NULL)
			break;
		p = end + 1;
	}
	*mask = m;
	return CTL_OK;
}

static struct cert_plan_step *
add(struct cert_plan *p, enum cert_plan_action a, enum cert_plan_type t,
    const char *node)
{
	struct cert_plan_step *s = &p->steps[p->n++];

	memset(s, 0, sizeof(*s));
	s->action = a;
	s->type = t;
	snprintf(s->node, sizeof(s->node), "%s", node ? node : "");
	return s;
}

/* Is node N in RQ's list (or is there no list)? */
static bool
wanted(const struct cert_plan_request *rq, const struct cert_plan_node *n)
{
	size_t i;

	if (rq->nnodes == 0)
		return true;
	for (i = 0; i < rq->nnodes; i++)
		if (strcmp(rq->nodes[i], n->name) == 0)
			return true;
	return false;
}

static int
check_request(const struct cert_plan_facts *f,
    const struct cert_plan_request *rq, struct ctl_diag *d)
{
	size_t i, j;
	int t;
	bool any;

	if (rq->types == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "no certificate type to "
		    "regenerate: give --regenerate TYPE[,TYPE...]");
	if (f->nnodes > CERT_PLAN_MAX_NODES)
		return ctl_diag_set(d, CTL_ERR_USAGE, "the cluster has %zu "
		    "nodes; a plan covers at most %d", f->nnodes,
		    CERT_PLAN_MAX_NODES);
	for (i = 0; i < rq->nnodes; i++) {
		for (j = 0; j < f->nnodes; j++)
			if (strcmp(rq->nodes[i], f->nodes[j].name) == 0)
				break;
		if (j == f->nnodes)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--node %s: the "
			    "cluster has no such node (ctlclient status lists "
			    "them)", rq->nodes[i]);
		for (t = 0; t < CP_NTYPES; t++)
			if ((rq->types & BIT(t)) && !(f->nodes[j].types &
			    BIT(t)))
				return ctl_diag_set(d, CTL_ERR_USAGE, "--node "
				    "%s has no %s certificate (%s)",
				    rq->nodes[i], names[t], f->nodes[j].publisher ?
				    "ctlclient cert list shows what it has" :
				    "CAPF and ITLRecovery are the publisher's");
	}
	for (t = 0; t < CP_NTYPES; t++) {
		if (!(rq->types & BIT(t)))
			continue;
		for (any = false, j = 0; j < f->nnodes; j++)
			any = any || ((f->nodes[j].types & BIT(t)) &&
			    wanted(rq, &f->nodes[j]));
		if (!any)
			return ctl_diag_set(d, CTL_ERR_USAGE, "no node of the "
			    "cluster has a %s certificate", names[t]);
	}
	return CTL_OK;
}

/* The ITLRecovery key the plan asks for: as long as the CallManager
 * keys, so that recovery keeps working.  It signs the ITL, whose
 * SIGNATUREMODULUS names 2048 or 4096 bits, not 3072. */
static const char *
recovery_key(int server_bits)
{
	return server_bits > 2048 ? "rsa4096" : NULL;
}

/* The rules of the procedure, into OUT->refused and the message of the
 * first into D. */
static void
check_rules(const struct cert_plan_facts *f, unsigned types,
    struct cert_plan *out, struct ctl_diag *d)
{
	unsigned signer = f->itl_signer == CP_SIGNER_CALLMANAGER ?
	    BIT(CP_CALLMANAGER) : f->itl_signer == CP_SIGNER_ITLRECOVERY ?
	    BIT(CP_ITLRECOVERY) : BIT(CP_CALLMANAGER) | BIT(CP_ITLRECOVERY);
	const char *sname = f->itl_signer == CP_SIGNER_ITLRECOVERY ?
	    "ITLRecovery" : "CallManager";

	if ((types & BIT(CP_TVS)) && (types & signer)) {
		if (out->nrefused == 0)
			ctl_diag_set(d, CTL_ERR_REFUSED, "%s and TVS together "
			    "while the ITL is signed by %s%s: a phone that "
			    "gets the new ITL, signed by a certificate it does "
			    "not know, asks TVS, whose certificate is no longer "
			    "the one in its ITL, so it trusts neither and its "
			    "ITL must be deleted by hand on every phone. "
			    "Regenerate %s alone, reset the phones and wait "
			    "until they register, then plan TVS",
			    sname, f->itl_signer == CP_SIGNER_UNKNOWN ?
			    " or ITLRecovery (the signer is not known)" : "",
			    sname, sname);
		out->refused[out->nrefused++] = CP_RULE_SIGNER_AND_TVS;
	}
	if ((types & RECOVERY_TYPES) && !(types & BIT(CP_ITLRECOVERY)) &&
	    f->recovery_bits > 0 && f->recovery_bits < f->server_bits) {
		if (out->nrefused == 0)
			ctl_diag_set(d, CTL_ERR_REFUSED, "the ITLRecovery key "
			    "(%d bits) is shorter than the CallManager keys "
			    "(%d bits): phones that reject their new ITL could "
			    "not be recovered with it (itl reset refuses it, as "
			    "CUCM's does). Add ITLRecovery to the plan (it is "
			    "then regenerated first, with a %d-bit key)",
			    f->recovery_bits, f->server_bits, f->server_bits);
		out->refused[out->nrefused++] = CP_RULE_RECOVERY_KEY;
	}
}

static bool
met(const struct cert_plan *p, enum cert_plan_rule r)
{
	size_t i;

	for (i = 0; i < p->nrefused; i++)
		if (p->refused[i] == r)
			return true;
	return false;
}

/* The steps of type T: every node regenerates, publisher first; the
 * CTL update before the restarts; the restarts; the phones. */
static void
plan_type(const struct cert_plan_facts *f, const struct cert_plan_request *rq,
    enum cert_plan_type t, struct cert_plan *out)
{
	const struct cert_restart *r = cert_restart_find(names[t]);
	const struct cert_plan_node *order[CERT_PLAN_MAX_NODES];
	struct cert_plan_step *s;
	size_t i, n = 0;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < f->nnodes; i++)
			if (f->nodes[i].publisher == (pass == 0) &&
			    (f->nodes[i].types & BIT(t)) &&
			    wanted(rq, &f->nodes[i]))
				order[n++] = &f->nodes[i];
	for (i = 0; i < n; i++) {
		s = add(out, CP_STEP_REGENERATE, t, order[i]->name);
		s->phone_files = (ITL_TYPES & BIT(t)) != 0;
		if (t == CP_ITLRECOVERY)
			s->key = recovery_key(f->server_bits);
		if (t == CP_TVS && met(out, CP_RULE_SIGNER_AND_TVS))
			s->forced = CP_RULE_SIGNER_AND_TVS;
		else if ((RECOVERY_TYPES & BIT(t)) &&
		    met(out, CP_RULE_RECOVERY_KEY))
			s->forced = CP_RULE_RECOVERY_KEY;
	}
	if (f->security_mode == 1 && (CTL_TYPES & BIT(t)))
		add(out, CP_STEP_CTL_UPDATE, t, NULL)->phone_files = true;
	for (i = 0; i < n && r != NULL; i++)
		add(out, CP_STEP_RESTART, t, order[i]->name)->services =
		    r->services;
	if (r != NULL && r->phones_reset)
		add(out, CP_STEP_RESET_PHONES, t, NULL);
}

int
cert_plan_make(const struct cert_plan_facts *f,
    const struct cert_plan_request *rq, struct cert_plan *out,
    struct ctl_diag *d)
{
	int rc, t;

	memset(out, 0, sizeof(*out));
	if ((rc = check_request(f, rq, d)) != CTL_OK)
		return rc;
	check_rules(f, rq->types, out, d);
	for (t = 0; t < CP_NTYPES; t++)
		if (rq->types & BIT(t))
			plan_type(f, rq, (enum cert_plan_type)t, out);
	return out->nrefused > 0 && !rq->force ? CTL_ERR_REFUSED : CTL_OK;
}
