/* ctlclient cert SUBCOMMAND: the cluster's certificates. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient cert list [--json] [connection options]\n\n"
	    "  list   every node's certificates and the trust stores\n\n"
	    "See ctlclient cert list --help.\n");
}

int
cmd_cert(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return cert_list(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc < 2)
		cli_error("cert: a subcommand is needed (list); see ctlclient "
		    "cert --help");
	else
		cli_error("cert: unknown subcommand '%s' (list); see "
		    "ctlclient cert --help", argv[1]);
	return EXIT_INVALID;
}
