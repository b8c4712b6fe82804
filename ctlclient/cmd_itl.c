/*
 * ctlclient itl reset localkey|remotekey|done, itl backup-recovery:
 * recovering phones that lost trust in the cluster's ITL (CUCM's
 * `utils itl reset`), and the backup of the ITLRecovery key that
 * `remotekey` needs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "change_json.h"
#include "commands.h"
#include "json_out.h"
#include "ctl_err.h"
#include "file_io.h"
#include "net_cmd.h"
#include "net_opts.h"
#include "net_password.h"
#include "net_reply.h"
#include "secret.h"
#include "tty.h"

enum { OPT_YES = 0x2000, OPT_JSON, OPT_P12, OPT_P12_PW };

#define P12_MAX (64u * 1024u)

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient itl reset localkey --server HOST[:PORT] [--yes] [--json]\n"
	    "       ctlclient itl reset remotekey --p12 FILE [--p12-password-file F]\n"
	    "                 --server HOST[:PORT] [--yes] [--json]\n"
	    "       ctlclient itl reset done --server HOST[:PORT] [--yes] [--json]\n"
	    "       ctlclient itl backup-recovery -o FILE [--p12-password-file F]\n"
	    "                 --server HOST[:PORT] [--json]\n\n"
	    "Recovers phones that no longer trust the cluster's ITL, as CUCM's\n"
	    "`utils itl reset` does: typically the ITLRecovery certificate (and\n"
	    "TVS) was regenerated while they were off, so neither their ITL nor\n"
	    "TVS vouches for the new one.  While a reset is active every node\n"
	    "serves a reset ITL: the normal ITL's records (the new ITLRecovery,\n"
	    "CCM+TFTP, TVS) signed by a key the phones still know.\n\n"
	    "  reset localkey    signed by the publisher's CallManager key: phones\n"
	    "                    check a new ITL against the TFTP (CCM+TFTP)\n"
	    "                    certificate of the ITL they hold.  Use it when the\n"
	    "                    CallManager certificate did not change.\n"
	    "  reset remotekey   signed by an ITLRecovery key from a PKCS12 backup\n"
	    "                    (itl backup-recovery) taken before the phones lost\n"
	    "                    trust: they know it as the SAST of their ITL.  Use\n"
	    "                    it when CallManager changed too.\n"
	    "  reset done        every node serves the normal ITL again; phones\n"
	    "                    that took the reset ITL take it directly.  In\n"
	    "                    Cisco's procedure the TFTP service restart ends the\n"
	    "                    reset: run this once the phones have reset.\n"
	    "  backup-recovery   writes the publisher's ITLRecovery key and\n"
	    "                    certificate to FILE, a PKCS12 (AES-256, PBKDF2)\n"
	    "                    protected by a password of 8 characters or more;\n"
	    "                    FILE is created mode 0600 and never overwritten.\n"
	    "                    The only way the key leaves the publisher; the\n"
	    "                    audit log records it.\n\n"
	    "A 1024-bit ITLRecovery key (the publisher's for localkey, the\n"
	    "backup's for remotekey) with 2048-bit CallManager certificates is\n"
	    "refused, as the ITL recovery fails on phones then: regenerate the\n"
	    "ITLRecovery certificate first.  Rehearse before and after\n"
	    "(ctlclient rehearse --installed SNAPSHOT).\n\n"
	    "  --p12 FILE               the PKCS12 backup (remotekey)\n"
	    "  --p12-password-file F    its password from the first line of F\n"
	    "                           (mode 0600); else asked at the terminal\n"
	    "                           without echo (twice for a new backup)\n"
	    "  -o, --output FILE        where backup-recovery writes the PKCS12\n"
	    "  --yes                    do not ask for confirmation (scripts)\n"
	    "  --json                   print the result as one JSON object\n"
	    "                           (reset needs --yes, a PKCS12 password\n"
	    "                           needs --p12-password-file)\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 done (every node serves the new ITL), 1 refused (a\n"
	    "1024-bit ITLRecovery, a wrong password, no reset active, ...), not\n"
	    "confirmed or failed, when nothing is changed; 1 also when a node\n"
	    "does not serve the new ITL yet (the publisher pushes it when the\n"
	    "node returns); 2 bad usage.\n");
}

enum itl_op { ITL_LOCALKEY, ITL_REMOTEKEY, ITL_DONE, ITL_BACKUP };

struct itl_cmd {
	enum itl_op op;
	bool yes;
	const char *p12_path, *pw_file, *output;
	uint8_t *p12;
	size_t p12_len;
	bool bad_file;          /* --p12 or a password file unreadable */
	char cert_sha1[41];     /* the backup's certificate, once written */
	char pw[NET_MAX_PASSWORD + 1];
};

