/*
 * ctlclient cert plan --regenerate TYPE[,TYPE...] [--node NAME]...
 *     [--run [--phones N]] [--force --reason TEXT] [--yes] [--json]
 *
 * The facts come from the publisher (CLUSTER_INFO, CERT_LIST, the ITL
 * its TFTP serves), the plan from cert_plan_make(); --run carries the
 * steps out and rehearses the phones after each one that changes what
 * they download, holding what they held before the first step.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cert_info.h"
#include "cert_plan.h"
#include "cert_restart.h"
#include "change_json.h"
#include "cmd_cert.h"
#include "commands.h"
#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "json_out.h"
#include "net_cluster.h"
#include "net_cmd.h"
#include "proto_frame.h"
#include "rehearse.h"
#include "rehearse_served.h"
#include "tty.h"
#include "tvs_client.h"
#include "tvs_peer.h"
#include "proto_conn.h"
#include "hex.h"

#define DEFAULT_PHONES  20
#define MAX_PHONES      10000
#define PLAN_MODELS     "8845:40,7975:30,7960:30"

enum { OPT_REGEN = 0x2000, OPT_NODE, OPT_RUN, OPT_YES, OPT_JSON, OPT_FORCE,
    OPT_REASON, OPT_PHONES };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient cert plan --regenerate TYPE[,TYPE...] [--node NAME]...\n"
	    "           --server HOST[:PORT] [--run [--phones N]] [--yes]\n"
	    "           [--force --reason TEXT] [--json]\n\n"
	    "Prints the steps of regenerating the certificates TYPE, in the\n"
	    "order of the CUCM certificate regeneration procedure, for this\n"
	    "cluster (its security mode, the ITL's signer, the key sizes):\n"
	    "each node regenerates, publisher first; in mixed mode the CTL is\n"
	    "updated before the restarts; what a CUCM cluster restarts on each\n"
	    "node; whether the phones reset.  Types that do not touch the\n"
	    "phones come first, then ITLRecovery, CAPF, CallManager, and TVS\n"
	    "last.  Without --node, every node that has the type.\n\n"
	    "Refused (exit 1, nothing changed): the ITL's signer (CallManager\n"
	    "with ctlpublisherd init --itl-signer CallManager, else ITLRecovery)\n"
	    "and TVS in one plan; a plan that regenerates CAPF, CallManager or\n"
	    "TVS while the ITLRecovery key is shorter than the CallManager keys\n"
	    "(add ITLRecovery to the plan: it is then regenerated first, as\n"
	    "long as they are).  --force --reason TEXT plans it anyway; each\n"
	    "forced regeneration carries the reason, which the publisher\n"
	    "audits (cert-regenerate-forced).\n\n"
	    "  --regenerate LIST  CallManager, CallManager-ECDSA, Tomcat,\n"
	    "                     Tomcat-ECDSA, IPsec, CAPF, TVS, ITLRecovery\n"
	    "                     (any case), comma-separated\n"
	    "  --node NAME        only this node (repeat for more)\n"
	    "  --run              carry the plan out: CERT_REGENERATE for each\n"
	    "                     regeneration, the tokenless CTL update\n"
	    "                     (migrate regenerate) for each CTL update; a\n"
	    "                     rehearsal of N phones before the first step\n"
	    "                     and after each step that changes what phones\n"
	    "                     download, the phones holding what they held\n"
	    "                     before the first step; it stops after the\n"
	    "                     first step after which phones with TVS would\n"
	    "                     reject their files\n"
	    "  --phones N         phones of each rehearsal (default %d)\n"
	    "  --force            plan over a refusal (needs --reason)\n"
	    "  --reason TEXT      why, 1 to %d bytes, kept in the audit log\n"
	    "  --yes              do not ask before --run\n"
	    "  --json             one JSON object (with --run, needs --yes)\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 planned (and, with --run, every step done and the\n"
	    "phones fine), 1 refused, not confirmed, a step failed or the\n"
	    "rehearsal stopped the run, 2 bad usage (an unknown type or node,\n"
	    "a type the node lacks).\n", DEFAULT_PHONES, PROTO_MAX_REASON);
}

/* What a rehearsal found, for the report and --json. */
struct plan_rehearsal {
	bool ran;
	size_t phones, accepted, tvs_rejecting, warnings, errors;
	char example[REHEARSE_EXAMPLE_MAX + 8];  /* "ITL: " and the reason */
};

