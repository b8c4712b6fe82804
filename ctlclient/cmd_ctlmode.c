/*
 * The CTL client's Cluster Security Mode page, with tokens:
 *   ctlclient set-mixed-mode --token URI --token URI ...
 *   ctlclient update --token URI [--add ...] [--delete SUBJECT|N] ...
 *   ctlclient set-non-secure --token URI ...
 * Each builds a CTL, signs it with a token (one login, one C_Sign), runs
 * the preflight, uploads it and, for the mode changes, sets the security
 * mode only once the upload went through.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_build.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_plan.h"
#include "ctl_render.h"
#include "ctl_verify.h"
#include "net_mode.h"
#include "net_session.h"
#include "net_upload.h"
#include "preflight.h"
#include "sources.h"
#include "token_pick.h"

#define MAX_TOKENS 8

enum op { OP_MIXED, OP_UPDATE, OP_NON_SECURE, OP_TO_TOKENS, OP_REGEN };

enum {
	OPT_TOKEN = 0x2000, OPT_SINGLE, OPT_ADD, OPT_DELETE, OPT_DIGEST,
	OPT_MODULE, OPT_FINAL_TRY, OPT_FORCE, OPT_YES,
};

static const struct {
	const char *name;
	const char *question;
	const char *done;       /* the CUCM-style result line */
} ops[] = {
	[OP_MIXED] = { "set-mixed-mode",
	  "This operation signs a new CTL with the token, uploads it to every "
	  "node and sets the cluster to Mixed mode. Do you want to continue?",
	  "Cluster set to Mixed Mode" },
	[OP_UPDATE] = { "update",
	  "This operation signs the new CTL with the token and uploads it to "
	  "every node. Do you want to continue?",
	  "CTL file Updated" },
	[OP_NON_SECURE] = { "set-non-secure",
	  "This operation signs the CTL with the token, uploads it to every "
	  "node and sets the cluster to Non-Secure mode. Do you want to "
	  "continue?",
	  "Cluster set to Non-Secure Mode" },
	[OP_TO_TOKENS] = { "migrate to-tokens",
	  "This operation uploads the tokens' certificates as Phone-SAST-trust, "
	  "deletes the tokenless CTL from every node and uploads a CTL signed "
	  "by the first token. Do you want to continue?",
	  "CTL file Updated: the cluster's CTL is signed by eTokens" },
	[OP_REGEN] = { "migrate regenerate",
	  "This operation replaces the regenerated certificates in the CTL, "
	  "signs it with the token and uploads it to every node. Do you want "
	  "to continue?",
	  "CTL file Updated" },
};

/* Operations that set the security mode once the CTL is on every node. */
static bool
sets_mode(enum op op)
{
	return op == OP_MIXED || op == OP_NON_SECURE || op == OP_TO_TOKENS;
}

/* Operations whose CTL is made from the cluster and two tokens. */
static bool
from_cluster(enum op op)
{
	return op == OP_MIXED || op == OP_TO_TOKENS;
}

struct args {
	enum op op;
	const char *token[MAX_TOKENS];
	size_t ntoken;
	const char **add, **del;
	size_t nadd, ndel;
	int digest;             /* 0: the default */
	bool single, force, yes;
	struct net_opts no;
};

