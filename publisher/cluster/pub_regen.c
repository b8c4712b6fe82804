#include "pub_regen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

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

/* The RSA size of node NODE's certificate P: 0 when it has none, or
 * when its key is not RSA. */
static int
rsa_bits(struct pub_state *st, const char *node, enum pub_cert_purpose p)
{
	struct ctl_diag e;
	char *path = NULL;
	X509 *x = NULL;
	EVP_PKEY *k;
	int bits = 0;

	if (pub_node_cert_paths(st, node, p, &path, NULL, &e) == CTL_OK &&
	    pub_certgen_load(path, NULL, &x, NULL, &e) == CTL_OK &&
	    (k = X509_get0_pubkey(x)) != NULL &&
	    EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA)
		bits = EVP_PKEY_get_bits(k);
	X509_free(x);
	free(path);
	return bits;
}

/* The size a new key of type KT has for an RSA type (the default is
 * RSA 2048). */
static int
new_rsa_bits(enum pub_key_type kt)
{
	int bits = pub_key_type_rsa_bits(kt);

	return bits > 0 ? bits : 2048;
}

bool
pub_cert_needs_recovery(enum pub_cert_purpose p)
{
	return p == PUB_CERT_CALLMANAGER || p == PUB_CERT_TVS ||
	    p == PUB_CERT_CAPF || p == PUB_CERT_ITLRECOVERY;
}

int
pub_cert_regen_recovery_check(struct pub_state *st, const char *node,
    enum pub_cert_purpose p, enum pub_key_type kt, bool forced,
    struct ctl_diag *d)
{
	struct pub_node *nodes = NULL, pub;
	size_t n = 0, i;
	int rc, recovery, server = 0, b;
	const char *server_node = "";

	if (forced || !pub_cert_needs_recovery(p))
		return CTL_OK;
	if ((rc = pub_node_publisher(st, &pub, d)) != CTL_OK ||
	    (rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK)
		goto out;
	recovery = p == PUB_CERT_ITLRECOVERY ? new_rsa_bits(kt) :
	    rsa_bits(st, pub.name, PUB_CERT_ITLRECOVERY);
	for (i = 0; i < n; i++) {
		b = p == PUB_CERT_CALLMANAGER && strcmp(nodes[i].name, node) ==
		    0 ? new_rsa_bits(kt) : rsa_bits(st, nodes[i].name,
		    PUB_CERT_CALLMANAGER);
		if (b > server) {
			server = b;
			server_node = nodes[i].name;
		}
	}
	/* No ITLRecovery (an RSA one) to recover with: nothing to keep. */
	if (recovery == 0 || recovery >= server) {
		rc = CTL_OK;
		goto out;
	}
	if (p == PUB_CERT_ITLRECOVERY)
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "a %d-bit ITLRecovery key "
		    "would be shorter than the CallManager key of %s (%d "
		    "bits): phones that lose trust could not be recovered "
		    "with it (itl reset refuses it, as CUCM's does); nothing "
		    "was changed. Ask for a key of %d bits or more (--key; "
		    "rsa4096 above 2048: an ITL names no 3072-bit signer), "
		    "or force it with a reason", recovery, server_node,
		    server, server);
	else
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "the ITLRecovery key (%d "
		    "bits) is shorter than the CallManager key of %s (%d "
		    "bits%s): if phones reject the new ITL, itl reset cannot "
		    "recover them with it; nothing was changed. Regenerate "
		    "ITLRecovery with a key of %d bits or more first (rsa4096 "
		    "above 2048; ctlclient cert plan does it in order), or "
		    "force it with a reason", recovery, server_node, server,
		    p == PUB_CERT_CALLMANAGER && strcmp(server_node, node) == 0 ?
		    ", as this regeneration would make it" : "", server);
out:
	free(nodes);
	return rc;
}

int
pub_cert_replace(struct pub_state *st, const char *actor, const char *node,
    enum pub_cert_purpose p, const char *action, const char *note,
    pub_cert_maker make, void *ctx, struct pub_regen_result *out,
    struct ctl_diag *d)
{
	struct pub_regen_result r;
	struct pub_node n, pub;
	struct ctl_diag id;
	char detail[PUB_AUDIT_DETAIL_MAX], before[41];
	int rc, itl_rc;

	memset(&r, 0, sizeof(r));
	if ((rc = pub_cert_regen_check(st, node, p, &n, d)) != CTL_OK ||
	    (rc = pub_node_publisher(st, &pub, d)) != CTL_OK)
		return rc;
	itl_sha1(&pub, before);
	if ((rc = make(st, actor, &n, p, ctx, &r.cert, d)) != CTL_OK)
		return rc;
	snprintf(detail, sizeof(detail), "%s %s%s", n.name,
	    pub_cert_purpose_name(p), note != NULL ? note : "");
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
	return pub_cert_regenerate_forced(st, actor, node, p, kt, NULL, NULL,
	    out, d);
}

int
pub_cert_regenerate_forced(struct pub_state *st, const char *actor,
    const char *node, enum pub_cert_purpose p, enum pub_key_type kt,
    const char *rule, const char *reason, struct pub_regen_result *out,
    struct ctl_diag *d)
{
	char note[PUB_AUDIT_DETAIL_MAX];

	if (rule == NULL)
		return pub_cert_replace(st, actor, node, p, "cert-regenerate",
		    NULL, make_new, &kt, out, d);
	snprintf(note, sizeof(note), "; forced (%s): %s", rule, reason);
	return pub_cert_replace(st, actor, node, p, "cert-regenerate-forced",
	    note, make_new, &kt, out, d);
}