struct plan_cmd {
	const char *types_arg;
	unsigned types;
	const char *nodes[CERT_PLAN_MAX_NODES];
	size_t nnodes;
	bool run, yes, json, force;
	const char *reason;
	size_t phones;
	/* The facts and the plan. */
	bool planned;
	struct cert_plan_facts facts;
	struct cert_plan_node fnodes[CERT_PLAN_MAX_NODES];
	int ctl_mode;
	struct cert_plan plan;
	/* The run. */
	bool done[CERT_PLAN_MAX_STEPS];
	struct plan_rehearsal before, after[CERT_PLAN_MAX_STEPS];
	long stopped_at;        /* step index (0-based), -1: not stopped */
};

static int
plan_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct plan_cmd *pc = ctx;
	char *end;
	unsigned long v;

	switch (c) {
	case OPT_REGEN: pc->types_arg = arg; return CTL_OK;
	case OPT_RUN: pc->run = true; return CTL_OK;
	case OPT_YES: pc->yes = true; return CTL_OK;
	case OPT_FORCE: pc->force = true; return CTL_OK;
	case OPT_JSON:
		pc->json = true;
		return change_json_start("cert plan", d);
	case OPT_REASON:
		if (arg[0] == '\0' || strlen(arg) > PROTO_MAX_REASON)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--reason: 1 to "
			    "%d bytes", PROTO_MAX_REASON);
		pc->reason = arg;
		return CTL_OK;
	case OPT_NODE:
		if (arg[0] == '\0' || strlen(arg) > 64)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--node: 1 to 64 "
			    "characters");
		if (pc->nnodes == CERT_PLAN_MAX_NODES)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--node: at most "
			    "%d", CERT_PLAN_MAX_NODES);
		pc->nodes[pc->nnodes++] = arg;
		return CTL_OK;
	case OPT_PHONES:
		v = strtoul(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v == 0 ||
		    v > MAX_PHONES)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--phones %s: a "
			    "number from 1 to %d", arg, MAX_PHONES);
		pc->phones = v;
		return CTL_OK;
	}
	return CTL_OK;
}

static int
plan_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct plan_cmd *pc = ctx;
	int rc;

	(void)argv;
	if (argc != 0)
		return CTL_ERR_USAGE;
	if (pc->types_arg == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "cert plan needs "
		    "--regenerate TYPE[,TYPE...] (see ctlclient cert plan "
		    "--help)");
	if (pc->force && pc->reason == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--force needs --reason "
		    "TEXT: the audit log keeps why the procedure was "
		    "overridden");
	if (!pc->force && pc->reason != NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--reason goes with "
		    "--force");
	if ((rc = cert_plan_types_parse(pc->types_arg, &pc->types, d)) !=
	    CTL_OK)
		return rc;
	return pc->run ? change_json_need_yes(pc->yes, d) : CTL_OK;
}

/* The TFTP downloads of the facts and the rehearsals use libcurl. */
static int
plan_before(void *ctx, struct ctl_diag *d)
{
	(void)ctx;
	/* A TVS or TFTP server that goes away mid-write is a verdict. */
	signal(SIGPIPE, SIG_IGN);
	return rehearse_global_init(d);
}

static bool
same_serial(const struct ctl_bytes *b, X509 *x)
{
	uint8_t *s = NULL;
	size_t n = 0;
	bool eq;

	if (x == NULL || ctl_cert_serial(x, &s, &n) != CTL_OK)
		return false;
	eq = n == b->len && b->p != NULL && memcmp(s, b->p, n) == 0;
	free(s);
	return eq;
}

