/* ctlclient move-check --server A --installed A_SNAP --move-to B_SNAP:
 * before phones are pointed at another cluster, would they accept its
 * files? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "json_out.h"
#include "log_escape.h"
#include "move_check.h"
#include "net_cluster.h"
#include "net_cmd.h"
#include "preflight.h"
#include "rehearse.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient move-check --server A[:PORT] --installed A_SNAP\n"
	    "           --move-to B_SNAP [--json] [options]\n\n"
	    "Before phones are moved from cluster A to cluster B (DHCP option\n"
	    "150 pointed at B's TFTP servers), says for each class of phone\n"
	    "whether it would accept B's CTL and ITL: no TVS (7940 7960\n"
	    "Jabber), TVS over TLS 1.0 (7942-7975), TVS over TLS 1.2 (7841,\n"
	    "88xx); each holding A's CTL and ITL, or only the ITL.  Phones\n"
	    "judge B's files as their model does (docs/rehearsal.md); where a\n"
	    "phone would ask A's TVS about B's signer, the answer is TVS's own\n"
	    "rule applied to what A's TVS vouches for: A's own certificates, its\n"
	    "trust stores and its CTL, read from A (--server).  Nothing is\n"
	    "reset, no TVS is asked, nothing is changed.\n\n"
	    "  --installed A_SNAP  what A's phones hold: a directory made with\n"
	    "                      ctlclient rehearse --server A --snapshot A_SNAP\n"
	    "  --move-to B_SNAP    what B serves: a directory made with\n"
	    "                      ctlclient rehearse --server B --snapshot B_SNAP\n"
	    "                      (no CTLFile.tlv there: B is non-secure)\n"
	    "  --json              the verdict as one JSON object\n\n"
	    "Then rehearse the move against the real servers: ctlclient\n"
	    "rehearse --server B --installed A_SNAP --tvs A's TVS servers.\n"
	    "docs/user-guide.md, \"Which check to trust when\", says which\n"
	    "check answers what.\n\n"
	    "Exit status: 0 every class of phone with TVS would accept B's\n"
	    "files (phones without TVS that reject are warnings), 1 one would\n"
	    "reject them (run the bulk certificate import first), or cluster A\n"
	    "cannot be read, 2 bad usage, or a snapshot file cannot be read or\n"
	    "is not a valid .tlv file.\n\n"
	    NET_OPTIONS_HELP);
}

enum { O_INSTALLED = 0x100, O_MOVE_TO, O_JSON };

/* TVS certificates kept from CLUSTER_INFO: one per node, and a
 * cluster has at most 16 nodes; a longer list is cut here. */
#define MOVE_MAX_PRESENTED 64

struct move_cmd {
	const char *a_dir, *b_dir;
	bool json;
	bool bad_input;             /* a snapshot is missing or not valid */
	struct ctl_file *a[2], *b[2];   /* CTL and ITL of each snapshot */
	struct preflight_tvs *tvs;  /* what A's TVS vouches for */
	X509 *presented[MOVE_MAX_PRESENTED]; /* A's nodes' TVS certificates */
	size_t npresented;
	int status;
};

static int
move_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct move_cmd *mc = ctx;

	(void)d;
	switch (c) {
	case O_INSTALLED: mc->a_dir = arg; break;
	case O_MOVE_TO: mc->b_dir = arg; break;
	case O_JSON: mc->json = true; break;
	}
	return CTL_OK;
}

static int
move_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct move_cmd *mc = ctx;

	(void)argv;
	if (argc != 0)
		return CTL_ERR_USAGE;
	if (mc->a_dir == NULL || mc->b_dir == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "give --installed A_SNAP "
		    "(what the phones hold) and --move-to B_SNAP (what the "
		    "other cluster serves), both made with rehearse --snapshot");
	return CTL_OK;
}

/* Both snapshots are input, read before connecting. */
static int
move_before(void *ctx, struct ctl_diag *d)
{
	struct move_cmd *mc = ctx;
	int r;

	if ((r = rehearse_snapshot_read(mc->a_dir, "--installed", mc->a,
	    d)) != CTL_OK || (r = rehearse_snapshot_read(mc->b_dir,
	    "--move-to", mc->b, d)) != CTL_OK) {
		mc->bad_input = true;
		return r;
	}
	if (mc->b[0] == NULL && mc->b[1] == NULL) {
		mc->bad_input = true;
		return ctl_diag_set(d, CTL_ERR_USAGE, "--move-to %s: holds "
		    "neither CTLFile.tlv nor ITLFile.tlv; a cluster's snapshot "
		    "holds at least its ITL", mc->b_dir);
	}
	return CTL_OK;
}

