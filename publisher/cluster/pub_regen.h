/*
 * Certificate regeneration, as CUCM's "Regenerate" button: a new key and
 * a new serial under the same subject, for any of a node's certificate
 * types.  For the CallManager certificate of the publisher this changes
 * the signer of the next tokenless CTL (Cisco's tokenless CTL guide,
 * "Certificate Regeneration for Tokenless CTL Solution").  Both the
 * host-side `ctlpublisherd regenerate` and the CERT_REGENERATE request
 * come here.
 */
#ifndef PUB_REGEN_H
#define PUB_REGEN_H

#include <stdbool.h>

#include "pub_certgen.h"
#include "pub_node.h"
#include "pub_node_cert.h"

struct ctl_diag;
struct pub_state;

/* What a regeneration did. */
struct pub_regen_result {
	struct pub_cert_made cert;
	bool itl_changed;       /* the publisher's ITL was rebuilt */
	char itl_sha1[41];      /* the publisher's ITL now, "" for none */
};

/*
 * Checks that node NODE exists and has type P (pub_cert_type_on_node):
 * CTL_ERR_NOT_FOUND for an unknown node, CTL_ERR_USAGE for a type the
 * node does not have.  Changes nothing.
 */
int pub_cert_regen_check(struct pub_state *st, const char *node,
    enum pub_cert_purpose p, struct pub_node *n, struct ctl_diag *d);

/*
 * Replaces node NODE's certificate of type P by one with a new key of
 * type KT (PUB_KEY_DEFAULT: the type's own), a new random serial, the
 * same subject and a new validity (pub_node_cert_make, which also
 * replaces it in the trust stores that held it).  Records ACTOR's
 * "cert-regenerate" with the old and new certificate SHA1s.  The ITL in
 * the publisher's TFTP directory is rebuilt when it held the old
 * certificate (pub_itl_refresh); the running publisher pushes it to the
 * subscribers.  The CTL is not rebuilt: that is the administrator's
 * `update CTLFile`.  OUT (may be NULL) says what happened.  Fails as
 * pub_cert_regen_check, with CTL_ERR_USAGE for a key type the type
 * cannot have, CTL_ERR_KEY, CTL_ERR_CRYPTO, CTL_ERR_IO; a certificate
 * regenerated whose ITL could not be rebuilt is a failure too, its
 * message says so.
 */
int pub_cert_regenerate(struct pub_state *st, const char *actor,
    const char *node, enum pub_cert_purpose p, enum pub_key_type kt,
    struct pub_regen_result *out, struct ctl_diag *d);

/*
 * The same, forced over a refusal of pub_cert_regen_recovery_check():
 * RULE names what is forced and REASON (both NULL: not forced) is the
 * officer's why; the audit entry is "cert-regenerate-forced" with both
 * in its detail.
 */
int pub_cert_regenerate_forced(struct pub_state *st, const char *actor,
    const char *node, enum pub_cert_purpose p, enum pub_key_type kt,
    const char *rule, const char *reason, struct pub_regen_result *out,
    struct ctl_diag *d);

/* Whether a new certificate of type P changes the ITL phones hold, so
 * that phones that reject it would need ITL recovery: CallManager, TVS,
 * CAPF and ITLRecovery itself. */
bool pub_cert_needs_recovery(enum pub_cert_purpose p);

/*
 * The rule of the CUCM certificate regeneration procedure a single
 * regeneration can check: a certificate of the ITL (P, as
 * pub_cert_needs_recovery) is not regenerated while the ITLRecovery RSA
 * key is, or would become (P ITLRecovery with key KT), shorter than a
 * node's CallManager RSA key, counting the new key when P is node
 * NODE's CallManager; recovery with it would fail.  CTL_ERR_REFUSED
 * with why and what to do, unless FORCED; changes nothing.  A cluster
 * without an RSA ITLRecovery passes.
 */
int pub_cert_regen_recovery_check(struct pub_state *st, const char *node,
    enum pub_cert_purpose p, enum pub_key_type kt, bool forced,
    struct ctl_diag *d);

/* Puts node N's new certificate of type P in place (MADE says what it
 * did), CTX being the caller's; fails leaving the old one. */
typedef int (*pub_cert_maker)(struct pub_state *st, const char *actor,
    const struct pub_node *n, enum pub_cert_purpose p, void *ctx,
    struct pub_cert_made *made, struct ctl_diag *d);

/*
 * What every replacement of a node's certificate goes through, whoever
 * makes the new one (pub_cert_regenerate, a CA-signed upload): checks
 * the node and type (pub_cert_regen_check), calls MAKE, rebuilds the
 * ITL when it held the old certificate, and records ACTOR's ACTION
 * ("cert-regenerate") with the old and new SHA1s, its detail "NODE TYPE"
 * followed by NOTE (NULL: nothing).  Fails as pub_cert_regenerate, or
 * as MAKE with nothing changed.
 */
int pub_cert_replace(struct pub_state *st, const char *actor,
    const char *node, enum pub_cert_purpose p, const char *action,
    const char *note, pub_cert_maker make, void *ctx,
    struct pub_regen_result *out, struct ctl_diag *d);

#endif
