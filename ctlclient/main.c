/* ctlclient: sign, show and verify phone trust lists, with eTokens. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
} commands[] = {
	{ "show", cmd_show, "show a CTL or ITL file the way CUCM's show ctl does" },
	{ "build", cmd_build, "build and sign a CTL or ITL file" },
	{ "verify", cmd_verify, "would a phone holding one file accept another?" },
	{ "tokens", cmd_tokens, "list PKCS#11 modules, tokens, certificates, readers, USB eTokens" },
	{ "export-cert", cmd_export_cert, "write a token's certificate to a file" },
	{ "wait-token", cmd_wait_token, "wait until a token is inserted" },
	{ "status", cmd_status, "show the cluster: security mode, CTL, every node" },
	{ "fetch", cmd_fetch, "download the cluster's CTL file" },
	{ "upload", cmd_upload, "upload a signed CTL file to every node" },
	{ "tokenless", cmd_tokenless, "tokenless mixed mode: set-mixed-mode, update, set-non-secure" },
	{ "delete-ctl", cmd_delete_ctl, "delete CTLFile.tlv from every node" },
	{ "trust", cmd_trust, "list, upload, delete trust store certificates" },
	{ "audit", cmd_audit, "show the publisher's audit log" },
};

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ctlclient: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ctlclient COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(out, "\n`ctlclient COMMAND --help` describes each command.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_INVALID;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("ctlclient %s\n", CTL_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command '%s' (ctlclient --help lists them)",
	    argv[1]);
	return EXIT_INVALID;
}
