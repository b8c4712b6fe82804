/*
 * The network side of a node: listens on one TLS port, runs each
 * connection in its own thread (at most PUB_MAX_CONNS at once), reads
 * frames and hands each to the service's handler.  A frame that cannot
 * be read is answered with error 1 where possible and the connection
 * closed; other clients are not affected.
 */
#ifndef PUB_SERVER_H
#define PUB_SERVER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "proto_conn.h"

struct ctl_diag;

#define PUB_MAX_CONNS  32       /* connections served at once */
#define PUB_IDLE_MS    30000    /* a connection silent this long is closed */

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
	 * returns CTL_OK, or returns a protocol error code (PE_*) with the
	 * message for the client in D.
	 */
	int (*handle)(void *ctx, struct pub_session *s,
	    const struct proto_header *h, const struct proto_fields *fs,
	    struct proto_out *reply, struct ctl_diag *d);
	/* Called once per connection before the first request and after
	 * the last (may be NULL). */
	void (*open)(void *ctx, struct pub_session *s);
	void (*close)(void *ctx, struct pub_session *s);
	void *ctx;
};

/*
 * Listens on IP:PORT (127.0.0.1 in tests) and serves until *STOP is set.
 * Fails with CTL_ERR_NETWORK when the port cannot be bound.
 */
int pub_server_run(const char *ip, uint16_t port, SSL_CTX *tls,
    const struct pub_service *svc, volatile sig_atomic_t *stop,
    struct ctl_diag *d);

/* Binds and listens on IP:PORT; the descriptor, or -1 with D set. */
int pub_listen(const char *ip, uint16_t port, struct ctl_diag *d);

#endif
