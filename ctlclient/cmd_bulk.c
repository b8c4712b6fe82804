/*
 * ctlclient bulk sftp [--url sftp://USER@HOST[:PORT]/DIR
 *                      [--password-file F | --sftp-password-file F | --key F]
 *                      [--hostkey FP] [--yes]] [--json]
 * ctlclient bulk export|consolidate|import [--type all|tftp] [--json]
 * ctlclient bulk list [--json]
 *
 * Bulk certificate management between clusters (docs/bulk.md): the
 * publisher does the SFTP work; this command asks it and prints what it
 * did, per node and file.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bulk_reply.h"
#include "bulk_url.h"
#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "json_out.h"
#include "net_cmd.h"
#include "net_password.h"
#include "net_reply.h"
#include "secret.h"
#include "tty.h"

#define KEY_FILE_MAX 16384     /* a private key, as the publisher takes it */
#define HOSTKEY_MAX  127

enum {
	OPT_URL = 0x2000, OPT_SFTP_PASSWORD_FILE, OPT_KEY, OPT_HOSTKEY,
	OPT_YES, OPT_TYPE, OPT_JSON,
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient bulk sftp --server HOST[:PORT]\n"
	    "           [--url sftp://USER@HOST[:PORT]/DIR\n"
	    "            (--password-file F | --sftp-password-file F | --key F)\n"
	    "            [--hostkey SHA256:...] [--yes]] [--json]\n"
	    "       ctlclient bulk export --server HOST[:PORT] [--type all|tftp] "
	    "[--json]\n"
	    "       ctlclient bulk consolidate --server HOST[:PORT] "
	    "[--type all|tftp] [--json]\n"
	    "       ctlclient bulk import --server HOST[:PORT] [--type all|tftp] "
	    "[--json]\n"
	    "       ctlclient bulk list --server HOST[:PORT] [--json]\n\n"
	    "Bulk certificate management between clusters, done by the\n"
	    "publisher on one SFTP server that the clusters share: export\n"
	    "writes one PKCS12 file per node, consolidate (once two clusters\n"
	    "have exported) one file with every cluster's certificates, and\n"
	    "import puts the other clusters' certificates into this cluster's\n"
	    "trust stores (CallManager and ITLRecovery: Phone-SAST-trust and\n"
	    "CallManager-trust; CAPF: CallManager-trust; Tomcat: tomcat-trust).\n\n"
	    "  sftp          set the SFTP server (with --url), or show it\n"
	    "  --url URL     sftp://USER@HOST[:PORT]/DIR (port 22 by default)\n"
	    "  --sftp-password-file F\n"
	    "                the SFTP password: the first line of F\n"
	    "  --password-file F\n"
	    "                with --url and neither --sftp-password-file nor\n"
	    "                --key: the last --password-file given is the SFTP\n"
	    "                password; an earlier one logs in to the publisher\n"
	    "                (else $CTLCLIENT_PASSWORD or the prompt does)\n"
	    "  --key F       log in to the SFTP server with this private key\n"
	    "                (OpenSSH or PEM, no passphrase, mode 0600); it is\n"
	    "                sent to the publisher, which keeps it (mode 0600)\n"
	    "  --hostkey FP  pin only this SFTP host key (SHA256:..., as\n"
	    "                ssh-keygen -lf prints it), new or changed\n"
	    "  --yes         pin an SFTP host key seen for the first time\n"
	    "                without asking (a changed key needs the terminal\n"
	    "                or --hostkey)\n"
	    "  --type T      all (CallManager, CAPF, Tomcat, ITLRecovery) or\n"
	    "                tftp (CallManager, ITLRecovery); default all\n"
	    "  --json        one JSON object instead of the text\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 done, 1 refused, not confirmed or failed, 2 bad "
	    "usage\n(or a file that cannot be read).\n");
}

