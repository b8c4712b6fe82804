/* ctlclient rollback-pre8 on|off --server HOST[:PORT] [--yes] [--json] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_cmd.h"
#include "commands.h"
#include "ctl_err.h"
#include "change_json.h"
#include "json_out.h"
#include "net_reply.h"
#include "tty.h"

enum { OPT_YES = 0x2000, OPT_JSON };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient rollback-pre8 on|off --server HOST[:PORT] [--yes]\n"
	    "           [--json]\n\n"
	    "Sets CUCM's enterprise parameter \"Prepare Cluster for Rollback to\n"
	    "pre-8.0\".  While it is on, every node's TFTP serves a rollback\n"
	    "ITL: signed as usual, but holding only its signer's SAST record,\n"
	    "no TVS and no CCM+TFTP record.  A phone that takes it treats its\n"
	    "ITL as blank, and then takes the next cluster's ITL as if it had\n"
	    "none.  This is the way to move phones when two clusters cannot\n"
	    "be up at the same time: turn it on, wait for the phones to take\n"
	    "the rollback ITL (reset them), then point them at the new\n"
	    "cluster.  off restores the normal ITL on every node.\n\n"
	    "Its limit: it does not blank the CTL.  Phones of a mixed-mode\n"
	    "cluster keep their CTL and reject a new mixed-mode cluster's\n"
	    "CTL: its signer is unknown to them, and with no TVS in the blank\n"
	    "ITL there is no one to ask.  Delete the CTL on those phones, or\n"
	    "go through TVS with both clusters up.\n\n"
	    "  --yes    do not ask for confirmation at the terminal (scripts)\n"
	    "  --json   the result as one JSON object (needs --yes)\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 every node serves the new ITL, 1 refused, not\n"
	    "confirmed, or a node does not serve it yet, 2 bad usage.\n");
}

struct rollback_cmd {
	bool yes;
	int on;         /* 1 on, 0 off */
};

static int
rollback_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct rollback_cmd *rc = ctx;

	(void)arg;
	if (c == OPT_JSON)
		return change_json_start("rollback-pre8", d);
	rc->yes = true;
	return CTL_OK;
}

/* The setting asked for, in the --json object. */
static void
rollback_json(struct json_out *j, void *ctx)
{
	const struct rollback_cmd *rc = ctx;

	json_bool(j, "rollback_pre8", rc->on);
}

static int
rollback_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct rollback_cmd *rc = ctx;

	if (argc != 1)
		return CTL_ERR_USAGE;
	if (strcmp(argv[0], "on") == 0)
		rc->on = 1;
	else if (strcmp(argv[0], "off") == 0)
		rc->on = 0;
	else
		return ctl_diag_set(d, CTL_ERR_USAGE, "rollback-pre8: say on "
		    "or off");
	change_json_extra(rollback_json, rc);
	return change_json_need_yes(rc->yes, d);
}

/* Asked before connecting: the server does not wait on a person. */
static int
rollback_confirm(void *ctx, struct ctl_diag *d)
{
	const struct rollback_cmd *rc = ctx;

	if (rc->yes)
		return CTL_OK;
	if (rc->on)
		return tty_confirm("This operation makes every node serve the "
		    "rollback ITL, which holds no TVS and no CCM+TFTP record: "
		    "phones that take it trust the next cluster's ITL.\nIt "
		    "does not blank the CTL: phones of a mixed-mode cluster "
		    "will still reject a mixed-mode new cluster's CTL.\nDo "
		    "you want to continue?", "--yes", d);
	return tty_confirm("This operation makes every node serve the normal "
	    "ITL again.\nDo you want to continue?", "--yes", d);
}

static int
rollback_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_ROLLBACK, PT_SHA1, PT_RESULT };
	const struct rollback_cmd *rq = ctx;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct net_result *res = NULL;
	struct proto_out o;
	struct ctl_diag pd;
	char sha1[41];
	size_t nres = 0, failed;
	uint8_t on = 0;
	int rc, have;

	net_request(s, &o, PROTO_ROLLBACK_PRE8);
	proto_put_u8(&o, PT_ROLLBACK, (uint8_t)rq->on);
	if ((rc = net_change(s, &o, &a, rq->on ? "rollback-pre8 on failed" :
	    "rollback-pre8 off failed", d)) != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 3, "ROLLBACK_PRE8", &pd)) ||
	    (rc = proto_get_u8(&a.fs, PT_ROLLBACK, true, &on, &pd)) ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, 1, 0, sha1, &have, &pd)) ||
	    (rc = net_results_parse(&a.fs, &res, &nres, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to "
		    "ROLLBACK_PRE8: %s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	if (on != rq->on) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: asked for "
		    "rollback-pre8 %s, the server answered %s", s->peer,
		    rq->on ? "on" : "off", on ? "on" : "off");
		goto out;
	}
	failed = change_json_results("itl", res, nres);
	change_json_itl_sha1(sha1);
	printf("ITL SHA1: %s\n", sha1);
	printf("Prepare Cluster for Rollback to pre-8.0: %s\n", on ?
	    "True (the nodes serve the rollback ITL)" :
	    "False (the nodes serve the normal ITL)");
	rc = failed == 0 ? CTL_OK : ctl_diag_set(d, CTL_ERR_REFUSED,
	    "%zu of %zu nodes do not serve the new ITL yet; the publisher "
	    "pushes it when they return (ctlclient status shows which "
	    "answer)", failed, nres);
out:
	free(res);
	net_reply_free(&a);
	return rc;
}

int
cmd_rollback(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, OPT_YES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "rollback-pre8", .opts = opts, .usage = usage,
		.option = rollback_option, .operands = rollback_operands,
		.before = rollback_confirm, .run = rollback_run,
	};
	struct rollback_cmd rc = { false, 0 };

	return net_cmd_main(&cmd, &rc, argc, argv);
}
