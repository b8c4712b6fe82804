/*
 * The CTL client's "Please insert a Security Token": choosing tokens at
 * the terminal when none was named on the command line.
 */
#ifndef CTLCLIENT_TOKEN_PICK_H
#define CTLCLIENT_TOKEN_PICK_H

#include <stddef.h>

struct ctl_diag;

#define TOKEN_PICK_WAIT_S 300   /* how long to wait for each token */

/*
 * Asks for WANT tokens one at a time: a token with a certificate that
 * is not chosen yet is shown (subject, issuer, expiry) and the person
 * says whether to add it; when there is none, they are asked to insert
 * one and the module (chosen as tok_module_find(MODULE) does) is watched
 * for it.  URIS (WANT entries) get new "pkcs11:token=...;serial=..."
 * strings, freed by the caller.  Fails with CTL_ERR_USAGE when there is
 * no terminal, CTL_ERR_TIMEOUT, CTL_ERR_CANCELLED.
 */
int token_pick(const char *module, size_t want, char **uris,
    struct ctl_diag *d);

#endif