struct bulk_cmd {
	const char *sub, *url_arg, *pw_file, *key_file;
	char hostkey[HOSTKEY_MAX + 1];
	const char *type;
	bool yes, json, bad_input;
	struct bulk_url url;
	char password[NET_MAX_PASSWORD + 1];
	uint8_t *key;
	size_t key_len;
};

static int
bulk_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct bulk_cmd *bc = ctx;

	switch (c) {
	case OPT_URL:
		bc->url_arg = arg;
		return bulk_url_parse(arg, &bc->url, d);
	case OPT_SFTP_PASSWORD_FILE:
		bc->pw_file = arg;
		return CTL_OK;
	case OPT_KEY:
		bc->key_file = arg;
		return CTL_OK;
	case OPT_HOSTKEY:
		if (strncmp(arg, "SHA256:", 7) != 0 || strlen(arg) < 8 ||
		    strlen(arg) > HOSTKEY_MAX || strpbrk(arg, " \t\n") != NULL)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--hostkey %s: a "
			    "SHA256 fingerprint as ssh-keygen -lf prints it "
			    "(SHA256:...)", arg);
		snprintf(bc->hostkey, sizeof(bc->hostkey), "%s", arg);
		return CTL_OK;
	case OPT_YES:
		bc->yes = true;
		return CTL_OK;
	case OPT_TYPE:
		if (strcmp(arg, "all") != 0 && strcmp(arg, "tftp") != 0)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--type %s: all or "
			    "tftp", arg);
		bc->type = arg;
		return CTL_OK;
	default:
		bc->json = true;
		return CTL_OK;
	}
}

static int
bulk_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	static const char *const subs[] = { "sftp", "export", "consolidate",
	    "import", "list" };
	struct bulk_cmd *bc = ctx;
	size_t i;

	if (argc != 1)
		return CTL_ERR_USAGE;
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[0], subs[i]) == 0)
			bc->sub = subs[i];
	if (bc->sub == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "bulk: unknown subcommand "
		    "'%s' (sftp, export, consolidate, import, list)", argv[0]);
	if (strcmp(bc->sub, "sftp") != 0) {
		if (bc->url_arg || bc->pw_file || bc->key_file ||
		    bc->hostkey[0] || bc->yes)
			return ctl_diag_set(d, CTL_ERR_USAGE, "bulk %s: --url, "
			    "--key, --hostkey and --yes belong to bulk sftp",
			    bc->sub);
		if (bc->type != NULL && strcmp(bc->sub, "list") == 0)
			return ctl_diag_set(d, CTL_ERR_USAGE, "bulk list: no "
			    "--type (it lists every file)");
		return CTL_OK;
	}
	if (bc->type != NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "bulk sftp: no --type");
	if (bc->url_arg == NULL) {
		if (bc->pw_file || bc->key_file || bc->hostkey[0] || bc->yes)
			return ctl_diag_set(d, CTL_ERR_USAGE, "bulk sftp: the "
			    "password, --key, --hostkey and --yes go with --url");
		return CTL_OK;
	}
	if ((bc->pw_file != NULL) == (bc->key_file != NULL))
		return ctl_diag_set(d, CTL_ERR_USAGE, "bulk sftp --url: give "
		    "the SFTP password (--sftp-password-file F) or a key "
		    "(--key F), one of them");
	return CTL_OK;
}

/* The SFTP secret is read before connecting. */
static int
bulk_before(void *ctx, struct ctl_diag *d)
{
	struct bulk_cmd *bc = ctx;
	struct net_opts o;
	struct stat st;
	int rc = CTL_OK, have = 0;

	if (bc->pw_file != NULL) {
		net_opts_init(&o);
		o.password_file = bc->pw_file;
		rc = net_password_get(&o, "", 0, bc->password,
		    sizeof(bc->password), &have, d);
	} else if (bc->key_file != NULL) {
		/* As ssh does: a key others may read is no secret any more. */
		if (stat(bc->key_file, &st) == 0 && (st.st_mode & 077) != 0)
			rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s: the private key "
			    "may be read by group or others (mode %04o); "
			    "refusing to use it: chmod 600 %s", bc->key_file,
			    (unsigned)(st.st_mode & 07777), bc->key_file);
		else
			rc = file_read_limited(bc->key_file, KEY_FILE_MAX,
			    &bc->key, &bc->key_len, d);
		if (rc == CTL_OK && (bc->key_len == 0 ||
		    memchr(bc->key, '\0', bc->key_len) != NULL))
			rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s: not a private "
			    "key file", bc->key_file);
	}
	if (rc != CTL_OK)
		bc->bad_input = true;
	return rc;
}