static const char *const op_names[] = { "localkey", "remotekey", "done",
	"backup-recovery" };

static int
itl_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct itl_cmd *ic = ctx;

	switch (c) {
	case OPT_YES: ic->yes = true; break;
	case OPT_JSON: return change_json_start("itl", d);
	case OPT_P12: ic->p12_path = arg; break;
	case OPT_P12_PW: ic->pw_file = arg; break;
	default: ic->output = arg; break;
	}
	return CTL_OK;
}

/* This command's own members of the --json object. */
static void
itl_json(struct json_out *j, void *ctx)
{
	const struct itl_cmd *ic = ctx;

	if (ic->op == ITL_BACKUP) {
		json_string(j, "output", ic->output);
		json_string(j, "cert_sha1", ic->cert_sha1[0] ? ic->cert_sha1 :
		    NULL);
	} else
		json_string(j, "action", op_names[ic->op]);
}

static int itl_parse_operands(struct itl_cmd *ic, int argc, char **argv,
    struct ctl_diag *d);

static int
itl_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct itl_cmd *ic = ctx;
	int rc;

	if ((rc = itl_parse_operands(ic, argc, argv, d)) != CTL_OK)
		return rc;
	change_json_extra(itl_json, ic);
	if (ic->op == ITL_BACKUP)
		change_json_operation("itl-backup-recovery");
	else {
		change_json_operation("itl-reset");
		if ((rc = change_json_need_yes(ic->yes, d)) != CTL_OK)
			return rc;
	}
	if (change_json_on() && ic->pw_file == NULL &&
	    (ic->op == ITL_BACKUP || ic->op == ITL_REMOTEKEY))
		return ctl_diag_set(d, CTL_ERR_USAGE, "--json never asks: give "
		    "the PKCS12 password with --p12-password-file FILE");
	return CTL_OK;
}

static int
itl_parse_operands(struct itl_cmd *ic, int argc, char **argv,
    struct ctl_diag *d)
{
	int i;

	if (argc == 1 && strcmp(argv[0], "backup-recovery") == 0) {
		ic->op = ITL_BACKUP;
		if (ic->p12_path != NULL)
			return ctl_diag_set(d, CTL_ERR_USAGE, "itl "
			    "backup-recovery: --p12 goes with reset remotekey; "
			    "the backup is written with -o FILE");
		if (ic->output == NULL || ic->output[0] == '\0')
			return ctl_diag_set(d, CTL_ERR_USAGE, "itl "
			    "backup-recovery: -o FILE is required");
		return CTL_OK;
	}
	if (argc != 2 || strcmp(argv[0], "reset") != 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "itl: give reset "
		    "localkey|remotekey|done, or backup-recovery");
	for (i = ITL_LOCALKEY; i <= ITL_DONE; i++)
		if (strcmp(argv[1], op_names[i]) == 0)
			ic->op = (enum itl_op)i;
	if (strcmp(argv[1], op_names[ic->op]) != 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "itl reset: unknown "
		    "'%s' (localkey, remotekey, done)", argv[1]);
	if (ic->output != NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "itl reset: -o goes with "
		    "backup-recovery");
	if ((ic->op == ITL_REMOTEKEY) != (ic->p12_path != NULL))
		return ctl_diag_set(d, CTL_ERR_USAGE, "itl reset: --p12 FILE "
		    "goes with remotekey, and only with it");
	return CTL_OK;
}

/* The PKCS12 password: the file, else the terminal (twice when it
 * protects a new backup). */
