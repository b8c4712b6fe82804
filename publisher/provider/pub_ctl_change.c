/*
 * The CTL Provider's requests that change the CTL: an upload, checked as
 * the phones would check it unless forced, the tokenless operations and
 * the CTL's deletion.  Record first, then write: the audit log names
 * every CTL before any node holds it.
 */
#include "pub_provider_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "ctl.h"
#include "ctl_err.h"


#include "ctl_verify.h"
#include "hex.h"
#include "pub_audit.h"
#include "pub_catchup.h"
#include "pub_certgen.h"
#include "pub_dist.h"
#include "pub_log.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pub_tokenless.h"
#include "pub_tvs_ctl.h"

static void
put_results(struct proto_out *o, const struct pub_dist_result *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		proto_group_begin(o, PT_RESULT);
		proto_put_str(o, PT_NAME, r[i].node);
		proto_put_str(o, PT_FILENAME, CTL_NAME);
		proto_put_u8(o, PT_STATUS, r[i].ok ? 0 : 1);
		if (!r[i].ok)
			proto_put_str(o, PT_MESSAGE, r[i].reason[0] ?
			    r[i].reason : "failed");
		proto_group_end(o);
	}
}

/*
 * Distributes DATA (NULL: deletes the CTL) to every node, records the
 * outcome and answers with the per-node results.  Called with the change
 * lock held.
 */
