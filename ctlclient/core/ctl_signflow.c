/* Signing a CTL with eTokens and putting it on the cluster: see
 * ctl_signflow.h. */
#include "ctl_signflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "change_json.h"
#include "ctl.h"
#include "ctl_build.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_render.h"
#include "ctl_verify.h"
#include "cli.h"
#include "net_cmd.h"
#include "net_mode.h"
#include "net_opts.h"
#include "preflight.h"
#include "proto_frame.h"
#include "token_pick.h"
#include "tty.h"

/* Operations that set the security mode once the CTL is on every node. */
static bool
sets_mode(enum signflow_op op)
{
	return op == SIGNFLOW_MIXED || op == SIGNFLOW_NON_SECURE ||
	    op == SIGNFLOW_TO_TOKENS;
}

/* Operations whose CTL is made from the cluster and two tokens. */
static bool
from_cluster(enum signflow_op op)
{
	return op == SIGNFLOW_MIXED || op == SIGNFLOW_TO_TOKENS;
}

int
signflow_init(struct signflow *f, enum signflow_op op, const char *name,
    const char *question, const char *done, int argc)
{
	memset(f, 0, sizeof(*f));
	f->op = op;
	f->name = name;
	f->question = question;
	f->done = done;
	ctl_plan_init(&f->plan);
	ctl_plan_init(&f->extra);
	if ((f->add = calloc((size_t)argc + 1, sizeof(*f->add))) == NULL ||
	    (f->del = calloc((size_t)argc + 1, sizeof(*f->del))) == NULL)
		return CTL_ERR_NOMEM;
	return CTL_OK;
}

void
signflow_free(struct signflow *f)
{
	size_t i;

	free(f->file);
	cli_signer_close(&f->cs);
	ctl_free(f->cur);
	net_cluster_free(&f->cl);
	for (i = 0; i < SIGNFLOW_MAX_TOKENS; i++)
		X509_free(f->tokcert[i]);
	ctl_plan_free(&f->plan);
	ctl_plan_free(&f->extra);
	cli_sources_close(&f->src);
	free(f->add);
	free(f->del);
	free(f->picked[0]);
	free(f->picked[1]);
}

int
signflow_option(struct signflow *f, int c, const char *arg,
    struct ctl_diag *d)
{
	switch (c) {
	case SIGNFLOW_OPT_TOKEN:
		if (f->ntoken == SIGNFLOW_MAX_TOKENS)
			return ctl_diag_set(d, CTL_ERR_USAGE, "at most %d "
			    "--token", SIGNFLOW_MAX_TOKENS);
		f->token[f->ntoken++] = arg;
		break;
	case SIGNFLOW_OPT_SINGLE: f->single = true; break;
	case SIGNFLOW_OPT_ADD: f->add[f->nadd++] = arg; break;
	case SIGNFLOW_OPT_DELETE: f->del[f->ndel++] = arg; break;
	case SIGNFLOW_OPT_DIGEST:
		if (ctl_digest_parse(arg, &f->digest) != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--digest %s: use "
			    "sha1, sha256 or sha512", arg);
		break;
	case SIGNFLOW_OPT_MODULE: f->src.module = arg; break;
	case SIGNFLOW_OPT_FINAL_TRY: f->src.login.allow_final_try = 1; break;
	case SIGNFLOW_OPT_FORCE: f->force = true; break;
	case SIGNFLOW_OPT_YES: f->yes = true; break;
	case SIGNFLOW_OPT_JSON: return change_json_start(f->name, d);
	default:
		return ctl_diag_set(d, CTL_ERR_USAGE, "see --help for the "
		    "options");
	}
	return CTL_OK;
}

int
signflow_check(const struct signflow *f, struct ctl_diag *d)
{
	int rc;

	if ((rc = change_json_need_yes(f->yes, d)) != CTL_OK)
		return rc;
	if (f->ntoken == 0 && change_json_on())
		return ctl_diag_set(d, CTL_ERR_USAGE, "--json never asks for a "
		    "token at the terminal: give --token URI");
	/* No --token: the tokens are asked for at the terminal. */
	if (f->ntoken == 0)
		return CTL_OK;
	if (!from_cluster(f->op) && f->ntoken > 1)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s signs with one token: "
		    "give --token once (add a token to the CTL with --add "
		    "role=SAST,cert=URI)", f->name);
	if (!from_cluster(f->op) && f->single)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--single-token belongs "
		    "to set-mixed-mode and migrate to-tokens");
	if (from_cluster(f->op) && f->ntoken == 1 && !f->single)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s needs two tokens "
		    "(--token twice): the second is the spare that signs when "
		    "the first is lost; --single-token goes on with one",
		    f->name);
	if ((f->op == SIGNFLOW_NON_SECURE || f->op == SIGNFLOW_REGEN) &&
	    f->nadd > 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s keeps the CTL's "
		    "records: --add belongs to update", f->name);
	if (f->op != SIGNFLOW_UPDATE && f->ndel > 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--delete belongs to "
		    "update");
	return CTL_OK;
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

