/*
 * Identity certificates signed by a certificate authority, as CUCM's
 * "Generate CSR" and certificate upload: a request from a new key that
 * stays on the publisher, then the authority's certificate for it,
 * accepted once its chain completes through the type's trust store.
 */
#ifndef PUB_CA_SIGNED_H
#define PUB_CA_SIGNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pub_node.h"
#include "pub_regen.h"
#include "pub_trust.h"

struct ctl_diag;
struct pub_state;

/*
 * The trust store that must hold the chain of a CA-signed certificate
 * of type P, into *STORE: CallManager-trust for CallManager,
 * CallManager-ECDSA and TVS (TVS has no store of its own; its
 * certificate is checked like CallManager's), tomcat-trust for Tomcat
 * and Tomcat-ECDSA, IPsec-trust, CAPF-trust.  Fails with
 * CTL_ERR_NOT_ALLOWED for ITLRecovery (it stays self-signed), and
 * CTL_ERR_USAGE for the internal client certificate.
 */
int pub_cert_ca_store(enum pub_cert_purpose p, enum pub_trust_purpose *store,
    struct ctl_diag *d);

/*
 * Makes a new key for node NODE's certificate of type P, keeps it as the
 * pending key of that node and type (replacing any earlier one), and
 * returns a request for it: the subject of the node's certificate and a
 * subjectAltName of the node's name and address, or of every node's
 * when MULTI_SAN.  *PEM is a new string of *LEN bytes (free); KEY gets
 * the key's description ("RSA 2048").  Records ACTOR's "cert-csr".
 * Fails as pub_cert_regen_check and pub_cert_ca_store with nothing
 * changed, CTL_ERR_CRYPTO, CTL_ERR_IO.
 */
int pub_cert_csr(struct pub_state *st, const char *actor, const char *node,
    enum pub_cert_purpose p, bool multi_san, char **pem, size_t *len,
    char key[24], struct ctl_diag *d);

/*
 * Puts the certificate DER (LEN bytes) in place of node NODE's of type
 * P, through pub_cert_replace (ITL rebuilt when it changed, ACTOR's
 * "cert-upload" audited): only when its public key is the pending key's,
 * it is valid at NOW and its chain completes through P's trust store
 * (pub_chain_check).  The pending key becomes the node's and is no
 * longer pending.  Fails with nothing changed: CTL_ERR_KEY for bytes
 * that are not one DER certificate, a key that is not the pending one,
 * an expired or not yet valid certificate; CTL_ERR_NOT_FOUND with no
 * pending request; CTL_ERR_UNTRUSTED naming the missing or bad link;
 * as pub_cert_regen_check and pub_cert_ca_store otherwise.
 */
int pub_cert_upload(struct pub_state *st, const char *actor, const char *node,
    enum pub_cert_purpose p, const uint8_t *der, size_t len, int64_t now,
    struct pub_regen_result *out, struct ctl_diag *d);

#endif
