/*
 * Making the cluster's keys and certificates: the self-signed node
 * certificates CUCM makes (CallManager, CAPF, TVS, ITLRecovery), the
 * small cluster CA, and the certificates it issues for TLS.
 */
#ifndef PUB_CERTGEN_H
#define PUB_CERTGEN_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct ctl_diag;

/* What a certificate is for; decides key type and extensions. */
enum pub_cert_kind {
	PUB_CERT_SELF_SIGNED,  /* CallManager, TVS, ITLRecovery, IPsec and the
	                          -ECDSA ones: server and client auth, 5 years */
	PUB_CERT_SELF_CA,      /* CAPF: RSA 2048, a CA of its own */
	PUB_CERT_CLUSTER_CA,   /* the cluster CA: EC P-256, 10 years */
	PUB_CERT_TLS_SERVER,   /* issued by the cluster CA: EC P-256 */
	PUB_CERT_TLS_CLIENT,   /* issued by the cluster CA: EC P-256 */
};

/* The key of a new certificate.  DEFAULT is the kind's: RSA 2048 for the
 * self-signed kinds, EC P-256 for the cluster CA and TLS kinds. */
enum pub_key_type {
	PUB_KEY_DEFAULT = 0,
	PUB_KEY_RSA2048, PUB_KEY_RSA3072, PUB_KEY_RSA4096,
	PUB_KEY_EC256, PUB_KEY_EC384,
};

/* Parses "rsa2048", "rsa3072", "rsa4096", "ec256" or "ec384"
 * (case-insensitive).  CTL_OK or CTL_ERR_USAGE. */
int pub_key_type_parse(const char *s, enum pub_key_type *t);

/* The same spellings, for messages. */
#define PUB_KEY_TYPES "rsa2048, rsa3072, rsa4096, ec256 or ec384"

/* Is T an EC key type? */
int pub_key_type_is_ec(enum pub_key_type t);

/* The size of an RSA key of type T; 0 for the EC types and the default. */
int pub_key_type_rsa_bits(enum pub_key_type t);

/* A new key of type T; NULL for PUB_KEY_DEFAULT or when OpenSSL fails.
 * The caller frees it with EVP_PKEY_free. */
EVP_PKEY *pub_key_new(enum pub_key_type t);

/* Describes KEY: "RSA 2048", "EC P-256", "EC P-384" (BUF of LEN). */
const char *pub_key_describe(const EVP_PKEY *key, char *buf, size_t len);

/* The common attributes of every subject the cluster makes. */
#define PUB_SUBJECT_TAIL "OU=Open CTL Lab;O=Open CTL;L=Krakow;ST=Malopolska;C=PL"

struct pub_certgen {
	enum pub_cert_kind kind;
	const char *cn;          /* the subject's CN; the rest is the tail */
	const X509_NAME *subject;/* or a whole subject (wins over CN) */
	EVP_PKEY *key;           /* reuse this key (borrowed); NULL: a new one */
	enum pub_key_type key_type; /* of a new key */
	X509 *issuer;            /* TLS kinds: the CA certificate (borrowed) */
	EVP_PKEY *issuer_key;    /* TLS kinds: the CA key (borrowed) */
	const char *san_dns[4];  /* subjectAltName DNS entries, NULL-ended */
	const char *san_ip[4];   /* subjectAltName IP entries, NULL-ended */
};

/*
 * Makes a new key (unless G->key is given) and a certificate for it
 * with a new random 16-byte serial, as G says.  On success *CERT and
 * *KEY are new references (the caller frees them with X509_free and
 * EVP_PKEY_free).  Fails with CTL_ERR_CRYPTO when OpenSSL does,
 * CTL_ERR_USAGE for a TLS kind without an issuer.
 */
int pub_certgen_make(const struct pub_certgen *g, X509 **cert,
    EVP_PKEY **key, struct ctl_diag *d);

/*
 * Writes CERT as PEM to CERT_PATH (mode 0644) and, when KEY_PATH is not
 * NULL, KEY followed by CERT as PEM to KEY_PATH (mode 0600), so that the
 * key file alone can be given to `ctlclient build --signer`.  The key
 * file is written first; each file is written atomically.
 */
int pub_certgen_write(X509 *cert, EVP_PKEY *key, const char *cert_path,
    const char *key_path, struct ctl_diag *d);

/*
 * Reads a certificate (PEM) from CERT_PATH into *CERT and, when KEY is
 * not NULL, the private key from KEY_PATH into *KEY; checks that the two
 * match.  The caller frees both.  Fails with CTL_ERR_IO or CTL_ERR_KEY,
 * the path named in D.
 */
int pub_certgen_load(const char *cert_path, const char *key_path,
    X509 **cert, EVP_PKEY **key, struct ctl_diag *d);

#endif