static void
usage(enum op op, FILE *out)
{
	const char *common =
	    "  --digest D         signature digest: sha1 (what every phone\n"
	    "                     reads), sha256 or sha512\n"
	    "  --module PATH      the PKCS#11 module (default:\n"
	    "                     $CTLCLIENT_PKCS11_MODULE, then p11-kit-proxy,\n"
	    "                     SafeNet, OpenSC, SoftHSM)\n"
	    "  --allow-final-try  log in even when the next wrong PIN locks the\n"
	    "                     token for good\n"
	    "  --force            upload even when the preflight says phones with\n"
	    "                     TVS would reject the new CTL\n"
	    "  --yes              do not ask for confirmation (scripts)\n\n";
	const char *add =
	    "  --add role=ROLE,cert=CERT[,dns=NAME][,ip=A.B.C.D]\n"
	    "                     one more record (Add TFTP, Add Firewall):\n"
	    "                     ROLE TFTP, FIREWALL (written as CCM), CCM,\n"
	    "                     CCM+TFTP, CAPF, APP-SERVER, TVS, SAST (a token:\n"
	    "                     cert=pkcs11:token=...) or a number; CERT a PEM\n"
	    "                     or DER file or a PKCS#11 URI\n";

	switch (op) {
	case OP_MIXED:
		fprintf(out,
		    "usage: ctlclient set-mixed-mode --server HOST[:PORT]\n"
		    "         --token URI --token URI [--single-token]\n"
		    "         [--add role=ROLE,cert=CERT[,dns=N][,ip=A]]...\n"
		    "         [--digest D] [--module PATH] [--allow-final-try]\n"
		    "         [--force] [--yes]\n\n"
		    "The CTL client's \"Set Cisco Unified CallManager Cluster to\n"
		    "Mixed Mode\": reads the cluster, builds a CTL holding the\n"
		    "tokens' SAST certificates, every node's CallManager\n"
		    "certificate (CCM+TFTP), the publisher's CAPF and ITLRecovery\n"
		    "certificates and the --add records, signs it with the first\n"
		    "token, checks that phones will take it, uploads it to every\n"
		    "node, then sets the cluster to mixed mode.\n\n"
		    "  --token URI        a SAST eToken (pkcs11:token=SAST1, with\n"
		    "                     pin-source=file:... or a PIN prompt); give\n"
		    "                     two: the first signs, the second is the\n"
		    "                     spare that can sign when the first is lost\n"
		    "                     (its certificate is read without a PIN)\n"
		    "  --single-token     allow one token (not recommended: losing\n"
		    "                     it means visiting every phone)\n");
		fputs(add, out);
		break;
	case OP_UPDATE:
		fprintf(out,
		    "usage: ctlclient update --server HOST[:PORT] --token URI\n"
		    "         [--add role=ROLE,cert=CERT[,dns=N][,ip=A]]...\n"
		    "         [--delete SUBJECT|N]... [--digest D] [--module PATH]\n"
		    "         [--allow-final-try] [--force] [--yes]\n\n"
		    "The CTL client's \"Update CTL File\": reads the cluster's CTL,\n"
		    "keeps its records, adds and deletes the ones named, signs the\n"
		    "result with the token and uploads it to every node.  The\n"
		    "token must be a SAST of the CTL the cluster (and its phones)\n"
		    "hold now.\n\n"
		    "  --token URI        the signing SAST eToken\n");
		fputs(add, out);
		fprintf(out,
		    "  --delete SUBJECT|N remove a record of the current CTL (Delete\n"
		    "                     Selected): its number as ctlclient show\n"
		    "                     prints it, or text its subject contains;\n"
		    "                     the signing token's record and the last\n"
		    "                     SAST record cannot be removed\n");
		break;
	case OP_REGEN:
		fprintf(out,
		    "usage: ctlclient migrate regenerate --server HOST[:PORT]\n"
		    "         --token URI [--digest D] [--module PATH]\n"
		    "         [--allow-final-try] [--force] [--yes]\n\n"
		    "In token mode, after a node's certificate was regenerated\n"
		    "(same subject, new key): the records of the cluster's CTL that\n"
		    "name the old certificate get the new one, and the token signs\n"
		    "the result.  The token must be a SAST of the CTL the cluster\n"
		    "holds now.  (In tokenless mode, run it without --token.)\n\n"
		    "  --token URI        the signing SAST eToken\n");
		break;
	case OP_TO_TOKENS:
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
		    "  --single-token     allow one token (not recommended)\n");
		fputs(add, out);
		break;
	case OP_NON_SECURE:
		fprintf(out,
		    "usage: ctlclient set-non-secure --server HOST[:PORT]\n"
		    "         --token URI [--digest D] [--module PATH]\n"
		    "         [--allow-final-try] [--force] [--yes]\n\n"
		    "The CTL client's \"Set Cisco Unified CallManager Cluster to\n"
		    "Non-Secure Mode\": signs the cluster's CTL again with the\n"
		    "token (same records), uploads it to every node, then sets\n"
		    "the cluster to non-secure mode.  The token must be a SAST of\n"
		    "the CTL the cluster holds now.\n\n"
		    "  --token URI        the signing SAST eToken\n");
		break;
	}
	fputs(common, out);
	fputs(NET_OPTIONS_HELP, out);
	fputs("\nExit status: 0 done on every node, 1 refused, not confirmed or "
	    "failed\n(the security mode is changed only after the upload went\n"
	    "through), 2 bad usage.\n", out);
}

