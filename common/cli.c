#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *program = "ctl";

/* "PROG: " and KIND (empty, or "warning: "), then the message. */
static void __attribute__((format(printf, 2, 0)))
say(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", program, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning: ", fmt, ap);
	va_end(ap);
}

/*
 * Whether the option getopt_long() just refused is the long option in
 * word W: for an unknown one optopt is 0; for one missing its value it
 * is that option's val.  A short option refused inside a cluster
 * ("-xq") leaves optind on its word, so the word before it, which may
 * be a long option, must not be taken for it.
 */
static int
refused_long(const char *w, const struct option *longopts)
{
	size_t n;

	if (w == NULL || strncmp(w, "--", 2) != 0)
		return 0;
	if (optopt == 0)
		return 1;
	n = strcspn(w + 2, "=");
	for (; longopts->name != NULL; longopts++)
		if (strncmp(longopts->name, w + 2, n) == 0 &&
		    longopts->flag == NULL && longopts->val == optopt)
			return 1;
	return 0;
}

int
cli_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	return cli_getopt_named(argv[0], argc, argv, shortopts, longopts);
}

int
cli_getopt_named(const char *cmd, int argc, char **argv,
    const char *shortopts, const struct option *longopts)
{
	const char *w;
	char name[64];
	int c, long_word;

	opterr = 0;
	optopt = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?')
		return c;
	w = optind >= 1 && optind <= argc ? argv[optind - 1] : NULL;
	long_word = refused_long(w, longopts);
	if (long_word)
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(w, "="), w);
	else
		snprintf(name, sizeof(name), "-%c", optopt);
	/* A known option without its value: getopt names it in optopt (the
	 * long option's value, or the letter of a short one it knows). */
	if (optopt != 0 && long_word && strchr(w, '=') != NULL)
		cli_error("%s: option '%s' takes no value (see %s %s --help)",
		    cmd, name, program, cmd);
	else if (optopt != 0 && (long_word ||
	    strchr(shortopts, optopt) != NULL))
		cli_error("%s: option '%s' needs a value (see %s %s --help)",
		    cmd, name, program, cmd);
	else
		cli_error("%s: unrecognized option '%s' (see %s %s --help)",
		    cmd, name, program, cmd);
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
