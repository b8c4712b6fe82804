/*
 * Making one certificate of a node: the key, the certificate with the
 * subject and extensions CUCM gives that type, its files, its row in the
 * state and its place in the trust store that carries it.  Cluster
 * creation, the state upgrade and regeneration all go through here, so a
 * certificate is made the same way whoever asks.
 */
#ifndef PUB_NODE_CERT_H
#define PUB_NODE_CERT_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pub_certgen.h"
#include "pub_node.h"

struct ctl_diag;
struct pub_state;

/* The cluster CA that issues the Tomcat and client certificates. */
struct pub_cert_ca {
	X509 *cert;             /* borrowed */
	EVP_PKEY *key;          /* borrowed */
};

/* What pub_node_cert_make did. */
struct pub_cert_made {
	char old_sha1[41];      /* the replaced certificate, "" for none */
	char new_sha1[41];
	char serial[129];       /* the new serial, uppercase hex */
	char key[24];           /* "RSA 2048", "EC P-256", ... */
	int trust_store;        /* the trust store it went to, -1 for none */
};

/*
 * The trust store a new certificate of type P is put in, as CUCM
 * uploads it: CallManager-ECDSA to CallManager-trust, Tomcat-ECDSA to
 * tomcat-trust; -1 for the others.
 */
int pub_cert_trust_store(enum pub_cert_purpose p);

/* Does type P have an EC key (the -ECDSA types, and Tomcat and client,
 * which the cluster CA issues)? */
bool pub_cert_type_is_ec(enum pub_cert_purpose p);

/*
 * Whether a new key of type KT (PUB_KEY_DEFAULT always is) suits a
 * certificate of type P: EC for the EC types, RSA for the others, and
 * no 3072-bit key for CallManager and ITLRecovery, whose keys sign the
 * CTL and the ITL.  CTL_ERR_USAGE with what to choose otherwise.
 */
int pub_node_cert_key_check(enum pub_cert_purpose p, enum pub_key_type kt,
    struct ctl_diag *d);

/*
 * Makes node N's certificate for purpose P with a new key of type KT
 * (PUB_KEY_DEFAULT: RSA 2048, EC P-256 for the -ECDSA types and the
 * ones the cluster CA issues) and a new random serial.  When the node
 * has one already, the subject stays and the old certificate is
 * replaced in every trust store that holds it.  CA issues Tomcat and
 * client; NULL reads the cluster CA from the cluster directory.  The key
 * file is written first, each file atomically, then the state: the
 * certificate row and the trust stores, with ACTOR's trust-add and
 * trust-delete audit entries, in one transaction.  OUT (may be NULL)
 * says what was made.  Fails with CTL_ERR_USAGE for a key the type
 * cannot have (pub_node_cert_key_check), CTL_ERR_KEY, CTL_ERR_CRYPTO,
 * CTL_ERR_IO.
 */
int pub_node_cert_make(struct pub_state *st, const char *actor,
    const struct pub_node *n, enum pub_cert_purpose p,
    enum pub_key_type kt, const struct pub_cert_ca *ca,
    struct pub_cert_made *out, struct ctl_diag *d);

/*
 * Puts CERT with its KEY (both borrowed) in place of node N's
 * certificate of type P, which must exist: the same files, row and
 * trust stores as pub_node_cert_make, the same order (key file first,
 * then the certificate, then the state in one transaction).  For a
 * certificate a certificate authority signed; the caller checks its
 * chain.  Fails with CTL_ERR_KEY when KEY is not CERT's,
 * CTL_ERR_NOT_FOUND when N has no such certificate, CTL_ERR_IO.
 */
int pub_node_cert_install(struct pub_state *st, const char *actor,
    const struct pub_node *n, enum pub_cert_purpose p, X509 *cert,
    EVP_PKEY *key, struct pub_cert_made *out, struct ctl_diag *d);

#endif