/* Returns -1 to go on, else the exit status. */
static int
parse_args(enum op op, int argc, char **argv, struct args *a,
    struct cli_sources *src)
{
	static const struct option opts[] = {
		NET_LONG_OPTIONS,
		{ "token", required_argument, NULL, OPT_TOKEN },
		{ "single-token", no_argument, NULL, OPT_SINGLE },
		{ "add", required_argument, NULL, OPT_ADD },
		{ "delete", required_argument, NULL, OPT_DELETE },
		{ "digest", required_argument, NULL, OPT_DIGEST },
		{ "module", required_argument, NULL, OPT_MODULE },
		{ "allow-final-try", no_argument, NULL, OPT_FINAL_TRY },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = ops[op].name;
	int c;

	net_opts_init(&a->no);
	a->op = op;
	if ((a->add = calloc((size_t)argc, sizeof(*a->add))) == NULL ||
	    (a->del = calloc((size_t)argc, sizeof(*a->del))) == NULL) {
		cli_error("out of memory");
		return EXIT_FAIL;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_TOKEN:
			if (a->ntoken == MAX_TOKENS) {
				cli_error("at most %d --token", MAX_TOKENS);
				return EXIT_INVALID;
			}
			a->token[a->ntoken++] = optarg;
			break;
		case OPT_SINGLE: a->single = true; break;
		case OPT_ADD: a->add[a->nadd++] = optarg; break;
		case OPT_DELETE: a->del[a->ndel++] = optarg; break;
		case OPT_DIGEST:
			if (ctl_digest_parse(optarg, &a->digest) != CTL_OK) {
				cli_error("--digest %s: use sha1, sha256 or "
				    "sha512", optarg);
				return EXIT_INVALID;
			}
			break;
		case OPT_MODULE: src->module = optarg; break;
		case OPT_FINAL_TRY: src->login.allow_final_try = 1; break;
		case OPT_FORCE: a->force = true; break;
		case OPT_YES: a->yes = true; break;
		case 'h': usage(op, stdout); return EXIT_OK;
		default:
			if (net_opt(&a->no, c, optarg) != 0) {
				fprintf(stderr, "Try 'ctlclient %s --help'.\n",
				    name);
				return EXIT_INVALID;
			}
		}
	}
	if (optind != argc) {
		cli_error("%s: unexpected argument '%s'", name, argv[optind]);
		return EXIT_INVALID;
	}
	if (net_opts_check(&a->no) != 0)
		return EXIT_INVALID;
	/* No --token: the tokens are asked for at the terminal. */
	if (a->ntoken == 0)
		return -1;
	if (!from_cluster(op) && a->ntoken > 1) {
		cli_error("%s signs with one token: give --token once (add a "
		    "token to the CTL with --add role=SAST,cert=URI)", name);
		return EXIT_INVALID;
	}
	if (!from_cluster(op) && a->single) {
		cli_error("--single-token belongs to set-mixed-mode and "
		    "migrate to-tokens");
		return EXIT_INVALID;
	}
	if (from_cluster(op) && a->ntoken == 1 && !a->single) {
		cli_error("%s needs two tokens (--token twice): the second is "
		    "the spare that signs when the first is lost; "
		    "--single-token goes on with one", name);
		return EXIT_INVALID;
	}
	if ((op == OP_NON_SECURE || op == OP_REGEN) && a->nadd > 0) {
		cli_error("%s keeps the CTL's records: --add belongs to update",
		    name);
		return EXIT_INVALID;
	}
	if (op != OP_UPDATE && a->ndel > 0) {
		cli_error("--delete belongs to update");
		return EXIT_INVALID;
	}
	return -1;
}

