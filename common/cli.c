#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *program = "ctl";

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
usage(FILE *out, const struct cli_command *cmds, size_t n)
{
	size_t i;

	fprintf(out, "usage: %s COMMAND [OPTIONS]\n\ncommands:\n", program);
	for (i = 0; i < n; i++)
		fprintf(out, "  %-15s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\n`%s COMMAND --help` describes each command.\n",
	    program);
}

int
cli_main(const char *prog, const char *version,
    const struct cli_command *cmds, size_t n, int argc, char **argv)
{
	size_t i;

	program = prog;
	if (argc < 2) {
		usage(stderr, cmds, n);
		return EXIT_INVALID;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout, cmds, n);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", prog, version);
		return EXIT_OK;
	}
	for (i = 0; i < n; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	cli_error("unknown command '%s' (%s --help lists them)", argv[1],
	    prog);
	return EXIT_INVALID;
}
