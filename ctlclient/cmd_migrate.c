/*
 * ctlclient migrate to-tokenless | to-tokens | regenerate: the seed's
 * migrations between token-based and tokenless mixed mode, each checked
 * by preflight before anything changes.  to-tokens, and regenerate with
 * --token, sign with eTokens (ctl_signflow.h); the others have the
 * publisher sign.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_render.h"
#include "ctl_signflow.h"
#include "net_cluster.h"
#include "net_cmd.h"
#include "net_mode.h"
#include "preflight.h"
#include "tty.h"

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

static void
usage_to_tokens(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient migrate to-tokens --server HOST[:PORT]\n"
	    "         --token URI --token URI [--single-token]\n"
	    "         [--add role=ROLE,cert=CERT[,dns=N][,ip=A]]...\n"
	    "         [--digest D] [--module PATH] [--allow-final-try]\n"
	    "         [--force] [--yes]\n\n"
	    "From tokenless mixed mode back to eTokens (seed 001): uploads\n"
	    "the tokens' certificates as Phone-SAST-trust (so that phones\n"
	    "holding the tokenless CTL can have TVS vouch for the token),\n"
	    "checks with preflight that phones will take the token CTL,\n"
	    "deletes the tokenless CTL from every node (file delete tftp\n"
	    "CTLFile.tlv), and uploads the CTL signed by the first token.\n"
	    "Each step is reported; run the command again to resume after\n"
	    "a failure.\n\n"
	    "  --token URI        a SAST eToken; give two (see set-mixed-mode)\n"
	    "  --single-token     allow one token (not recommended)\n"
	    SIGNFLOW_ADD_HELP SIGNFLOW_OPTIONS_HELP NET_OPTIONS_HELP
	    SIGNFLOW_EXIT_HELP);
}

static void
usage_regenerate(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient migrate regenerate --server HOST[:PORT]\n"
	    "         --token URI [--digest D] [--module PATH]\n"
	    "         [--allow-final-try] [--force] [--yes]\n\n"
	    "In token mode, after a node's certificate was regenerated\n"
	    "(same subject, new key): the records of the cluster's CTL that\n"
	    "name the old certificate get the new one, and the token signs\n"
	    "the result.  The token must be a SAST of the CTL the cluster\n"
	    "holds now.  (In tokenless mode, run it without --token.)\n\n"
	    "  --token URI        the signing SAST eToken\n"
	    SIGNFLOW_OPTIONS_HELP NET_OPTIONS_HELP SIGNFLOW_EXIT_HELP);
}

/*
 * From tokenless to tokens (seed 001): the tokens' certificates go to
 * Phone-SAST-trust, so that phones holding the tokenless CTL can have
 * TVS vouch for the new signer; preflight checks that against the CTL
 * the phones hold; the tokenless CTL is deleted from every node; the
 * token CTL is uploaded.  Each step can be run again: a run stopped
 * after the deletion resumes at the upload.
 */
static int
to_tokens_run(struct signflow *f, struct net_session *s,
    struct ctl_diag *d)
{
	struct preflight pf;
	struct ctl_diag sd;
	char *subject;
	bool already, had_ctl;
	size_t i;
	int rc;

	if ((rc = signflow_connect(f, s, d)) != CTL_OK)
		return rc;
	had_ctl = f->cl.sha1[0] != '\0';

	if (f->cl.security_mode != 1)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is not in "
		    "mixed mode: ctlclient set-mixed-mode moves it to tokens");
	if (f->cl.ctl_mode == 1)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster's CTL is "
		    "signed by eTokens already: ctlclient update changes it");
	if ((rc = signflow_make_plan(f, d)) != CTL_OK ||
	    (rc = signflow_show(f, d)) != CTL_OK)
		return rc;
	printf("Step 1 of 4: the tokens' certificates to Phone-SAST-trust\n");
	for (i = 0; i < f->ntoken; i++) {
		if ((rc = net_trust_add(f->s, "Phone-SAST-trust", f->tokcert[i],
		    &already, d)) != CTL_OK)
			return rc;
		if (ctl_name_format(X509_get_subject_name(f->tokcert[i]),
		    &subject) != CTL_OK)
			subject = NULL;
		printf("  %s: %s\n", subject != NULL ? subject : f->token[i],
		    already ? "there already" : "uploaded");
		free(subject);
	}
	if ((rc = signflow_sign(f, d)) != CTL_OK)
		return rc;
	printf("Step 2 of 4: preflight against the CTL the phones hold\n");
	if (had_ctl) {
		if ((rc = preflight_run(f->s, f->file, f->len, &pf, d)) !=
		    CTL_OK || (rc = preflight_decide(&pf, f->force, d)) !=
		    CTL_OK)
			return rc;
		printf("Step 3 of 4: delete the tokenless CTL from every node "
		    "(file delete tftp CTLFile.tlv)\n");
		ctl_diag_clear(&sd);
		if ((rc = net_delete_ctl(f->s, &sd)) != CTL_OK)
			return ctl_diag_set(d, rc, "%s; run the command again "
			    "to resume", ctl_diag_msg(&sd, rc));
	} else {
		/* The phones still hold the CTL an earlier run deleted, which
		 * the server no longer has; what TVS needs is step 1. */
		printf("  the cluster's CTL was deleted by an earlier run; the "
		    "phones still hold it, and TVS vouches for the tokens "
		    "through Phone-SAST-trust (step 1)\n");
		printf("Step 3 of 4: done by an earlier run\n");
	}
	printf("Step 4 of 4: upload the token CTL\n");
	f->base.given = 1;
	f->base.have = 0;
	return signflow_finish(f, d);
}