static int
read_password(struct itl_cmd *ic, struct ctl_diag *d)
{
	struct net_opts o;
	char again[NET_MAX_PASSWORD + 1];
	int have = 0, rc;

	if (ic->pw_file != NULL) {
		memset(&o, 0, sizeof(o));
		o.password_file = ic->pw_file;
		rc = net_password_get(&o, "", 0, ic->pw, sizeof(ic->pw), &have,
		    d);
	} else if ((rc = tty_read_line(ic->op == ITL_BACKUP ? "Password for "
	    "the new ITLRecovery backup: " : "Password of the ITLRecovery "
	    "backup: ", false, ic->pw, sizeof(ic->pw), d)) == CTL_OK &&
	    ic->op == ITL_BACKUP) {
		if ((rc = tty_read_line("The same password again: ", false,
		    again, sizeof(again), d)) == CTL_OK &&
		    strcmp(again, ic->pw) != 0)
			rc = ctl_diag_set(d, CTL_ERR_USAGE, "the two passwords "
			    "differ: nothing was done");
		secret_wipe(again, sizeof(again));
	}
	if (rc != CTL_OK) {
		ic->bad_file = ic->pw_file != NULL;
		return rc;
	}
	if (ic->op == ITL_BACKUP && strlen(ic->pw) < PROTO_P12_PASSWORD_MIN)
		return ctl_diag_set(d, CTL_ERR_USAGE, "the backup password is "
		    "shorter than %d characters: choose a longer one (it "
		    "protects the key that signs the cluster's ITL)",
		    PROTO_P12_PASSWORD_MIN);
	return CTL_OK;
}

/* Before connecting: files read, passwords and confirmation asked. */
static int
itl_before(void *ctx, struct ctl_diag *d)
{
	struct itl_cmd *ic = ctx;
	struct stat sb;
	char q[200];
	int rc;

	if (ic->op == ITL_BACKUP) {
		if (lstat(ic->output, &sb) == 0)
			return ctl_diag_set(d, CTL_ERR_USAGE, "%s exists: "
			    "give a new file name (a backup is never "
			    "overwritten)", ic->output);
		return read_password(ic, d);
	}
	if (ic->op == ITL_REMOTEKEY) {
		if ((rc = file_read_limited(ic->p12_path, P12_MAX, &ic->p12,
		    &ic->p12_len, d)) != CTL_OK) {
			ic->bad_file = true;
			return rc;
		}
		if ((rc = read_password(ic, d)) != CTL_OK)
			return rc;
	}
	if (ic->yes)
		return CTL_OK;
	snprintf(q, sizeof(q), ic->op == ITL_DONE ? "This operation puts the "
	    "normal ITL back on every node. Do you want to continue?" :
	    "This operation resets the ITL (%s) on every node. Do you want "
	    "to continue?", op_names[ic->op]);
	return tty_confirm(q, "--yes", d);
}

/*
 * What a reset did, for people (on standard error under --json): each
 * node's answer, then the ITL.  Fails with CTL_ERR_REFUSED when a node
 * does not serve it yet.
 */
static int
print_reset(const struct itl_cmd *ic, const char *sha1,
    const struct net_result *res, size_t nres, struct ctl_diag *d)
{
	size_t failed;

	failed = change_json_results("itl", res, nres);
	change_json_itl_sha1(sha1);
	if (failed > 0)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "%zu of %zu nodes do "
		    "not serve the new ITL yet; the publisher pushes it when "
		    "they return (ctlclient status shows which answer)",
		    failed, nres);
	if (ic->op == ITL_DONE)
		printf("ITL reset done: every node serves the normal ITL "
		    "(SHA1 %s)\n", sha1[0] ? sha1 : "none");
	else
		printf("ITL reset %s: every node serves the reset ITL (SHA1 "
		    "%s)\nReset the phones, then run ctlclient itl reset "
		    "done\n", op_names[ic->op], sha1);
	return CTL_OK;
}