/* The CTL client's refusal, in its words, with what to do. */
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

/* What can be read and checked before connecting: token certificates
 * (no PIN) and --add certificates. */
static int
read_certs(struct signflow *f, struct ctl_diag *d)
{
	size_t i, k;
	int rc;

	for (i = 0; i < f->ntoken; i++) {
		if ((rc = cli_cert_open(&f->src, f->token[i], &f->tokcert[i],
		    d)) != CTL_OK)
			return rc;
		for (k = 0; k < i; k++)
			if (X509_cmp(f->tokcert[k], f->tokcert[i]) == 0)
				return ctl_diag_set(d, CTL_ERR_USAGE, "--token "
				    "%s and --token %s hold the same "
				    "certificate: give two different tokens",
				    f->token[k], f->token[i]);
	}
	for (i = 0; i < f->nadd; i++)
		if ((rc = ctl_plan_add_arg(&f->extra, &f->src, "--add",
		    f->add[i], d)) != CTL_OK)
			return rc;
	return CTL_OK;
}

/* The cluster's CTL, which the signing token must be a SAST of. */
static int
read_current(struct signflow *f, struct ctl_diag *d)
{
	struct ctl_diag vd;
	uint8_t *raw = NULL;
	size_t len = 0;
	int rc, signer = -1;

	if ((rc = net_fetch_ctl(f->s, &raw, &len, f->cur_sha1, d)) != CTL_OK) {
		if (rc == CTL_ERR_NOT_FOUND)
			rc = ctl_diag_set(d, rc, "the cluster has no CTL: "
			    "ctlclient set-mixed-mode makes the first one");
		return rc;
	}
	ctl_diag_clear(&vd);
	rc = ctl_parse(raw, len, &f->cur, &vd);
	free(raw);
	if (rc != CTL_OK)
		return ctl_diag_set(d, rc, "the cluster's CTL (SHA1 %s) is "
		    "not a valid .tlv file: %s", f->cur_sha1,
		    ctl_diag_msg(&vd, rc));
	if ((rc = ctl_verify(f->cur, &signer, &vd)) != CTL_OK)
		return ctl_diag_set(d, rc, "the cluster's CTL (SHA1 %s) does "
		    "not verify, not built upon: %s", f->cur_sha1,
		    ctl_diag_msg(&vd, rc));
	f->base.given = 1;
	f->base.have = 1;
	(void)net_parse_sha1(f->cur_sha1, f->base.sha1);
	return CTL_OK;
}

/*
 * After a regeneration (same subject, new key), the records of the plan
 * that name a node's old certificate get its present one.  Returns how
 * many records changed.
 */