/* Checks that A holds only ALLOWED (N of them); then reads strings. */
static int
answer_only(struct net_session *s, const struct net_reply *a,
    const uint16_t *allowed, size_t n, const char *what, struct ctl_diag *d)
{
	struct ctl_diag pd;
	int rc;

	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a->fs, allowed, n, what, &pd)) != CTL_OK)
		return ctl_diag_set(d, rc, "%s: malformed answer to %s: %s",
		    s->peer, what, ctl_diag_msg(&pd, rc));
	return CTL_OK;
}

/* The settings of a BULK_SFTP answer. */
struct sftp_answer {
	char host[BULK_URL_HOST_MAX + 1], user[BULK_URL_USER_MAX + 1];
	char dir[BULK_URL_DIR_MAX + 1], auth[16], state[16];
	char hostkey[HOSTKEY_MAX + 1], old_hostkey[HOSTKEY_MAX + 1];
	uint16_t port;
};

static int
sftp_call(struct net_session *s, struct bulk_cmd *bc, const char *pin,
    struct sftp_answer *out, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SFTP_HOST, PT_PORT, PT_USER,
	    PT_SFTP_DIR, PT_OPERATION, PT_STATE, PT_HOSTKEY, PT_OLD_HOSTKEY };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	struct ctl_diag pd;
	int rc;

	memset(out, 0, sizeof(*out));
	net_request(s, &o, PROTO_BULK_SFTP);
	if (bc->url_arg != NULL) {
		proto_put_str(&o, PT_SFTP_HOST, bc->url.host);
		proto_put_u16(&o, PT_PORT, bc->url.port);
		proto_put_str(&o, PT_USER, bc->url.user);
		proto_put_str(&o, PT_SFTP_DIR, bc->url.dir);
		if (bc->key != NULL)
			proto_put_bytes(&o, PT_SFTP_KEY, bc->key, bc->key_len);
		else
			proto_put_str(&o, PT_PASSWORD, bc->password);
		if (pin != NULL && pin[0] != '\0')
			proto_put_str(&o, PT_HOSTKEY, pin);
	}
	rc = net_call_change(s, &o, &a, d);
	/* The frame held the secret. */
	if (o.payload.p != NULL)
		secret_wipe(o.payload.p, o.payload.len);
	proto_out_free(&o);
	if (rc != CTL_OK ||
	    (rc = answer_only(s, &a, allowed, 8, "BULK_SFTP", d)) != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = proto_get_str(&a.fs, PT_SFTP_HOST, true, out->host,
	    sizeof(out->host) - 1, &pd)) ||
	    (rc = proto_get_u16(&a.fs, PT_PORT, true, &out->port, &pd)) ||
	    (rc = proto_get_str(&a.fs, PT_USER, true, out->user,
	    sizeof(out->user) - 1, &pd)) ||
	    (rc = proto_get_str(&a.fs, PT_SFTP_DIR, true, out->dir,
	    sizeof(out->dir) - 1, &pd)) ||
	    (rc = proto_get_str(&a.fs, PT_OPERATION, true, out->auth,
	    sizeof(out->auth) - 1, &pd)) ||
	    (rc = proto_get_str(&a.fs, PT_STATE, true, out->state,
	    sizeof(out->state) - 1, &pd)) ||
	    (rc = proto_get_str(&a.fs, PT_HOSTKEY, true, out->hostkey,
	    sizeof(out->hostkey) - 1, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to BULK_SFTP: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	rc = proto_get_str(&a.fs, PT_OLD_HOSTKEY, false, out->old_hostkey,
	    sizeof(out->old_hostkey) - 1, &pd);
	if (rc == CTL_ERR_NOT_FOUND)
		rc = CTL_OK;
	net_clean_text(out->host);
	net_clean_text(out->dir);
	net_clean_text(out->hostkey);
	net_clean_text(out->old_hostkey);
	net_clean_text(out->auth);
out:
	net_reply_free(&a);
	return rc;
}

static void
sftp_print(const struct bulk_cmd *bc, const struct sftp_answer *sa,
    const char *verb)
{
	struct json_out j;

	if (bc->json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "host", sa->host);
		json_int(&j, "port", sa->port);
		json_string(&j, "user", sa->user);
		json_string(&j, "dir", sa->dir);
		json_string(&j, "auth", sa->auth);
		json_string(&j, "hostkey", sa->hostkey);
		json_string(&j, "state", sa->state);
		json_object_end(&j);
		json_finish(&j);
		return;
	}
	printf("%s sftp://%s@%s:%u%s (%s login)\n  host key %s (pinned)\n",
	    verb, sa->user, sa->host, sa->port, sa->dir, sa->auth,
	    sa->hostkey);
}

