/* ctlclient preflight NEW --server ...: would the phones accept NEW? */
#include <stdio.h>
#include <string.h>

#include "net_cmd.h"
#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
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
	    "without TVS (7940/7960) do not.  NEW is parsed first: a file\n"
	    "that is not a valid .tlv is refused before connecting.\n\n"
	    "preflight, verify and rehearse each answer another question:\n"
	    "docs/user-guide.md, \"Which check to trust when\", says which.\n\n"
	    "Exit status: 0 phones with TVS accept NEW, 1 they would reject\n"
	    "it (or the cluster cannot be read), 2 bad usage, or NEW cannot\n"
	    "be read or is not a valid .tlv file.\n\n"
	    NET_OPTIONS_HELP);
}

struct preflight_cmd {
	const char *path;
	struct ctl_file *f;     /* NEW, parsed */
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

/* A NEW that is not a .tlv file is bad input, as for show and upload,
 * not a verdict of the phones. */
static int
preflight_read(void *ctx, struct ctl_diag *d)
{
	struct preflight_cmd *pc = ctx;

	return ctl_load(pc->path, &pc->f, d) == CTL_OK ? CTL_OK :
	    CTL_ERR_FORMAT;
}

static int
preflight_cmd_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct preflight_cmd *pc = ctx;

	return preflight_run(s, pc->f->raw, pc->f->len, &pc->p, d);
}

/* 0 when phones with TVS accept NEW; a NEW that cannot be read or
 * parsed is bad input. */
static int
preflight_status(void *ctx, int rc)
{
	const struct preflight_cmd *pc = ctx;

	if (rc != CTL_OK)
		return pc->f == NULL ? EXIT_INVALID : EXIT_FAIL;
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
	ctl_free(pc.f);
	return status;
}
