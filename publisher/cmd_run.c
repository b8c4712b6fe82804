/* ctlpublisherd run: one node in the foreground. */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "log_escape.h"
#include "pub_layout.h"
#include "pub_run.h"
#include "pub_tftp.h"

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
	    "usage: ctlpublisherd run DIR --node NAME [--listen ADDR[,ADDR]] "
	    "[--tftp]\n"
	    "       ctlpublisherd run --dir DIR [--listen ADDR[,ADDR]] [--tftp]\n"
	    "\n"
	    "Runs one node of a cluster in the foreground (for systemd and\n"
	    "for debugging): its distribution port, TVS and, on the\n"
	    "publisher, the CTL Provider port.  SIGTERM or SIGINT stops it.\n"
	    "Logs go to standard error, one line per event.\n"
	    "\n"
	    "DIR --node NAME runs node NAME of the cluster directory DIR that\n"
	    "init made.  --dir DIR runs the node of a bundle unpacked in DIR\n"
	    "(ctlpublisherd bundle): the bundle names its node.\n"
	    "\n"
	    "--listen ADDR puts the CTL Provider and TVS on ADDR instead of\n"
	    "the node's own address (repeat it, or give a comma list, up to\n"
	    "%d addresses; 0.0.0.0 is every address of this host).  Clients\n"
	    "check the server's certificate against the name or address they\n"
	    "connect to: it carries the node's name and own address only, so\n"
	    "clients that come through another address connect by the node's\n"
	    "name (resolved to that address).  Distribution stays on the\n"
	    "node's own address, where the other nodes reach it.\n"
	    "\n"
	    "--tftp also runs the node's TFTP server, where phones download\n"
	    "its files: dnsmasq, serving the node's tftp directory on the\n"
	    "node's own address, UDP port %d (root, or CAP_NET_BIND_SERVICE,\n"
	    "which the systemd unit gives), logging to nodes/NAME/tftp.log.\n"
	    "The node stops it when it stops, and stops with an error when it\n"
	    "dies, for systemd to restart both.  $%s names\n"
	    "another dnsmasq.  Without --tftp, `ctlpublisherd start` runs the\n"
	    "TFTP servers.\n",
	    PUB_LISTEN_MAX, PUB_TFTP_PORT, PUB_TFTPD_ENV);
}

/* Adds the comma list S to the N addresses in OUT (S is split in place). */
static int
add_listen(char *s, const char **out, size_t *n)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (*n == PUB_LISTEN_MAX) {
			cli_error("--listen: at most %d addresses",
			    PUB_LISTEN_MAX);
			return -1;
		}
		out[(*n)++] = tok;
	}
	return 0;
}

/* The node a bundle unpacked in DIR names (DIR/bundle.node): NAME. */
static int
bundle_node(const char *dir, char *name, size_t namesz)
{
	struct ctl_diag d = { "" };
	char path[4096], e[LOG_ESCAPE_SIZE(64)];
	uint8_t *text = NULL;
	size_t len = 0, i;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, PUB_FILE_BUNDLE_NODE);
	if ((rc = file_read_limited(path, namesz, &text, &len, &d)) !=
	    CTL_OK) {
		cli_error("%s (is %s an unpacked bundle? a cluster directory "
		    "runs with 'run DIR --node NAME')", ctl_diag_msg(&d, rc),
		    dir);
		return -1;
	}
	if (len > 0 && text[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++)
		if (!((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' &&
		    text[i] <= 'Z') || (text[i] >= '0' && text[i] <= '9') ||
		    text[i] == '-'))
			break;
	if (len == 0 || i < len || len >= namesz) {
		log_escape(e, sizeof(e), text, len);
		cli_error("%s: \"%s\" is not a node name; make the bundle again",
		    path, e);
		free(text);
		return -1;
	}
	memcpy(name, text, len);
	name[len] = '\0';
	free(text);
	return 0;
}

int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tftp", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa;
	struct ctl_diag d;
	const char *node = NULL, *dir = NULL, *listen[PUB_LISTEN_MAX];
	char own[PUB_NODE_NAME_MAX], tftpd[PATH_MAX];
	size_t nlisten = 0;
	bool tftp = false;
	int c, rc;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n': node = optarg; break;
		case 'd': dir = optarg; break;
		case 't': tftp = true; break;
		case 'l':
			if (add_listen(optarg, listen, &nlisten) != 0)
				return EXIT_INVALID;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (dir != NULL && argc - optind == 0 && node == NULL) {
		if (bundle_node(dir, own, sizeof(own)) != 0)
			return EXIT_INVALID;
		node = own;
	} else if (dir == NULL && argc - optind == 1 && node != NULL) {
		dir = argv[optind];
	} else {
		cli_error("run needs DIR --node NAME, or --dir DIR of a bundle "
		    "(see ctlpublisherd run --help)");
		return EXIT_INVALID;
	}
	ctl_diag_clear(&d);
	if (tftp && pub_tftpd_find(tftpd, sizeof(tftpd), &d) != CTL_OK) {
		cli_error("--tftp: %s", d.msg);
		return EXIT_FAIL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ctl_diag_clear(&d);
	if ((rc = pub_run_node(dir, node, listen, nlisten, tftp ? tftpd : NULL,
	    &stop, &d)) != CTL_OK) {
		cli_error("node %s: %s", node, ctl_diag_msg(&d, rc));
		return rc == CTL_ERR_USAGE ? EXIT_INVALID : EXIT_FAIL;
	}
	return EXIT_OK;
}