static int
run_sftp(struct net_session *s, struct bulk_cmd *bc, struct ctl_diag *d)
{
	struct sftp_answer sa;
	char question[512];
	int rc;

	if ((rc = sftp_call(s, bc, bc->hostkey, &sa, d)) != CTL_OK)
		return rc;
	if (bc->url_arg == NULL) {
		sftp_print(bc, &sa, "SFTP server:");
		return CTL_OK;
	}
	if (strcmp(sa.state, "pinned") == 0) {
		sftp_print(bc, &sa, "SFTP server set:");
		return CTL_OK;
	}
	if (strcmp(sa.state, "changed") == 0) {
		fprintf(stderr, "WARNING: the host key of SFTP server %s:%u has "
		    "CHANGED.\n  pinned: %s\n  now:    %s\nSomeone may be "
		    "impersonating it; check with its administrator.\n",
		    sa.host, sa.port, sa.old_hostkey, sa.hostkey);
		snprintf(question, sizeof(question), "Pin the new host key %s "
		    "of %s:%u?", sa.hostkey, sa.host, sa.port);
		rc = tty_confirm(question, "--hostkey SHA256:...", d);
	} else if (strcmp(sa.state, "new") == 0) {
		fprintf(stderr, "The SFTP server %s:%u is new to this cluster."
		    "\n  host key %s\n", sa.host, sa.port, sa.hostkey);
		snprintf(question, sizeof(question), "Pin host key %s of %s:%u "
		    "(compare it with ssh-keygen -lf on the server's key)?",
		    sa.hostkey, sa.host, sa.port);
		rc = bc->yes ? CTL_OK : tty_confirm(question, "--yes", d);
	} else {
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: BULK_SFTP "
		    "answered with state '%s'", s->peer, sa.state);
	}
	if (rc != CTL_OK) {
		snprintf(question, sizeof(question), "%s", ctl_diag_msg(d, rc));
		return ctl_diag_set(d, rc, "SFTP host key not pinned, nothing "
		    "stored: %s", question);
	}
	snprintf(bc->hostkey, sizeof(bc->hostkey), "%s", sa.hostkey);
	if ((rc = sftp_call(s, bc, bc->hostkey, &sa, d)) != CTL_OK)
		return rc;
	if (strcmp(sa.state, "pinned") != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: BULK_SFTP did "
		    "not pin the key it was given", s->peer);
	sftp_print(bc, &sa, "SFTP server set:");
	return CTL_OK;
}

