/*
 * ctlclient cert regenerate --node NAME --type TYPE [--key KEY]
 *     --server HOST[:PORT] [--yes] [--json]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_cert.h"
#include "commands.h"
#include "ctl_err.h"
#include "change_json.h"
#include "json_out.h"
#include "net_cmd.h"
#include "net_reply.h"
#include "tty.h"

enum { OPT_YES = 0x2000, OPT_JSON, OPT_NODE, OPT_TYPE, OPT_KEY };

#define NAME_MAX_LEN 64
#define TYPE_MAX_LEN 31
#define KEY_MAX_LEN  15
#define TEXT_MAX     1024

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient cert regenerate --node NAME --type TYPE [--key KEY]\n"
	    "           --server HOST[:PORT] [--yes] [--json]\n\n"
	    "Regenerates one certificate of node NAME, as CUCM's Regenerate\n"
	    "button does: a new key and serial number, the same subject.  TYPE\n"
	    "is CallManager, CallManager-ECDSA, Tomcat, Tomcat-ECDSA, IPsec or\n"
	    "TVS on any node, CAPF or ITLRecovery on the publisher (any case).\n"
	    "KEY is rsa2048, rsa3072 or rsa4096 for the RSA types (rsa2048 by\n"
	    "default; not rsa3072 for CallManager and ITLRecovery, whose keys\n"
	    "sign the CTL and ITL), ec256 or ec384 for the -ECDSA types and\n"
	    "Tomcat (ec256 by default).  The publisher records it in the audit log and replaces\n"
	    "the old certificate in the trust stores that held it (a new\n"
	    "-ECDSA certificate goes to CallManager-trust or tomcat-trust).\n"
	    "When the ITL held the old certificate (CallManager, TVS,\n"
	    "ITLRecovery, CAPF), every node serves the rebuilt ITL before the\n"
	    "answer.  In mixed mode, update the CTL first when it names the\n"
	    "certificate (ctlclient migrate regenerate).  Regenerate one\n"
	    "certificate at a time, and not CallManager and TVS together\n"
	    "(docs/certificates.md gives the order; ctlclient cert plan\n"
	    "prints and runs it).  The publisher refuses CallManager, TVS,\n"
	    "CAPF or ITLRecovery while the ITLRecovery key is, or would\n"
	    "become, shorter than a CallManager key.\n\n"
	    "  --node NAME   the node (as ctlclient status lists them)\n"
	    "  --type TYPE   the certificate type\n"
	    "  --key KEY     the new key's type and size\n"
	    "  --yes         do not ask for confirmation at the terminal\n"
	    "  --json        the result as one JSON object (needs --yes)\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 regenerated (and every node serves the new ITL\n"
	    "when it changed), 1 refused, not confirmed, or a node does not\n"
	    "serve the new ITL yet, 2 bad usage.\n");
}

struct regen_cmd {
	bool yes;
	bool json;
	const char *node;
	const char *type;
	const char *key;
};

static int
regen_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct regen_cmd *rq = ctx;
	const char *what = c == OPT_NODE ? "--node" : c == OPT_TYPE ?
	    "--type" : "--key";
	size_t max = c == OPT_NODE ? NAME_MAX_LEN : c == OPT_TYPE ?
	    TYPE_MAX_LEN : KEY_MAX_LEN;

	switch (c) {
	case OPT_YES: rq->yes = true; return CTL_OK;
	case OPT_JSON:
		rq->json = true;
		change_json_extra(cert_answer_json, NULL);
		return change_json_start("cert regenerate", d);
	}
	if (arg[0] == '\0' || strlen(arg) > max)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: 1 to %zu characters",
		    what, max);
	if (c == OPT_NODE)
		rq->node = arg;
	else if (c == OPT_TYPE)
		rq->type = arg;
	else
		rq->key = arg;
	return CTL_OK;
}

/* Asked before connecting: the server does not wait on a person. */
static int
regen_before(void *ctx, struct ctl_diag *d)
{
	const struct regen_cmd *rq = ctx;
	char q[512];
	int rc;

	if (rq->node == NULL || rq->type == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "cert regenerate needs "
		    "--node NAME and --type TYPE (see ctlclient cert regenerate "
		    "--help)");
	if ((rc = change_json_need_yes(rq->yes, d)) != CTL_OK)
		return rc;
	if (rq->yes)
		return CTL_OK;
	snprintf(q, sizeof(q), "This operation replaces the %s certificate "
	    "of %s by a new one: what trusts the old one (phones, other "
	    "clusters, TLS clients) must be given the new one.\nDo you want "
	    "to continue?", rq->type, rq->node);
	return tty_confirm(q, "--yes", d);
}

