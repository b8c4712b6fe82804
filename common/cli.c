#include "cli.h"

#include <getopt.h>
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

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The option getopt_long() just refused: "--name" (without any "=value")
 * when the word was a long option, else "-c". */
static void
bad_option_name(int argc, char **argv, char *buf, size_t size)
{
	const char *w = optind >= 1 && optind <= argc ? argv[optind - 1] :
	    NULL;

	if (w != NULL && strncmp(w, "--", 2) == 0)
		snprintf(buf, size, "%.*s", (int)strcspn(w, "="), w);
	else
		snprintf(buf, size, "-%c", optopt);
}

int
cli_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	char name[64];
	int c, long_word;

	opterr = 0;
	optopt = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?')
		return c;
	bad_option_name(argc, argv, name, sizeof(name));
	/* A known option without its value: getopt names it in optopt (the
	 * long option's value, or the letter of a short one it knows). */
	long_word = name[1] == '-';
	if (optopt != 0 && long_word && strchr(argv[optind - 1], '=') != NULL)
		cli_error("%s: option '%s' takes no value (see %s %s --help)",
		    argv[0], name, program, argv[0]);
	else if (optopt != 0 && (long_word ||
	    strchr(shortopts, optopt) != NULL))
		cli_error("%s: option '%s' needs a value (see %s %s --help)",
		    argv[0], name, program, argv[0]);
	else
		cli_error("%s: unrecognized option '%s' (see %s %s --help)",
		    argv[0], name, program, argv[0]);
	return '?';
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