static void
json_file(struct json_out *j, const struct bulk_r_file *f)
{
	size_t k;

	json_object_begin(j, NULL);
	json_string(j, "file", f->file);
	json_string(j, "type", f->type);
	json_bool(j, "consolidated", f->node[0] == '\0');
	if (f->node[0] != '\0') {
		json_string(j, "cluster", f->cluster);
		json_string(j, "node", f->node);
	}
	if (f->ncerts > 0) {
		json_array_begin(j, "certificates");
		for (k = 0; k < f->ncerts; k++)
			json_string(j, NULL, f->certs[k]);
		json_array_end(j);
	}
	json_object_end(j);
}

static void
text_file(const struct bulk_r_file *f)
{
	size_t k;

	printf("  %-14s %s", f->node[0] ? f->node : "-", f->file);
	for (k = 0; k < f->ncerts; k++)
		printf("%s%s", k ? ", " : "  (", f->certs[k]);
	printf("%s\n", f->ncerts ? ")" : "");
}

static void
print_answer(const struct bulk_cmd *bc, unsigned type, const struct bulk_r *r)
{
	struct json_out j;
	size_t i, added = 0;
	const char *last = NULL;

	for (i = 0; i < r->ncerts; i++)
		added += !r->certs[i].already;
	if (bc->json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "operation", bc->sub);
		json_string(&j, "cluster", r->cluster);
		if (r->type[0])
			json_string(&j, "type", r->type);
		if (r->file[0])
			json_string(&j, "file", r->file);
		if (type == PROTO_BULK_IMPORT) {
			json_int(&j, "added", (long long)added);
			json_int(&j, "already", (long long)(r->ncerts - added));
			json_array_begin(&j, "certificates");
			for (i = 0; i < r->ncerts; i++) {
				json_object_begin(&j, NULL);
				json_string(&j, "cluster", r->certs[i].cluster);
				json_string(&j, "node", r->certs[i].node);
				json_string(&j, "type", r->certs[i].type);
				json_string(&j, "store", r->certs[i].store);
				json_string(&j, "sha1", r->certs[i].sha1);
				json_string(&j, "status", r->certs[i].already ?
				    "already" : "added");
				json_object_end(&j);
			}
			json_array_end(&j);
		} else {
			json_array_begin(&j, "files");
			for (i = 0; i < r->nfiles; i++)
				json_file(&j, &r->files[i]);
			json_array_end(&j);
		}
		json_object_end(&j);
		json_finish(&j);
		return;
	}
	switch (type) {
	case PROTO_BULK_EXPORT:
		printf("Exported (%s) cluster %s, one file per node:\n",
		    r->type, r->cluster);
		break;
	case PROTO_BULK_CONSOLIDATE:
		printf("Consolidated (%s) into %s, from:\n", r->type, r->file);
		break;
	case PROTO_BULK_IMPORT:
		printf("Imported (%s) from %s into cluster %s: %zu added, %zu "
		    "already there\n", r->type, r->file, r->cluster, added,
		    r->ncerts - added);
		for (i = 0; i < r->ncerts; i++)
			printf("  %-7s %s %s %-11s -> %-17s %s\n",
			    r->certs[i].already ? "already" : "added",
			    r->certs[i].cluster, r->certs[i].node,
			    r->certs[i].type, r->certs[i].store,
			    r->certs[i].sha1);
		return;
	default:
		printf("On the SFTP server (this cluster is %s):\n",
		    r->cluster);
		if (r->nfiles == 0)
			printf("  no bulk certificate files\n");
		/* Grouped per cluster: the rows come sorted by name. */
		for (i = 0; i < r->nfiles; i++) {
			const char *c = r->files[i].node[0] ?
			    r->files[i].cluster : "consolidated";

			if (last == NULL || strcmp(last, c) != 0)
				printf(" %s%s\n", c, strcmp(c, r->cluster) ==
				    0 ? " (this cluster)" : "");
			last = c;
			text_file(&r->files[i]);
		}
		return;
	}
	for (i = 0; i < r->nfiles; i++) {
		if (type == PROTO_BULK_CONSOLIDATE)
			printf("  %s", r->files[i].cluster);
		text_file(&r->files[i]);
	}
}

