/* ctlclient ctl reset localkey [--yes] [--json]: CUCM's `utils ctl reset
 * localkey`. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "change_json.h"
#include "commands.h"
#include "json_out.h"
#include "ctl_err.h"
#include "net_cmd.h"
#include "net_reply.h"
#include "tty.h"

enum { OPT_YES = 0x2000, OPT_JSON };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient ctl reset localkey --server HOST[:PORT] [--yes] [--json]\n\n"
	    "Re-signs the cluster's CTL with the publisher's CallManager key, as\n"
	    "CUCM's `utils ctl reset localkey` does, and writes it to every node:\n"
	    "the records stay what the present CTL holds, the CallManager\n"
	    "certificate becomes its signer (a SAST record); the cluster is then\n"
	    "in tokenless mixed mode.  Use it when the eTokens (or the key) that\n"
	    "signed the CTL are lost.  Phones holding the old CTL take the new\n"
	    "one directly when CallManager was already a SAST (tokenless), or\n"
	    "through TVS when it was a CCM+TFTP record (token CTL): rehearse\n"
	    "first (ctlclient rehearse --installed SNAPSHOT).  Refused on a\n"
	    "non-secure cluster (no CTL).\n\n"
	    "  --yes    do not ask for confirmation (scripts)\n"
	    "  --json   print the result as one JSON object (needs --yes)\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 every node holds the new CTL, 1 refused (no CTL),\n"
	    "not confirmed or failed; 2 bad usage.\n");
}

struct ctl_cmd {
	bool yes;
};

static int
ctl_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct ctl_cmd *cc = ctx;

	(void)arg;
	if (c == OPT_JSON)
		return change_json_start("ctl-reset", d);
	cc->yes = true;
	return CTL_OK;
}

/* The action, in the --json object. */
static void
ctl_json(struct json_out *j, void *ctx)
{
	(void)ctx;
	json_string(j, "action", "localkey");
}

static int
ctl_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	const struct ctl_cmd *cc = ctx;

	if (argc != 2 || strcmp(argv[0], "reset") != 0 ||
	    strcmp(argv[1], "localkey") != 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "ctl: give reset "
		    "localkey");
	change_json_extra(ctl_json, NULL);
	return change_json_need_yes(cc->yes, d);
}

static int
ctl_confirm(void *ctx, struct ctl_diag *d)
{
	const struct ctl_cmd *cc = ctx;

	return cc->yes ? CTL_OK : tty_confirm("This operation re-signs the "
	    "CTL with the publisher's CallManager key on every node. Do you "
	    "want to continue?", "--yes", d);
}

static int
ctl_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	(void)ctx;
	static const uint16_t allowed[] = { PT_SHA1 };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	struct ctl_diag pd;
	char sha1[41];
	int rc, have;

	net_request(s, &o, PROTO_CTL_RESET);
	if ((rc = net_change(s, &o, &a, "ctl reset localkey failed", d)) !=
	    CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 1, "CTL_RESET", &pd)) ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, 1, 0, sha1, &have, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to CTL_RESET: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	change_json_ctl_sha1(sha1);
	printf("CTL reset: signed by the publisher's CallManager key "
	    "(SHA1 %s)\nPlease Restart the TFTP and Cisco CallManager "
	    "services on all nodes in the cluster that run these "
	    "services\n", sha1);
out:
	net_reply_free(&a);
	return rc;
}

int
cmd_ctl(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, OPT_YES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "ctl", .opts = opts, .usage = usage,
		.option = ctl_option, .operands = ctl_operands,
		.before = ctl_confirm, .run = ctl_run,
	};
	struct ctl_cmd cc = { false };

	return net_cmd_main(&cmd, &cc, argc, argv);
}
