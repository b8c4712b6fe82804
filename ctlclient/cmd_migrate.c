/*
 * ctlclient migrate to-tokenless | to-tokens | regenerate: the seed's
 * migrations between token-based and tokenless mixed mode, each checked
 * by preflight before anything changes.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl_err.h"
#include "net_session.h"
#include "preflight.h"

enum { OPT_YES = 0x2000, OPT_FORCE };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient migrate to-tokenless --server HOST[:PORT] [--force] [--yes]\n"
	    "       ctlclient migrate regenerate --server HOST[:PORT] [--token URI] [--force] [--yes]\n"
	    "       ctlclient migrate to-tokens --token URI --token URI ...\n"
	    "                        (ctlclient migrate to-tokens --help)\n\n"
	    "to-tokenless   from eTokens to tokenless (seed 001): the publisher\n"
	    "               signs the CTL with its CallManager key and the\n"
	    "               tokens' records leave it (utils ctl update CTLFile)\n"
	    "regenerate     after the publisher's CallManager certificate was\n"
	    "               regenerated in tokenless mode: a new CTL signed with\n"
	    "               the new certificate; in token mode, with --token:\n"
	    "               the CTL's records get the regenerated certificates\n"
	    "               and the token signs it\n"
	    "to-tokens      from tokenless back to eTokens\n\n"
	    "Each first runs preflight for a CTL signed by the publisher's\n"
	    "CallManager certificate: phones with TVS must accept it (unless\n"
	    "--force); phones without TVS (7940/7960) that would not get a\n"
	    "warning, as they need their CTL deleted by hand.\n\n"
	    "  --force   go on although phones with TVS would reject the CTL\n"
	    "  --yes     do not ask for confirmation (scripts)\n\n"
	    NET_OPTIONS_HELP);
}

/* to-tokenless and regenerate: a tokenless CTL, after preflight. */
static int
tokenless(bool regenerate, const struct net_opts *no, bool force, bool yes,
    struct ctl_diag *d)
{
	struct net_session *s = NULL;
	struct net_cluster c;
	struct preflight pf;
	X509 *signer = NULL;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((rc = net_open(no, &s, d)) != CTL_OK ||
	    (rc = net_cluster_info(s, &c, d)) != CTL_OK)
		goto out;
	if (c.security_mode != 1) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is not in "
		    "mixed mode: ctlclient tokenless set-mixed-mode puts it "
		    "there");
		goto out;
	}
	if (!regenerate && c.ctl_mode == 2) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is tokenless "
		    "already: after a certificate regeneration, run ctlclient "
		    "migrate regenerate");
		goto out;
	}
	if (regenerate && c.ctl_mode != 2) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster's CTL is %s: "
		    "in token mode a token signs the CTL: run ctlclient "
		    "migrate regenerate --token URI",
		    net_ctl_mode_name(c.ctl_mode));
		goto out;
	}
	for (i = 0; i < c.nnodes; i++)
		if (c.nodes[i].publisher)
			signer = c.nodes[i].certs[NET_CERT_CALLMANAGER];
	if (signer == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "the publisher did not "
		    "send its CallManager certificate");
		goto out;
	}
	if ((rc = preflight_signer(s, signer, &pf, d)) != CTL_OK ||
	    (rc = preflight_decide(&pf, force, d)) != CTL_OK)
		goto out;
	if (!yes && (rc = net_confirm("This operation updates the CTLFile, "
	    "signed with the publisher's CallManager key. Do you want to "
	    "continue?", "--yes", d)) != CTL_OK)
		goto out;
	rc = tokenless_update(s, d);
out:
	net_cluster_free(&c);
	net_close(s);
	return rc;
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		NET_LONG_OPTIONS,
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_opts no;
	struct ctl_diag d;
	bool force = false, yes = false, regen;
	int c, rc;

	if (argc >= 2 && strcmp(argv[1], "to-tokens") == 0)
		return ctlmode_to_tokens(argc - 1, argv + 1);
	/* In token mode a token signs the regenerated CTL. */
	for (c = 2; argc >= 2 && strcmp(argv[1], "regenerate") == 0 &&
	    c < argc; c++)
		if (strcmp(argv[c], "--token") == 0 ||
		    strncmp(argv[c], "--token=", 8) == 0)
			return ctlmode_regenerate(argc - 1, argv + 1);
	if (argc < 2 || (strcmp(argv[1], "to-tokenless") != 0 &&
	    strcmp(argv[1], "regenerate") != 0)) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			usage(stdout);
			return EXIT_OK;
		}
		usage(stderr);
		return EXIT_INVALID;
	}
	regen = strcmp(argv[1], "regenerate") == 0;
	net_opts_init(&no);
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORCE: force = true; break;
		case OPT_YES: yes = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default:
			if (net_opt(&no, c, optarg) != 0)
				return EXIT_INVALID;
		}
	}
	if (optind != argc - 1 || net_opts_check(&no) != 0) {
		usage(stderr);
		return EXIT_INVALID;
	}
	ctl_diag_clear(&d);
	if ((rc = tokenless(regen, &no, force, yes, &d)) != CTL_OK) {
		cli_error("migrate %s: %s", argv[1], ctl_diag_msg(&d, rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
