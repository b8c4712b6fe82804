/* ctlclient delete-ctl --server HOST[:PORT] [--yes] [--json] */
#include <stdbool.h>
#include <stdio.h>

#include "net_cmd.h"
#include "change_json.h"
#include "commands.h"
#include "ctl_err.h"
#include "net_mode.h"
#include "tty.h"

enum { OPT_YES = 0x2000, OPT_JSON };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient delete-ctl --server HOST[:PORT] [--yes] [--json]\n\n"
	    "Deletes CTLFile.tlv from the TFTP directory of every node, as\n"
	    "CUCM's `file delete tftp CTLFile.tlv` does on each.  Phones that\n"
	    "hold a CTL keep it; deleting their copy is done on the phone.\n\n"
	    "  --yes   do not ask for confirmation at the terminal (scripts)\n"
	    "  --json  the result as one JSON object (needs --yes)\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 deleted on every node, 1 refused, not confirmed,\n"
	    "or any node failed, 2 bad usage.\n");
}

static int
delete_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	bool *yes = ctx;

	(void)arg;
	if (c == OPT_JSON)
		return change_json_start("delete-ctl", d);
	*yes = true;
	return CTL_OK;
}

static int
delete_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	const bool *yes = ctx;

	(void)argv;
	if (argc != 0)
		return CTL_ERR_USAGE;
	return change_json_need_yes(*yes, d);
}

/* Asked before connecting: the server does not wait on a person. */
static int
delete_confirm(void *ctx, struct ctl_diag *d)
{
	const bool *yes = ctx;

	if (*yes)
		return CTL_OK;
	return tty_confirm("This operation deletes CTLFile.tlv from the TFTP "
	    "directory of every node in the cluster.\nDo you want to "
	    "continue?", "--yes", d);
}

static int
delete_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	(void)ctx;
	return net_delete_ctl(s, d);
}

int
cmd_delete_ctl(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, OPT_YES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "delete-ctl", .opts = opts, .usage = usage,
		.option = delete_option, .operands = delete_operands,
		.before = delete_confirm,
		.run = delete_run,
	};
	bool yes = false;

	return net_cmd_main(&cmd, &yes, argc, argv);
}
