/*
 * Writing .tlv files the way CUCM writes them.
 */
#ifndef CTL_BUILD_H
#define CTL_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ctl_signer.h"

struct ctl_diag;

/* One certificate record to write. */
struct ctl_entry {
	uint16_t role;          /* CTL_ROLE_* or any code */
	X509 *cert;             /* borrowed */
	const char *dns_name;   /* NULL or "" writes an empty DNSNAME */
	uint8_t ip[4];          /* 0.0.0.0 when there is none */
	bool token_style;       /* a token's SAST record: no SIGNATURE field */
};

struct ctl_build_opts {
	int digest;             /* CTL_DIGEST_* */
	const char *filename;   /* FILENAME, e.g. "CTLFile.tlv" */
	uint32_t timestamp;     /* TIMESTAMP, seconds since 1970 */
};

/*
 * Builds and signs a file holding ENTRIES (in the given order), signed by
 * S.  When no SAST entry carries the signer's certificate, a token-style
 * SAST record for it is written first.  Records carry fields 1..10 in
 * order; the header is padded to 4 bytes.  On success *OUT (freed by the
 * caller) holds *LEN bytes, and the signature has been checked against
 * the signer's certificate.  *NRECORDS (when not NULL) gets the number
 * of records written.
 */
int ctl_build(const struct ctl_entry *entries, size_t n,
    const struct ctl_signer *s, const struct ctl_build_opts *o,
    uint8_t **out, size_t *len, size_t *nrecords, struct ctl_diag *d);

#endif
