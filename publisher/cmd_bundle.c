/* ctlpublisherd bundle DIR --node NAME -o FILE: what one host needs. */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "ctl_err.h"
#include "pub_bundle.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlpublisherd bundle DIR --node NAME -o FILE\n\n"
	    "Writes to FILE (a tar file, mode 0600) what the host of node\n"
	    "NAME needs to run it: the state, the cluster CA certificate,\n"
	    "every node's certificates and addresses, NAME's own keys and\n"
	    "TFTP files; for the publisher also the administrator accounts.\n"
	    "Never the cluster CA key, another node's keys or the admin\n"
	    "password.  FILE must not exist.  On that host:\n"
	    "  mkdir -m 700 NODEDIR\n"
	    "  tar -xf FILE -C NODEDIR --no-same-owner\n"
	    "  ctlpublisherd run --dir NODEDIR\n"
	    "The keys stay 0600 when unpacked.  Copy FILE as you would copy\n"
	    "a private key.\n");
}

int
cmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_diag d = { "" };
	const char *node = NULL, *out = NULL;
	int c, rc;

	while ((c = cli_getopt(argc, argv, "ho:", opts)) != -1) {
		switch (c) {
		case 'n': node = optarg; break;
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || node == NULL || out == NULL) {
		cli_error("bundle needs DIR, --node NAME and -o FILE (see "
		    "ctlpublisherd bundle --help)");
		return EXIT_INVALID;
	}
	if ((rc = pub_bundle_make(argv[optind], node, out, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		return rc == CTL_ERR_USAGE || rc == CTL_ERR_NOT_FOUND ?
		    EXIT_INVALID : EXIT_FAIL;
	}
	printf("bundle of node %s written to %s\n", node, out);
	return EXIT_OK;
}
