/*
 * The network side of a node: listens on one TLS port, runs each
 * connection in its own thread (within the limits of pub_ratelimit.h:
 * in all, per address, before login), reads frames and hands each to the
 * service's handler.  A frame that cannot be read is answered with error
 * 1 where possible and the connection closed; other clients are not
 * affected.  Every wait has an absolute deadline, so a client that
 * trickles its bytes holds a slot for a bounded time only.
 */
#ifndef PUB_SERVER_H
#define PUB_SERVER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "proto_conn.h"

struct ctl_diag;

/* Deadlines, each from a fixed point (docs/publisher.md, "Limits"). */
#define PUB_HANDSHAKE_MS 10000  /* TLS handshake, from accept */
#define PUB_LOGIN_MS     60000  /* authenticated, from accept: ctlclient
                                 * asks for the password on the open
                                 * connection, once the server's
                                 * certificate is checked, so a person
                                 * must have time to type it */
#define PUB_FRAME_MS     10000  /* a whole frame, from its first byte */
#define PUB_IDLE_MS      30000  /* between frames, once authenticated; and
                                 * for the client to take an answer */
#define PUB_STOP_CHECK_MS  250  /* how often a waiting connection looks
                                 * whether the server is stopping */

/* One client connection, as a handler sees it. */
struct pub_session {
	struct proto_conn *conn;
	char addr[64];           /* the client's IP address */
	bool logged_in;
	char user[65];
	bool node_peer;          /* presented a cluster node certificate */
	void *data;              /* the service's per-connection data */
};

struct pub_service {
	/*
	 * Answers one request: fills REPLY (an OK frame for H's id) and
	 * returns CTL_OK, or returns a negative CTL_ERR_* code with the
	 * message for the client in D; the server answers it with the
	 * protocol's error code (pub_server_error_code()).
	 */
	int (*handle)(void *ctx, struct pub_session *s,
	    const struct proto_header *h, const struct proto_fields *fs,
	    struct proto_out *reply, struct ctl_diag *d);
	/* Called once per connection before the first request and after
	 * the last (may be NULL). */
	void (*open)(void *ctx, struct pub_session *s);
	void (*close)(void *ctx, struct pub_session *s);
	void *ctx;
	/* Only cluster nodes: a client without a node certificate is
	 * closed right after the handshake. */
	bool nodes_only;
};

/*
 * Listens on IP:PORT (127.0.0.1 in tests) and serves until *STOP is set.
 * Fails with CTL_ERR_NETWORK when the port cannot be bound.
 */
int pub_server_run(const char *ip, uint16_t port, SSL_CTX *tls,
    const struct pub_service *svc, volatile sig_atomic_t *stop,
    struct ctl_diag *d);

/*
 * Binds and listens on IP:PORT: *FD.  Fails with CTL_ERR_USAGE (IP is not
 * an IPv4 address) or CTL_ERR_NETWORK.
 */
int pub_listen(const char *ip, uint16_t port, int *fd, struct ctl_diag *d);

/*
 * The protocol's error code (PE_*, docs/protocol.md) that answers a
 * request a handler failed with RC: CTL_ERR_PROTOCOL is a malformed
 * request, CTL_ERR_UNSUPPORTED, CTL_ERR_LOGIN_REQUIRED, CTL_ERR_AUTH (login
 * refused), CTL_ERR_RATE_LIMITED, CTL_ERR_NOT_FOUND, CTL_ERR_CONFLICT and
 * CTL_ERR_NOT_ALLOWED have a code each; a request the server will not
 * take as it is (CTL_ERR_REFUSED, CTL_ERR_USAGE, CTL_ERR_FORMAT,
 * CTL_ERR_KEY, CTL_ERR_TOO_BIG) is rejected; anything else is the
 * server's own failure (PE_INTERNAL).
 */
uint32_t pub_server_error_code(int rc);

#endif
