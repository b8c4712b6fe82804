/*
 * ctlclient wait-token [--timeout S] [--module PATH]: waits until an
 * eToken (or any smart card) is plugged in, for scripts that ask a person
 * to insert the token before signing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "ctl_err.h"
#include "tok_wait.h"

#define DEFAULT_TIMEOUT 60
/* A day: longer waits are surely a mistake, and the ms count stays small. */
#define MAX_TIMEOUT 86400

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ctlclient wait-token [--timeout SECONDS] [--module PATH]\n"
	    "\n"
	    "Waits until a token is present: a card in a PC/SC reader (pcscd)\n"
	    "or an initialised token in a slot of the PKCS#11 module.  Returns\n"
	    "at once when one already is.  Exit 0 when one is found, 1 on\n"
	    "timeout (default %d seconds; 0 looks once).\n"
	    "\n"
	    "  --timeout S    seconds to wait, at most %d\n"
	    "  --module PATH  the PKCS#11 module (default: "
	    "$CTLCLIENT_PKCS11_MODULE,\n"
	    "                 then p11-kit-proxy, SafeNet, OpenSC, SoftHSM)\n",
	    DEFAULT_TIMEOUT, MAX_TIMEOUT);
}

int
cmd_wait_token(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_diag d = { "" };
	const char *module = NULL;
	char what[512], *end;
	long timeout = DEFAULT_TIMEOUT;
	int c, r;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			timeout = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    timeout < 0 || timeout > MAX_TIMEOUT) {
				fprintf(stderr, "ctlclient: wait-token: "
				    "--timeout '%s' is not a number of seconds "
				    "from 0 to %d\n", optarg, MAX_TIMEOUT);
				return 2;
			}
			break;
		case 'm': module = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return EXIT_INVALID;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ctlclient: wait-token takes no argument '%s': "
		    "see ctlclient wait-token --help\n", argv[optind]);
		return 2;
	}
	r = tok_wait_present(module, (unsigned long)timeout * 1000UL, what,
	    sizeof(what), &d);
	if (r != CTL_OK) {
		fprintf(stderr, "ctlclient: wait-token: %s%s\n",
		    ctl_diag_msg(&d, r), r == CTL_ERR_TIMEOUT ? ": plug in "
		    "the eToken and check 'ctlclient tokens'" : "");
		return 1;
	}
	printf("found %s\n", what);
	return 0;
}
