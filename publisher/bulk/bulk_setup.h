/*
 * Setting up the SFTP server of bulk certificate management, with the
 * host key shown and pinned on first use (as OpenSSH's known_hosts):
 * the first call reads the server's key and stores nothing; the caller
 * shows the fingerprint to a person and, on yes, calls again with it to
 * pin.  Only then are the password or key tried and stored.
 */
#ifndef BULK_SETUP_H
#define BULK_SETUP_H

#include <stddef.h>

#include "bulk_config.h"

struct ctl_diag;
struct pub_state;

enum bulk_pin_state {
	BULK_PIN_PINNED = 0,    /* stored: the key was pinned already or now */
	BULK_PIN_NEW = 1,       /* nothing stored: confirm FP */
	BULK_PIN_CHANGED = 2,   /* nothing stored: the pinned key was OLD_FP */
};

struct bulk_setup_result {
	enum bulk_pin_state state;
	char fp[BULK_FP_MAX];       /* the server's key now */
	char old_fp[BULK_FP_MAX];   /* CHANGED: the pinned one */
};

/* "pinned", "new", "changed" (never NULL). */
const char *bulk_pin_state_name(enum bulk_pin_state s);

/*
 * Connects to C's server (C->hostkey: the fingerprint a person accepted,
 * or "" on the first call).  When the key is that fingerprint, or the
 * one already pinned for the same host and port, logs in with SECRET
 * (LEN bytes) to check it, stores C, SECRET and the pin for cluster
 * directory DIR and records ACTOR's "bulk-sftp" in ST's audit log
 * (never the secret).  Otherwise stores nothing and says in *R what to
 * confirm.  Fails with CTL_ERR_REFUSED when C->hostkey is not the
 * server's key, and as bulk_sftp.h and bulk_config.h say.
 */
int bulk_setup(const char *dir, struct pub_state *st, const char *actor,
    struct bulk_sftp_conf *c, const char *secret, size_t len,
    struct bulk_setup_result *r, struct ctl_diag *d);

#endif