/* Fails early, before connecting, when no one could answer the question. */
static int
can_confirm(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static void
warn_single(void)
{
	fprintf(stderr,
	    "WARNING: only one Security Token will be in the CTL.  If it is\n"
	    "WARNING: lost, locked or broken, nothing can sign the next CTL and\n"
	    "WARNING: the CTL must be deleted by hand on every phone.  Add the\n"
	    "WARNING: spare token soon: ctlclient update --add "
	    "role=SAST,cert=pkcs11:token=...\n");
}

/* The seed's refusal, with what to do. */
static int
not_in_ctl(const X509 *x, const char *uri, const char *sha1,
    struct ctl_diag *d)
{
	char *subj = NULL;
	int rc;

	if (ctl_name_format(X509_get_subject_name(x), &subj) != CTL_OK)
		subj = NULL;
	rc = ctl_diag_set(d, CTL_ERR_UNTRUSTED, "The Security Token you have "
	    "inserted does not exist in the CTL File: %s (%s) is not a SAST "
	    "record of the cluster's CTL (SHA1 %s); sign with a token that is "
	    "(ctlclient fetch, then show, lists them)", uri,
	    subj != NULL ? subj : "?", sha1);
	free(subj);
	return rc;
}

struct job {
	struct args *a;
	struct cli_sources *src;
	struct ctl_plan plan, extra;
	X509 *tokcert[MAX_TOKENS];
	struct net_session *s;
	struct net_cluster cl;
	struct ctl_file *cur;   /* update, set-non-secure: the cluster's CTL */
	char cur_sha1[41];
	struct net_upload_base base;
	struct cli_signer cs;
	uint8_t *file;
	size_t len, nrec;
};

/* What can be read and checked before connecting: token certificates
 * (no PIN) and --add certificates. */
static int
prepare(struct job *j, struct ctl_diag *d)
{
	struct args *a = j->a;
	size_t i, k;
	int rc;

	for (i = 0; i < a->ntoken; i++) {
		if ((rc = cli_cert_open(j->src, a->token[i], &j->tokcert[i],
		    d)) != CTL_OK)
			return rc;
		for (k = 0; k < i; k++)
			if (X509_cmp(j->tokcert[k], j->tokcert[i]) == 0)
				return ctl_diag_set(d, CTL_ERR_USAGE, "--token "
				    "%s and --token %s hold the same "
				    "certificate: give two different tokens",
				    a->token[k], a->token[i]);
	}
	for (i = 0; i < a->nadd; i++)
		if ((rc = ctl_plan_add_arg(&j->extra, j->src, "--add",
		    a->add[i], d)) != CTL_OK)
			return rc;
	return CTL_OK;
}

/* The cluster's CTL, which the signing token must be a SAST of. */
static int
read_current(struct job *j, struct ctl_diag *d)
{
	struct ctl_diag vd;
	uint8_t *raw = NULL;
	size_t len = 0;
	int rc, signer = -1;

	if ((rc = net_fetch_ctl(j->s, &raw, &len, j->cur_sha1, d)) != CTL_OK) {
		if (rc == CTL_ERR_NOT_FOUND)
			rc = ctl_diag_set(d, rc, "the cluster has no CTL: "
			    "ctlclient set-mixed-mode makes the first one");
		return rc;
	}
	ctl_diag_clear(&vd);
	rc = ctl_parse(raw, len, &j->cur, &vd);
	free(raw);
	if (rc != CTL_OK)
		return ctl_diag_set(d, rc, "the cluster's CTL (SHA1 %s) is "
		    "not a valid .tlv file: %s", j->cur_sha1,
		    ctl_diag_msg(&vd, rc));
	if ((rc = ctl_verify(j->cur, &signer, &vd)) != CTL_OK)
		return ctl_diag_set(d, rc, "the cluster's CTL (SHA1 %s) does "
		    "not verify, not built upon: %s", j->cur_sha1,
		    ctl_diag_msg(&vd, rc));
	j->base.given = 1;
	j->base.have = 1;
	(void)net_parse_sha1(j->cur_sha1, j->base.sha1);
	return CTL_OK;
}

/*
 * After a regeneration (same subject, new key), the records of the plan
 * that name a node's old certificate get its present one.  Returns how
 * many records changed.
 */
static size_t
refresh_certs(struct job *j)
{
	size_t i, k, c, n = 0;

	for (i = 0; i < j->plan.n; i++) {
		struct ctl_entry *e = &j->plan.e[i];

		if (e->dns_name == NULL || e->dns_name[0] == '\0')
			continue;
		for (k = 0; k < j->cl.nnodes; k++) {
			const struct net_node *nd = &j->cl.nodes[k];

			if (strcmp(nd->name, e->dns_name) != 0)
				continue;
			for (c = 0; c < NET_CERT_N; c++) {
				X509 *now = nd->certs[c];

				if (now == NULL || X509_cmp(now, e->cert) == 0 ||
				    X509_NAME_cmp(X509_get_subject_name(now),
				    X509_get_subject_name(e->cert)) != 0)
					continue;
				X509_up_ref(now);
				X509_free(e->cert);
				e->cert = now;
				printf("  record %zu: %s's %s certificate was "
				    "regenerated; the new one replaces it\n",
				    i + 1, nd->name,
				    net_cert_name((enum net_cert)c));
				n++;
			}
		}
	}
	return n;
}

static int
make_plan(struct job *j, struct ctl_diag *d)
{
	struct args *a = j->a;
	size_t i;
	int rc;

	if (from_cluster(a->op)) {
		for (i = 0; i < a->ntoken; i++)
			if ((rc = ctl_plan_add(&j->plan, CTL_ROLE_SAST,
			    j->tokcert[i], NULL, NULL, true, d)) != CTL_OK)
				return rc;
		if ((rc = ctl_plan_add_cluster(&j->plan, &j->cl, d)) != CTL_OK)
			return rc;
	} else {
		if ((rc = ctl_plan_add_ctl(&j->plan, j->cur, d)) != CTL_OK)
			return rc;
		if (ctl_plan_find(&j->plan, CTL_ROLE_SAST, j->tokcert[0]) < 0)
			return not_in_ctl(j->tokcert[0], a->token[0],
			    j->cur_sha1, d);
		if ((rc = ctl_plan_delete(&j->plan, a->del, a->ndel,
		    j->tokcert[0], d)) != CTL_OK)
			return rc;
		if (a->op == OP_REGEN && refresh_certs(j) == 0)
			return ctl_diag_set(d, CTL_ERR_REFUSED, "no certificate "
			    "the CTL names was regenerated: nothing to do");
	}
	for (i = 0; i < j->extra.n; i++)
		if ((rc = ctl_plan_add(&j->plan, j->extra.e[i].role,
		    j->extra.e[i].cert, j->extra.e[i].dns_name, j->extra.e[i].ip,
		    j->extra.e[i].token_style, d)) != CTL_OK)
			return rc;
	return CTL_OK;
}

static int
sign_plan(struct job *j, struct ctl_diag *d)
{
	struct ctl_build_opts o = { CTL_DIGEST_SHA1, "CTLFile.tlv", 0 };
	int rc;

	if (j->a->digest != 0)
		o.digest = j->a->digest;
	else if (j->cur != NULL && ctl_digest_md(j->cur->hdr.digest) != NULL)
		o.digest = j->cur->hdr.digest;  /* keep what phones read now */
	o.timestamp = (uint32_t)time(NULL);
	if ((rc = cli_signer_open(j->src, j->a->token[0], &j->cs, d)) != CTL_OK)
		return rc;
	if (X509_cmp(j->cs.s.cert, j->tokcert[0]) != 0)
		return ctl_diag_set(d, CTL_ERR_KEY, "%s: the key found signs "
		    "for another certificate than the one read before; name "
		    "the key with object= or id=", j->a->token[0]);
	if ((rc = ctl_build(j->plan.e, j->plan.n, &j->cs.s, &o, &j->file,
	    &j->len, &j->nrec, d)) != CTL_OK)
		return rc;
	return CTL_OK;
}

static int
finish(struct job *j, struct ctl_diag *d);

/*
 * From tokenless to tokens (seed 001): the tokens' certificates go to
 * Phone-SAST-trust, so that phones holding the tokenless CTL can have
 * TVS vouch for the new signer; preflight checks that against the CTL
 * the phones hold; the tokenless CTL is deleted from every node; the
 * token CTL is uploaded.  Each step can be run again: a run stopped
 * after the deletion resumes at the upload.
 */
static int
run_to_tokens(struct job *j, struct ctl_diag *d)
{
	struct args *a = j->a;
	struct preflight pf;
	bool already, had_ctl = j->cl.sha1[0] != '\0';
	size_t i;
	int rc;

	if (j->cl.security_mode != 1)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is not in "
		    "mixed mode: ctlclient set-mixed-mode moves it to tokens");
	if (j->cl.ctl_mode == 1)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster's CTL is "
		    "signed by eTokens already: ctlclient update changes it");
	if ((rc = make_plan(j, d)) != CTL_OK)
		return rc;
	printf("The new CTL (%zu records), to be signed by %s:\n", j->plan.n,
	    a->token[0]);
	ctl_plan_print(stdout, &j->plan, j->tokcert[0]);
	fflush(stdout);
	if (!a->yes && (rc = net_confirm(ops[a->op].question, "--yes",
	    d)) != CTL_OK)
		return rc;
	printf("Step 1 of 4: the tokens' certificates to Phone-SAST-trust\n");
	for (i = 0; i < a->ntoken; i++) {
		if ((rc = net_trust_add(j->s, "Phone-SAST-trust", j->tokcert[i],
		    &already, d)) != CTL_OK)
			return rc;
		char *subject = NULL;

		if (ctl_name_format(X509_get_subject_name(j->tokcert[i]),
		    &subject) != CTL_OK)
			subject = NULL;
		printf("  %s: %s\n", subject != NULL ? subject : a->token[i],
		    already ? "there already" : "uploaded");
		free(subject);
	}
	if ((rc = sign_plan(j, d)) != CTL_OK)
		return rc;
	printf("Step 2 of 4: preflight against the CTL the phones hold\n");
	if (had_ctl) {
		if ((rc = preflight_run(j->s, j->file, j->len, &pf, d)) !=
		    CTL_OK || (rc = preflight_decide(&pf, a->force, d)) !=
		    CTL_OK)
			return rc;
		printf("Step 3 of 4: delete the tokenless CTL from every node "
		    "(file delete tftp CTLFile.tlv)\n");
		if ((rc = net_delete_ctl(j->s, d)) != CTL_OK)
			return ctl_diag_set(d, rc, "%s; run the command again "
			    "to resume", ctl_diag_msg(d, rc));
	} else {
		/* The phones still hold the CTL an earlier run deleted, which
		 * the server no longer has; what TVS needs is step 1. */
		printf("  the cluster's CTL was deleted by an earlier run; the "
		    "phones still hold it, and TVS vouches for the tokens "
		    "through Phone-SAST-trust (step 1)\n");
		printf("Step 3 of 4: done by an earlier run\n");
	}
	printf("Step 4 of 4: upload the token CTL\n");
	j->base.given = 1;
	j->base.have = 0;
	return finish(j, d);
}

