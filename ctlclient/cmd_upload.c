/* ctlclient upload --server HOST[:PORT] FILE [--base-sha1 HEX|--base-none] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "ctl_render.h"
#include "ctl_verify.h"
#include "hex.h"
#include "net_session.h"

enum { OPT_BASE_SHA1 = 0x2000, OPT_BASE_NONE };

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
	    "  --base-none       the cluster has no CTL yet\n\n"
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

static int
upload(struct net_session *s, const char *path, const struct ctl_file *f,
    int base_given, const uint8_t base[20], int have_base,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SHA1, PT_RESULT };
	struct net_cluster cl = { 0, 0, "", NULL, 0 };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct net_result *res = NULL;
	struct proto_out o;
	struct ctl_diag pd;
	uint8_t b[20];
	char md5[33], sha1[41], stored[41], basehex[41];
	size_t nres = 0, failed;
	int rc, have;

	if (!base_given) {
		if ((rc = net_cluster_info(s, &cl, d)) != CTL_OK)
			return rc;
		have_base = cl.sha1[0] != '\0';
		if (have_base)
			(void)net_parse_sha1(cl.sha1, b);
		net_cluster_free(&cl);
	} else if (have_base) {
		memcpy(b, base, 20);
	}
	if (have_base)
		hex_format(basehex, sizeof(basehex), b, 20, '\0', 0);
	else
		snprintf(basehex, sizeof(basehex), "(none)");
	ctl_checksums(f->raw, f->len, md5, sha1);
	printf("Uploading %s (%zu bytes, SHA1 %s) to %s, replacing the CTL "
	    "with SHA1 %s\n", path, f->len, sha1, s->peer, basehex);
	fflush(stdout);

	net_request(s, &o, PROTO_UPLOAD_CTL);
	proto_put_bytes(&o, PT_FILE, f->raw, f->len);
	proto_put_bytes(&o, PT_BASE_SHA1, b, have_base ? 20 : 0);
	rc = net_call_change(s, &o, &a, d);
	proto_out_free(&o);
	if (rc == CTL_ERR_CONFLICT) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s: refused: %s%s%s; fetch the "
		    "current CTL, build from it, and upload again", path,
		    strstr(pd.msg, "changed since you read it") ? "" :
		    "the CTL changed since you read it (server: ", pd.msg,
		    strstr(pd.msg, "changed since you read it") ? "" : ")");
		goto out;
	}
	if (rc != CTL_OK) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s: upload failed: %s", path, pd.msg);
		goto out;
	}
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 2, "UPLOAD_CTL", &pd)) ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, 1, 0, stored, &have, &pd)) ||
	    (rc = net_results_parse(&a.fs, &res, &nres, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to UPLOAD_CTL: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	failed = net_results_print(stdout, res, nres);
	if (strcmp(stored, sha1) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: the publisher "
		    "reports storing a CTL with SHA1 %s, not the one sent "
		    "(%s)", s->peer, stored, sha1);
		goto out;
	}
	printf("CTL SHA1: %s\n", stored);
	if (failed > 0) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "%zu of %zu nodes did not "
		    "take the new CTL; they are brought up to date when they "
		    "return (ctlclient status shows which)", failed, nres);
		goto out;
	}
	rc = CTL_OK;
out:
	free(res);
	net_reply_free(&a);
	return rc;
}

int
cmd_upload(int argc, char **argv)
{
	static const struct option opts[] = {
		NET_LONG_OPTIONS,
		{ "base-sha1", required_argument, NULL, OPT_BASE_SHA1 },
		{ "base-none", no_argument, NULL, OPT_BASE_NONE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_opts no;
	struct net_session *s = NULL;
	struct ctl_file *f = NULL;
	struct ctl_diag d;
	uint8_t base[20];
	int c, rc, base_sha1 = 0, base_none = 0;

	memset(base, 0, sizeof(base));
	net_opts_init(&no);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_BASE_SHA1:
			if (net_parse_sha1(optarg, base) != 0) {
				cli_error("--base-sha1 %s: not a SHA-1 (40 hex "
				    "digits)", optarg);
				return EXIT_INVALID;
			}
			base_sha1 = 1;
			break;
		case OPT_BASE_NONE: base_none = 1; break;
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
	ctl_diag_clear(&d);
	if ((rc = check_file(argv[optind], &f, &d)) != CTL_OK ||
	    (rc = net_open(&no, &s, &d)) != CTL_OK ||
	    (rc = upload(s, argv[optind], f, base_sha1 || base_none, base,
	    base_sha1, &d)) != CTL_OK)
		cli_error("%s", ctl_diag_msg(&d, rc));
	net_close(s);
	ctl_free(f);
	return net_exit_status(rc);
}