/* The facts of cert_plan_make() from CLUSTER_INFO C, the node
 * certificates CS and the ITL phones hold. */
static void
facts_fill(struct plan_cmd *pc, const struct net_cluster *c,
    const struct cert_set *cs, const struct ctl_file *itl)
{
	struct cert_plan_facts *f = &pc->facts;
	const struct net_node *pub = NULL;
	size_t i, j;
	int t;

	memset(f, 0, sizeof(*f));
	f->security_mode = c->security_mode;
	pc->ctl_mode = c->ctl_mode;
	for (i = 0; i < c->nnodes && i < CERT_PLAN_MAX_NODES; i++) {
		struct cert_plan_node *n = &pc->fnodes[i];

		snprintf(n->name, sizeof(n->name), "%s", c->nodes[i].name);
		n->publisher = c->nodes[i].publisher;
		n->types = 0;
		if (n->publisher)
			pub = &c->nodes[i];
		for (j = 0; j < cs->n; j++) {
			const struct cert_item *it = &cs->v[j];
			bool rsa = strcmp(it->info.key_type, "RSA") == 0;

			if (strcmp(it->node, n->name) != 0)
				continue;
			for (t = 0; t < CP_NTYPES; t++)
				if (strcasecmp(it->type, cert_plan_type_name(
				    (enum cert_plan_type)t)) == 0)
					n->types |= 1u << t;
			if (rsa && strcasecmp(it->type, "CallManager") == 0 &&
			    it->info.key_bits > f->server_bits)
				f->server_bits = it->info.key_bits;
			if (rsa && n->publisher &&
			    strcasecmp(it->type, "ITLRecovery") == 0)
				f->recovery_bits = it->info.key_bits;
		}
	}
	f->nodes = pc->fnodes;
	f->nnodes = i;
	f->itl_signer = CP_SIGNER_UNKNOWN;
	if (itl != NULL && pub != NULL) {
		if (same_serial(&itl->hdr.serial,
		    pub->certs[NET_CERT_CALLMANAGER]))
			f->itl_signer = CP_SIGNER_CALLMANAGER;
		else if (same_serial(&itl->hdr.serial,
		    pub->certs[NET_CERT_ITLRECOVERY]))
			f->itl_signer = CP_SIGNER_ITLRECOVERY;
	}
}

static const char *
signer_name(enum cert_plan_signer s)
{
	return s == CP_SIGNER_CALLMANAGER ? "CallManager" :
	    s == CP_SIGNER_ITLRECOVERY ? "ITLRecovery" : "unknown";
}

/* One line of the plan, without its number. */
static void
step_text(const struct cert_plan_step *s, char *buf, size_t len)
{
	const char *t = cert_plan_type_name(s->type);

	switch (s->action) {
	case CP_STEP_REGENERATE:
		snprintf(buf, len, "regenerate %s on %s%s%s%s%s", t, s->node,
		    s->key ? " with an " : "", s->key ? s->key : "",
		    s->key ? " key" : "", s->forced != CP_RULE_NONE ?
		    " (forced)" : "");
		break;
	case CP_STEP_CTL_UPDATE:
		snprintf(buf, len, "update the CTL (utils ctl update CTLFile; "
		    "here ctlclient migrate regenerate): phones that hold the "
		    "CTL refuse the new %s certificate until they have it", t);
		break;
	case CP_STEP_RESTART:
		snprintf(buf, len, "restart on %s (CUCM): %s", s->node,
		    s->services);
		break;
	case CP_STEP_RESET_PHONES:
		snprintf(buf, len, "reset the phones (CUCM: Enterprise "
		    "Parameters > Reset) and wait until they register again "
		    "before the next type; they download the new ITL%s",
		    s->type == CP_CALLMANAGER || s->type == CP_CAPF ||
		    s->type == CP_ITLRECOVERY ? " and CTL" : "");
		break;
	}
}

