/* CERT_REGENERATE: CUCM's Regenerate button, over the network; and
 * the answer every replacement of a node's certificate gives. */
#include "pub_provider_int.h"

#include <stdio.h>
#include <string.h>

#include "cert_restart.h"
#include "ctl_err.h"
#include "pub_itl.h"
#include "pub_log.h"
#include "pub_node_cert.h"
#include "pub_regen.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pub_trust.h"

#define TYPE_MAX 31
#define KEY_MAX  15

/* What a CUCM cluster restarts for a new certificate of type P, and what
 * it takes here: the table `ctlclient cert plan` reads too. */
static void
put_restart_hint(struct proto_out *reply, enum pub_cert_purpose p)
{
	const struct cert_restart *r =
	    cert_restart_find(pub_cert_purpose_name(p));
	char hint[512];

	if (r == NULL)
		hint[0] = '\0';
	else
		snprintf(hint, sizeof(hint), "CUCM restarts %s on each node, "
		    "publisher first%s; here %s", r->services, r->phones_reset ?
		    ", then resets the phones" : "", r->here);
	proto_put_str(reply, PT_RESTART, hint);
}

/* FORCE names the rule a forced regeneration overrides, MESSAGE the
 * officer's reason; one without the other is a malformed request. */
static int
get_force(const struct proto_fields *fs, char *rule, char *reason,
    struct ctl_diag *d)
{
	int rf, rm;

	rf = proto_get_str(fs, PT_FORCE, false, rule, PROTO_MAX_REASON, d);
	if (rf != CTL_OK && rf != CTL_ERR_NOT_FOUND)
		return rf;
	rm = proto_get_str(fs, PT_MESSAGE, false, reason, PROTO_MAX_REASON, d);
	if (rm != CTL_OK && rm != CTL_ERR_NOT_FOUND)
		return rm;
	if ((rf == CTL_OK) != (rm == CTL_OK))
		return ctl_diag_set(d, CTL_ERR_USAGE, "a forced CERT_REGENERATE "
		    "needs both FORCE (what is forced) and MESSAGE (why, at "
		    "most %d bytes)", PROTO_MAX_REASON);
	if (rf != CTL_OK)
		rule[0] = reason[0] = '\0';
	return CTL_OK;
}

int
pub_do_cert_regenerate(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	char node[PUB_NODE_NAME_MAX], key[KEY_MAX + 1];
	char rule[PROTO_MAX_REASON + 1], reason[PROTO_MAX_REASON + 1];
	enum pub_cert_purpose p;
	enum pub_key_type kt = PUB_KEY_DEFAULT;
	struct pub_regen_result r;
	int rc;

	if ((rc = pub_cert_target(fs, node, &p, d)) != CTL_OK)
		return rc;
	rc = proto_get_str(fs, PT_KEY_TYPE, false, key, KEY_MAX, d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	if (rc == CTL_OK && pub_key_type_parse(key, &kt) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown key type %s: "
		    "%s", key, PUB_KEY_TYPES);
	if ((rc = get_force(fs, rule, reason, d)) != CTL_OK ||
	    (rc = pub_node_cert_key_check(p, kt, d)) != CTL_OK)
		return rc;
	pthread_mutex_lock(&srv->change);
	if ((rc = pub_cert_regen_recovery_check(s->data, node, p, kt,
	    reason[0] != '\0', d)) == CTL_OK &&
	    (rc = pub_cert_regenerate_forced(s->data, s->user, node, p, kt,
	    reason[0] ? rule : NULL, reason, &r, d)) == CTL_OK)
		rc = pub_cert_reply(srv, s, reason[0] ? "regenerated, forced,"
		    : "regenerated", node, p, &r, reply, d);
	pthread_mutex_unlock(&srv->change);
	return rc;
}

int
pub_cert_target(const struct proto_fields *fs, char node[PUB_NODE_NAME_MAX],
    enum pub_cert_purpose *p, struct ctl_diag *d)
{
	char type[TYPE_MAX + 1];
	int rc;

	if ((rc = proto_get_str(fs, PT_NAME, true, node, PUB_NODE_NAME_MAX - 1,
	    d)) != CTL_OK ||
	    (rc = proto_get_str(fs, PT_CERT_TYPE, true, type, TYPE_MAX, d)) !=
	    CTL_OK)
		return rc;
	if (pub_cert_purpose_parse(type, p) != CTL_OK ||
	    *p == PUB_CERT_CLIENT)
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown certificate type "
		    "%s: the types are %s", type, pub_cert_type_list());
	return CTL_OK;
}

int
pub_cert_reply(struct pub_node_srv *srv, struct pub_session *s,
    const char *done, const char *node, enum pub_cert_purpose p,
    const struct pub_regen_result *rr, struct proto_out *reply,
    struct ctl_diag *d)
{
	const struct pub_regen_result r = *rr;
	char sha[41];

	pub_log("%s: %s %s the %s certificate of %s (%s, serial %s)",
	    s->addr, s->user, done, pub_cert_purpose_name(p), node, r.cert.key,
	    r.cert.serial);
	proto_put_str(reply, PT_NAME, node);
	proto_put_str(reply, PT_CERT_TYPE, pub_cert_purpose_name(p));
	proto_put_str(reply, PT_KEY_TYPE, r.cert.key);
	proto_put_str(reply, PT_SERIAL, r.cert.serial);
	pub_put_sha1_hex(reply, PT_OLD_SHA1, r.cert.old_sha1);
	pub_put_sha1_hex(reply, PT_NEW_SHA1, r.cert.new_sha1);
	if (r.cert.trust_store >= 0)
		proto_put_str(reply, PT_STORE, pub_trust_purpose_name(
		    (enum pub_trust_purpose)r.cert.trust_store));
	proto_put_u8(reply, PT_ITL_REBUILT, r.itl_changed ? 1 : 0);
	put_restart_hint(reply, p);
	/* A new ITL goes to every node before the answer, as ROLLBACK_PRE8
	 * does; otherwise the answer names the ITL the publisher serves. */
	if (r.itl_changed)
		return pub_itl_spread(srv, s->data, s->user, reply, d);
	if (pub_store_sha1(srv->self.tftp_dir, PUB_ITL_FILENAME, sha,
	    NULL) == CTL_OK)
		pub_put_sha1_hex(reply, PT_SHA1, sha);
	return CTL_OK;
}
