/* ctlpublisherd regenerate DIR --node NAME [--cert PURPOSE] */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "ctl_err.h"
#include "pub_node.h"
#include "pub_regen.h"
#include "pub_state.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlpublisherd regenerate DIR --node NAME [--cert PURPOSE]\n\n"
	    "Regenerates a certificate of node NAME, as CUCM's Regenerate\n"
	    "button does: a new key and serial number, the same subject.\n"
	    "PURPOSE is CallManager (the default), CAPF, TVS or ITLRecovery.\n"
	    "Running nodes pick it up at their next CTL build; the CTL phones\n"
	    "hold still names the old certificate.  `ctlclient migrate\n"
	    "regenerate` (tokenless mode) or `ctlclient migrate regenerate\n"
	    "--token URI` (token mode) puts the regenerated certificate in the\n"
	    "CTL; `ctlclient update` does not, it keeps each record's\n"
	    "certificate as it is.  The ITL, which holds the CallManager,\n"
	    "TVS and ITLRecovery certificates, is rebuilt at once in the\n"
	    "publisher's TFTP directory; the running publisher pushes it to\n"
	    "every node.\n");
}

int
cmd_regenerate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "cert", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum pub_cert_purpose purpose = PUB_CERT_CALLMANAGER;
	struct pub_state *st = NULL;
	struct ctl_diag d;
	const char *node = NULL;
	int c, rc, status = EXIT_FAIL;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n': node = optarg; break;
		case 'c':
			if (pub_cert_purpose_parse(optarg, &purpose) != CTL_OK) {
				cli_error("--cert %s: CallManager, CAPF, TVS or "
				    "ITLRecovery", optarg);
				return EXIT_INVALID;
			}
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || node == NULL) {
		cli_error("regenerate needs one DIR and --node NAME (see "
		    "ctlpublisherd regenerate --help)");
		return EXIT_INVALID;
	}
	ctl_diag_clear(&d);
	if ((rc = pub_state_open(argv[optind], &st, &d)) != CTL_OK ||
	    (rc = pub_cert_regenerate(st, "admin", node, purpose, &d)) !=
	    CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		status = rc == CTL_ERR_USAGE ? EXIT_INVALID : EXIT_FAIL;
		goto out;
	}
	printf("regenerated the %s certificate of %s\n",
	    pub_cert_purpose_name(purpose), node);
	status = EXIT_OK;
out:
	pub_state_close(st);
	return status;
}