static void
print_plan(const struct plan_cmd *pc)
{
	const struct cert_plan_facts *f = &pc->facts;
	char line[1024];
	size_t i;

	printf("Cluster: %s mode, CTL %s; ITL signed by %s; ITLRecovery RSA "
	    "%d, CallManager RSA %d (largest)\n", f->security_mode == 1 ?
	    "mixed" : "non-secure", net_ctl_mode_name(pc->ctl_mode),
	    signer_name(f->itl_signer), f->recovery_bits, f->server_bits);
	printf("Plan (%zu steps):\n", pc->plan.n);
	for (i = 0; i < pc->plan.n; i++) {
		step_text(&pc->plan.steps[i], line, sizeof(line));
		printf("%3zu. %s\n", i + 1, line);
	}
	for (i = 0; i < pc->plan.nrefused && pc->force; i++)
		printf("Forced over the rule %s: %s\n",
		    cert_plan_rule_name(pc->plan.refused[i]), pc->reason);
}

/* A rehearsal of the phones holding HELD, into *OUT. */
static int
rehearse_now(const struct plan_cmd *pc, const struct net_cluster *c,
    struct ctl_file *held[2], struct plan_rehearsal *out, struct ctl_diag *d)
{
	struct rehearse_node nodes[CERT_PLAN_MAX_NODES];
	struct rehearse_mix mix[REHEARSE_MAX_MODELS];
	struct rehearse_result *res = NULL;
	struct rehearse_opts ro;
	size_t i, nmix = 0, w;
	int rc;

	if ((rc = rehearse_mix_parse(PLAN_MODELS, mix, &nmix, d)) != CTL_OK)
		return rc;
	for (i = 0; i < c->nnodes && i < CERT_PLAN_MAX_NODES; i++)
		rehearse_node_of(&c->nodes[i], &nodes[i]);
	memset(&ro, 0, sizeof(ro));
	ro.nodes = nodes;
	ro.nnodes = i;
	ro.mix = mix;
	ro.nmix = nmix;
	ro.phones = pc->phones;
	ro.concurrency = 16;
	ro.timeout_ms = TVS_DEFAULT_TIMEOUT_MS;
	ro.ctl = held[0];
	ro.itl = held[1];
	ro.nonsecure = c->security_mode == 0;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory for the "
		    "rehearsal");
	if ((rc = rehearse_run(&ro, res, d)) != CTL_OK)
		goto out;
	memset(out, 0, sizeof(*out));
	out->ran = true;
	out->phones = res->total.phones;
	out->accepted = res->total.accepted;
	out->tvs_rejecting = res->tvs_rejecting;
	out->warnings = res->warnings;
	out->errors = res->errors;
	/* The first reason a phone with TVS gave, the ITL's first. */
	for (w = 1; w < PHONE_WHY_N && out->example[0] == '\0'; w++) {
		if (w == PHONE_WHY_NO_TVS)
			continue;
		if (res->total.itl.why[w] > 0)
			snprintf(out->example, sizeof(out->example), "ITL: %s",
			    res->total.itl.example[w]);
		else if (res->total.ctl.why[w] > 0)
			snprintf(out->example, sizeof(out->example), "CTL: %s",
			    res->total.ctl.example[w]);
	}
	printf("      rehearsal: %zu of %zu phones accept their files; %zu "
	    "with TVS reject, %zu without TVS reject, %zu errors\n",
	    out->accepted, out->phones, out->tvs_rejecting, out->warnings,
	    out->errors);
out:
	free(res);
	return rc;
}

/* Did the phones with TVS take what the cluster serves now? */
static bool
phones_fine(const struct plan_rehearsal *r)
{
	return r->tvs_rejecting == 0 && r->errors == 0;
}

static int
run_step(struct net_session *s, struct plan_cmd *pc, size_t i,
    struct ctl_diag *d)
{
	const struct cert_plan_step *st = &pc->plan.steps[i];
	const struct cert_restart *r;

