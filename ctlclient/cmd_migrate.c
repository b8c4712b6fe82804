/*
 * ctlclient migrate to-tokenless | to-tokens | regenerate: the
 * migrations between token-based and tokenless mixed mode of Cisco's
 * tokenless CTL guide, each checked by preflight before it pushes.
 * to-tokens, and regenerate with --token, sign with eTokens
 * (ctl_signflow.h); the others have the publisher sign.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change_json.h"
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

enum { OPT_YES = 0x2000, OPT_FORCE, OPT_JSON };

/* What every migration checks before pushing (docs/migrations.md). */
#define MIGRATE_PREFLIGHT_HELP \
	"Before pushing, each migration runs preflight on the CTL it is about\n" \
	"to push (to-tokenless and regenerate: a CTL signed by the publisher's\n" \
	"CallManager key; regenerate --token and to-tokens: the CTL the token\n" \
	"signed) and refuses what phones with TVS would reject, unless\n" \
	"--force.  to-tokens skips it when an earlier run already deleted the\n" \
	"cluster's CTL: it then only finishes the upload.  Phones without TVS\n" \
	"(7940/7960) that would reject the CTL only bring a warning, since\n" \
	"they need their CTL deleted by hand.\n\n"

/* The options of the migrations the publisher signs. */
#define MIGRATE_TOKENLESS_OPTIONS_HELP \
	"  --force   go on although phones with TVS would reject the CTL\n" \
	"  --yes     do not ask for confirmation (scripts)\n" \
	"  --json    the result as one JSON object (needs --yes)\n\n"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient migrate to-tokenless --server HOST[:PORT] [--force] [--yes] [--json]\n"
	    "       ctlclient migrate regenerate --server HOST[:PORT] [--token URI] [--force] [--yes] [--json]\n"
	    "       ctlclient migrate to-tokens --server HOST[:PORT] [--token URI]... [options]\n\n"
	    "The migrations between token-based and tokenless mixed mode, in\n"
	    "the order of Cisco's tokenless CTL guide (docs/migrations.md):\n\n"
	    "to-tokenless   from eTokens to tokenless: the publisher signs the\n"
	    "               CTL with its CallManager key and the tokens' records\n"
	    "               leave it (utils ctl update CTLFile)\n"
	    "regenerate     after a certificate was regenerated: in tokenless\n"
	    "               mode, a new CTL signed with the new CallManager\n"
	    "               certificate; in token mode, with --token, the CTL's\n"
	    "               records get the regenerated certificates and the\n"
	    "               token signs it\n"
	    "to-tokens      from tokenless back to eTokens\n\n"
	    "`ctlclient migrate MIGRATION --help` describes each one.\n\n"
	    MIGRATE_PREFLIGHT_HELP
	    MIGRATE_TOKENLESS_OPTIONS_HELP
	    NET_OPTIONS_HELP);
}

static void
usage_to_tokenless(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient migrate to-tokenless --server HOST[:PORT] [--force] [--yes] [--json]\n\n"
	    "From eTokens to tokenless mixed mode, as Cisco's tokenless CTL\n"
	    "guide describes it: the publisher signs a new CTL with its\n"
	    "CallManager key (utils ctl update CTLFile) and the tokens'\n"
	    "records leave it.  Phones with TVS accept it through TVS; phones\n"
	    "without TVS need their CTL deleted by hand.\n\n"
	    MIGRATE_PREFLIGHT_HELP
	    MIGRATE_TOKENLESS_OPTIONS_HELP
	    NET_OPTIONS_HELP
	    "\nExit status: 0 done on every node, 1 refused (preflight, or the\n"
	    "cluster is not in token mode), not confirmed or failed, 2 bad\n"
	    "usage.\n");
}

static void
usage_to_tokens(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient migrate to-tokens --server HOST[:PORT]\n"
	    "         [--token URI]... [--single-token]\n"
	    "         [--add role=ROLE,cert=CERT[,dns=N][,ip=A]]...\n"
	    "         [--digest D] [--module PATH] [--allow-final-try]\n"
	    "         [--force] [--yes] [--json]\n\n"
	    "From tokenless mixed mode back to eTokens, in the four steps of\n"
	    "Cisco's tokenless CTL guide: uploads the tokens' certificates as\n"
	    "Phone-SAST-trust (so that phones holding the tokenless CTL can\n"
	    "have TVS vouch for the token), checks with preflight that phones\n"
	    "will take the token CTL, deletes the tokenless CTL from every\n"
	    "node (file delete tftp CTLFile.tlv), and uploads the CTL signed\n"
	    "by the first token.  Each step is reported; run the command\n"
	    "again to resume after a failure (when an earlier run deleted\n"
	    "the CTL already, preflight has nothing to compare with and the\n"
	    "upload follows).\n\n"
	    SIGNFLOW_PROMPT_HELP
	    "  --token URI        a SAST eToken; give two (see set-mixed-mode)\n"
	    "  --single-token     allow one token (not recommended)\n"
	    SIGNFLOW_ADD_HELP SIGNFLOW_OPTIONS_HELP NET_OPTIONS_HELP
	    SIGNFLOW_EXIT_HELP);
}