/* to-tokenless and regenerate without --token: what the command line
 * says. */
struct tokenless_migration {
	bool regenerate, force, yes;
};

/* to-tokenless and regenerate: a tokenless CTL, after preflight. */
static int
tokenless(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	const struct tokenless_migration *m = ctx;
	struct net_cluster c;
	struct preflight pf;
	X509 *signer = NULL;
	size_t i;
	int rc;

	if ((rc = net_cluster_info(s, &c, d)) != CTL_OK)
		return rc;
	if (c.security_mode != 1) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is not in "
		    "mixed mode: ctlclient tokenless set-mixed-mode puts it "
		    "there");
		goto out;
	}
	if (!m->regenerate && c.ctl_mode == 2) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is tokenless "
		    "already: after a certificate regeneration, run ctlclient "
		    "migrate regenerate");
		goto out;
	}
	if (m->regenerate && c.ctl_mode != 2) {
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
	    (rc = preflight_decide(&pf, m->force, d)) != CTL_OK)
		goto out;
	if (!m->yes && (rc = tty_confirm("This operation updates the "
	    "CTLFile, signed with the publisher's CallManager key. Do you "
	    "want to continue?", "--yes", d)) != CTL_OK)
		goto out;
	rc = tokenless_update(s, d);
out:
	net_cluster_free(&c);
	return rc;
}

static int
tokenless_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct tokenless_migration *m = ctx;

	(void)arg;
	(void)d;
	if (c == OPT_FORCE)
		m->force = true;
	else
		m->yes = true;
	return CTL_OK;
}

/* Does ARGV name --token?  In token mode a token signs the regenerated
 * CTL. */
static bool
names_token(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--token") == 0 ||
		    strncmp(argv[i], "--token=", 8) == 0)
			return true;
	return false;
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct signflow_cmd to_tokens = {
		SIGNFLOW_TO_TOKENS, "migrate to-tokens",
		"This operation uploads the tokens' certificates as "
		"Phone-SAST-trust, deletes the tokenless CTL from every node "
		"and uploads a CTL signed by the first token. Do you want to "
		"continue?",
		"CTL file Updated: the cluster's CTL is signed by eTokens",
		usage_to_tokens, to_tokens_run,
	};
	static const struct signflow_cmd regenerate = {
		SIGNFLOW_REGEN, "migrate regenerate",
		"This operation replaces the regenerated certificates in the "
		"CTL, signs it with the token and uploads it to every node. Do "
		"you want to continue?",
		"CTL file Updated", usage_regenerate, signflow_run,
	};
	static const struct option opts[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "yes", no_argument, NULL, OPT_YES },
		{ NULL, 0, NULL, 0 },
	};
	struct tokenless_migration m = { false, false, false };
	char prefix[64];
	struct net_cmd cmd = {
		.name = "migrate", .prefix = prefix, .opts = opts,
		.usage = usage, .option = tokenless_option, .run = tokenless,
	};

	if (argc >= 2 && strcmp(argv[1], "to-tokens") == 0)
		return signflow_main(&to_tokens, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "regenerate") == 0 &&
	    names_token(argc - 1, argv + 1))
		return signflow_main(&regenerate, argc - 1, argv + 1);
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
	m.regenerate = strcmp(argv[1], "regenerate") == 0;
	snprintf(prefix, sizeof(prefix), "migrate %s: ", argv[1]);
	return net_cmd_main(&cmd, &m, argc - 1, argv + 1);
}
