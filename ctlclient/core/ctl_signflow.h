/*
 * Signing a CTL with eTokens and putting it on the cluster, the flow
 * behind set-mixed-mode, update, set-non-secure and the token
 * migrations: the token certificates and --add records read before
 * connecting, the plan made from the cluster or its present CTL, the
 * plan shown and confirmed, one login and one C_Sign, the preflight,
 * the upload and, for the mode changes, the security mode set only once
 * the upload went through.
 */
#ifndef CTLCLIENT_CTL_SIGNFLOW_H
#define CTLCLIENT_CTL_SIGNFLOW_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/x509.h>

#include "ctl_plan.h"
#include "net_cluster.h"
#include "net_upload.h"
#include "sources.h"

struct ctl_diag;

#define SIGNFLOW_MAX_TOKENS 8

enum signflow_op {
	SIGNFLOW_MIXED, SIGNFLOW_UPDATE, SIGNFLOW_NON_SECURE,
	SIGNFLOW_TO_TOKENS, SIGNFLOW_REGEN,
};

/* getopt_long codes of the flow's options. */
enum {
	SIGNFLOW_OPT_TOKEN = 0x2000, SIGNFLOW_OPT_SINGLE, SIGNFLOW_OPT_ADD,
	SIGNFLOW_OPT_DELETE, SIGNFLOW_OPT_DIGEST, SIGNFLOW_OPT_MODULE,
	SIGNFLOW_OPT_FINAL_TRY, SIGNFLOW_OPT_FORCE, SIGNFLOW_OPT_YES,
	SIGNFLOW_OPT_JSON,
};

/* The flow's options, for a command's struct option table. */
#define SIGNFLOW_LONG_OPTIONS \
	{ "token", required_argument, NULL, SIGNFLOW_OPT_TOKEN }, \
	{ "single-token", no_argument, NULL, SIGNFLOW_OPT_SINGLE }, \
	{ "add", required_argument, NULL, SIGNFLOW_OPT_ADD }, \
	{ "delete", required_argument, NULL, SIGNFLOW_OPT_DELETE }, \
	{ "digest", required_argument, NULL, SIGNFLOW_OPT_DIGEST }, \
	{ "module", required_argument, NULL, SIGNFLOW_OPT_MODULE }, \
	{ "allow-final-try", no_argument, NULL, SIGNFLOW_OPT_FINAL_TRY }, \
	{ "force", no_argument, NULL, SIGNFLOW_OPT_FORCE }, \
	{ "yes", no_argument, NULL, SIGNFLOW_OPT_YES }, \
	{ "json", no_argument, NULL, SIGNFLOW_OPT_JSON }

/* The help of the options every command of the flow takes. */
#define SIGNFLOW_OPTIONS_HELP \
	"  --digest D         signature digest: sha1 (what every phone\n" \
	"                     reads), sha256 or sha512\n" \
	"  --module PATH      the PKCS#11 module (default:\n" \
	"                     $CTLCLIENT_PKCS11_MODULE, then p11-kit-proxy,\n" \
	"                     SafeNet, OpenSC, SoftHSM)\n" \
	"  --allow-final-try  log in even when the next wrong PIN locks the\n" \
	"                     token for good\n" \
	"  --force            upload even when the preflight says phones with\n" \
	"                     TVS would reject the new CTL\n" \
	"  --yes              do not ask for confirmation (scripts)\n" \
	"  --json             the result as one JSON object (needs --yes\n" \
	"                     and --token); what is printed for people\n" \
	"                     goes to standard error\n\n"

/* The help of the token prompt, for the commands whose --token may be
 * left out (token_pick.h). */
#define SIGNFLOW_PROMPT_HELP \
	"Without --token, it asks at the terminal for each token, as Cisco's\n" \
	"CTL client does: \"Please insert a Security Token\", then shows the\n" \
	"token's certificate and asks \"Add this Security Token? (y/n)\".\n" \
	"Without a terminal, --token is required.\n\n"

/* The help of --add. */
#define SIGNFLOW_ADD_HELP \
	"  --add role=ROLE,cert=CERT[,dns=NAME][,ip=A.B.C.D]\n" \
	"                     one more record (Add TFTP, Add Firewall):\n" \
	"                     ROLE TFTP, FIREWALL (written as CCM), CCM,\n" \
	"                     CCM+TFTP, CAPF, APP-SERVER, TVS, SAST (a token:\n" \
	"                     cert=pkcs11:token=...) or a number; CERT a PEM\n" \
	"                     or DER file or a PKCS#11 URI\n"

