/*
 * Recovering phones that lost trust in the cluster's ITL or CTL (CUCM's
 * `utils itl reset localkey|remotekey` and `utils ctl reset localkey`):
 * a reset ITL, re-signed with a key the phones still know, served by
 * every node instead of the normal one until the reset is done; a CTL
 * re-signed with the publisher's CallManager key; and the one way the
 * ITLRecovery key leaves the publisher, a password-protected PKCS12
 * backup for a later `remotekey`.  docs/itl.md and docs/recovery.md
 * describe them.
 */
#ifndef PUB_ITL_RESET_H
#define PUB_ITL_RESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_diag;
struct pub_state;

/* The reset ITL while a reset is active, kept in the cluster directory:
 * the catch-up serves this file as it is, it is never rebuilt (for
 * remotekey the key that signed it is not on the publisher). */
#define PUB_ITL_RESET_FILE "ITLFile-reset.tlv"

/* A PKCS12 backup of the ITLRecovery key: its password's bounds. */
#define PUB_P12_PASSWORD_MIN 8
#define PUB_P12_PASSWORD_MAX 256
#define PUB_P12_MAX          (64u * 1024u)

/*
 * `itl reset localkey`: builds the reset ITL (the normal ITL's records,
 * signed by the publisher's CallManager certificate, written first as
 * the signer's SAST record), keeps it as PUB_ITL_RESET_FILE and records
 * ACTOR's "itl-reset" in the settings and the audit log.  The nodes get
 * it from pub_itl_refresh() (the caller runs the catch-up).  SHA1 gets
 * the reset ITL's SHA1.  Fails with CTL_ERR_REFUSED when the ITLRecovery
 * key is 1024-bit and the CallManager certificate 2048-bit or more
 * (nothing changed), as pub_itl_build() fails, CTL_ERR_IO.
 */
int pub_itl_reset_localkey(struct pub_state *st, const char *actor,
    char sha1[41], struct ctl_diag *d);

/*
 * `itl reset remotekey`: the same, signed by the ITLRecovery key and
 * certificate of the PKCS12 backup P12 (LEN bytes) opened with PASSWORD
 * (the caller wipes it).  Fails with CTL_ERR_FORMAT when P12 is not a
 * PKCS12 file, CTL_ERR_KEY for a wrong password, no key or certificate
 * in it, or a key that does not match its certificate, CTL_ERR_REFUSED
 * for the 1024-bit case; nothing changed on any failure.
 */
int pub_itl_reset_remotekey(struct pub_state *st, const char *actor,
    const uint8_t *p12, size_t len, const char *password, char sha1[41],
    struct ctl_diag *d);

/*
 * `itl reset done`: ends the reset (settings and audit log, ACTOR's
 * "itl-reset"); the next pub_itl_refresh() puts the normal ITL back.
 * Fails with CTL_ERR_NOT_ALLOWED when no reset is active, CTL_ERR_IO.
 */
int pub_itl_reset_done(struct pub_state *st, const char *actor,
    struct ctl_diag *d);

/*
 * The hooks of pub_itl_current() and pub_itl_refresh(): *ACTIVE says
 * whether a reset is active; when it is, *CURRENT says whether TFTP_DIR
 * holds the reset ITL, and the refresh writes it there from
 * PUB_ITL_RESET_FILE when it does not (ACTOR's "itl-update" first;
 * *CHANGED, may be NULL, says whether it wrote).  Fail with CTL_ERR_IO,
 * CTL_ERR_KEY when the kept file is not the one the settings name.
 */
int pub_itl_reset_current(struct pub_state *st, const char *tftp_dir,
    bool *active, bool *current, struct ctl_diag *d);
int pub_itl_reset_refresh(struct pub_state *st, const char *actor,
    const char *tftp_dir, bool *active, bool *changed, struct ctl_diag *d);

/*
 * `ctl reset localkey`: the CTL in TFTP_DIR with the same records,
 * re-signed by the publisher's CallManager key (written first as the
 * signer's SAST record when the CTL does not hold it as one), in *OUT
 * (freed by the caller) of *LEN bytes.  Stores nothing.  Fails with
 * CTL_ERR_NOT_ALLOWED when there is no CTL (a non-secure cluster),
 * CTL_ERR_FORMAT when it does not parse, CTL_ERR_KEY, CTL_ERR_IO,
 * CTL_ERR_CRYPTO.
 */
int pub_ctl_reset_build(struct pub_state *st, const char *tftp_dir,
    uint8_t **out, size_t *len, struct ctl_diag *d);

/*
 * `itl backup-recovery`: the publisher's ITLRecovery key and certificate
 * as a PKCS12 file protected by PASSWORD (OpenSSL 3's defaults of
 * PKCS12_create(): AES-256-CBC, PBKDF2, a SHA-256 MAC), in *OUT (freed
 * by the caller, wiped first: it holds the key) of *LEN bytes.  ACTOR's
 * "itl-backup-recovery" is recorded first, naming the certificate's
 * SHA1 (CERT_SHA1).  Fails with CTL_ERR_USAGE for a password shorter
 * than PUB_P12_PASSWORD_MIN, CTL_ERR_NOT_FOUND, CTL_ERR_KEY,
 * CTL_ERR_CRYPTO, CTL_ERR_IO.
 */
int pub_itl_backup(struct pub_state *st, const char *actor,
    const char *password, uint8_t **out, size_t *len, char cert_sha1[41],
    struct ctl_diag *d);

#endif
