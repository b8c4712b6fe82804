/* ctlclient preflight NEW --server ...: would the phones accept NEW? */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "file_io.h"
#include "net_session.h"
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

int
cmd_preflight(int argc, char **argv)
{
	static const struct option opts[] = {
		NET_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_opts no;
	struct net_session *s = NULL;
	struct preflight p;
	struct ctl_diag d;
	uint8_t *file = NULL;
	size_t len;
	int c, rc, status = EXIT_INVALID;

	net_opts_init(&no);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (net_opt(&no, c, optarg) != 0) {
			usage(stderr);
			return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || net_opts_check(&no) != 0) {
		usage(stderr);
		return EXIT_INVALID;
	}
	ctl_diag_clear(&d);
	if ((rc = file_read_limited(argv[optind], CTL_MAX_FILE, &file, &len,
	    &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	status = EXIT_FAIL;
	if ((rc = net_open(&no, &s, &d)) != CTL_OK ||
	    (rc = preflight_run(s, file, len, &p, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	status = p.tvs_accept ? EXIT_OK : EXIT_FAIL;
out:
	net_close(s);
	free(file);
	return status;
}
