/*
 * TLS connections that carry protocol frames.  TLS 1.2 is the floor on
 * both sides.  Programs using this must ignore SIGPIPE: a peer that goes
 * away mid-write is an error to report, not a reason to die.
 */
#ifndef PROTO_CONN_H
#define PROTO_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "proto_frame.h"

struct ctl_diag;

struct proto_conn {
	int fd;
	SSL *ssl;
	char peer[80];          /* "127.0.0.1:2444", for messages */
	long long deadline;     /* ctl_now_ms() value ending all I/O, 0: none */
};

/*
 * A server context presenting CERT_PEM and KEY_PEM.  With CLIENT_CA set,
 * a client certificate is checked against it: required when
 * REQUIRE_CLIENT is true (mutual TLS between nodes), otherwise checked
 * only when the client presents one.  Free with SSL_CTX_free().
 */
int proto_tls_server_ctx(const char *cert_pem, const char *key_pem,
    const char *client_ca, bool require_client, SSL_CTX **out,
    struct ctl_diag *d);

/*
 * A client context.  With CAFILE set, the server's certificate must
 * chain to it; without, the caller must check the certificate itself
 * (proto_peer_sha256, pinning).  CERT_PEM and KEY_PEM (both or neither)
 * are presented to servers that ask.  Free with SSL_CTX_free().
 */
int proto_tls_client_ctx(const char *cafile, const char *cert_pem,
    const char *key_pem, SSL_CTX **out, struct ctl_diag *d);

/*
 * Connects to HOST:PORT within TIMEOUT_MS and completes the TLS
 * handshake within TIMEOUT_MS more; every later read or write gives up
 * when TIMEOUT_MS pass without progress (the socket's SO_RCVTIMEO and
 * SO_SNDTIMEO, which the caller may change on C->fd).
 * *OUT is closed with proto_close().  Fails with CTL_ERR_NETWORK (cannot
 * connect), CTL_ERR_TIMEOUT, CTL_ERR_TLS (handshake or certificate).
 */
int proto_connect(SSL_CTX *ctx, const char *host, uint16_t port,
    int timeout_ms, struct proto_conn **out, struct ctl_diag *d);

/* Runs the server side of the handshake on the accepted socket FD (which
 * *OUT then owns; on failure FD is closed): it must be complete within
 * TIMEOUT_MS in all, however slowly the client sends its bytes.  Later
 * reads and writes behave as after proto_connect(). */
int proto_accept(SSL_CTX *ctx, int fd, const char *peer, int timeout_ms,
    struct proto_conn **out, struct ctl_diag *d);

/*
 * Sets DEADLINE (a ctl_now_ms() value) for every later read and write on
 * C: past it they fail with CTL_ERR_TIMEOUT, however the peer trickles
 * its bytes.  0 removes it.  The per-step timeouts still apply when they
 * end earlier.
 */
void proto_set_deadline(struct proto_conn *c, long long deadline);

/*
 * Waits until the next frame starts: a byte of it has arrived (or TLS
 * holds one already), or the peer closed (which the next read reports).
 * Fails with CTL_ERR_TIMEOUT when UNTIL (a ctl_now_ms() value) passes
 * first, CTL_ERR_NETWORK.
 */
int proto_wait_frame(struct proto_conn *c, long long until,
    struct ctl_diag *d);

/* Finishes O into a frame and writes it all. */
int proto_send(struct proto_conn *c, struct proto_out *o,
    struct ctl_diag *d);

/* Sends an ERROR frame answering request ID. */
int proto_send_error(struct proto_conn *c, uint32_t id, uint32_t code,
    const char *msg, struct ctl_diag *d);

/*
 * Reads one frame: the header is checked before any payload is read, so
 * an oversized or foreign frame costs 16 bytes.  *PAYLOAD (H->length
 * bytes, freed by the caller) is NULL for an empty payload.  Fails with
 * CTL_ERR_PROTOCOL (bad frame), CTL_ERR_NETWORK (closed, cut short),
 * CTL_ERR_TIMEOUT.
 */
int proto_recv(struct proto_conn *c, struct proto_header *h,
    uint8_t **payload, struct ctl_diag *d);

/*
 * One request and its answer: sends O, reads the response, checks that
 * it answers O's id, and parses its fields into *FS (freed with
 * proto_fields_free; *PAYLOAD holds the bytes they point into, freed by
 * the caller).  An ERROR answer becomes CTL_ERR_AUTH (login refused,
 * required, rate-limited), CTL_ERR_CONFLICT, CTL_ERR_NOT_FOUND or
 * CTL_ERR_REFUSED, with the server's message in D.
 */
int proto_call(struct proto_conn *c, struct proto_out *o,
    struct proto_fields *fs, uint8_t **payload, struct ctl_diag *d);

/* The project's error for the PE_* code of an ERROR answer: CTL_ERR_AUTH
 * (login required, refused, rate-limited), CTL_ERR_CONFLICT,
 * CTL_ERR_NOT_FOUND, else CTL_ERR_REFUSED. */
int proto_error_code(uint32_t pe);

/* SHA-256 of the peer's certificate (DER), for pinning. */
int proto_peer_sha256(const struct proto_conn *c, uint8_t out[32]);

/* The reason of OpenSSL's last error, for messages (never NULL). */
const char *proto_ssl_reason(void);

/* Shuts TLS down politely and frees C.  NULL is allowed. */
void proto_close(struct proto_conn *c);

#endif