/* The answer, its strings cleaned for the terminal. */
struct regen_answer {
	char name[NAME_MAX_LEN + 1], type[TYPE_MAX_LEN + 1];
	char key[TEXT_MAX + 1], serial[TEXT_MAX + 1], store[TEXT_MAX + 1];
	char restart[TEXT_MAX + 1];
	char old_sha1[41], new_sha1[41], itl_sha1[41];
	int have_itl;
	uint8_t itl_rebuilt;
};

static int
parse_answer(const struct proto_fields *fs, const char *req,
    struct regen_answer *r, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_NAME, PT_CERT_TYPE, PT_KEY_TYPE,
	    PT_SERIAL, PT_OLD_SHA1, PT_NEW_SHA1, PT_STORE, PT_ITL_REBUILT,
	    PT_RESTART, PT_SHA1, PT_RESULT };
	int rc, have;

	memset(r, 0, sizeof(*r));
	if ((rc = net_only_fields(fs, allowed, sizeof(allowed) /
	    sizeof(allowed[0]), req, d)) ||
	    (rc = proto_get_str(fs, PT_NAME, true, r->name, NAME_MAX_LEN, d)) ||
	    (rc = proto_get_str(fs, PT_CERT_TYPE, true, r->type, TYPE_MAX_LEN,
	    d)) ||
	    (rc = proto_get_str(fs, PT_KEY_TYPE, true, r->key, TEXT_MAX, d)) ||
	    (rc = proto_get_str(fs, PT_SERIAL, true, r->serial, TEXT_MAX, d)) ||
	    (rc = net_get_sha1(fs, PT_OLD_SHA1, 1, 1, r->old_sha1, &have, d)) ||
	    (rc = net_get_sha1(fs, PT_NEW_SHA1, 1, 0, r->new_sha1, &have, d)) ||
	    (rc = proto_get_u8(fs, PT_ITL_REBUILT, true, &r->itl_rebuilt, d)) ||
	    (rc = net_get_sha1(fs, PT_SHA1, 0, 0, r->itl_sha1, &r->have_itl,
	    d)))
		return rc;
	rc = proto_get_str(fs, PT_STORE, false, r->store, TEXT_MAX, d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	rc = proto_get_str(fs, PT_RESTART, false, r->restart, TEXT_MAX, d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	net_clean_text(r->name);
	net_clean_text(r->type);
	net_clean_text(r->key);
	net_clean_text(r->serial);
	net_clean_text(r->store);
	net_clean_text(r->restart);
	return CTL_OK;
}

/* The answer, once there is one, for the --json object (one command,
 * one answer per process). */
static struct regen_answer json_answer;
static bool json_answered;

void
cert_answer_json(struct json_out *j, void *ctx)
{
	const struct regen_answer *r = json_answered ? &json_answer : NULL;

	(void)ctx;
	json_string(j, "node", r != NULL ? r->name : NULL);
	json_string(j, "type", r != NULL ? r->type : NULL);
	json_string(j, "key", r != NULL ? r->key : NULL);
	json_string(j, "serial", r != NULL ? r->serial : NULL);
	json_string(j, "old_sha1", r != NULL && r->old_sha1[0] ? r->old_sha1 :
	    NULL);
	json_string(j, "new_sha1", r != NULL ? r->new_sha1 : NULL);
	json_string(j, "trust_store", r != NULL && r->store[0] ? r->store :
	    NULL);
	json_bool(j, "itl_rebuilt", r != NULL && r->itl_rebuilt != 0);
	json_string(j, "restart", r != NULL ? r->restart : NULL);
}

/* For people (standard error under --json); JSON keeps the per-node
 * results as the step "itl". */
static void
print_text(const struct regen_answer *r, const char *done,
    const struct net_result *res, size_t n, bool json)
{
	printf("%s the %s certificate of %s\n", done, r->type, r->name);
	printf("  key:          %s\n", r->key);
	printf("  serial:       %s\n", r->serial);
	printf("  SHA1:         %s (was %s)\n", r->new_sha1, r->old_sha1[0] ?
	    r->old_sha1 : "none");
	if (r->store[0])
		printf("  trust store:  %s\n", r->store);
	if (r->itl_rebuilt) {
		printf("  ITL rebuilt:  %s\n", r->have_itl ? r->itl_sha1 : "?");
		if (json)
			(void)change_json_results("itl", res, n);
		else
			(void)net_results_print(stdout, res, n);
	} else {
		printf("  ITL:          unchanged (it does not hold this "
		    "certificate)\n");
	}
	if (r->restart[0])
		printf("  next:         %s\n", r->restart);
}

int
cert_answer_show(const struct net_session *s, const struct net_reply *a,
    bool json, const char *req, const char *done, struct ctl_diag *d)
{
	struct net_result *res = NULL;
	struct regen_answer r;
	struct ctl_diag pd;
	size_t nres = 0, failed = 0, i;
	int rc;

	ctl_diag_clear(&pd);
	/* Per-node results come only with a rebuilt ITL. */
	if ((rc = parse_answer(&a->fs, req, &r, &pd)) || (r.itl_rebuilt &&
	    (rc = net_results_parse(&a->fs, &res, &nres, &pd)))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to %s: %s",
		    s->peer, req, ctl_diag_msg(&pd, rc));
		goto out;
	}
	for (i = 0; i < nres; i++)
		failed += !res[i].passed;
	if (json) {
		json_answer = r;
		json_answered = true;
		if (r.have_itl)
			change_json_itl_sha1(r.itl_sha1);
	}
	print_text(&r, done, res, nres, json);
	/* The certificate is new either way; a node that is down gets the
	 * ITL from the publisher's catch-up when it returns. */
	rc = failed == 0 ? CTL_OK : ctl_diag_set(d, CTL_ERR_REFUSED,
	    "the %s certificate of %s is new, but %zu of %zu nodes still "
	    "serve the old ITL: they get the new one when they answer "
	    "again (ctlclient status)", r.type, r.name, failed, nres);
out:
	free(res);
	return rc;
}