static int
distribute(struct pub_node_srv *srv, struct pub_state *st,
    const uint8_t *data, size_t len, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct pub_node *nodes = NULL;
	struct pub_dist_result *res = NULL;
	size_t n = 0;
	int rc;

	if ((rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK)
		return rc;
	if ((res = calloc(n ? n : 1, sizeof(*res))) == NULL) {
		free(nodes);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	}
	pub_dist_run(srv->dist_client, nodes, n, data != NULL ?
	    PUB_DIST_PUSH : PUB_DIST_DELETE, CTL_NAME, data, len, res);
	pub_dist_record_ctl(st, res, n, data != NULL ? PUB_DIST_PUSH :
	    PUB_DIST_DELETE);
	put_results(reply, res, n);
	rc = CTL_OK;
	if (nodes[0].publisher && !res[0].ok)
		rc = ctl_diag_set(d, CTL_ERR_IO, "the publisher could not "
		    "store the CTL: %s", res[0].reason);
	free(res);
	free(nodes);
	return rc;
}

/*
 * Record first, then write: ACTOR's OP, from the CTL whose SHA1 is
 * BEFORE ("" for none) to DATA (NULL: the CTL deleted), with DETAIL, is
 * committed to the audit log before any node is written, so that no
 * node ever serves a CTL the audit log does not name.  Then DATA goes
 * to every node (distribute()).  When the publisher could not store it,
 * a second entry, OP-failed, says what it holds instead.  Called with
 * the change lock held.
 */
static int
publish_ctl(struct pub_node_srv *srv, struct pub_state *st, const char *actor,
    const char *op, const char *before, const uint8_t *data, size_t len,
    const char *detail, struct proto_out *reply, struct ctl_diag *d)
{
	struct ctl_diag vd;
	char after[41] = "", now[41], failed_op[PUB_AUDIT_OP_MAX];
	int rc;

	if (data != NULL)
		pub_sha1_hex(data, len, after);
	ctl_diag_clear(&vd);
	if ((rc = pub_audit_add(st, actor, op, before[0] ? before : NULL,
	    data != NULL ? after : NULL, detail, &vd)) != CTL_OK)
		return ctl_diag_set(d, rc, "nothing was changed: the audit log "
		    "cannot record the change (%s); try again", ctl_diag_msg(&vd,
		    rc));
	if ((rc = distribute(srv, st, data, len, reply, d)) == CTL_OK)
		return CTL_OK;
	pub_current_ctl_sha1(srv, now);
	snprintf(failed_op, sizeof(failed_op), "%s-failed", op);
	if (pub_audit_add(st, actor, failed_op, data != NULL ? after : NULL,
	    now[0] ? now : NULL, ctl_diag_msg(d, rc), &vd) != CTL_OK)
		pub_log("cannot record that %s failed: %s", op, vd.msg);
	return rc;
}

/* An audit entry's detail; one too long is cut (its start says what
 * matters), as pub_audit_add() would cut it. */
static void __attribute__((format(printf, 3, 4)))
detail_set(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(out, size, fmt, ap);
	va_end(ap);
}

/* Copies the reason of a FORCE field into OUT, control bytes shown as
 * '?' so that the log and the audit log keep one line per entry. */
static void
reason_copy(char *out, size_t size, const char *in)
{
	size_t i;

	snprintf(out, size, "%s", in);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
}

/*
 * The phone-trust check on an uploaded CTL F: would the phones, holding
 * the publisher's present CTL, take it (pub_tvs_ctl_vouch())?  Fills *T.
 * A present CTL that cannot be read or parsed counts as none: phones
 * cannot have taken it either.  Called with the change lock held.
 */
static int
phone_check(struct pub_node_srv *srv, struct pub_state *st,
    const struct ctl_file *f, struct ctl_trust *t, struct ctl_diag *d)
{
	struct ctl_file *installed = NULL;
	struct ctl_diag vd;
	uint8_t *raw = NULL;
	size_t len = 0;
	int rc;

	ctl_diag_clear(&vd);
	if (pub_store_read(srv->self.tftp_dir, CTL_NAME, &raw, &len, &vd) ==
	    CTL_OK && ctl_parse(raw, len, &installed, &vd) != CTL_OK) {
		pub_log("upload check: the publisher's own %s does not parse "
		    "(%s): checked as if there were none", CTL_NAME, vd.msg);
		installed = NULL;
	}
	if (installed != NULL && ctl_is_itl(installed)) {
		ctl_free(installed);
		installed = NULL;
	}
	rc = pub_tvs_ctl_vouch(st, installed, f, t, d);
	ctl_free(installed);
	free(raw);
	return rc;
}

/* Is F signed with the publisher's own CallManager key (tokenless)? */
static bool
signed_by_publisher(struct pub_state *st, const struct ctl_file *f,
    int signer)
{
	struct pub_node pub;
	char *cert = NULL;
	X509 *x = NULL;
	bool same = false;

	if (signer < 0 || pub_node_publisher(st, &pub, NULL) != CTL_OK ||
	    pub_node_cert_paths(st, pub.name, PUB_CERT_CALLMANAGER, &cert,
	    NULL, NULL) != CTL_OK)
		goto out;
	if (pub_certgen_load(cert, NULL, &x, NULL, NULL) == CTL_OK)
		same = X509_cmp(x, f->records[signer].cert) == 0;
out:
	X509_free(x);
	free(cert);
	return same;
}

int
pub_do_upload(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct pub_state *st = s->data;
	struct pub_settings set;
	struct ctl_file *f = NULL;
	struct ctl_trust t;
	struct ctl_diag vd;
	const uint8_t *data, *base;
	const char *subject;
	size_t len, base_len;
	char base_hex[41] = "", now[41], new_sha1[41];
	char detail[PUB_AUDIT_DETAIL_MAX], force[PROTO_MAX_REASON + 1] = "";
	char reason[PROTO_MAX_REASON + 1] = "";
	bool forced;
	int signer = -1, rc;

	if ((rc = proto_get_bytes(fs, PT_FILE, true, PROTO_MAX_FILE, &data,
	    &len, d)) != CTL_OK || (rc = proto_get_bytes(fs, PT_BASE_SHA1, true,
	    20, &base, &base_len, d)) != CTL_OK)
		return rc;
	rc = proto_get_str(fs, PT_FORCE, false, force, PROTO_MAX_REASON, d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	reason_copy(reason, sizeof(reason), force);
	if (base_len != 0 && base_len != 20)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "BASE_SHA1 is %zu "
		    "bytes, not 20 (or none)", base_len);
	if (base_len == 20)
		hex_format(base_hex, sizeof(base_hex), base, 20, '\0', 0);
	ctl_diag_clear(&vd);
	if ((rc = ctl_parse(data, len, &f, &vd)) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_FORMAT, "the file is not a valid "
		    ".tlv file: %s", vd.msg);
	if (ctl_is_itl(f) || f->hdr.filename == NULL ||
	    strcmp(f->hdr.filename, CTL_NAME) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "the file names itself "
		    "%s, not %s", f->hdr.filename ? f->hdr.filename : "nothing",
		    CTL_NAME);
		goto out;
	}
	if ((rc = ctl_verify(f, &signer, &vd)) != CTL_OK) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "the CTL does not "
		    "verify: %s", ctl_diag_msg(&vd, rc));
		goto out;
	}
	subject = f->hdr.signer_name ? f->hdr.signer_name : "?";
	pub_sha1_hex(data, len, new_sha1);
	pthread_mutex_lock(&srv->change);
	pub_current_ctl_sha1(srv, now);
	if (strcmp(now, base_hex) != 0) {
		pthread_mutex_unlock(&srv->change);
		rc = ctl_diag_set(d, CTL_ERR_CONFLICT, "the CTL changed since "
		    "you read it (the server holds %s, you built on %s): read "
		    "it again", now[0] ? now : "none",
		    base_hex[0] ? base_hex : "none");
		pub_log("%s: upload by %s refused: built on %s, server holds "
		    "%s", s->addr, s->user, base_hex[0] ? base_hex : "none",
		    now[0] ? now : "none");
		goto out;
	}
	if ((rc = phone_check(srv, st, f, &t, d)) != CTL_OK)
		goto unlock;
	forced = !t.accept;
	if (forced && !reason[0]) {
		detail_set(detail, sizeof(detail), "%s signed by %s: %s",
		    new_sha1, subject, t.reason);
		(void)pub_audit_add(st, s->user, "upload-ctl-refused",
		    now[0] ? now : NULL, NULL, detail, &vd);
		pub_log("%s: upload by %s of %s refused: %s", s->addr, s->user,
		    new_sha1, t.reason);
		/* What to do first: a long reason is what gets cut. */
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "phones would refuse "
		    "this CTL signed by %s; nothing was changed. Upload the "
		    "signer's certificate to Phone-SAST-trust first, or push "
		    "it anyway with FORCE and a reason (ctlclient upload "
		    "--force --reason TEXT). Why: %s", subject, t.reason);
		goto unlock;
	}
	if (forced)
		detail_set(detail, sizeof(detail), "forced: %s; signed by %s: "
		    "%s", reason, subject, t.reason);
	else
		detail_set(detail, sizeof(detail), "signed by %s%s%s", subject,
		    reason[0] ? "; FORCE not needed: " : "", reason);
	if (forced)
		pub_log("%s: upload by %s of %s forced (%s): %s", s->addr,
		    s->user, new_sha1, reason, t.reason);
	rc = publish_ctl(srv, st, s->user, forced ? "upload-ctl-forced" :
	    "upload-ctl", now, data, len, detail, reply, d);
	if (rc == CTL_OK && pub_settings_get(st, &set, &vd) == CTL_OK)
		(void)pub_settings_set_mode(st, s->user, set.security_mode,
		    signed_by_publisher(st, f, signer) ? PUB_CTL_TOKENLESS :
		    PUB_CTL_TOKEN, &vd);
	if (rc == CTL_OK)
		pub_put_sha1_hex(reply, PT_SHA1, new_sha1);