	switch (st->action) {
	case CP_STEP_REGENERATE:
		return cert_regenerate_request(s, st->node,
		    cert_plan_type_name(st->type), st->key,
		    st->forced != CP_RULE_NONE ?
		    cert_plan_rule_name(st->forced) : NULL, pc->reason, false,
		    d);
	case CP_STEP_CTL_UPDATE:
		/* The phones are rehearsed after it: preflight's verdict is
		 * printed, not the rule. */
		return migrate_tokenless_run(s, true, pc->force, true, d);
	case CP_STEP_RESTART:
		r = cert_restart_find(cert_plan_type_name(st->type));
		printf("      here: %s\n", r != NULL ? r->here : "nothing");
		return CTL_OK;
	case CP_STEP_RESET_PHONES:
		printf("      nothing to do here: the publisher serves the new "
		    "files on every node and TVS reloads by itself\n");
		return CTL_OK;
	}
	return CTL_OK;
}

static const struct net_node *
node_named(const struct net_cluster *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].name, name) == 0)
			return &c->nodes[i];
	return &c->nodes[0];    /* the plan names only the cluster's nodes */
}

#define TVS_RELOAD_MS 15000  /* TVS takes a new certificate within seconds */

/*
 * After node N's TVS certificate (OLD, from before the plan) was
 * regenerated: waits until its TVS presents another one, so that the
 * rehearsal meets the TVS phones will meet.  Only a warning when it does
 * not in time.
 */
static void
wait_tvs(const struct net_node *n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char old[41], now[41];
	SSL_CTX *ctx = NULL;
	struct ctl_diag e;
	int waited;

	if (n->tvs_port == 0 || n->certs[NET_CERT_TVS] == NULL ||
	    X509_digest(n->certs[NET_CERT_TVS], EVP_sha1(), md, &mdlen) != 1 ||
	    proto_tls_client_ctx(NULL, NULL, NULL, &ctx, &e) != CTL_OK)
		goto out;
	hex_format(old, sizeof(old), md, 20, '\0', 0);
	for (waited = 0; waited < TVS_RELOAD_MS; waited += 200) {
		ctl_diag_clear(&e);
		if (tvs_peer_sha1(ctx, n->ip, n->tvs_port, 2000, now, &e) ==
		    CTL_OK && strcmp(now, old) != 0)
			goto out;
		usleep(200 * 1000);
	}
	fprintf(stderr, "ctlclient: warning: the TVS of %s still presents its "
	    "old certificate after %d s: the rehearsal may not meet the new "
	    "one\n", n->name, TVS_RELOAD_MS / 1000);
out:
	SSL_CTX_free(ctx);
}

static int
run_plan(struct net_session *s, struct plan_cmd *pc,
    const struct net_cluster *c, struct ctl_file *held[2],
    struct ctl_diag *d)
{
	char line[1024];
	size_t i;
	int rc;

