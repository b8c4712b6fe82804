/*
 * The shape both programs share: `PROGRAM COMMAND [OPTIONS]`, one line
 * per error on standard error, and the same exit statuses.
 */
#ifndef CTL_CLI_H
#define CTL_CLI_H

#include <stddef.h>

struct option;

#define EXIT_OK       0
#define EXIT_FAIL     1   /* did not verify, would be rejected, failed */
#define EXIT_INVALID  2   /* bad usage, or the input is not valid */

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command */
	const char *summary;
};

/*
 * Runs the command ARGV[1] names from the N in CMDS, or answers --help,
 * help, -h and --version itself.  PROG names the program in usage and in
 * cli_error().  Returns the exit status.
 */
int cli_main(const char *prog, const char *version,
    const struct cli_command *cmds, size_t n, int argc, char **argv);

/* Prints "PROG: MESSAGE" on standard error. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "PROG: warning: MESSAGE" on standard error; the exit status is
 * the caller's business, a warning does not change it. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * getopt_long() for a command whose ARGV[0] is its name, with getopt's
 * own messages silenced: an unknown option, or one missing its value, is
 * reported as one line, "PROG: COMMAND: unrecognized option '--jsn' (see
 * PROG COMMAND --help)", and '?' returned, which the caller turns into
 * EXIT_INVALID without printing the usage.
 */
int cli_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts);

/* cli_getopt() for a subcommand, whose ARGV[0] alone does not name it:
 * CMD is what the message names, e.g. "migrate to-tokens". */
int cli_getopt_named(const char *cmd, int argc, char **argv,
    const char *shortopts, const struct option *longopts);

#endif