/* The end of every flow command's help. */
#define SIGNFLOW_EXIT_HELP \
	"\nExit status: 0 done on every node, 1 refused, not confirmed or " \
	"failed\n(the security mode is changed only after the upload went\n" \
	"through), 2 bad usage.\n"

/* A run of the flow: the command line, and what it has read and made. */
struct signflow {
	enum signflow_op op;
	const char *name;       /* "set-mixed-mode", "migrate to-tokens" */
	const char *question;   /* asked before anything is signed */
	const char *done;       /* the CUCM-style result line */
	/* the command line */
	const char *token[SIGNFLOW_MAX_TOKENS];
	size_t ntoken;
	const char **add, **del;
	size_t nadd, ndel;
	int digest;             /* 0: the default */
	bool single, force, yes;
	char *picked[2];        /* tokens chosen at the terminal */
	struct cli_sources src;
	/* what the run reads and makes */
	struct ctl_plan plan, extra;
	X509 *tokcert[SIGNFLOW_MAX_TOKENS];
	struct net_session *s;  /* not owned */
	struct net_cluster cl;
	struct ctl_file *cur;   /* update, set-non-secure: the cluster's CTL */
	char cur_sha1[41];
	struct net_upload_base base;
	struct cli_signer cs;
	uint8_t *file;
	size_t len, nrec;
};

/* Sets up F for OP and ARGC arguments at most; CTL_ERR_NOMEM. */
int signflow_init(struct signflow *f, enum signflow_op op, const char *name,
    const char *question, const char *done, int argc);

/* Frees what F holds. */
void signflow_free(struct signflow *f);

/* Takes one of SIGNFLOW_LONG_OPTIONS: CTL_OK, or CTL_ERR_USAGE. */
int signflow_option(struct signflow *f, int c, const char *arg,
    struct ctl_diag *d);

/* Checks the options together: CTL_ERR_USAGE (why in D) for those that
 * do not go together. */
int signflow_check(const struct signflow *f, struct ctl_diag *d);

/*
 * Before connecting: asks for the tokens
 * at the terminal when no --token was given, makes sure a confirmation
 * can be asked, reads the token certificates (no PIN) and the --add
 * certificates.  CTL_ERR_USAGE when there is no terminal to ask for
 * the tokens on, CTL_ERR_CANCELLED when there is none to confirm on.
 */
int signflow_prepare(struct signflow *f, struct ctl_diag *d);

/* Reads CLUSTER_INFO on S (kept in F, S not owned) and prints it. */
int signflow_connect(struct signflow *f, struct net_session *s,
    struct ctl_diag *d);

/* The plan: the tokens and the cluster (set-mixed-mode, to-tokens), or
 * the cluster's CTL with the records deleted or refreshed, then --add. */
int signflow_make_plan(struct signflow *f, struct ctl_diag *d);

/* Prints the plan and asks F's question (unless --yes). */
int signflow_show(struct signflow *f, struct ctl_diag *d);

/* Signs the plan with the first token (one login, one C_Sign). */
int signflow_sign(struct signflow *f, struct ctl_diag *d);

/* Uploads the signed CTL, sets the mode, and says what to do next. */
int signflow_finish(struct signflow *f, struct ctl_diag *d);

/* A command of the flow: its words, its help, and its work on the
 * session (signflow_run, or a migration's own). */
struct signflow_cmd {
	enum signflow_op op;
	const char *name;
	const char *question;
	const char *done;
	void (*usage)(FILE *out);
	int (*run)(struct signflow *f, struct net_session *s,
	    struct ctl_diag *d);
};

/*
 * Runs command C on ARGV as every network command runs (net_cmd.h):
 * the flow's options, signflow_check, signflow_prepare, the session,
 * C's run.  Returns the exit status: EXIT_INVALID for bad usage,
 * EXIT_FAIL for any other failure.
 */
int signflow_main(const struct signflow_cmd *c, int argc, char **argv);

/* The whole flow of set-mixed-mode, update, set-non-secure and migrate
 * regenerate on S, after signflow_prepare(). */
int signflow_run(struct signflow *f, struct net_session *s,
    struct ctl_diag *d);

#endif
