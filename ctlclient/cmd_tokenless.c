/* ctlclient tokenless set-mixed-mode|update|set-non-secure [--yes]
 *                    [--json] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_cmd.h"
#include "change_json.h"
#include "commands.h"
#include "ctl_err.h"
#include "ctl_render.h"
#include "net_mode.h"
#include "net_reply.h"
#include "tty.h"

enum { OPT_YES = 0x2000, OPT_JSON };

static const struct {
	const char *name;
	uint8_t action;
	const char *cucm;       /* the CUCM CLI command it stands for */
	const char *question;   /* CUCM's own words */
	const char *done;
} actions[] = {
	{ "set-mixed-mode", 1, "utils ctl set-cluster mixed-mode",
	  "This operation sets the cluster to Mixed mode. "
	  "Do you want to continue?", "Cluster set to Mixed Mode" },
	{ "update", 2, "utils ctl update CTLFile",
	  "This operation updates the CTLFile. Do you want to continue?",
	  "CTL file Updated" },
	{ "set-non-secure", 3, "utils ctl set-cluster non-secure-mode",
	  "This operation sets the cluster to non-secure mode. "
	  "Do you want to continue?", "Cluster set to Non-Secure Mode" },
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient tokenless ACTION --server HOST[:PORT] [--yes] "
	    "[--json]\n\n"
	    "Tokenless CTL operations, as CUCM's `utils ctl` CLI runs them: the\n"
	    "publisher signs the CTL with its own CallManager (CCM+TFTP) key,\n"
	    "no eToken needed, and writes it to every node.\n\n"
	    "ACTION:\n"
	    "  set-mixed-mode   utils ctl set-cluster mixed-mode\n"
	    "  update           utils ctl update CTLFile\n"
	    "  set-non-secure   utils ctl set-cluster non-secure-mode\n\n"
	    "  --yes   do not ask for confirmation at the terminal (scripts)\n"
	    "  --json  the result as one JSON object (needs --yes)\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 every node took the new CTL, 1 refused, not\n"
	    "confirmed, or any node failed, 2 bad usage.\n");
}

/* The new file's MD5 and SHA1, as phones show one or the other. */
static void
print_checksums(struct net_session *s, const char *announced)
{
	struct ctl_diag fd;
	uint8_t *file = NULL;
	size_t len = 0;
	char md5[33], sha1[41];

	if (net_fetch_ctl(s, &file, &len, sha1, &fd) == CTL_OK) {
		ctl_checksums(file, len, md5, sha1);
		printf("%s(MD5)\n%s(SHA1)\n", md5, sha1);
	} else {
		printf("CTL SHA1: %s\n", announced);
	}
	free(file);
}

static int
run(struct net_session *s, size_t ai, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SHA1, PT_RESULT };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct net_result *res = NULL;
	struct proto_out o;
	struct ctl_diag pd;
	char sha1[41], what[96];
	size_t nres = 0, failed;
	int rc, have;

	net_request(s, &o, PROTO_TOKENLESS);
	proto_put_u8(&o, PT_ACTION, actions[ai].action);
	snprintf(what, sizeof(what), "%s failed", actions[ai].cucm);
	if ((rc = net_change(s, &o, &a, what, d)) != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 2, "TOKENLESS", &pd)) ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, 1, 0, sha1, &have, &pd)) ||
	    (rc = net_results_parse(&a.fs, &res, &nres, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to TOKENLESS: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	failed = change_json_results("tokenless", res, nres);
	if (actions[ai].action != 2)
		change_json_security_mode(actions[ai].action == 1);
	change_json_ctl_sha1(sha1);
	print_checksums(s, sha1);
	if (failed == 0)
		printf("%s\n", actions[ai].done);
	printf("Please Restart the TFTP and Cisco CallManager services on all "
	    "nodes in the cluster that run these services\n");
	rc = failed == 0 ? CTL_OK : ctl_diag_set(d, CTL_ERR_REFUSED,
	    "%zu of %zu nodes did not take the new CTL; they are brought up "
	    "to date when they return (ctlclient status shows which)",
	    failed, nres);
out:
	free(res);
	net_reply_free(&a);
	return rc;
}

int
tokenless_update(struct net_session *s, struct ctl_diag *d)
{
	return run(s, 1, d);    /* utils ctl update CTLFile */
}

struct tokenless_cmd {
	bool yes;
	size_t ai;
	char operation[32];     /* "tokenless ACTION", for --json */
};

static int
tokenless_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct tokenless_cmd *tc = ctx;

	(void)arg;
	if (c == OPT_JSON)
		return change_json_start(tc->operation, d);
	tc->yes = true;
	return CTL_OK;
}

static int
tokenless_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct tokenless_cmd *tc = ctx;

	if (argc != 1)
		return CTL_ERR_USAGE;
	for (tc->ai = 0; tc->ai < NACTIONS; tc->ai++)
		if (strcmp(argv[0], actions[tc->ai].name) == 0) {
			snprintf(tc->operation, sizeof(tc->operation),
			    "tokenless %s", argv[0]);
			return change_json_need_yes(tc->yes, d);
		}
	return ctl_diag_set(d, CTL_ERR_USAGE, "tokenless: unknown action '%s' "
	    "(set-mixed-mode, update, set-non-secure)", argv[0]);
}

/* Asked before connecting: the server does not wait on a person. */
static int
tokenless_confirm(void *ctx, struct ctl_diag *d)
{
	const struct tokenless_cmd *tc = ctx;

	return tc->yes ? CTL_OK : tty_confirm(actions[tc->ai].question,
	    "--yes", d);
}

static int
tokenless_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	const struct tokenless_cmd *tc = ctx;

	return run(s, tc->ai, d);
}

int
cmd_tokenless(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, OPT_YES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "tokenless", .opts = opts, .usage = usage,
		.option = tokenless_option, .operands = tokenless_operands,
		.before = tokenless_confirm, .run = tokenless_run,
	};
	struct tokenless_cmd tc = { false, 0, "tokenless" };

	return net_cmd_main(&cmd, &tc, argc, argv);
}
