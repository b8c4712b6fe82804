/* ctlclient upload --server HOST[:PORT] FILE [--base-sha1 HEX|--base-none] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "ctl_verify.h"
#include "net_session.h"
#include "preflight.h"
#include "net_upload.h"

enum { OPT_BASE_SHA1 = 0x2000, OPT_BASE_NONE, OPT_FORCE };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient upload --server HOST[:PORT] FILE\n"
	    "                        [--base-sha1 HEX | --base-none]\n\n"
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
	    "                    with TVS would reject the file\n\n"
	    "Before pushing, preflight (see `ctlclient preflight --help`) says\n"
	    "what the cluster's phones would make of FILE; a file that phones\n"
	    "with TVS would reject is not pushed without --force.\n\n"
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

int
cmd_upload(int argc, char **argv)
{
	static const struct option opts[] = {
		NET_LONG_OPTIONS,
		{ "base-sha1", required_argument, NULL, OPT_BASE_SHA1 },
		{ "base-none", no_argument, NULL, OPT_BASE_NONE },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_opts no;
	struct net_session *s = NULL;
	struct ctl_file *f = NULL;
	struct ctl_diag d;
	struct net_upload_base base;
	struct preflight pf;
	int c, rc, base_sha1 = 0, base_none = 0, force = 0;

	memset(&base, 0, sizeof(base));
	net_opts_init(&no);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_BASE_SHA1:
			if (net_parse_sha1(optarg, base.sha1) != 0) {
				cli_error("--base-sha1 %s: not a SHA-1 (40 hex "
				    "digits)", optarg);
				return EXIT_INVALID;
			}
			base_sha1 = 1;
			break;
		case OPT_BASE_NONE: base_none = 1; break;
		case OPT_FORCE: force = 1; break;
		case 'h': usage(stdout); return EXIT_OK;
		default:
			if (net_opt(&no, c, optarg) != 0)
				return EXIT_INVALID;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return EXIT_INVALID;
	}
	if (base_sha1 && base_none) {
		cli_error("--base-sha1 and --base-none exclude each other");
		return EXIT_INVALID;
	}
	if (net_opts_check(&no) != 0)
		return EXIT_INVALID;
	base.given = base_sha1 || base_none;
	base.have = base_sha1;
	ctl_diag_clear(&d);
	if ((rc = check_file(argv[optind], &f, &d)) != CTL_OK ||
	    (rc = net_open(&no, &s, &d)) != CTL_OK)
		goto out;
	if ((rc = preflight_run(s, f->raw, f->len, &pf, &d)) != CTL_OK) {
		/* Unknown is not safe: only an explicit --force goes on. */
		if (!force)
			goto out;
		fprintf(stderr, "ctlclient: WARNING: preflight could not read "
		    "the cluster (%s); pushing anyway (--force)\n",
		    ctl_diag_msg(&d, rc));
		ctl_diag_clear(&d);
	} else if ((rc = preflight_decide(&pf, force, &d)) != CTL_OK) {
		goto out;
	}
	rc = net_upload_ctl(s, argv[optind], f->raw, f->len, &base, &d);
out:
	if (rc != CTL_OK)
		cli_error("%s", ctl_diag_msg(&d, rc));
	net_close(s);
	ctl_free(f);
	return net_exit_status(rc);
}