/* What A's TVS vouches for, and the TVS certificates its nodes
 * present. */
static int
move_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct move_cmd *mc = ctx;
	struct net_cluster cl;
	size_t i;
	int r;

	memset(&cl, 0, sizeof(cl));
	if ((r = preflight_tvs_read(s, &mc->tvs, d)) != CTL_OK ||
	    (r = net_cluster_info(s, &cl, d)) != CTL_OK)
		goto out;
	for (i = 0; i < cl.nnodes; i++) {
		X509 *x = cl.nodes[i].certs[NET_CERT_TVS];

		if (x == NULL || mc->npresented == MOVE_MAX_PRESENTED)
			continue;
		X509_up_ref(x);
		mc->presented[mc->npresented++] = x;
	}
out:
	net_cluster_free(&cl);
	return r;
}

static const char *
vouches(void *arg, X509 *cert)
{
	return preflight_tvs_vouches(arg, cert);
}

static const char *
family_key(enum phone_tvs f)
{
	return f == PHONE_TVS_NONE ? "none" : f == PHONE_TVS_TLS10 ? "tls1.0" :
	    "tls1.2";
}

static void
json_verdict(struct json_out *j, const char *key, const struct phone_verdict *v)
{
	json_object_begin(j, key);
	json_bool(j, "accepted", v->accepted);
	json_string(j, "how", phone_how_name(v->how));
	if (!v->accepted)
		json_string(j, "why", phone_why_name(v->why));
	json_string(j, "reason", v->reason);
	json_object_end(j);
}

static void
print_json(const struct move_cmd *mc, const struct move_result *r)
{
	struct json_out j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "installed", mc->a_dir);
	json_string(&j, "move_to", mc->b_dir);
	json_bool(&j, "installed_ctl", mc->a[0] != NULL);
	json_bool(&j, "installed_itl", mc->a[1] != NULL);
	json_bool(&j, "target_ctl", mc->b[0] != NULL);
	json_bool(&j, "target_itl", mc->b[1] != NULL);
	json_array_begin(&j, "classes");
	for (i = 0; i < r->nclasses; i++) {
		const struct move_class *c = &r->classes[i];

		json_object_begin(&j, NULL);
		json_string(&j, "tvs", family_key(c->family));
		json_string(&j, "models", c->models);
		json_string(&j, "holds", move_holds_name(c));
		json_bool(&j, "accepted", c->accepted);
		json_verdict(&j, "ctl", &c->ctl);
		json_verdict(&j, "itl", &c->itl);
		if (c->tvs_where[0] != '\0')
			json_string(&j, "tvs_found", c->tvs_where);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_int(&j, "tvs_classes_rejecting", (long long)r->tvs_rejecting);
	json_int(&j, "warnings", (long long)r->warnings);
	json_string(&j, "verdict", r->tvs_rejecting == 0 ? "pass" : "fail");
	json_object_end(&j);
	json_finish(&j);
}

/* One line of the reasons: TEXT quotes names from the other cluster's
 * files, escaped so that a terminal obeys nothing in them. */
static void
print_reason(const struct move_class *c, const char *kind, const char *text)
{
	char esc[LOG_ESCAPE_SIZE(2 * CTL_DIAG_MAX)];

	printf("  %s holding %s: %s%s\n", move_family_name(c->family),
	    move_holds_name(c), kind, log_escape_str(esc, sizeof(esc), text));
}