static int
itl_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	/* A backup's answer is its SHA1 and file; a reset's its SHA1 and
	 * one RESULT per node. */
	static const uint16_t backup_fields[] = { PT_SHA1, PT_FILE };
	static const uint16_t reset_fields[] = { PT_SHA1, PT_RESULT };
	static const uint8_t actions[] = { PROTO_ITL_RESET_LOCALKEY,
	    PROTO_ITL_RESET_REMOTEKEY, PROTO_ITL_RESET_DONE };
	struct itl_cmd *ic = ctx;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct net_result *res = NULL;
	size_t nres = 0;
	struct proto_out o;
	struct ctl_diag pd;
	const uint8_t *p12 = NULL;
	size_t p12_len = 0;
	char sha1[41] = "", what[48];
	int rc, have;

	if (ic->op == ITL_BACKUP) {
		net_request(s, &o, PROTO_ITL_BACKUP);
	} else {
		net_request(s, &o, PROTO_ITL_RESET);
		proto_put_u8(&o, PT_ACTION, actions[ic->op]);
		if (ic->op == ITL_REMOTEKEY)
			proto_put_bytes(&o, PT_FILE, ic->p12, ic->p12_len);
	}
	if (ic->op == ITL_BACKUP || ic->op == ITL_REMOTEKEY)
		proto_put_str(&o, PT_PASSWORD, ic->pw);
	snprintf(what, sizeof(what), "itl %s%s failed", ic->op == ITL_BACKUP ?
	    "" : "reset ", op_names[ic->op]);
	rc = net_change(s, &o, &a, what, d);
	secret_wipe(ic->pw, sizeof(ic->pw));
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = ic->op == ITL_BACKUP ? net_only_fields(&a.fs, backup_fields,
	    2, "ITL_BACKUP", &pd) : net_only_fields(&a.fs, reset_fields, 2,
	    "ITL_RESET", &pd)) != CTL_OK ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, ic->op != ITL_DONE, 0, sha1,
	    &have, &pd)) || (ic->op == ITL_BACKUP &&
	    (rc = proto_get_bytes(&a.fs, PT_FILE, true, P12_MAX, &p12, &p12_len,
	    &pd))) || (ic->op != ITL_BACKUP &&
	    (rc = net_results_parse(&a.fs, &res, &nres, &pd)))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer: %s", s->peer,
		    ctl_diag_msg(&pd, rc));
		goto out;
	}
	if (ic->op == ITL_BACKUP) {
		struct stat sb;

		if (lstat(ic->output, &sb) == 0) {
			rc = ctl_diag_set(d, CTL_ERR_IO, "%s appeared while "
			    "the backup was taken: not overwritten",
			    ic->output);
			goto out;
		}
		if ((rc = file_write_atomic(ic->output, p12, p12_len, 0600,
		    d)) != CTL_OK)
			goto out;
		snprintf(ic->cert_sha1, sizeof(ic->cert_sha1), "%s", sha1);
		printf("%s: the ITLRecovery key and certificate (certificate "
		    "SHA1 %s), mode 0600\n", ic->output, sha1);
	} else
		rc = print_reset(ic, sha1, res, nres, d);
out:
	if (p12 != NULL)
		secret_wipe((void *)(uintptr_t)p12, p12_len);
	free(res);
	net_reply_free(&a);
	return rc;
}

/* A file named on the command line that cannot be read is bad usage. */
static int
itl_status(void *ctx, int rc)
{
	const struct itl_cmd *ic = ctx;

	return rc != CTL_OK && ic->bad_file ? EXIT_INVALID :
	    net_exit_status(rc);
}

int
cmd_itl(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, OPT_YES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "p12", required_argument, NULL, OPT_P12 },
		{ "p12-password-file", required_argument, NULL, OPT_P12_PW },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "itl", .shortopts = "o:", .opts = opts, .usage = usage,
		.option = itl_option, .operands = itl_operands,
		.before = itl_before, .run = itl_run, .status = itl_status,
	};
	struct itl_cmd ic;
	int rc;

	memset(&ic, 0, sizeof(ic));
	rc = net_cmd_main(&cmd, &ic, argc, argv);
	secret_wipe(ic.pw, sizeof(ic.pw));
	if (ic.p12 != NULL)
		secret_wipe(ic.p12, ic.p12_len);
	free(ic.p12);
	return rc;
}