static int
run(struct job *j, struct ctl_diag *d)
{
	struct args *a = j->a;
	struct preflight pf;
	int rc;

	if ((rc = prepare(j, d)) != CTL_OK)
		return rc;
	if ((rc = net_open(&a->no, &j->s, d)) != CTL_OK ||
	    (rc = net_cluster_info(j->s, &j->cl, d)) != CTL_OK)
		return rc;
	printf("Cluster %s: %s, CTL mode %s, CTL SHA1 %s\n", j->s->peer,
	    j->cl.security_mode ? "Mixed mode" : "Non-secure mode",
	    net_ctl_mode_name(j->cl.ctl_mode),
	    j->cl.sha1[0] ? j->cl.sha1 : "(none)");
	if (a->op == OP_TO_TOKENS)
		return run_to_tokens(j, d);
	if (a->op == OP_MIXED) {
		if (j->cl.security_mode == 1)
			return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is "
			    "already in mixed mode (CTL mode %s): ctlclient "
			    "update changes its CTL",
			    net_ctl_mode_name(j->cl.ctl_mode));
		j->base.given = 1;
		j->base.have = j->cl.sha1[0] != '\0';
		if (j->base.have)
			(void)net_parse_sha1(j->cl.sha1, j->base.sha1);
	} else if ((rc = read_current(j, d)) != CTL_OK) {
		return rc;
	}
	if (a->op == OP_REGEN && j->cl.ctl_mode != 1)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster's CTL is "
		    "%s, not signed by eTokens: run ctlclient migrate "
		    "regenerate without --token", net_ctl_mode_name(
		    j->cl.ctl_mode));
	if (a->op == OP_NON_SECURE && j->cl.security_mode == 0)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is already "
		    "in non-secure mode; nothing was changed");
	if ((rc = make_plan(j, d)) != CTL_OK)
		return rc;
	if (ctl_plan_tokens(&j->plan) < 2)
		warn_single();
	printf("The new CTL (%zu records), to be signed by %s:\n", j->plan.n,
	    a->token[0]);
	ctl_plan_print(stdout, &j->plan, j->tokcert[0]);
	fflush(stdout);
	if (!a->yes && (rc = net_confirm(ops[a->op].question, "--yes",
	    d)) != CTL_OK)
		return rc;
	if ((rc = sign_plan(j, d)) != CTL_OK)
		return rc;
	if ((rc = preflight_run(j->s, j->file, j->len, &pf, d)) != CTL_OK ||
	    (rc = preflight_decide(&pf, a->force, d)) != CTL_OK)
		return rc;
	return finish(j, d);
}

