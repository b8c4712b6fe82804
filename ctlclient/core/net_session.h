/*
 * One logged-in connection to a CTL Provider (docs/protocol.md), shared
 * by every network command: connecting, the server certificate check
 * (net_pin.h), the password (net_password.h), LOGIN (net_login.h), the
 * request ids and the calls.  Answers are read with net_reply.h and
 * net_cluster.h.
 */
#ifndef CTLCLIENT_NET_SESSION_H
#define CTLCLIENT_NET_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "net_opts.h"
#include "proto_conn.h"
#include "proto_frame.h"

struct ctl_diag;

/* A logged-in connection.  Requests go one at a time. */
struct net_session {
	SSL_CTX *ctx;
	struct proto_conn *conn;
	char peer[NET_MAX_HOST + 16];  /* "host:port" for messages and pins */
	uint32_t next_id;              /* request ids: 1, 2, 3, ... */
	int timeout_s;
};

/*
 * Connects to the server O names, checks its certificate (--cafile, or
 * the pin; may ask at the terminal on first contact), gets the password
 * (file, environment or terminal) and logs in.  The password is wiped
 * as soon as the LOGIN frame is out.  Ignores SIGPIPE for the process.
 * *OUT is closed with net_close().  Fails with CTL_ERR_NETWORK,
 * CTL_ERR_TIMEOUT, CTL_ERR_TLS (handshake, untrusted or changed
 * certificate), CTL_ERR_AUTH, CTL_ERR_IO (password file, known-servers
 * file), CTL_ERR_CANCELLED (the user said no), CTL_ERR_PROTOCOL.
 */
int net_open(const struct net_opts *o, struct net_session **out,
    struct ctl_diag *d);

/* Starts request R of TYPE with the session's next id. */
void net_request(struct net_session *s, struct proto_out *r, uint8_t type);

/* An answer: its fields point into its payload. */
struct net_reply {
	struct proto_fields fs;
	uint8_t *payload;
};

/*
 * Sends R and reads its answer into *A (freed with net_reply_free, also
 * after a failure).  Errors as proto_call(), the server's message in D.
 * net_call_change() waits NET_CHANGE_FACTOR times longer for the answer,
 * for requests during which the publisher updates every node.
 */
int net_call(struct net_session *s, struct proto_out *r, struct net_reply *a,
    struct ctl_diag *d);
int net_call_change(struct net_session *s, struct proto_out *r,
    struct net_reply *a, struct ctl_diag *d);
void net_reply_free(struct net_reply *a);

/*
 * A change: net_call_change() of R, then R wiped (a request may hold a
 * password) and freed.  On failure D reads "PEER: WHAT: the reason",
 * WHAT saying what failed ("rollback-pre8 on failed").
 */
int net_change(struct net_session *s, struct proto_out *r,
    struct net_reply *a, const char *what, struct ctl_diag *d);

/* Logs out (closes the connection) and frees S.  NULL is allowed. */
void net_close(struct net_session *s);

#endif