unlock:
	pthread_mutex_unlock(&srv->change);
out:
	ctl_free(f);
	return rc;
}

int
pub_do_tokenless(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	static const char *const ops[] = { NULL, "tokenless-set-mixed-mode",
	    "tokenless-update", "tokenless-set-non-secure" };
	struct pub_state *st = s->data;
	struct pub_settings set;
	uint8_t action, *file = NULL;
	size_t len;
	char before[41], after[41];
	int rc;

	if ((rc = proto_get_u8(fs, PT_ACTION, true, &action, d)) != CTL_OK)
		return rc;
	if (action < 1 || action > 3)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "unknown tokenless "
		    "action %u", action);
	pthread_mutex_lock(&srv->change);
	if ((rc = pub_settings_get(st, &set, d)) != CTL_OK)
		goto out;
	if (action == 2 && set.security_mode != 1) {
		rc = ctl_diag_set(d, CTL_ERR_NOT_ALLOWED, "the cluster is not "
		    "in mixed mode: use tokenless set-mixed-mode");
		goto out;
	}
	if ((rc = pub_tokenless_build(st, 0, 0, &file, &len, d)) != CTL_OK)
		goto out;
	pub_current_ctl_sha1(srv, before);
	pub_sha1_hex(file, len, after);
	if ((rc = publish_ctl(srv, st, s->user, ops[action], before, file, len,
	    "signed by the publisher's CallManager key", reply, d)) !=
	    CTL_OK || (rc = pub_settings_set_mode(st, s->user, action == 3 ?
	    0 : 1, PUB_CTL_TOKENLESS, d)) != CTL_OK)
		goto out;
	pub_put_sha1_hex(reply, PT_SHA1, after);
	/* `migrate regenerate` follows a certificate regeneration: the ITL
	 * holds those certificates too, so every node gets it now rather
	 * than at the next catch-up. */
	pub_catch_up_itl(srv->dist_client, st, srv->self.tftp_dir, s->user);
out:
	pthread_mutex_unlock(&srv->change);
	free(file);
	return rc;
}

int
pub_do_delete(struct pub_node_srv *srv, struct pub_session *s,
    struct proto_out *reply, struct ctl_diag *d)
{
	struct pub_state *st = s->data;
	struct pub_settings set;
	struct ctl_diag vd;
	char before[41];
	int rc;

	pthread_mutex_lock(&srv->change);
	pub_current_ctl_sha1(srv, before);
	rc = publish_ctl(srv, st, s->user, "delete-ctl", before, NULL, 0, NULL,
	    reply, d);
	/* CUCM keeps the security mode: a mixed cluster without a CTL is
	 * the state the migration back to tokens of Cisco's tokenless CTL
	 * guide starts from. */
	if (rc == CTL_OK && pub_settings_get(st, &set, &vd) == CTL_OK)
		(void)pub_settings_set_mode(st, s->user, set.security_mode,
		    PUB_CTL_NONE, &vd);
	pthread_mutex_unlock(&srv->change);
	return rc;
}

