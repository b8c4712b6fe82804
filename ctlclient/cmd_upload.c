/* ctlclient upload --server HOST[:PORT] FILE [--base-sha1 HEX|--base-none]
 *                  [--force] [--reason TEXT] [--json] */
#include <stdio.h>
#include <string.h>

#include "net_cmd.h"
#include "change_json.h"
#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "ctl_verify.h"
#include "preflight.h"
#include "net_upload.h"
#include "proto_frame.h"

enum { OPT_BASE_SHA1 = 0x2000, OPT_BASE_NONE, OPT_FORCE, OPT_REASON,
    OPT_JSON };

/* What the audit log says of a forced upload when --reason is not given. */
#define DEFAULT_REASON "forced from ctlclient upload --force"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient upload --server HOST[:PORT] FILE\n"
	    "                        [--base-sha1 HEX | --base-none]\n"
	    "                        [--force] [--reason TEXT] [--json]\n\n"
	    "Uploads a signed CTLFile.tlv to the publisher, which checks it and\n"
	    "writes it to every node.  FILE is parsed and its signature\n"
	    "checked here first.  The upload names the CTL it replaces: by\n"
	    "default the one the publisher holds at the start of the upload,\n"
	    "so that a CTL changed meanwhile by someone else is not\n"
	    "overwritten.  Prints one line per node: Passed, or Failed and why.\n\n"
	    "  --base-sha1 HEX   the SHA-1 of the CTL this file was built from\n"
	    "                    (the upload is refused if the cluster's CTL is\n"
	    "                    no longer that one)\n"
	    "  --base-none       the cluster has no CTL yet\n"
	    "  --force           push even when preflight finds that phones\n"
	    "                    with TVS would reject the file; the publisher,\n"
	    "                    which checks the same, takes it and audits the\n"
	    "                    upload as forced, by you, with the reason\n"
	    "  --reason TEXT     with --force: why, for the audit log (1 to 200\n"
	    "                    bytes; default \"" DEFAULT_REASON "\")\n"
	    "  --json            the result as one JSON object; what is\n"
	    "                    printed for people goes to standard error\n\n"
	    "upload runs preflight first (see `ctlclient preflight --help`):\n"
	    "it says what the cluster's phones would make of FILE, and a file\n"
	    "that phones with TVS would reject is refused unless --force.  The\n"
	    "publisher makes the same check on every upload and refuses such a\n"
	    "file, changing nothing, unless the upload is forced.\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 every node took the file, 1 refused or any node\n"
	    "failed, 2 bad usage or FILE is not a valid .tlv file.\n");
}

/* Refuses, before any connection, a file the publisher would refuse. */
static int
check_file(const char *path, struct ctl_file **out, struct ctl_diag *d)
{
	struct ctl_file *f = NULL;
	struct ctl_diag vd;
	int rc, signer = -1;

	/* As for show: a file that cannot be read as a .tlv is bad input. */
	if (ctl_load(path, &f, d) != CTL_OK)
		return CTL_ERR_FORMAT;
	if (ctl_is_itl(f)) {
		ctl_free(f);
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s is an ITL file; "
		    "upload takes a CTLFile.tlv", path);
	}
	ctl_diag_clear(&vd);
	if ((rc = ctl_verify(f, &signer, &vd)) != CTL_OK) {
		rc = ctl_diag_set(d, CTL_ERR_BAD_SIGNATURE, "%s: does not "
		    "verify, not uploaded: %s", path, ctl_diag_msg(&vd, rc));
		ctl_free(f);
		return rc;
	}
	*out = f;
	return CTL_OK;
}

struct upload_cmd {
	const char *path;
	struct ctl_file *f;
	struct net_upload_base base;
	int base_sha1, base_none, force;
	const char *reason;     /* --reason, or NULL */
};

static int
upload_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct upload_cmd *uc = ctx;

	switch (c) {
	case OPT_BASE_SHA1:
		if (net_parse_sha1(arg, uc->base.sha1) != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--base-sha1 %s: "
			    "not a SHA-1 (40 hex digits)", arg);
		uc->base_sha1 = 1;
		break;
	case OPT_BASE_NONE: uc->base_none = 1; break;
	case OPT_JSON: return change_json_start("upload", d);
	case OPT_REASON:
		if (arg[0] == '\0' || strlen(arg) > PROTO_MAX_REASON)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--reason: 1 to %d "
			    "bytes", PROTO_MAX_REASON);
		uc->reason = arg;
		break;
	default: uc->force = 1; break;
	}
	return CTL_OK;
}

static int
upload_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct upload_cmd *uc = ctx;

	if (argc != 1)
		return CTL_ERR_USAGE;
	if (uc->base_sha1 && uc->base_none)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--base-sha1 and "
		    "--base-none exclude each other");
	if (uc->reason != NULL && !uc->force)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--reason goes with "
		    "--force: it says why the upload is forced");
	uc->path = argv[0];
	uc->base.given = uc->base_sha1 || uc->base_none;
	uc->base.have = uc->base_sha1;
	return CTL_OK;
}

static int
upload_check(void *ctx, struct ctl_diag *d)
{
	struct upload_cmd *uc = ctx;

	return check_file(uc->path, &uc->f, d);
}

static int
upload_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct upload_cmd *uc = ctx;
	struct preflight pf;
	int rc;

	if ((rc = preflight_run(s, uc->f->raw, uc->f->len, &pf, d)) != CTL_OK) {
		/* Unknown is not safe: only an explicit --force goes on. */
		if (!uc->force)
			return rc;
		fprintf(stderr, "ctlclient: WARNING: preflight could not read "
		    "the cluster (%s); pushing anyway (--force)\n",
		    ctl_diag_msg(d, rc));
		ctl_diag_clear(d);
	} else if ((rc = preflight_decide(&pf, uc->force, d)) != CTL_OK) {
		return rc;
	}
	return net_upload_ctl(s, uc->path, uc->f->raw, uc->f->len, &uc->base,
	    uc->force ? (uc->reason ? uc->reason : DEFAULT_REASON) : NULL, d);
}

int
cmd_upload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base-sha1", required_argument, NULL, OPT_BASE_SHA1 },
		{ "base-none", no_argument, NULL, OPT_BASE_NONE },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "upload", .opts = opts, .usage = usage,
		.option = upload_option, .operands = upload_operands,
		.before = upload_check, .run = upload_run,
	};
	struct upload_cmd uc;
	int status;

	memset(&uc, 0, sizeof(uc));
	status = net_cmd_main(&cmd, &uc, argc, argv);
	ctl_free(uc.f);
	return status;
}