static void
usage_regenerate(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient migrate regenerate --server HOST[:PORT] [--force] [--yes] [--json]\n"
	    "       ctlclient migrate regenerate --server HOST[:PORT] [--token URI]\n"
	    "         [--digest D] [--module PATH] [--allow-final-try]\n"
	    "         [--force] [--yes] [--json]\n\n"
	    "After a node's certificate was regenerated (same subject, new\n"
	    "key; ctlpublisherd regenerate, or CUCM's Regenerate button):\n\n"
	    "without --token (tokenless mode): the publisher signs a new CTL\n"
	    "  with its new CallManager certificate, which no phone knows yet;\n"
	    "  phones with TVS accept it through TVS, phones without TVS need\n"
	    "  their CTL deleted by hand.  The token is not asked for at the\n"
	    "  terminal: leaving --token out chooses this mode.\n"
	    "with --token (token mode): the records of the cluster's CTL that\n"
	    "  name the old certificate get the new one, and the token signs\n"
	    "  the result.  The token must be a SAST of the CTL the cluster\n"
	    "  holds now.\n\n"
	    MIGRATE_PREFLIGHT_HELP
	    "  --token URI        the signing SAST eToken (token mode)\n"
	    SIGNFLOW_OPTIONS_HELP NET_OPTIONS_HELP
	    "\nExit status: 0 done on every node, 1 refused (preflight, the\n"
	    "cluster is not in the mode named, or nothing was regenerated),\n"
	    "not confirmed or failed, 2 bad usage.\n");
}

/*
 * From tokenless to tokens, as Cisco's tokenless CTL guide orders it:
 * the tokens' certificates go to
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
	const char *name;       /* "migrate to-tokenless", for --json */
};

/* to-tokenless and regenerate: a tokenless CTL, after preflight. */
static int
tokenless(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	const struct tokenless_migration *m = ctx;

	return migrate_tokenless_run(s, m->regenerate, m->force, m->yes, d);
}

int
migrate_tokenless_run(struct net_session *s, bool regenerate, bool force,
    bool yes, struct ctl_diag *d)
{
	const struct tokenless_migration mig = { regenerate, force, yes, NULL };
	const struct tokenless_migration *m = &mig;
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
	if (c == OPT_JSON)
		return change_json_start(m->name, d);
	if (c == OPT_FORCE)
		m->force = true;
	else
		m->yes = true;
	return CTL_OK;
}

static int
tokenless_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	const struct tokenless_migration *m = ctx;

	(void)argv;
	if (argc != 0)
		return CTL_ERR_USAGE;
	return change_json_need_yes(m->yes, d);
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

/* `ctlclient migrate` alone, or with an option before the migration:
 * --help, or one line saying what is wrong. */
static int
no_migration(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	if (argc < 2) {
		cli_error("migrate: which migration? to-tokenless, to-tokens or "
		    "regenerate (see ctlclient migrate --help)");
		return EXIT_INVALID;
	}
	optind = 1;
	/* Only the word after `migrate`: the migration's options are its
	 * own. */
	switch (cli_getopt(2, argv, "h", opts)) {
	case 'h':
		usage(stdout);
		return EXIT_OK;
	case '?':
		return EXIT_INVALID;
	}
	cli_error("migrate: unknown migration '%s' (to-tokenless, to-tokens, "
	    "regenerate; see ctlclient migrate --help)", argv[1]);
	return EXIT_INVALID;
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
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct tokenless_migration m = { false, false, false, NULL };
	struct net_cmd cmd = {
		.opts = opts, .option = tokenless_option,
		.operands = tokenless_operands, .run = tokenless,
	};

	if (argc < 2)
		return no_migration(argc, argv);
	if (strcmp(argv[1], "to-tokens") == 0)
		return signflow_main(&to_tokens, argc - 1, argv + 1);
	m.regenerate = strcmp(argv[1], "regenerate") == 0;
	if (m.regenerate && names_token(argc - 1, argv + 1))
		return signflow_main(&regenerate, argc - 1, argv + 1);
	if (m.regenerate) {
		cmd.name = m.name = "migrate regenerate";
		cmd.prefix = "migrate regenerate: ";
		cmd.usage = usage_regenerate;
	} else if (strcmp(argv[1], "to-tokenless") == 0) {
		cmd.name = m.name = "migrate to-tokenless";
		cmd.prefix = "migrate to-tokenless: ";
		cmd.usage = usage_to_tokenless;
	} else {
		return no_migration(argc, argv);
	}
	return net_cmd_main(&cmd, &m, argc - 1, argv + 1);
}
