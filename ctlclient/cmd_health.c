/*
 * ctlclient health [--days N] [--json]: the cluster's health checks
 * (core/health.c) on what core/health_collect.c gathers.  Exit 0
 * healthy, 1 warnings only, 2 problems (or the cluster cannot be
 * checked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctl_err.h"
#include "health.h"
#include "health_collect.h"
#include "json_out.h"
#include "net_cmd.h"

#define HEALTH_TIMEOUT_MS   3000

enum { OPT_DAYS = 0x2000 };

struct health_cmd {
	int json;
	int days;
	enum health_level worst;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient health --server HOST[:PORT] [--days N] [--json]\n\n"
	    "Checks the cluster the way a security officer would before a\n"
	    "change, and says for each finding the node, the certificate and\n"
	    "what to do:\n"
	    "  - certificates expired (problem) or ending within N days\n"
	    "    (warning), the nodes' own and the trust stores';\n"
	    "  - an ITLRecovery key shorter than the CallManager keys;\n"
	    "  - the publisher's IPsec certificate missing from a subscriber's\n"
	    "    IPsec-trust, or with another serial;\n"
	    "  - an ITL above 64 KB or 39 certificates (phones refuse it);\n"
	    "  - nodes serving different CTL or ITL files over TFTP, a node\n"
	    "    whose TFTP cannot be reached, mixed mode without a CTL;\n"
	    "  - a TVS presenting a certificate its node's ITL does not carry.\n\n"
	    "  --days N      warn of certificates ending within N days\n"
	    "                (default 30, 1 to 3650)\n"
	    "  --json        one JSON object instead of the text\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 healthy, 1 warnings only, 2 problems, or the\n"
	    "cluster could not be checked, or bad usage.\n");
}

static void
report_text(const struct health_report *r, size_t nnodes, size_t ncerts)
{
	const struct health_finding *f;
	size_t i, problems = 0, warnings = 0;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].level == HEALTH_PROBLEM)
			problems++;
		else
			warnings++;
	}
	printf("Checked %zu nodes and %zu certificates: ", nnodes, ncerts);
	if (r->n == 0)
		printf("healthy.\n");
	else
		printf("%zu problem%s, %zu warning%s.\n", problems,
		    problems == 1 ? "" : "s", warnings,
		    warnings == 1 ? "" : "s");
	for (i = 0; i < r->n; i++) {
		f = &r->v[i];
		printf("\n%s [%s]%s%s\n  %s\n  to do: %s\n",
		    f->level == HEALTH_PROBLEM ? "PROBLEM" : "WARNING",
		    f->check, f->node[0] ? " node " : "", f->node,
		    f->message, f->action);
	}
}

static void
report_json(const struct health_report *r, int days, size_t nnodes,
    size_t ncerts)
{
	const struct health_finding *f;
	struct json_out j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "status", health_level_name(health_worst(r)));
	json_int(&j, "days", days);
	json_int(&j, "nodes", (long long)nnodes);
	json_int(&j, "certificates", (long long)ncerts);
	json_array_begin(&j, "findings");
	for (i = 0; i < r->n; i++) {
		f = &r->v[i];
		json_object_begin(&j, NULL);
		json_string(&j, "level", health_level_name(f->level));
		json_string(&j, "check", f->check);
		json_string(&j, "node", f->node[0] ? f->node : NULL);
		json_string(&j, "subject", f->subject);
		json_string(&j, "message", f->message);
		json_string(&j, "action", f->action);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int
health_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct health_cmd *c = ctx;
	struct health_report r = { NULL, 0, 0 };
	struct health_data h;
	int rc;

	if ((rc = health_collect(s, c->days, HEALTH_TIMEOUT_MS, &h, d)) !=
	    CTL_OK)
		goto out;
	if ((rc = health_check(&h.in, &r)) != CTL_OK) {
		rc = ctl_diag_set(d, rc, "out of memory");
		goto out;
	}
	c->worst = health_worst(&r);
	if (c->json)
		report_json(&r, c->days, h.in.nnodes, h.in.ncerts);
	else
		report_text(&r, h.in.nnodes, h.in.ncerts);
out:
	health_report_free(&r);
	health_data_free(&h);
	return rc;
}

static int
health_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct health_cmd *hc = ctx;

	if (c == 'j') {
		hc->json = 1;
		return CTL_OK;
	}
	return cert_days_parse("--days", arg, &hc->days, d);
}

/* A cluster that cannot be checked is not known to be healthy. */
static int
health_status(void *ctx, int rc)
{
	struct health_cmd *hc = ctx;

	if (rc != CTL_OK)
		return EXIT_INVALID;
	return (int)hc->worst;
}

int
cmd_health(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "health", .opts = opts, .usage = usage,
		.option = health_option, .run = health_run,
		.status = health_status,
	};
	struct health_cmd c = { 0, HEALTH_DEFAULT_DAYS, HEALTH_OK };

	return net_cmd_main(&cmd, &c, argc, argv);
}
