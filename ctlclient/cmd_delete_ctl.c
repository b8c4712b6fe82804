/* ctlclient delete-ctl --server HOST[:PORT] [--yes] */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "ctl_err.h"
#include "net_session.h"

enum { OPT_YES = 0x2000 };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient delete-ctl --server HOST[:PORT] [--yes]\n\n"
	    "Deletes CTLFile.tlv from the TFTP directory of every node, as\n"
	    "CUCM's `file delete tftp CTLFile.tlv` does on each.  Phones that\n"
	    "hold a CTL keep it; deleting their copy is done on the phone.\n\n"
	    "  --yes   do not ask for confirmation at the terminal (scripts)\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 deleted on every node, 1 refused, not confirmed,\n"
	    "or any node failed, 2 bad usage.\n");
}

static int
run(struct net_session *s, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_RESULT };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct net_result *res = NULL;
	struct proto_out o;
	struct ctl_diag pd;
	size_t nres = 0, failed;
	int rc;

	net_request(s, &o, PROTO_DELETE_CTL);
	rc = net_call_change(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s: deleting the CTL failed: %s",
		    s->peer, pd.msg);
		goto out;
	}
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 1, "DELETE_CTL", &pd)) ||
	    (rc = net_results_parse(&a.fs, &res, &nres, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to DELETE_CTL: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	failed = net_results_print(stdout, res, nres);
	rc = failed == 0 ? CTL_OK : ctl_diag_set(d, CTL_ERR_REFUSED,
	    "%zu of %zu nodes still hold CTLFile.tlv", failed, nres);
out:
	free(res);
	net_reply_free(&a);
	return rc;
}

int
cmd_delete_ctl(int argc, char **argv)
{
	static const struct option opts[] = {
		NET_LONG_OPTIONS,
		{ "yes", no_argument, NULL, OPT_YES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_opts no;
	struct net_session *s = NULL;
	struct ctl_diag d;
	int c, rc, yes = 0;

	net_opts_init(&no);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_YES: yes = 1; break;
		case 'h': usage(stdout); return EXIT_OK;
		default:
			if (net_opt(&no, c, optarg) != 0)
				return EXIT_INVALID;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_INVALID;
	}
	if (net_opts_check(&no) != 0)
		return EXIT_INVALID;
	ctl_diag_clear(&d);
	if ((!yes && (rc = net_confirm("This operation deletes CTLFile.tlv "
	    "from the TFTP directory of every node in the cluster.\n"
	    "Do you want to continue?", "--yes", &d)) != CTL_OK) ||
	    (rc = net_open(&no, &s, &d)) != CTL_OK ||
	    (rc = run(s, &d)) != CTL_OK)
		cli_error("%s", ctl_diag_msg(&d, rc));
	net_close(s);
	return net_exit_status(rc);
}
