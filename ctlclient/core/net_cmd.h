/*
 * The skeleton every network command shares: the connection options and
 * --help beside the command's own, the operands, work done before
 * connecting, the session, the work on it, the message and the exit
 * status.  Each command fills a struct net_cmd with its parts.
 */
#ifndef CTLCLIENT_NET_CMD_H
#define CTLCLIENT_NET_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "net_session.h"

struct ctl_diag;

#define NET_CMD_MAX_OPTIONS 24  /* a command's own long options, at most */

struct net_cmd {
	const char *name;           /* "status", "migrate to-tokens" */
	const char *prefix;         /* before each failure message; NULL */
	const char *shortopts;      /* its own short options ("o:"); NULL */
	const struct option *opts;  /* its own long options, ending with a
	                             * zero row; NULL for none */
	void (*usage)(FILE *out);
	/* Takes one of its own options C with ARG: CTL_OK, or
	 * CTL_ERR_USAGE with why in D (nothing in D when it has printed
	 * why itself).  NULL when it has none. */
	int (*option)(void *ctx, int c, const char *arg, struct ctl_diag *d);
	/* Checks the ARGC operands at ARGV: CTL_OK, or CTL_ERR_USAGE with
	 * why in D (nothing in D: a line pointing to --help is printed).
	 * NULL: the command takes none. */
	int (*operands)(void *ctx, int argc, char **argv, struct ctl_diag *d);
	/* What is done before connecting (files read, questions asked);
	 * NULL for nothing. */
	int (*before)(void *ctx, struct ctl_diag *d);
	/* The work on the session. */
	int (*run)(struct net_session *s, void *ctx, struct ctl_diag *d);
	/* What is done once the session is closed, after RUN went well;
	 * NULL for nothing. */
	int (*after)(void *ctx, struct ctl_diag *d);
	/* Whether this run needs no publisher (after the options): then
	 * no server is looked for and RUN is skipped.  NULL: it does. */
	int (*offline)(void *ctx);
	/* The exit status for the result RC; NULL: net_exit_status(). */
	int (*status)(void *ctx, int rc);
};

/*
 * Runs command C on ARGV (ARGV[0] the command's name) with CTX passed to
 * each part: --help prints the usage; a bad option exits EXIT_INVALID
 * with one line naming it and C's --help (cli_getopt_named()), bad
 * operands or a missing --server with why; then BEFORE, the session, RUN,
 * AFTER, and the message of a failure on standard error.  When an option
 * turned --json on (change_json.h), the object is written as it ends,
 * whatever the outcome.  Returns the exit status.
 */
int net_cmd_main(const struct net_cmd *c, void *ctx, int argc, char **argv);

/* Exit status for a failure code: EXIT_INVALID for a file that is not a
 * valid .tlv or bad usage, EXIT_FAIL for everything else. */
int net_exit_status(int code);

/* The same for commands whose only invalid input is the command line:
 * EXIT_INVALID for CTL_ERR_USAGE alone. */
int net_exit_status_usage(int code);

#endif