static size_t
refresh_certs(struct signflow *f)
{
	size_t i, k, c, n = 0;

	for (i = 0; i < f->plan.n; i++) {
		struct ctl_entry *e = &f->plan.e[i];

		if (e->dns_name == NULL || e->dns_name[0] == '\0')
			continue;
		for (k = 0; k < f->cl.nnodes; k++) {
			const struct net_node *nd = &f->cl.nodes[k];

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

int
signflow_make_plan(struct signflow *f, struct ctl_diag *d)
{
	size_t i;
	int rc;

	if (from_cluster(f->op)) {
		for (i = 0; i < f->ntoken; i++)
			if ((rc = ctl_plan_add(&f->plan, CTL_ROLE_SAST,
			    f->tokcert[i], NULL, NULL, true, d)) != CTL_OK)
				return rc;
		if ((rc = ctl_plan_add_cluster(&f->plan, &f->cl, d)) != CTL_OK)
			return rc;
	} else {
		if ((rc = ctl_plan_add_ctl(&f->plan, f->cur, d)) != CTL_OK)
			return rc;
		if (ctl_plan_find(&f->plan, CTL_ROLE_SAST, f->tokcert[0]) < 0)
			return not_in_ctl(f->tokcert[0], f->token[0],
			    f->cur_sha1, d);
		if ((rc = ctl_plan_delete(&f->plan, f->del, f->ndel,
		    f->tokcert[0], d)) != CTL_OK)
			return rc;
		if (f->op == SIGNFLOW_REGEN && refresh_certs(f) == 0)
			return ctl_diag_set(d, CTL_ERR_REFUSED, "no certificate "
			    "the CTL names was regenerated: nothing to do");
	}
	for (i = 0; i < f->extra.n; i++)
		if ((rc = ctl_plan_add(&f->plan, f->extra.e[i].role,
		    f->extra.e[i].cert, f->extra.e[i].dns_name, f->extra.e[i].ip,
		    f->extra.e[i].token_style, d)) != CTL_OK)
			return rc;
	return CTL_OK;
}

int
signflow_sign(struct signflow *f, struct ctl_diag *d)
{
	struct ctl_build_opts o = { CTL_DIGEST_SHA1, "CTLFile.tlv", 0 };
	int rc;

	if (f->digest != 0)
		o.digest = f->digest;
	else if (f->cur != NULL && ctl_digest_md(f->cur->hdr.digest) != NULL)
		o.digest = f->cur->hdr.digest;  /* keep what phones read now */
	o.timestamp = (uint32_t)time(NULL);
	if ((rc = cli_signer_open(&f->src, f->token[0], &f->cs, d)) != CTL_OK)
		return rc;
	if (X509_cmp(f->cs.s.cert, f->tokcert[0]) != 0)
		return ctl_diag_set(d, CTL_ERR_KEY, "%s: the key found signs "
		    "for another certificate than the one read before; name "
		    "the key with object= or id=", f->token[0]);
	if ((rc = ctl_build(f->plan.e, f->plan.n, &f->cs.s, &o, &f->file,
	    &f->len, &f->nrec, d)) != CTL_OK)
		return rc;
	return CTL_OK;
}

int
signflow_finish(struct signflow *f, struct ctl_diag *d)
{
	struct ctl_diag ud;
	char md5[33], sha1[41], reason[PROTO_MAX_REASON + 1];
	int rc;

	ctl_diag_clear(&ud);
	/* --force pushes what the preflight says phones with TVS reject:
	 * the publisher checks that too, and takes it only with FORCE. */
	snprintf(reason, sizeof(reason), "forced from ctlclient %s --force",
	    f->name);
	if ((rc = net_upload_ctl(f->s, "the new CTL", f->file, f->len,
	    &f->base, f->force ? reason : NULL, &ud)) != CTL_OK) {
		if (!sets_mode(f->op))
			return ctl_diag_set(d, rc, "%s", ctl_diag_msg(&ud, rc));
		return ctl_diag_set(d, rc, "%s; the security mode was not "
		    "changed", ctl_diag_msg(&ud, rc));
	}
	if (sets_mode(f->op) && (rc = net_set_security_mode(f->s,
	    f->op == SIGNFLOW_NON_SECURE ? 0 : 1, &ud)) != CTL_OK)
		return ctl_diag_set(d, rc, "the new CTL is on every node, but "
		    "%s; run the command again to set the mode",
		    ctl_diag_msg(&ud, rc));
	ctl_checksums(f->file, f->len, md5, sha1);
	printf("%s\n"
	    "You must restart all the Cisco Unified Communications Manager and "
	    "TFTP nodes in the cluster.\n"
	    "Then restart the phones so that they download the new CTL; they "
	    "show these checksums:\n"
	    "%s(MD5)\n%s(SHA1)\n", f->done, md5, sha1);
	return CTL_OK;
}

int
signflow_prepare(struct signflow *f, struct ctl_diag *d)
{
	size_t i, want;
	int rc;

	if (f->ntoken == 0) {
		want = from_cluster(f->op) && !f->single ? 2 : 1;
		if (!tty_present())
			return ctl_diag_set(d, CTL_ERR_USAGE, "needs --token URI "
			    "(the signing eToken), or a terminal to ask for the "
			    "token on");
		if ((rc = token_pick(f->src.module, want, f->picked, d)) !=
		    CTL_OK)
			return rc;
		for (i = 0; i < want; i++)
			f->token[f->ntoken++] = f->picked[i];
	}
	if (f->single && f->ntoken == 1)
		warn_single();
	if (!f->yes && !tty_present())
		return ctl_diag_set(d, CTL_ERR_CANCELLED, "no terminal to "
		    "confirm on; after checking what it does, confirm with "
		    "--yes");
	return read_certs(f, d);
}

int
signflow_connect(struct signflow *f, struct net_session *s,
    struct ctl_diag *d)
{
	int rc;

	f->s = s;
	if ((rc = net_cluster_info(s, &f->cl, d)) != CTL_OK)
		return rc;
	printf("Cluster %s: %s, CTL mode %s, CTL SHA1 %s\n", s->peer,
	    f->cl.security_mode ? "Mixed mode" : "Non-secure mode",
	    net_ctl_mode_name(f->cl.ctl_mode),
	    f->cl.sha1[0] ? f->cl.sha1 : "(none)");
	return CTL_OK;
}

int
signflow_show(struct signflow *f, struct ctl_diag *d)
{
	printf("The new CTL (%zu records), to be signed by %s:\n", f->plan.n,
	    f->token[0]);
	ctl_plan_print(stdout, &f->plan, f->tokcert[0]);
	fflush(stdout);
	return f->yes ? CTL_OK : tty_confirm(f->question, "--yes", d);
}

int
signflow_run(struct signflow *f, struct net_session *s, struct ctl_diag *d)
{
	struct preflight pf;
	int rc;

	if ((rc = signflow_connect(f, s, d)) != CTL_OK)
		return rc;
	if (f->op == SIGNFLOW_MIXED) {
		if (f->cl.security_mode == 1)
			return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is "
			    "already in mixed mode (CTL mode %s): ctlclient "
			    "update changes its CTL",
			    net_ctl_mode_name(f->cl.ctl_mode));
		f->base.given = 1;
		f->base.have = f->cl.sha1[0] != '\0';
		if (f->base.have)
			(void)net_parse_sha1(f->cl.sha1, f->base.sha1);
	} else if ((rc = read_current(f, d)) != CTL_OK) {
		return rc;
	}
	if (f->op == SIGNFLOW_REGEN && f->cl.ctl_mode != 1)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster's CTL is "
		    "%s, not signed by eTokens: run ctlclient migrate "
		    "regenerate without --token", net_ctl_mode_name(
		    f->cl.ctl_mode));
	if (f->op == SIGNFLOW_NON_SECURE && f->cl.security_mode == 0)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the cluster is already "
		    "in non-secure mode; nothing was changed");
	if ((rc = signflow_make_plan(f, d)) != CTL_OK)
		return rc;
	if (ctl_plan_tokens(&f->plan) < 2)
		warn_single();
	if ((rc = signflow_show(f, d)) != CTL_OK ||
	    (rc = signflow_sign(f, d)) != CTL_OK)
		return rc;
	if ((rc = preflight_run(f->s, f->file, f->len, &pf, d)) != CTL_OK ||
	    (rc = preflight_decide(&pf, f->force, d)) != CTL_OK)
		return rc;
	return signflow_finish(f, d);
}

