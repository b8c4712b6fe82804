/* ctlpublisherd run DIR --node NAME: one node in the foreground. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl_err.h"
#include "pub_run.h"

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlpublisherd run DIR --node NAME\n\n"
	    "Runs node NAME of the cluster in DIR in the foreground (for\n"
	    "systemd and for debugging): its distribution port and, on the\n"
	    "publisher, the CTL Provider port.  SIGTERM or SIGINT stops it.\n"
	    "Logs go to standard error, one line per event.\n");
}

int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa;
	struct ctl_diag d;
	const char *node = NULL;
	int c, rc;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n': node = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || node == NULL) {
		cli_error("run needs one DIR and --node NAME (see ctlpublisherd "
		    "run --help)");
		return EXIT_INVALID;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ctl_diag_clear(&d);
	if ((rc = pub_run_node(argv[optind], node, &stop, &d)) != CTL_OK) {
		cli_error("node %s: %s", node, ctl_diag_msg(&d, rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
