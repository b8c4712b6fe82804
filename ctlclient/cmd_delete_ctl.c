/* ctlclient delete-ctl --server HOST[:PORT] [--yes] */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "ctl_err.h"
#include "net_mode.h"
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
	    (rc = net_delete_ctl(s, &d)) != CTL_OK)
		cli_error("%s", ctl_diag_msg(&d, rc));
	net_close(s);
	return net_exit_status(rc);
}
