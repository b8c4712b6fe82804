/*
 * The tokenless CTL (CUCM's `utils ctl set-cluster mixed-mode` and
 * `utils ctl update CTLFile`): signed with the publisher's CallManager
 * key, no eToken in it.
 */
#ifndef PUB_TOKENLESS_H
#define PUB_TOKENLESS_H

#include <stddef.h>
#include <stdint.h>

struct ctl_diag;
struct pub_state;

#define PUB_CTL_FILENAME "CTLFile.tlv"

/*
 * Builds and signs the cluster's tokenless CTL from the certificates the
 * state names, in the order of Cisco's tokenless CTL guide: the
 * publisher's CallManager certificate as SAST (the signer) and as
 * CCM+TFTP, the publisher's CAPF, then each subscriber's CallManager
 * certificate as CCM+TFTP, and, when the ITLRecovery certificate signs
 * the ITL (CUCM 12 and later), the publisher's ITLRecovery certificate
 * as a second SAST; each record carries its node's name and address.  DIGEST is a CTL_DIGEST_*
 * code (0: SHA-1, as CUCM writes it); TIMESTAMP is the file's time
 * (0: now).  On success *OUT (freed by the caller) holds *LEN bytes.
 * Does not store the file nor change the state.  Fails with
 * CTL_ERR_NOT_FOUND when a certificate is missing, CTL_ERR_KEY when one
 * cannot be read or the key does not match, CTL_ERR_IO, CTL_ERR_CRYPTO.
 */
int pub_tokenless_build(struct pub_state *st, int digest, uint32_t timestamp,
    uint8_t **out, size_t *len, struct ctl_diag *d);

#endif
