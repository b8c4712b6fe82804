/*
 * The PKCS12 files of bulk certificate management: certificates only,
 * never a private key, each with its friendly name (bulk_names.h),
 * protected by one fixed password that docs/bulk.md gives (the files
 * hold public certificates; the password is what tools that read
 * PKCS12 files expect).  Parsing is strict: a file that is not PKCS12,
 * that the password does not open, that holds a key, or a certificate
 * without a friendly name of ours is refused as a whole.
 */
#ifndef BULK_P12_H
#define BULK_P12_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "bulk_names.h"

struct ctl_diag;

#define BULK_P12_PASSWORD "ctl-bulk-certificates"
#define BULK_P12_MAX_CERTS 1024

/* One certificate of a file, with whose it is. */
struct bulk_cert_item {
	char cluster[BULK_ID_MAX];
	char node[PUB_NODE_NAME_MAX];
	enum bulk_cert type;
	X509 *x;                    /* owned */
};

struct bulk_certs {
	struct bulk_cert_item *v;
	size_t n;
};

/* Appends CLUSTER/NODE's certificate X of type C (a new reference is
 * taken).  Fails with CTL_ERR_TOO_BIG past BULK_P12_MAX_CERTS. */
int bulk_certs_add(struct bulk_certs *c, const char *cluster,
    const char *node, enum bulk_cert type, X509 *x, struct ctl_diag *d);

/* Frees what C holds and empties it. */
void bulk_certs_free(struct bulk_certs *c);

/*
 * The PKCS12 file of C's certificates: for one node's file
 * (CONSOLIDATED false) the friendly names are the types, for the
 * consolidated file they name cluster and node too.  *OUT (freed with
 * free()) of *LEN bytes.  Fails with CTL_ERR_CRYPTO.
 */
int bulk_p12_build(const struct bulk_certs *c, bool consolidated,
    uint8_t **out, size_t *len, struct ctl_diag *d);

/*
 * Parses file NAME (LEN bytes at P) whose name said FN, appending its
 * certificates to *OUT; of one node's file each gets FN's cluster and
 * node.  Fails with CTL_ERR_FORMAT (D names the file and what is wrong)
 * and then appends nothing.
 */
int bulk_p12_parse(const char *name, const uint8_t *p, size_t len,
    const struct bulk_file_name *fn, struct bulk_certs *out,
    struct ctl_diag *d);

#endif
