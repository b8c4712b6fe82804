/* ctlclient preflight NEW --server ...: would the phones accept NEW? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_cmd.h"
#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "file_io.h"
#include "preflight.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient preflight NEW --server HOST[:PORT] [options]\n\n"
	    "Says, before anything is pushed, whether the cluster's phones\n"
	    "would accept the CTL file NEW: phones hold the cluster's present\n"
	    "CTL; phones with TVS ask the cluster's Trust Verification Service\n"
	    "about a signer they do not know (TVS knows the cluster's own\n"
	    "certificates, its trust stores and the CTL on the server); phones\n"
	    "without TVS (7940/7960) do not.\n\n"
	    "Exit status: 0 phones with TVS accept NEW, 1 they would reject\n"
	    "it (or the cluster cannot be read), 2 bad usage.\n\n"
	    NET_OPTIONS_HELP);
}

struct preflight_cmd {
	const char *path;
	uint8_t *file;
	size_t len;
	struct preflight p;
};

static int
preflight_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct preflight_cmd *pc = ctx;

	(void)d;
	if (argc != 1)
		return CTL_ERR_USAGE;
	pc->path = argv[0];
	return CTL_OK;
}

static int
preflight_read(void *ctx, struct ctl_diag *d)
{
	struct preflight_cmd *pc = ctx;

	return file_read_limited(pc->path, CTL_MAX_FILE, &pc->file, &pc->len,
	    d);
}

static int
preflight_cmd_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct preflight_cmd *pc = ctx;

	return preflight_run(s, pc->file, pc->len, &pc->p, d);
}

/* 0 when phones with TVS accept NEW; an unreadable NEW is bad usage. */
static int
preflight_status(void *ctx, int rc)
{
	const struct preflight_cmd *pc = ctx;

	if (rc != CTL_OK)
		return pc->file == NULL ? EXIT_INVALID : EXIT_FAIL;
	return pc->p.tvs_accept ? EXIT_OK : EXIT_FAIL;
}

int
cmd_preflight(int argc, char **argv)
{
	static const struct net_cmd cmd = {
		.name = "preflight", .usage = usage,
		.operands = preflight_operands, .before = preflight_read,
		.run = preflight_cmd_run, .status = preflight_status,
	};
	struct preflight_cmd pc;
	int status;

	memset(&pc, 0, sizeof(pc));
	status = net_cmd_main(&cmd, &pc, argc, argv);
	free(pc.file);
	return status;
}