static int
run_op(struct net_session *s, struct bulk_cmd *bc, unsigned type,
    struct ctl_diag *d)
{
	struct net_reply a = { { NULL, 0 }, NULL };
	struct bulk_r r;
	struct proto_out o;
	struct ctl_diag pd;
	int rc;

	memset(&r, 0, sizeof(r));
	net_request(s, &o, (uint8_t)type);
	if (bc->type != NULL)
		proto_put_str(&o, PT_BULK_TYPE, bc->type);
	rc = net_call_change(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = bulk_r_parse(&a.fs, type, &r, &pd)) != CTL_OK) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to %s: %s",
		    s->peer, proto_type_name(type), ctl_diag_msg(&pd, rc));
		goto out;
	}
	print_answer(bc, type, &r);
out:
	bulk_r_free(&r);
	net_reply_free(&a);
	return rc;
}

static int
bulk_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct bulk_cmd *bc = ctx;

	switch (bc->sub[0]) {
	case 's':
		return run_sftp(s, bc, d);
	case 'e':
		return run_op(s, bc, PROTO_BULK_EXPORT, d);
	case 'c':
		return run_op(s, bc, PROTO_BULK_CONSOLIDATE, d);
	case 'i':
		return run_op(s, bc, PROTO_BULK_IMPORT, d);
	default:
		return run_op(s, bc, PROTO_BULK_LIST, d);
	}
}

static int
bulk_status(void *ctx, int rc)
{
	const struct bulk_cmd *bc = ctx;

	if (rc != CTL_OK && bc->bad_input)
		return EXIT_INVALID;
	return net_exit_status_usage(rc);
}

/* Is ARG the --password-file option (alone, or with "=FILE")? */
static bool
is_password_file(const char *arg)
{
	return strcmp(arg, "--password-file") == 0 ||
	    strncmp(arg, "--password-file=", 16) == 0;
}

/*
 * `bulk sftp --url` takes its SFTP password from --password-file too, as
 * Cisco's procedure names it, though every network command has a
 * --password-file for the publisher's login: with --url and neither
 * --sftp-password-file nor --key, the last --password-file becomes
 * --sftp-password-file.  ARGV is rewritten in place.
 */
static void
take_sftp_password(int argc, char **argv)
{
	static char opt[] = "--sftp-password-file";
	bool url = false, other = false, sftp = false;
	int i, last = -1;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "sftp") == 0)
			sftp = true;
		else if (strcmp(argv[i], "--url") == 0 ||
		    strncmp(argv[i], "--url=", 6) == 0)
			url = true;
		else if (strncmp(argv[i], "--sftp-password-file", 20) == 0 ||
		    strcmp(argv[i], "--key") == 0 ||
		    strncmp(argv[i], "--key=", 6) == 0)
			other = true;
		else if (is_password_file(argv[i]))
			last = i;
	}
	if (!sftp || !url || other || last < 0)
		return;
	if (strcmp(argv[last], "--password-file") == 0) {
		argv[last] = opt;
	} else {
		/* "--password-file=F": the same with the new name. */
		static char buf[4096 + 24];

		snprintf(buf, sizeof(buf), "%s%s", opt, argv[last] + 15);
		argv[last] = buf;
	}
}

int
cmd_bulk(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, OPT_URL },
		{ "sftp-password-file", required_argument, NULL,
		  OPT_SFTP_PASSWORD_FILE },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "hostkey", required_argument, NULL, OPT_HOSTKEY },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "bulk", .opts = opts, .usage = usage,
		.option = bulk_option, .operands = bulk_operands,
		.before = bulk_before, .run = bulk_run, .status = bulk_status,
	};
	struct bulk_cmd bc;
	int status;

	memset(&bc, 0, sizeof(bc));
	take_sftp_password(argc, argv);
	status = net_cmd_main(&cmd, &bc, argc, argv);
	secret_wipe(bc.password, sizeof(bc.password));
	if (bc.key != NULL) {
		secret_wipe(bc.key, bc.key_len);
		free(bc.key);
	}
	return status;
}