/* Uploads the signed CTL, sets the mode, and says what to do next. */
static int
finish(struct job *j, struct ctl_diag *d)
{
	struct args *a = j->a;
	struct ctl_diag ud;
	char md5[33], sha1[41];
	int rc;

	ctl_diag_clear(&ud);
	if ((rc = net_upload_ctl(j->s, "the new CTL", j->file, j->len,
	    &j->base, &ud)) != CTL_OK) {
		if (!sets_mode(a->op))
			return ctl_diag_set(d, rc, "%s", ctl_diag_msg(&ud, rc));
		return ctl_diag_set(d, rc, "%s; the security mode was not "
		    "changed", ctl_diag_msg(&ud, rc));
	}
	if (sets_mode(a->op) && (rc = net_set_security_mode(j->s,
	    a->op == OP_NON_SECURE ? 0 : 1, &ud)) != CTL_OK)
		return ctl_diag_set(d, rc, "the new CTL is on every node, but "
		    "%s; run the command again to set the mode",
		    ctl_diag_msg(&ud, rc));
	ctl_checksums(j->file, j->len, md5, sha1);
	printf("%s\n"
	    "You must restart all the Cisco Unified Communications Manager and "
	    "TFTP nodes in the cluster.\n"
	    "Then restart the phones so that they download the new CTL; they "
	    "show these checksums:\n"
	    "%s(MD5)\n%s(SHA1)\n", ops[a->op].done, md5, sha1);
	return CTL_OK;
}

