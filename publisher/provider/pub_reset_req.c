/*
 * The CTL Provider's recovery requests: ITL_RESET (localkey, remotekey,
 * done), CTL_RESET and ITL_BACKUP (docs/protocol.md).  The work is in
 * pub_itl_reset.c; here are the fields, the change lock, the catch-up
 * that spreads the result, and the wiping of passwords and keys.
 */
#include "pub_provider_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_catchup.h"
#include "pub_itl.h"
#include "pub_itl_reset.h"
#include "pub_log.h"
#include "pub_state.h"
#include "pub_store.h"
#include "secret.h"

/* Reads PT_PASSWORD into PW (PUB_P12_PASSWORD_MAX + 1 bytes). */
static int
get_password(const struct proto_fields *fs, char *pw, struct ctl_diag *d)
{
	int rc;

	if ((rc = proto_get_str(fs, PT_PASSWORD, true, pw,
	    PUB_P12_PASSWORD_MAX, d)) != CTL_OK)
		return rc;
	if (strlen(pw) < PUB_P12_PASSWORD_MIN)
		return ctl_diag_set(d, CTL_ERR_USAGE, "the PKCS12 password is "
		    "shorter than %d characters", PUB_P12_PASSWORD_MIN);
	return CTL_OK;
}

int
pub_do_itl_reset(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct pub_state *st = s->data;
	const uint8_t *p12 = NULL;
	size_t p12len = 0;
	char pw[PUB_P12_PASSWORD_MAX + 1] = "", sha[41] = "";
	uint8_t action;
	int rc;

	if ((rc = proto_get_u8(fs, PT_ACTION, true, &action, d)) != CTL_OK)
		return rc;
	if (action < PROTO_ITL_RESET_LOCALKEY || action > PROTO_ITL_RESET_DONE)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "unknown ITL reset "
		    "action %u", action);
	if (action == PROTO_ITL_RESET_REMOTEKEY &&
	    ((rc = proto_get_bytes(fs, PT_FILE, true, PUB_P12_MAX, &p12,
	    &p12len, d)) != CTL_OK || (rc = get_password(fs, pw, d)) !=
	    CTL_OK))
		goto out;
	pthread_mutex_lock(&srv->change);
	switch (action) {
	case PROTO_ITL_RESET_LOCALKEY:
		rc = pub_itl_reset_localkey(st, s->user, sha, d);
		break;
	case PROTO_ITL_RESET_REMOTEKEY:
		rc = pub_itl_reset_remotekey(st, s->user, p12, p12len, pw, sha,
		    d);
		break;
	default:
		rc = pub_itl_reset_done(st, s->user, d);
		break;
	}
	secret_wipe(pw, sizeof(pw));
	if (rc == CTL_OK) {
		pub_log("%s: ITL reset %s by %s", s->addr, action ==
		    PROTO_ITL_RESET_DONE ? "done" : action ==
		    PROTO_ITL_RESET_LOCALKEY ? "localkey" : "remotekey",
		    s->user);
		/* Every node is given it before the answer, which says
		 * which node serves it. */
		if (pub_store_sha1(srv->self.tftp_dir, PUB_ITL_FILENAME, sha,
		    NULL) == CTL_OK)
			rc = pub_itl_spread(srv, st, s->user, reply, d);
		else
			pub_catch_up_itl(srv->dist_client, st,
			    srv->self.tftp_dir, s->user);
	}
	pthread_mutex_unlock(&srv->change);
out:
	secret_wipe(pw, sizeof(pw));
	return rc;
}

int
pub_do_ctl_reset(struct pub_node_srv *srv, struct pub_session *s,
    struct proto_out *reply, struct ctl_diag *d)
{
	struct pub_state *st = s->data;
	struct pub_settings set;
	struct ctl_diag vd;
	uint8_t *file = NULL;
	size_t len = 0;
	char before[41], after[41];
	int rc;

	pthread_mutex_lock(&srv->change);
	if ((rc = pub_settings_get(st, &set, d)) != CTL_OK ||
	    (rc = pub_ctl_reset_build(st, srv->self.tftp_dir, &file, &len,
	    d)) != CTL_OK)
		goto out;
	pub_current_ctl_sha1(srv, before);
	pub_sha1_hex(file, len, after);
	/* Record first, then write; the catch-up spreads what the
	 * publisher holds and records each node's state. */
	if ((rc = pub_audit_add(st, s->user, "ctl-reset-localkey", before[0] ?
	    before : NULL, after, "the CTL's records re-signed by the "
	    "publisher's CallManager key", d)) != CTL_OK)
		goto out;
	if ((rc = pub_store_write(srv->self.tftp_dir, CTL_NAME, file, len,
	    d)) != CTL_OK) {
		ctl_diag_clear(&vd);
		(void)pub_audit_add(st, s->user, "ctl-reset-localkey-failed",
		    after, before[0] ? before : NULL, ctl_diag_msg(d, rc), &vd);
		goto out;
	}
	if ((rc = pub_settings_set_mode(st, s->user, set.security_mode,
	    PUB_CTL_TOKENLESS, d)) != CTL_OK)
		goto out;
	pub_log("%s: CTL reset localkey by %s: %s", s->addr, s->user, after);
	pub_catch_up_ctl(srv->dist_client, st, srv->self.tftp_dir);
	pub_put_sha1_hex(reply, PT_SHA1, after);
out:
	pthread_mutex_unlock(&srv->change);
	free(file);
	return rc;
}

int
pub_do_itl_backup(struct pub_session *s, const struct proto_fields *fs,
    struct proto_out *reply, struct ctl_diag *d)
{
	char pw[PUB_P12_PASSWORD_MAX + 1] = "", sha[41];
	uint8_t *p12 = NULL;
	size_t len = 0;
	int rc;

	if ((rc = get_password(fs, pw, d)) == CTL_OK &&
	    (rc = pub_itl_backup(s->data, s->user, pw, &p12, &len, sha, d)) ==
	    CTL_OK) {
		pub_log("%s: ITLRecovery backup taken by %s (certificate SHA1 "
		    "%s)", s->addr, s->user, sha);
		proto_put_bytes(reply, PT_FILE, p12, len);
		pub_put_sha1_hex(reply, PT_SHA1, sha);
	}
	secret_wipe(pw, sizeof(pw));
	if (p12 != NULL)
		secret_wipe(p12, len);
	free(p12);
	return rc;
}
