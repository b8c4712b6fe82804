/* Building .tlv files from test certificates. */
#ifndef TEST_TESTBUILD_H
#define TEST_TESTBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "certgen.h"
#include "ctl_build.h"
#include "seedcerts.h"

/* Builds and signs ENTRIES with SIGNER's key and certificate (digest
 * code DIGEST, timestamp fixed); *OUT is freed by the caller.  Returns
 * the ctl_build() code. */
int tb_build(const struct ctl_entry *entries, size_t n,
    const struct tg_cert *signer, int digest, const char *filename,
    uint8_t **out, size_t *len);

/* Fills E with one record: ROLE, C's certificate, DNS (or NULL), the
 * address 127.0.0.LAST_IP (0.0.0.0 when LAST_IP is 0), and TOKEN for a
 * token-style SAST record. */
void tb_entry(struct ctl_entry *e, uint16_t role, const struct tg_cert *c,
    const char *dns, uint8_t last_ip, bool token);

/* Cisco's tokenless CTL: SAST and CCM+TFTP of the publisher, CAPF, and
 * CCM+TFTP of the subscriber, signed by the publisher.  Its entries alone
 * go to E. */
int tb_seed_tokenless(const struct seed_certs *s, uint8_t **out, size_t *len);
void tb_seed_tokenless_entries(const struct seed_certs *s,
    struct ctl_entry e[4]);

/* Cisco's token CTL: both tokens' SAST records (token style), the
 * publisher's CCM+TFTP, CAPF, subscriber; signed by SIGNER (a token).
 * Its entries alone go to E, the second token's SAST last. */
int tb_seed_tokens(const struct seed_certs *s, const struct tg_cert *signer,
    uint8_t **out, size_t *len);
void tb_seed_tokens_entries(const struct seed_certs *s,
    struct ctl_entry e[5]);

/* A header of VERSION and HEADERLENGTH, then N minimal records (a role
 * each, no certificate): the parser's record limit in a small file.
 * *OUT is malloc'd (freed by the caller); NULL when out of memory. */
uint8_t *tb_tiny_records(size_t n, size_t *len);

/* A 70-byte file in shapes other writers use, which must parse: a flat
 * SIGNERID, a nested SIGNATUREINFO, padding inside the header, unknown
 * tags, RECORDLENGTH last.  Static; sets *LEN. */
const uint8_t *tb_odd_shapes(size_t *len);

#endif
