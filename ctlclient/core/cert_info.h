/*
 * What a person asks of a certificate, read from it with OpenSSL:
 * subject, serial, key, validity, who signed it, fingerprints.  And the
 * certificates of a cluster as the CTL Provider sends them: every
 * node's own (CERT_LIST) and the trust stores (TRUST_LIST).
 */
#ifndef CTLCLIENT_CERT_INFO_H
#define CTLCLIENT_CERT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "net_session.h"

struct ctl_diag;

struct cert_info {
	char subject[256];      /* one line, control bytes cleaned */
	char issuer[256];
	char serial[129];       /* hex, lowercase */
	char key[96];           /* "RSA 2048", "EC P-256", "ED25519" */
	char key_type[16];      /* "RSA", "EC", ... */
	int key_bits;           /* 0 when unknown */
	time_t not_before, not_after;
	char not_before_text[32], not_after_text[32];   /* "... UTC" */
	bool self_signed;       /* issuer == subject and its key verifies it */
	char sha1[41], sha256[65];  /* of the DER, lowercase hex */
};

/* Describes X into *OUT.  Fails with CTL_ERR_KEY when a field cannot be
 * read (a date OpenSSL cannot convert, no public key). */
int cert_info_read(X509 *x, struct cert_info *out);

#define CERT_INFO_FILE_MAX (64u * 1024)   /* one certificate, PEM or DER */

/*
 * Reads one certificate, PEM or DER, from PATH (at most
 * CERT_INFO_FILE_MAX bytes): *DER gets its DER bytes (*DERLEN of them,
 * OPENSSL_free) and *CERT the parsed certificate (X509_free).  Fails
 * with CTL_ERR_FORMAT for a file that is not exactly one certificate,
 * CTL_ERR_IO, CTL_ERR_TOO_BIG, CTL_ERR_CRYPTO.
 */
int cert_info_load(const char *path, uint8_t **der, size_t *derlen,
    X509 **cert, struct ctl_diag *d);

/* Whole days from NOW to the end of C's validity: negative once it has
 * expired (-1 on the day after), 0 on its last day. */
long cert_info_days_left(const struct cert_info *c, time_t now);

struct json_out;

/* Writes C's members into the open JSON object J: subject, issuer,
 * serial, key, key_type, key_bits, not_before, not_after, days_left (at
 * NOW), self_signed, sha1, sha256. */
void cert_info_json(struct json_out *j, const struct cert_info *c,
    time_t now);

/* The most days an option about validity takes (ten years). */
#define CERT_DAYS_MAX 3650

/* Parses the value ARG of OPTION ("--days"): 1 to CERT_DAYS_MAX days,
 * into *OUT.  CTL_ERR_USAGE with why in D. */
int cert_days_parse(const char *option, const char *arg, int *out,
    struct ctl_diag *d);

/* One certificate of the cluster. */
struct cert_item {
	char node[65];          /* the node it belongs to; "" in a store */
	char type[65];          /* its type ("CallManager") or its store */
	X509 *x;                /* owned */
	struct cert_info info;
};

struct cert_set {
	struct cert_item *v;
	size_t n;
};

void cert_set_free(struct cert_set *s);

/*
 * Asks S for CERT_LIST and reads every NODE_CERT into *OUT, whatever
 * the type (a type added later is listed too).  Fails with
 * CTL_ERR_PROTOCOL on a malformed answer, the errors of net_call(); free
 * *OUT with cert_set_free() either way.
 */
int cert_fetch_nodes(struct net_session *s, struct cert_set *out,
    struct ctl_diag *d);

/*
 * Asks S for TRUST_LIST of store PURPOSE (NULL: every store) and reads
 * every TRUST into *OUT (type: the store).  Each SHA1 must be that of
 * its CERT.  Fails as cert_fetch_nodes().
 */
int cert_fetch_trust(struct net_session *s, const char *purpose,
    struct cert_set *out, struct ctl_diag *d);

#endif
