/*
 * Certificate regeneration, as CUCM's "Regenerate" button: a new key and
 * a new serial under the same subject.  For the CallManager certificate
 * of the publisher this changes the signer of the next tokenless CTL
 * (Cisco's tokenless CTL guide, "Certificate Regeneration for Tokenless
 * CTL Solution").
 */
#ifndef PUB_REGEN_H
#define PUB_REGEN_H

#include "pub_node.h"

struct ctl_diag;
struct pub_state;

/*
 * Replaces node NODE's self-signed certificate for purpose P
 * (CallManager, CAPF, TVS or ITLRecovery) by one with a new RSA 2048
 * key, a new random serial, the same subject and a new validity; the key
 * file is written first, each file atomically.  Records ACTOR's
 * "cert-regenerate" with the old and new certificate SHA1s.  The ITL in
 * the publisher's TFTP directory is rebuilt when it held the old
 * certificate (pub_itl_refresh); the running publisher pushes it to the
 * subscribers.  The CTL is not rebuilt: that is the administrator's
 * `update CTLFile`.  Fails
 * with CTL_ERR_USAGE for tomcat and client (issued by the cluster CA,
 * not regenerated here), CTL_ERR_NOT_FOUND for an unknown node,
 * CTL_ERR_KEY, CTL_ERR_CRYPTO, CTL_ERR_IO.
 */
int pub_cert_regenerate(struct pub_state *st, const char *actor,
    const char *node, enum pub_cert_purpose p, struct ctl_diag *d);

#endif
