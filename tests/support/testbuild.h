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

/* The seed's tokenless CTL: SAST and CCM+TFTP of the publisher, CAPF, and
 * CCM+TFTP of the subscriber, signed by the publisher. */
int tb_seed_tokenless(const struct seed_certs *s, uint8_t **out, size_t *len);

/* The seed's token CTL: both tokens' SAST records (token style), the
 * publisher's CCM+TFTP, CAPF, subscriber; signed by SIGNER (a token). */
int tb_seed_tokens(const struct seed_certs *s, const struct tg_cert *signer,
    uint8_t **out, size_t *len);

#endif