static int
cmd_ctlmode(enum op op, int argc, char **argv)
{
	struct cli_sources src;
	struct args a;
	struct job j;
	struct ctl_diag d;
	char *picked[2] = { NULL, NULL };
	size_t i;
	int rc, status;

	memset(&src, 0, sizeof(src));
	memset(&a, 0, sizeof(a));
	memset(&j, 0, sizeof(j));
	ctl_plan_init(&j.plan);
	ctl_plan_init(&j.extra);
	j.a = &a;
	j.src = &src;
	if ((status = parse_args(op, argc, argv, &a, &src)) >= 0)
		goto out;
	if (a.ntoken == 0) {
		size_t want = from_cluster(op) && !a.single ? 2 : 1;

		if (!can_confirm()) {
			cli_error("%s needs --token URI (the signing eToken), or "
			    "a terminal to ask for the token on", ops[op].name);
			status = EXIT_INVALID;
			goto out;
		}
		ctl_diag_clear(&d);
		if ((rc = token_pick(src.module, want, picked, &d)) != CTL_OK) {
			cli_error("%s: %s", ops[op].name, ctl_diag_msg(&d, rc));
			status = EXIT_FAIL;
			goto out;
		}
		for (i = 0; i < want; i++)
			a.token[a.ntoken++] = picked[i];
	}
	if (a.single && a.ntoken == 1)
		warn_single();
	if (!a.yes && !can_confirm()) {
		cli_error("no terminal to confirm on; after checking what it "
		    "does, confirm with --yes");
		status = EXIT_FAIL;
		goto out;
	}
	ctl_diag_clear(&d);
	rc = run(&j, &d);
	if (rc != CTL_OK)
		cli_error("%s: %s", ops[op].name, ctl_diag_msg(&d, rc));
	status = rc == CTL_OK ? EXIT_OK : rc == CTL_ERR_USAGE ? EXIT_INVALID :
	    EXIT_FAIL;
out:
	free(j.file);
	cli_signer_close(&j.cs);
	ctl_free(j.cur);
	net_cluster_free(&j.cl);
	net_close(j.s);
	for (i = 0; i < MAX_TOKENS; i++)
		X509_free(j.tokcert[i]);
	ctl_plan_free(&j.plan);
	ctl_plan_free(&j.extra);
	cli_sources_close(&src);
	free(a.add);
	free(a.del);
	free(picked[0]);
	free(picked[1]);
	return status;
}

int
cmd_set_mixed_mode(int argc, char **argv)
{
	return cmd_ctlmode(OP_MIXED, argc, argv);
}

int
cmd_update(int argc, char **argv)
{
	return cmd_ctlmode(OP_UPDATE, argc, argv);
}

int
cmd_set_non_secure(int argc, char **argv)
{
	return cmd_ctlmode(OP_NON_SECURE, argc, argv);
}

int
ctlmode_to_tokens(int argc, char **argv)
{
	return cmd_ctlmode(OP_TO_TOKENS, argc, argv);
}

int
ctlmode_regenerate(int argc, char **argv)
{
	return cmd_ctlmode(OP_REGEN, argc, argv);
}
