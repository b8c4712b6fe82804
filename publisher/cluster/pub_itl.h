/*
 * The Identity Trust List (ITLFile.tlv): what every phone downloads
 * first, with the certificates it needs to trust the cluster's TFTP
 * server (signed configuration files) and its TVS.  One ITL for the whole
 * cluster, identical on every node; docs/itl.md describes it.
 */
#ifndef PUB_ITL_H
#define PUB_ITL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_diag;
struct pub_state;

#define PUB_ITL_FILENAME "ITLFile.tlv"

/*
 * Builds the cluster's ITL from the state, in this order:
 *
 *   the signer as SAST: the publisher's ITLRecovery certificate (CUCM 12
 *   and later), or its CallManager certificate when the settings say
 *   itl_signer CallManager (CUCM 8.x to 11.5), followed then by the
 *   ITLRecovery certificate as a second SAST that did not sign;
 *   the publisher's CallManager as CCM+TFTP, its CAPF, its TVS;
 *   each subscriber's CallManager as CCM+TFTP and its TVS.
 *
 * While the settings say rollback_pre8 ("Prepare Cluster for Rollback
 * to pre-8.0"), the ITL holds the signer's SAST record alone: the
 * rollback ITL, which phones treat as blank.
 *
 * Each record carries its node's name and address.  Signed with SHA-1
 * (what every phone reads); TIMESTAMP 0 means now.  *OUT (freed by the
 * caller) gets *LEN bytes.  Stores nothing.  Fails with CTL_ERR_NOT_FOUND
 * (no publisher, a certificate not recorded), CTL_ERR_IO, CTL_ERR_KEY
 * (a key that does not match its certificate), CTL_ERR_CRYPTO.
 */
int pub_itl_build(struct pub_state *st, uint32_t timestamp, uint8_t **out,
    size_t *len, struct ctl_diag *d);

/*
 * Is the ITL stored in TFTP_DIR the one the state calls for: a valid
 * ITL whose signature verifies, signed by the expected certificate, with
 * the records pub_itl_build() would write (roles, certificates, names,
 * addresses, in order)?  While an ITL reset is active, the question is
 * whether it holds the reset ITL (pub_itl_reset.h).  The timestamp does
 * not count.  *CURRENT is false when the file is absent or differs.  Fails only when the
 * expected ITL cannot be worked out (errors as pub_itl_build()).
 */
int pub_itl_current(struct pub_state *st, const char *tftp_dir,
    bool *current, struct ctl_diag *d);

/*
 * Makes the ITL in TFTP_DIR current: when pub_itl_current() says it is
 * not, builds a new one, stores it atomically (mode 0644, the old one
 * kept as ITLFile.tlv.bak) and records ACTOR's "itl-update" in the
 * audit log with the old and new file SHA1s.  *CHANGED (may be NULL)
 * tells whether a new file was written.  While an ITL reset is active
 * it writes the kept reset ITL instead, never a new one.  Fails as
 * pub_itl_build() and pub_store_write() do.
 */
int pub_itl_refresh(struct pub_state *st, const char *actor,
    const char *tftp_dir, bool *changed, struct ctl_diag *d);

#endif
