/* ctlclient cert SUBCOMMAND ...: the cluster's own certificates. */
#include <stdio.h>
#include <string.h>

#include "cmd_cert.h"
#include "commands.h"

/* A sub-command is one row here and one function in its own file. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} subs[] = {
	{ "list", cert_list,
	  "every node's certificates and the trust stores" },
	{ "regenerate", cert_regenerate,
	  "a node's certificate gets a new key and serial" },
	{ "plan", cert_plan, "the steps of a regeneration, in order; --run" },
	{ "csr", cert_csr,
	  "a signing request from a new key kept on the node" },
	{ "upload", cert_upload,
	  "the CA-signed certificate for the pending request" },
};

#define NSUBS (sizeof(subs) / sizeof(subs[0]))

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ctlclient cert SUBCOMMAND [OPTIONS]\n\n"
	    "The certificates of the cluster's nodes (docs/certificates.md):\n");
	for (i = 0; i < NSUBS; i++)
		fprintf(out, "  %-12s %s\n", subs[i].name, subs[i].help);
	fprintf(out, "\n`ctlclient cert SUBCOMMAND --help` tells more.\n");
}

int
cmd_cert(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		cli_error("cert needs a sub-command (see ctlclient cert --help)");
		return EXIT_INVALID;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < NSUBS; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	cli_error("cert: unknown sub-command '%s'; see ctlclient cert --help",
	    argv[1]);
	return EXIT_INVALID;
}