	for (i = 0; i < pc->plan.n; i++)
		if (pc->plan.steps[i].action == CP_STEP_CTL_UPDATE &&
		    pc->ctl_mode != 2)
			return ctl_diag_set(d, CTL_ERR_REFUSED, "step %zu updates "
			    "the CTL, which eTokens sign in this cluster (%s "
			    "CTL): run the plan's steps by hand, with ctlclient "
			    "migrate regenerate --token URI at that step; "
			    "nothing was changed", i + 1,
			    net_ctl_mode_name(pc->ctl_mode));
	if (!pc->yes && (rc = tty_confirm("This carries out the steps above "
	    "on the cluster. Do you want to continue?", "--yes", d)) !=
	    CTL_OK)
		return rc;
	printf("Before step 1: the phones hold what the cluster serves now\n");
	if ((rc = rehearse_now(pc, c, held, &pc->before, d)) != CTL_OK)
		return rc;
	if (!phones_fine(&pc->before))
		return ctl_diag_set(d, CTL_ERR_REFUSED, "before step 1, %zu "
		    "phones with TVS already reject what the cluster serves "
		    "(%s) and %zu downloads or TVS queries failed: nothing was "
		    "changed; find out why first (ctlclient health, ctlclient "
		    "rehearse)", pc->before.tvs_rejecting,
		    pc->before.example[0] ? pc->before.example : "no reason "
		    "recorded", pc->before.errors);
	for (i = 0; i < pc->plan.n; i++) {
		step_text(&pc->plan.steps[i], line, sizeof(line));
		printf("Step %zu: %s\n", i + 1, line);
		if ((rc = run_step(s, pc, i, d)) != CTL_OK) {
			pc->stopped_at = (long)i;
			return ctl_diag_set(d, rc, "step %zu (%s) failed: %s; "
			    "the steps before it are done, the ones after it "
			    "were not run", i + 1, line, ctl_diag_msg(d, rc));
		}
		pc->done[i] = true;
		if (!pc->plan.steps[i].phone_files)
			continue;
		if (pc->plan.steps[i].action == CP_STEP_REGENERATE &&
		    pc->plan.steps[i].type == CP_TVS)
			wait_tvs(node_named(c, pc->plan.steps[i].node));
		if ((rc = rehearse_now(pc, c, held, &pc->after[i], d)) !=
		    CTL_OK)
			return rc;
		if (!phones_fine(&pc->after[i])) {
			pc->stopped_at = (long)i;
			return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "stopped after "
			    "step %zu (%s): the rehearsal found %zu of %zu "
			    "phones with TVS that would reject their files "
			    "(%zu errors); the steps after it were not run. Do "
			    "not reset the phones: phones that hold the old "
			    "ITL need it deleted by hand, or recovered with "
			    "ctlclient itl reset localkey (mixed mode: ctl "
			    "reset localkey; docs/recovery.md). Why: %s",
			    i + 1, line, pc->after[i].tvs_rejecting,
			    pc->after[i].phones, pc->after[i].errors,
			    pc->after[i].example[0] ? pc->after[i].example :
			    "no reason recorded");
		}
	}
	printf("Done: %zu steps; every phone with TVS accepts its files\n",
	    pc->plan.n);
	return CTL_OK;
}

static int
plan_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct plan_cmd *pc = ctx;
	struct cert_plan_request rq;
	struct net_cluster c;
	struct cert_set cs = { NULL, 0 };
	struct ctl_file *held[2] = { NULL, NULL };
	struct rehearse_node pub;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((rc = net_cluster_info(s, &c, d)) != CTL_OK ||
	    (rc = cert_fetch_nodes(s, &cs, d)) != CTL_OK)
		goto out;
	for (i = 0; i < c.nnodes && !c.nodes[i].publisher; i++)
		;
	if (i == c.nnodes) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "the cluster names no "
		    "publisher");
		goto out;
	}
	/* What the phones hold now: the facts' ITL signer, and what the
	 * rehearsals' phones keep holding. */
	rehearse_node_of(&c.nodes[i], &pub);
	if ((rc = rehearse_served_read(&pub, TVS_DEFAULT_TIMEOUT_MS, held,
	    d)) != CTL_OK)
		goto out;
	facts_fill(pc, &c, &cs, held[1]);
	memset(&rq, 0, sizeof(rq));
	rq.types = pc->types;
	rq.nodes = pc->nodes;
	rq.nnodes = pc->nnodes;
	rq.force = pc->force;
	rc = cert_plan_make(&pc->facts, &rq, &pc->plan, d);
	pc->planned = rc == CTL_OK || rc == CTL_ERR_REFUSED;
	if (rc != CTL_OK)
		goto out;
	print_plan(pc);
	if (pc->run)
		rc = run_plan(s, pc, &c, held, d);
out:
	ctl_free(held[0]);
	ctl_free(held[1]);
	cert_set_free(&cs);
	net_cluster_free(&c);
	return rc;
}

