/* ctlpublisherd: the publisher's side of a CTL cluster. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
} commands[] = {
	{ "init", cmd_init, "make a self-contained cluster in a directory" },
	{ "run", cmd_run, "run one node of a cluster in the foreground" },
	{ "start", cmd_start, "start every node of a cluster in the background" },
	{ "stop", cmd_stop, "stop the nodes that start started" },
};

void
pubd_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ctlpublisherd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ctlpublisherd COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(out, "\n`ctlpublisherd COMMAND --help` describes each "
	    "command.\n");
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
		printf("ctlpublisherd %s\n", CTL_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	pubd_error("unknown command '%s' (ctlpublisherd --help lists them)",
	    argv[1]);
	return EXIT_INVALID;
}
