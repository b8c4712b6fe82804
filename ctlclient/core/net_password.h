/* The login password: from a file, the environment, or the terminal. */
#ifndef CTLCLIENT_NET_PASSWORD_H
#define CTLCLIENT_NET_PASSWORD_H

#include <stddef.h>

#include "net_opts.h"

struct ctl_diag;

#define NET_PASSWORD_ENV "CTLCLIENT_PASSWORD"

/*
 * Puts the password into PW (PWSZ bytes; the caller wipes it): the first
 * line of --password-file (refused when group or others may read it, or
 * when it belongs to another user), else $CTLCLIENT_PASSWORD, else, when
 * ASK, a no-echo question at the terminal naming O's user and PEER.
 * *HAVE says whether a password was found.  Fails with CTL_ERR_IO (the
 * file), CTL_ERR_AUTH (too long, no terminal), CTL_ERR_CANCELLED.
 */
int net_password_get(const struct net_opts *o, const char *peer, int ask,
    char *pw, size_t pwsz, int *have, struct ctl_diag *d);

#endif