static void
json_rehearsal(struct json_out *j, const char *key,
    const struct plan_rehearsal *r)
{
	if (!r->ran) {
		json_null(j, key);
		return;
	}
	json_object_begin(j, key);
	json_int(j, "phones", (long long)r->phones);
	json_int(j, "accepted", (long long)r->accepted);
	json_int(j, "tvs_rejecting", (long long)r->tvs_rejecting);
	json_int(j, "warnings", (long long)r->warnings);
	json_int(j, "errors", (long long)r->errors);
	json_string(j, "example", r->example[0] ? r->example : NULL);
	json_object_end(j);
}

static const char *const action_names[] = {
	[CP_STEP_REGENERATE] = "regenerate", [CP_STEP_CTL_UPDATE] = "ctl-update",
	[CP_STEP_RESTART] = "restart", [CP_STEP_RESET_PHONES] = "reset-phones",
};

/* The "plan" member of the --json object. */
static void
json_plan(struct json_out *j, void *ctx)
{
	const struct plan_cmd *pc = ctx;
	const struct cert_plan_step *st;
	size_t i;

	if (!pc->planned) {
		json_null(j, "plan");
		return;
	}
	json_object_begin(j, "plan");
	json_int(j, "security_mode", pc->facts.security_mode);
	json_string(j, "ctl_mode", net_ctl_mode_name(pc->ctl_mode));
	json_string(j, "itl_signer", signer_name(pc->facts.itl_signer));
	json_int(j, "itlrecovery_bits", pc->facts.recovery_bits);
	json_int(j, "callmanager_bits", pc->facts.server_bits);
	json_array_begin(j, "refused");
	for (i = 0; i < pc->plan.nrefused; i++)
		json_string(j, NULL, cert_plan_rule_name(pc->plan.refused[i]));
	json_array_end(j);
	json_bool(j, "run", pc->run);
	json_rehearsal(j, "rehearsal_before", &pc->before);
	json_array_begin(j, "steps");
	for (i = 0; i < pc->plan.n; i++) {
		st = &pc->plan.steps[i];
		json_object_begin(j, NULL);
		json_int(j, "step", (long long)i + 1);
		json_string(j, "action", action_names[st->action]);
		json_string(j, "type", cert_plan_type_name(st->type));
		json_string(j, "node", st->node[0] ? st->node : NULL);
		json_string(j, "key", st->key);
		json_string(j, "services", st->services);
		json_bool(j, "phone_files", st->phone_files);
		json_string(j, "forced", st->forced != CP_RULE_NONE ?
		    cert_plan_rule_name(st->forced) : NULL);
		json_bool(j, "done", pc->done[i]);
		json_rehearsal(j, "rehearsal", &pc->after[i]);
		json_object_end(j);
	}
	json_array_end(j);
	if (pc->stopped_at >= 0)
		json_int(j, "stopped_at", pc->stopped_at + 1);
	else
		json_null(j, "stopped_at");
	json_object_end(j);
}

int
cert_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "regenerate", required_argument, NULL, OPT_REGEN },
		{ "node", required_argument, NULL, OPT_NODE },
		{ "run", no_argument, NULL, OPT_RUN },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "phones", required_argument, NULL, OPT_PHONES },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "cert plan", .opts = opts, .usage = usage,
		.option = plan_option, .operands = plan_operands,
		.before = plan_before, .run = plan_run,
	};
	struct plan_cmd *pc;
	int status;

	if ((pc = calloc(1, sizeof(*pc))) == NULL) {
		cli_error("cert plan: out of memory");
		return EXIT_FAIL;
	}
	pc->phones = DEFAULT_PHONES;
	pc->stopped_at = -1;
	change_json_extra(json_plan, pc);
	status = net_cmd_main(&cmd, pc, argc, argv);
	change_json_extra(NULL, NULL);
	free(pc);
	return status;
}