static void
print_text(const struct move_cmd *mc, const struct move_result *r)
{
	char esc[2][LOG_ESCAPE_SIZE(4096)], line[48];
	size_t i;

	printf("Move check: phones holding the files in %s (CTL %s, ITL %s), "
	    "pointed at the files in %s (CTL %s, ITL %s)\n\n",
	    log_escape_str(esc[0], sizeof(esc[0]), mc->a_dir),
	    mc->a[0] ? "yes" : "none", mc->a[1] ? "yes" : "none",
	    log_escape_str(esc[1], sizeof(esc[1]), mc->b_dir),
	    mc->b[0] ? "yes" : "none", mc->b[1] ? "yes" : "none");
	printf("%-13s %-26s %-8s %-9s %-9s %s\n", "phones", "models", "holds",
	    "CTL", "ITL", "verdict");
	for (i = 0; i < r->nclasses; i++) {
		const struct move_class *c = &r->classes[i];

		printf("%-13s %-26s %-8s %-9s %-9s %s\n",
		    move_family_name(c->family), c->models,
		    move_holds_name(c), c->ctl.accepted ?
		    phone_how_name(c->ctl.how) : "REJECT", c->itl.accepted ?
		    phone_how_name(c->itl.how) : "REJECT", c->accepted ?
		    "ACCEPT" : c->family == PHONE_TVS_NONE ? "REJECT (warning)" :
		    "REJECT");
	}
	printf("\n");
	for (i = 0; i < r->nclasses; i++) {
		const struct move_class *c = &r->classes[i];

		if (!c->ctl.accepted) {
			snprintf(line, sizeof(line), "CTL %s: ",
			    phone_why_name(c->ctl.why));
			print_reason(c, line, c->ctl.reason);
		}
		if (!c->itl.accepted) {
			snprintf(line, sizeof(line), "ITL %s: ",
			    phone_why_name(c->itl.why));
			print_reason(c, line, c->itl.reason);
		}
		if (c->tvs_where[0] != '\0')
			print_reason(c, "the old cluster's TVS finds the signer ",
			    c->tvs_where);
	}
	if (r->tvs_rejecting > 0)
		printf("FAIL: %zu class%s of phones with TVS would reject the "
		    "new cluster's files: do not move the phones.  Import the "
		    "new cluster's certificates into the old one first (bulk "
		    "certificate import: its CallManager and ITLRecovery "
		    "certificates into Phone-SAST-trust and CallManager-trust), "
		    "then check again\n", r->tvs_rejecting,
		    r->tvs_rejecting == 1 ? "" : "es");
	if (r->warnings > 0)
		printf("WARNING: %zu class%s of phones without TVS would reject "
		    "a file: delete the CTL/ITL on each of them by hand\n",
		    r->warnings, r->warnings == 1 ? "" : "es");
	if (r->tvs_rejecting == 0)
		printf("PASS: every class of phone with TVS would accept the new "
		    "cluster's files; rehearse the move before resetting the "
		    "phones\n");
}

static int
move_after(void *ctx, struct ctl_diag *d)
{
	struct move_cmd *mc = ctx;
	struct move_result r;
	struct move_files f;
	struct move_tvs t;
	int rc;

	f.a_ctl = mc->a[0];
	f.a_itl = mc->a[1];
	f.b_ctl = mc->b[0];
	f.b_itl = mc->b[1];
	t.vouches = vouches;
	t.arg = mc->tvs;
	t.presented = mc->presented;
	t.npresented = mc->npresented;
	if ((rc = move_check_run(&f, &t, &r, d)) != CTL_OK)
		return rc;
	if (mc->json)
		print_json(mc, &r);
	else
		print_text(mc, &r);
	mc->status = r.tvs_rejecting == 0 ? EXIT_OK : EXIT_FAIL;
	return CTL_OK;
}

static int
move_status(void *ctx, int r)
{
	const struct move_cmd *mc = ctx;

	if (r != CTL_OK)
		return mc->bad_input ? EXIT_INVALID : net_exit_status_usage(r);
	return mc->status;
}

int
cmd_move_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "installed", required_argument, NULL, O_INSTALLED },
		{ "move-to", required_argument, NULL, O_MOVE_TO },
		{ "json", no_argument, NULL, O_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "move-check", .opts = opts, .usage = usage,
		.option = move_option, .operands = move_operands,
		.before = move_before, .run = move_run, .after = move_after,
		.status = move_status,
	};
	struct move_cmd mc;
	size_t i;
	int status;

	memset(&mc, 0, sizeof(mc));
	mc.status = EXIT_OK;
	status = net_cmd_main(&cmd, &mc, argc, argv);
	for (i = 0; i < 2; i++) {
		ctl_free(mc.a[i]);
		ctl_free(mc.b[i]);
	}
	for (i = 0; i < mc.npresented; i++)
		X509_free(mc.presented[i]);
	preflight_tvs_free(mc.tvs);
	return status;
}
