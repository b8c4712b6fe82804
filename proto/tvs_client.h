/*
 * Asking a Trust Verification Service about one certificate, as a phone
 * does: a fresh TLS connection, one request, one answer.  The server is
 * authenticated either against a CA file (ctlclient tvs-query --tvs-ca)
 * or, as a phone does, only when its certificate is one of the TVS
 * certificates of the phone's installed ITL.
 */
#ifndef TVS_CLIENT_H
#define TVS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tvs_msg.h"

struct ctl_diag;

#define TVS_DEFAULT_PORT        2445
#define TVS_DEFAULT_TIMEOUT_MS  5000

struct tvs_client_opts {
	/* Exactly one of CAFILE and PINNED: a PEM file of certificates the
	 * server's certificate must chain to (a self-signed TVS certificate
	 * may be its own anchor), or certificates one of which the server's
	 * must equal, byte for byte. */
	const char *cafile;
	X509 *const *pinned;
	size_t npinned;
	bool tls10_only;      /* speak TLS 1.0 only, as 7900-series phones */
	int timeout_ms;       /* connect, handshake, and the answer, each */
};

/*
 * Makes a client context for O (shared by any number of queries, from
 * any number of threads).  Fails with CTL_ERR_USAGE (bad options),
 * CTL_ERR_IO (CAFILE unreadable), CTL_ERR_CRYPTO.
 */
int tvs_client_ctx(const struct tvs_client_opts *o, SSL_CTX **out,
    struct ctl_diag *d);

/*
 * Asks the TVS at HOST:PORT whether CERT is trusted, as device DEVICE,
 * and fills *OUT with the answer (valid or not).  Returns CTL_OK when an
 * answer came, else: CTL_ERR_NETWORK (cannot connect, connection closed),
 * CTL_ERR_TIMEOUT (no answer within the timeout), CTL_ERR_TLS (handshake
 * failed, or the server's certificate is not trusted),
 * CTL_ERR_PROTOCOL (the answer is malformed or for another session).
 */
int tvs_client_query(SSL_CTX *ctx, const struct tvs_client_opts *o,
    const char *host, uint16_t port, const char *device, X509 *cert,
    struct tvs_response *out, struct ctl_diag *d);

/*
 * The same question without blocking, for callers running many at once
 * on an event loop.  tvs_query_start() begins it into *OUT (freed with
 * tvs_query_free(), also after a failure of a step); it fails as
 * tvs_client_query() when it cannot even begin.  The caller then waits
 * until tvs_query_fd() is ready as tvs_query_step() last said (first:
 * writable) or tvs_query_deadline() (a ctl_now_ms() value, which may
 * move on after each step) has passed, and calls tvs_query_step() with
 * TIMED_OUT set in the latter case.  Each step returns CTL_OK with *WAIT
 * TVS_WAIT_READ or TVS_WAIT_WRITE while the question goes on, or
 * TVS_WAIT_DONE with *OUT filled when the answer came; the errors and
 * their messages are those of tvs_client_query().  O must outlive Q.
 */
struct tvs_query;
enum tvs_wait { TVS_WAIT_READ, TVS_WAIT_WRITE, TVS_WAIT_DONE };

int tvs_query_start(SSL_CTX *ctx, const struct tvs_client_opts *o,
    const char *host, uint16_t port, const char *device, X509 *cert,
    struct tvs_query **out, struct ctl_diag *d);
int tvs_query_fd(const struct tvs_query *q);
long long tvs_query_deadline(const struct tvs_query *q);
int tvs_query_step(struct tvs_query *q, bool timed_out, enum tvs_wait *wait,
    struct tvs_response *out, struct ctl_diag *d);
void tvs_query_free(struct tvs_query *q);

#endif
