/* LOGIN: the first request of every session. */
#ifndef CTLCLIENT_NET_LOGIN_H
#define CTLCLIENT_NET_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "net_session.h"

struct ctl_diag;

/*
 * Logs in on S as USER with PW.  The LOGIN frame is built and written
 * here rather than through proto_call, so that every copy of it holding
 * the password is wiped as soon as it is sent; PW itself is wiped at the
 * same point.  Errors as net_login_answer(), plus CTL_ERR_NETWORK,
 * CTL_ERR_TIMEOUT and CTL_ERR_PROTOCOL (an answer to another request).
 */
int net_login(struct net_session *s, const char *user, char *pw,
    struct ctl_diag *d);

/*
 * Reads the answer to LOGIN: a frame of TYPE whose payload is the LEN
 * bytes at PAYLOAD, from PEER, for USER (both only named in messages).
 * PROTO_OK with no field is CTL_OK; PROTO_ERROR with its ERROR code
 * becomes that code's error (proto_error_code: CTL_ERR_AUTH for a
 * refused login) with the server's MESSAGE, control bytes cleaned, in D;
 * anything else is CTL_ERR_PROTOCOL.
 */
int net_login_answer(uint8_t type, const uint8_t *payload, size_t len,
    const char *peer, const char *user, struct ctl_diag *d);

#endif