struct signflow_ctx {
	const struct signflow_cmd *c;
	struct signflow f;
};

static int
main_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct signflow_ctx *x = ctx;

	return signflow_option(&x->f, c, arg, d);
}

static int
main_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct signflow_ctx *x = ctx;

	if (argc != 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: unexpected argument "
		    "'%s'", x->f.name, argv[0]);
	return signflow_check(&x->f, d);
}

static int
main_before(void *ctx, struct ctl_diag *d)
{
	struct signflow_ctx *x = ctx;

	return signflow_prepare(&x->f, d);
}

static int
main_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct signflow_ctx *x = ctx;

	return x->c->run(&x->f, s, d);
}

static int
main_status(void *ctx, int rc)
{
	(void)ctx;
	return net_exit_status_usage(rc);
}

int
signflow_main(const struct signflow_cmd *c, int argc, char **argv)
{
	static const struct option opts[] = {
		SIGNFLOW_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	char prefix[64];
	struct net_cmd cmd = {
		.name = c->name, .prefix = prefix, .opts = opts,
		.usage = c->usage, .option = main_option,
		.operands = main_operands, .before = main_before,
		.run = main_run, .status = main_status,
	};
	struct signflow_ctx x;
	int status;

	x.c = c;
	if (signflow_init(&x.f, c->op, c->name, c->question, c->done, argc) !=
	    CTL_OK) {
		signflow_free(&x.f);
		cli_error("out of memory");
		return EXIT_FAIL;
	}
	snprintf(prefix, sizeof(prefix), "%s: ", c->name);
	status = net_cmd_main(&cmd, &x, argc, argv);
	signflow_free(&x.f);
	return status;
}