static int
regen_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	const struct regen_cmd *rq = ctx;

	return cert_regenerate_request(s, rq->node, rq->type, rq->key, NULL,
	    NULL, rq->json, d);
}

int
cert_regenerate_request(struct net_session *s, const char *node,
    const char *type, const char *key, const char *rule, const char *reason,
    bool json, struct ctl_diag *d)
{
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	int rc;

	net_request(s, &o, PROTO_CERT_REGENERATE);
	proto_put_str(&o, PT_NAME, node);
	proto_put_str(&o, PT_CERT_TYPE, type);
	if (key != NULL)
		proto_put_str(&o, PT_KEY_TYPE, key);
	/* What is forced, and why: the publisher audits both. */
	if (rule != NULL) {
		proto_put_str(&o, PT_FORCE, rule);
		proto_put_str(&o, PT_MESSAGE, reason);
	}
	if ((rc = net_change(s, &o, &a, "cert regenerate failed", d)) !=
	    CTL_OK)
		goto out;
	rc = cert_answer_show(s, &a, json, "CERT_REGENERATE", "Regenerated",
	    d);
out:
	net_reply_free(&a);
	return rc;
}

int
cert_regenerate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, OPT_NODE },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "cert regenerate", .opts = opts, .usage = usage,
		.option = regen_option, .before = regen_before,
		.run = regen_run,
	};
	struct regen_cmd rq;

	memset(&rq, 0, sizeof(rq));
	return net_cmd_main(&cmd, &rq, argc, argv);
}
