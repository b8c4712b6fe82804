#include "pub_regen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_itl.h"
#include "pub_state.h"
#include "pub_store.h"

int
pub_cert_regen_check(struct pub_state *st, const char *node,
    enum pub_cert_purpose p, struct pub_node *n, struct ctl_diag *d)
{
	int rc;

	if ((rc = pub_node_get(st, node, n, d)) != CTL_OK)
		return rc;
	if (!pub_cert_type_on_node(p, n->publisher))
		return ctl_diag_set(d, CTL_ERR_USAGE, "node %s has no %s "
		    "certificate: a %s has %s", n->name,
		    pub_cert_purpose_name(p), n->publisher ? "publisher" :
		    "subscriber", n->publisher ? "CallManager, "
		    "CallManager-ECDSA, Tomcat, Tomcat-ECDSA, IPsec, TVS, CAPF "
		    "and ITLRecovery" : "CallManager, CallManager-ECDSA, "
		    "Tomcat, Tomcat-ECDSA, IPsec and TVS (CAPF and "
		    "ITLRecovery are the publisher's)");
	return CTL_OK;
}

/* The SHA1 of the publisher's ITL into HEX, "" when there is none. */
static void
itl_sha1(const struct pub_node *pub, char hex[41])
{
	struct ctl_diag e;

	if (pub_store_sha1(pub->tftp_dir, PUB_ITL_FILENAME, hex, &e) != CTL_OK)
		hex[0] = '\0';
}

int
pub_cert_replace(struct pub_state *st, const char *actor, const char *node,
    enum pub_cert_purpose p, const char *action, pub_cert_maker make,
    void *ctx, struct pub_regen_result *out, struct ctl_diag *d)
{
	struct pub_regen_result r;
	struct pub_node n, pub;
	struct ctl_diag id;
	char detail[PUB_NODE_NAME_MAX + 32], before[41];
	int rc, itl_rc;

	memset(&r, 0, sizeof(r));
	if ((rc = pub_cert_regen_check(st, node, p, &n, d)) != CTL_OK ||
	    (rc = pub_node_publisher(st, &pub, d)) != CTL_OK)
		return rc;
	itl_sha1(&pub, before);
	if ((rc = make(st, actor, &n, p, ctx, &r.cert, d)) != CTL_OK)
		return rc;
	snprintf(detail, sizeof(detail), "%s %s", n.name,
	    pub_cert_purpose_name(p));
	/* The ITL holds the publisher's signer and every node's CallManager
	 * and TVS certificate: rebuild it now, in the publisher's TFTP
	 * directory, from which the running publisher pushes it to the
	 * subscribers.  A certificate it does not hold changes nothing.
	 * The certificate is new whatever happens here, so its audit entry
	 * is written either way, and last. */
	ctl_diag_clear(&id);
	itl_rc = pub_itl_refresh(st, actor, pub.tftp_dir, NULL, &id);
	itl_sha1(&pub, r.itl_sha1);
	r.itl_changed = strcmp(before, r.itl_sha1) != 0;
	if ((rc = pub_audit_add(st, actor, action,
	    r.cert.old_sha1[0] ? r.cert.old_sha1 : NULL, r.cert.new_sha1,
	    detail, d)) != CTL_OK)
		return rc;
	if (out != NULL)
		*out = r;
	if (itl_rc != CTL_OK)
		return ctl_diag_set(d, itl_rc, "the %s certificate of %s was "
		    "replaced, but the ITL could not be rebuilt: %s (the "
		    "running publisher retries every few seconds)",
		    pub_cert_purpose_name(p), n.name, ctl_diag_msg(&id, itl_rc));
	return CTL_OK;
}

/* A new self-signed (or cluster CA) certificate with a new key. */
static int
make_new(struct pub_state *st, const char *actor, const struct pub_node *n,
    enum pub_cert_purpose p, void *ctx, struct pub_cert_made *made,
    struct ctl_diag *d)
{
	const enum pub_key_type *kt = ctx;

	return pub_node_cert_make(st, actor, n, p, *kt, NULL, made, d);
}

int
pub_cert_regenerate(struct pub_state *st, const char *actor, const char *node,
    enum pub_cert_purpose p, enum pub_key_type kt,
    struct pub_regen_result *out, struct ctl_diag *d)
{
	return pub_cert_replace(st, actor, node, p, "cert-regenerate",
	    make_new, &kt, out, d);
}
