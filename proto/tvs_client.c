/* Asking a Trust Verification Service: see tvs_client.h and docs/tvs.md. */
#include "tvs_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "clock.h"
#include "ctl_err.h"
#include "file_io.h"
#include "proto_conn.h"

/* The largest answer body accepted: a real one is a few dozen bytes
 * (STATUS, up to TVS_ROLES_MAX roles, TTL); anything near this is not a
 * TVS speaking. */
#define TVS_RESPONSE_MAX 1024

/* Pinned mode checks the peer after the handshake (DER equality), so the
 * chain check must not stop a self-signed TVS certificate first. */
static int
accept_any(int preverify_ok, X509_STORE_CTX *x)
{
	(void)preverify_ok;
	(void)x;
	return 1;
}

int
tvs_client_ctx(const struct tvs_client_opts *o, SSL_CTX **out,
    struct ctl_diag *d)
{
	SSL_CTX *ctx = NULL;
	int version = o->tls10_only ? TLS1_VERSION : TLS1_2_VERSION;
	int rc = CTL_ERR_CRYPTO;

	*out = NULL;
	if ((o->cafile == NULL) == (o->pinned == NULL || o->npinned == 0))
		return ctl_diag_set(d, CTL_ERR_USAGE, "TVS client: give either "
		    "a CA file or pinned TVS certificates, not %s",
		    o->cafile == NULL ? "neither" : "both");
	if (o->timeout_ms <= 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "TVS client: timeout %d "
		    "ms: must be positive", o->timeout_ms);
	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    !SSL_CTX_set_min_proto_version(ctx, version) ||
	    !SSL_CTX_set_max_proto_version(ctx, version)) {
		ctl_diag_set(d, CTL_ERR_CRYPTO, "TVS client: cannot set up "
		    "TLS: %s", proto_ssl_reason());
		goto out;
	}
	if (o->tls10_only) {
		/* OpenSSL 3 refuses TLS 1.0 (SHA-1 in the handshake) at
		 * security level 1 and above; a 7900-series phone has no
		 * choice, so neither does its rehearsal. */
		SSL_CTX_set_security_level(ctx, 0);
		if (!SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0")) {
			ctl_diag_set(d, CTL_ERR_CRYPTO, "TVS client: cannot "
			    "enable TLS 1.0 ciphers: %s", proto_ssl_reason());
			goto out;
		}
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
	if (o->cafile != NULL) {
		/* OpenSSL would wait forever on a FIFO. */
		if (file_check_regular(o->cafile, "the TVS CA file", d) !=
		    CTL_OK) {
			rc = CTL_ERR_IO;
			goto out;
		}
		if (SSL_CTX_load_verify_locations(ctx, o->cafile, NULL) != 1) {
			rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot read the "
			    "TVS CA file (a PEM file of certificates): %s",
			    o->cafile, proto_ssl_reason());
			goto out;
		}
		/* A TVS certificate listed in the file is an anchor by
		 * itself, even when it is not self-signed. */
		X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx),
		    X509_V_FLAG_PARTIAL_CHAIN);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	} else {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
	}
	*out = ctx;
	ctx = NULL;   /* transferred */
	rc = CTL_OK;
out:
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}


/* Lets every blocking read and write wait at most until DEADLINE, so a
 * server that trickles one byte at a time cannot stretch a step.
 * CTL_ERR_TIMEOUT once DEADLINE has passed; CTL_ERR_NETWORK when the
 * socket refuses the limit. */
static int
until(int fd, long long deadline)
{
	unsigned long left = ctl_ms_left(deadline);
	struct timeval tv;

	if (left == 0)
		return CTL_ERR_TIMEOUT;
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		return CTL_ERR_NETWORK;
	return CTL_OK;
}

/* An answer from PEER that the TVS parser refused with RC (reason in
 * INNER): WHAT went wrong, and the likely cause. */
static int
not_tvs(const char *peer, const char *what, const struct ctl_diag *inner,
    int rc, struct ctl_diag *d)
{
	return ctl_diag_set(d, CTL_ERR_PROTOCOL, "TVS %s: %s: %s (is this "
	    "port a TVS?)", peer, what, ctl_diag_msg(inner, rc));
}

/* Checks the header HDR of PEER's answer into *H before its body is
 * read: a verify response, no longer than a TVS answer can be. */
static int
answer_header(const uint8_t hdr[TVS_HEADER_LEN], const char *peer,
    struct tvs_header *h, struct ctl_diag *d)
{
	struct ctl_diag inner;
	int rc;

	ctl_diag_clear(&inner);
	if ((rc = tvs_header_parse(hdr, TVS_HEADER_LEN, h, &inner)) != CTL_OK)
		return not_tvs(peer, "the answer is not a TVS message", &inner,
		    rc, d);
	if (h->command != TVS_CMD_VERIFY_RESP)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "TVS %s: answered "
		    "with command %u, expected a verify response (%d)", peer,
		    h->command, TVS_CMD_VERIFY_RESP);
	if (h->length > TVS_RESPONSE_MAX)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "TVS %s: the answer "
		    "announces %u bytes, more than the %d a TVS answer can "
		    "need; refused unread", peer, h->length, TVS_RESPONSE_MAX);
	return CTL_OK;
}

/* Parses PEER's whole answer MSG (LEN bytes) into *OUT, untouched on
 * failure; it must answer SESSION. */
static int
answer_parse(const uint8_t *msg, size_t len, uint32_t session,
    const char *peer, struct tvs_response *out, struct ctl_diag *d)
{
	struct tvs_response resp;
	struct ctl_diag inner;
	int rc;

	ctl_diag_clear(&inner);
	if ((rc = tvs_response_parse(msg, len, &resp, &inner)) != CTL_OK)
		return not_tvs(peer, "malformed answer", &inner, rc, d);
	if (resp.session != session)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "TVS %s: the answer "
		    "is for session %08x, the question was session %08x", peer,
		    resp.session, session);
	*out = resp;
	return CTL_OK;
}

static int
connect_failed(const char *peer, int err_no, struct ctl_diag *d)
{
	return ctl_diag_set(d, CTL_ERR_NETWORK, "TVS %s: cannot connect: %s "
	    "(is TVS running on that node and port?)", peer, strerror(err_no));
}

static int
connect_timeout(const char *peer, int timeout_ms, struct ctl_diag *d)
{
	return ctl_diag_set(d, CTL_ERR_TIMEOUT, "TVS %s: no connection within "
	    "%d ms (is TVS running, and is the port reachable?)", peer,
	    timeout_ms);
}

/* A non-blocking TCP connection to HOST:PORT begun: *FD on success, with
 * *PENDING set while the connection is still being made (wait until it
 * is writable, then see connect_result()). */
static int
tcp_start(const char *host, uint16_t port, const char *peer, int *fd_out,
    bool *pending, struct ctl_diag *d)
{
	struct addrinfo hints, *res = NULL;
	char ports[8];
	int fd = -1, flags, gai, rc;

	snprintf(ports, sizeof(ports), "%u", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(host, ports, &hints, &res)) != 0)
		return ctl_diag_set(d, CTL_ERR_NETWORK, "TVS %s: cannot resolve "
		    "the host: %s (check the TVS address)", peer,
		    gai_strerror(gai));
	*pending = false;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || (flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		goto fail;
	if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		*pending = true;
	}
	*fd_out = fd;
	fd = -1;   /* transferred */
	rc = CTL_OK;
	goto out;
fail:
	rc = connect_failed(peer, errno, d);
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return rc;
}

/* How the connection FD, begun by tcp_start() and now writable, went. */
static int
connect_result(int fd, const char *peer, struct ctl_diag *d)
{
	int err = 0;
	socklen_t elen = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
		return connect_failed(peer, errno, d);
	if (err != 0)
		return connect_failed(peer, err, d);
	return CTL_OK;
}

/* A TCP connection to HOST:PORT within TIMEOUT_MS; *FD (blocking) on
 * success. */
static int
tcp_connect(const char *host, uint16_t port, const char *peer,
    int timeout_ms, int *fd_out, struct ctl_diag *d)
{
	struct pollfd p;
	bool pending;
	int fd = -1, flags, n, rc;

	if ((rc = tcp_start(host, port, peer, &fd, &pending, d)) != CTL_OK)
		return rc;
	if (pending) {
		p.fd = fd;
		p.events = POLLOUT;
		p.revents = 0;
		while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
			;
		if (n == 0) {
			rc = connect_timeout(peer, timeout_ms, d);
			goto out;
		}
		if (n < 0) {
			rc = connect_failed(peer, errno, d);
			goto out;
		}
		if ((rc = connect_result(fd, peer, d)) != CTL_OK)
			goto out;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		rc = connect_failed(peer, errno, d);
		goto out;
	}
	*fd_out = fd;
	fd = -1;   /* transferred */
	rc = CTL_OK;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Why a TLS call failed, as a code and a message naming PEER and WHAT. */
static int
tls_failure(SSL *ssl, int ret, int err_no, const char *peer, const char *what,
    struct ctl_diag *d)
{
	int e = SSL_get_error(ssl, ret);

	if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL &&
	    ERR_peek_error() == 0 && (ret == 0 || err_no == ECONNRESET ||
	    err_no == EPIPE)))
		return ctl_diag_set(d, CTL_ERR_NETWORK, "TVS %s: the server "
		    "closed the connection during %s (check the TVS log)", peer,
		    what);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ||
	    (e == SSL_ERROR_SYSCALL && (err_no == EAGAIN ||
	    err_no == EWOULDBLOCK)))
		return ctl_diag_set(d, CTL_ERR_TIMEOUT, "TVS %s: no answer in "
		    "time during %s (the server is slow or hung)", peer, what);
	if (e == SSL_ERROR_SSL && ERR_GET_REASON(ERR_peek_last_error()) ==
	    SSL_R_UNEXPECTED_EOF_WHILE_READING)
		/* OpenSSL 3 files a bare TCP close under TLS errors; for the
		 * phone it is a TVS that hung up, not a failed handshake. */
		return ctl_diag_set(d, CTL_ERR_NETWORK, "TVS %s: the server "
		    "closed the connection during %s (is TVS overloaded? check "
		    "its log)", peer, what);
	if (e == SSL_ERROR_SSL)
		return ctl_diag_set(d, CTL_ERR_TLS, "TVS %s: TLS failed during "
		    "%s: %s (check that TVS speaks the phone's TLS version)",
		    peer, what, proto_ssl_reason());
	return ctl_diag_set(d, CTL_ERR_NETWORK, "TVS %s: %s failed: %s", peer,
	    what, strerror(err_no));
}

static int
send_timeout(const char *peer, struct ctl_diag *d)
{
	return ctl_diag_set(d, CTL_ERR_TIMEOUT, "TVS %s: the request could "
	    "not be sent in time", peer);
}

static int
read_timeout(const char *peer, const char *what, struct ctl_diag *d)
{
	return ctl_diag_set(d, CTL_ERR_TIMEOUT, "TVS %s: no answer in time "
	    "while reading %s (the server is slow or hung)", peer, what);
}

static int
read_exact(SSL *ssl, int fd, uint8_t *p, size_t n, long long deadline,
    const char *peer, const char *what, struct ctl_diag *d)
{
	size_t done = 0;
	int ret;

	while (done < n) {
		if (until(fd, deadline) != 0)
			return read_timeout(peer, what, d);
		ERR_clear_error();
		errno = 0;
		if ((ret = SSL_read(ssl, p + done, (int)(n - done))) <= 0)
			return tls_failure(ssl, ret, errno, peer, what, d);
		done += (size_t)ret;
	}
	return CTL_OK;
}

/* Is the server's certificate one of O's pinned ones, byte for byte? */
static int
check_pinned(SSL *ssl, const struct tvs_client_opts *o, const char *peer,
    struct ctl_diag *d)
{
	X509 *peer_cert = SSL_get0_peer_certificate(ssl);
	char subject[256] = "(none)";
	size_t i;

	if (peer_cert == NULL)
		return ctl_diag_set(d, CTL_ERR_TLS, "TVS %s presented no "
		    "certificate", peer);
	for (i = 0; i < o->npinned; i++)
		if (o->pinned[i] != NULL && X509_cmp(peer_cert,
		    o->pinned[i]) == 0)
			return CTL_OK;
	X509_NAME_oneline(X509_get_subject_name(peer_cert), subject,
	    sizeof(subject));
	return ctl_diag_set(d, CTL_ERR_TLS, "TVS %s presents %s, which is "
	    "not among the %zu TVS certificate%s of the installed ITL: the "
	    "phone cannot authenticate TVS", peer, subject, o->npinned,
	    o->npinned == 1 ? "" : "s");
}

/* The question about CERT as DEVICE, for PEER: a fresh session id in
 * *SESSION, the request in *REQ (LEN bytes, the caller frees it). */
static int
request_make(const char *peer, const char *device, X509 *cert,
    uint32_t *session, uint8_t **req, size_t *len, struct ctl_diag *d)
{
	uint8_t *der = NULL, *p;
	int der_len, rc;

	if ((der_len = i2d_X509(cert, NULL)) <= 0 ||
	    (der = malloc((size_t)der_len)) == NULL)
		return ctl_diag_set(d, CTL_ERR_CRYPTO, "TVS %s: cannot encode "
		    "the certificate to ask about", peer);
	p = der;
	i2d_X509(cert, &p);
	if (RAND_bytes((uint8_t *)session, sizeof(*session)) != 1) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "TVS %s: no random "
		    "session id", peer);
		goto out;
	}
	rc = tvs_request_build(TVS_CMD_VERIFY_REQ, *session, device, der,
	    (size_t)der_len, req, len, d);
out:
	free(der);
	return rc;
}

/* Why SSL_connect() returned RET (errno ERR_NO) for PEER under O. */
static int
handshake_failed(SSL *ssl, const struct tvs_client_opts *o, int ret,
    int err_no, const char *peer, struct ctl_diag *d)
{
	long v = SSL_get_verify_result(ssl);

	if (o->cafile != NULL && v != X509_V_OK)
		return ctl_diag_set(d, CTL_ERR_TLS, "TVS %s: the server's "
		    "certificate is not trusted: %s (is the TVS certificate, "
		    "or its CA, in the CA file?)", peer,
		    X509_verify_cert_error_string(v));
	return tls_failure(ssl, ret, err_no, peer, "the TLS handshake", d);
}

int
tvs_client_query(SSL_CTX *ctx, const struct tvs_client_opts *o,
    const char *host, uint16_t port, const char *device, X509 *cert,
    struct tvs_response *out, struct ctl_diag *d)
{
	uint8_t *req = NULL, hdr[TVS_HEADER_LEN];
	uint8_t msg[TVS_HEADER_LEN + TVS_RESPONSE_MAX];
	struct tvs_header h;
	char peer[300];
	uint32_t session;
	size_t req_len = 0, done;
	long long deadline;
	SSL *ssl = NULL;
	int fd = -1, ret, rc;

	snprintf(peer, sizeof(peer), "%s:%u", host, port);
	if (ctx == NULL || cert == NULL || device == NULL || o->timeout_ms <= 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "TVS %s: no context, "
		    "certificate, device or timeout to ask with", peer);
	if ((rc = request_make(peer, device, cert, &session, &req, &req_len,
	    d)) != CTL_OK)
		goto out;
	if ((rc = tcp_connect(host, port, peer, o->timeout_ms, &fd, d)) !=
	    CTL_OK)
		goto out;

	ERR_clear_error();
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "TVS %s: cannot set up TLS",
		    peer);
		goto out;
	}
	deadline = ctl_now_ms() + o->timeout_ms;
	if (until(fd, deadline) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_TIMEOUT, "TVS %s: out of time "
		    "before the handshake", peer);
		goto out;
	}
	errno = 0;
	if ((ret = SSL_connect(ssl)) != 1) {
		rc = handshake_failed(ssl, o, ret, errno, peer, d);
		goto out;
	}
	if (o->cafile == NULL && (rc = check_pinned(ssl, o, peer, d)) !=
	    CTL_OK)
		goto out;

	/* One request, then one answer within the timeout. */
	deadline = ctl_now_ms() + o->timeout_ms;
	for (done = 0; done < req_len; done += (size_t)ret) {
		if (until(fd, deadline) != 0) {
			rc = send_timeout(peer, d);
			goto out;
		}
		ERR_clear_error();
		errno = 0;
		if ((ret = SSL_write(ssl, req + done,
		    (int)(req_len - done))) <= 0) {
			rc = tls_failure(ssl, ret, errno, peer,
			    "sending the request", d);
			goto out;
		}
	}
	if ((rc = read_exact(ssl, fd, hdr, sizeof(hdr), deadline, peer,
	    "the answer's header", d)) != CTL_OK)
		goto out;
	if ((rc = answer_header(hdr, peer, &h, d)) != CTL_OK)
		goto out;
	memcpy(msg, hdr, sizeof(hdr));
	if ((rc = read_exact(ssl, fd, msg + TVS_HEADER_LEN, h.length,
	    deadline, peer, "the answer's body", d)) != CTL_OK)
		goto out;
	if ((rc = answer_parse(msg, TVS_HEADER_LEN + h.length, session, peer,
	    out, d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	if (ssl != NULL) {
		/* A polite close only when TLS is intact; never block on it. */
		if (rc == CTL_OK)
			(void)SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
	free(req);
	return rc;
}

/* Where an asynchronous question stands. */
enum tvs_step {
	STEP_CONNECT,     /* TCP connection under way */
	STEP_HANDSHAKE,
	STEP_SEND,
	STEP_HEADER,      /* reading the answer's header */
	STEP_BODY,        /* reading the answer's body */
};

struct tvs_query {
	const struct tvs_client_opts *o;
	char peer[300];
	enum tvs_step step;
	int fd;
	SSL *ssl;
	uint8_t *req;
	size_t req_len, done;
	uint32_t session;
	long long deadline;
	struct tvs_header h;
	uint8_t msg[TVS_HEADER_LEN + TVS_RESPONSE_MAX];
};

int
tvs_query_start(SSL_CTX *ctx, const struct tvs_client_opts *o,
    const char *host, uint16_t port, const char *device, X509 *cert,
    struct tvs_query **out, struct ctl_diag *d)
{
	struct tvs_query *q;
	bool pending;
	int rc;

	*out = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "TVS %s:%u: out of "
		    "memory", host, port);
	q->o = o;
	q->fd = -1;
	snprintf(q->peer, sizeof(q->peer), "%s:%u", host, port);
	if (ctx == NULL || cert == NULL || device == NULL ||
	    o->timeout_ms <= 0) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "TVS %s: no context, "
		    "certificate, device or timeout to ask with", q->peer);
		goto out;
	}
	if ((rc = request_make(q->peer, device, cert, &q->session, &q->req,
	    &q->req_len, d)) != CTL_OK)
		goto out;
	if ((rc = tcp_start(host, port, q->peer, &q->fd, &pending, d)) !=
	    CTL_OK)
		goto out;
	ERR_clear_error();
	if ((q->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(q->ssl, q->fd) != 1) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "TVS %s: cannot set up TLS",
		    q->peer);
		goto out;
	}
	/* The same steps and limits as tvs_client_query(): the connection,
	 * the handshake, then request and answer, each within the
	 * timeout. */
	q->step = pending ? STEP_CONNECT : STEP_HANDSHAKE;
	q->deadline = ctl_now_ms() + o->timeout_ms;
	*out = q;
	q = NULL;   /* transferred */
	rc = CTL_OK;
out:
	tvs_query_free(q);
	ERR_clear_error();
	return rc;
}

int
tvs_query_fd(const struct tvs_query *q)
{
	return q->fd;
}

long long
tvs_query_deadline(const struct tvs_query *q)
{
	return q->deadline;
}

/* The timeout of Q's current step, in the words of tvs_client_query(). */
static int
step_timeout(const struct tvs_query *q, struct ctl_diag *d)
{
	switch (q->step) {
	case STEP_CONNECT:
		return connect_timeout(q->peer, q->o->timeout_ms, d);
	case STEP_HANDSHAKE:
		return ctl_diag_set(d, CTL_ERR_TIMEOUT, "TVS %s: no answer in "
		    "time during the TLS handshake (the server is slow or "
		    "hung)", q->peer);
	case STEP_SEND:
		return send_timeout(q->peer, d);
	case STEP_HEADER:
		return read_timeout(q->peer, "the answer's header", d);
	default:
		return read_timeout(q->peer, "the answer's body", d);
	}
}

/* Did the TLS call that returned RET only need the socket? */
static bool
tls_wants(struct tvs_query *q, int ret, enum tvs_wait *wait)
{
	switch (SSL_get_error(q->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		*wait = TVS_WAIT_READ;
		return true;
	case SSL_ERROR_WANT_WRITE:
		*wait = TVS_WAIT_WRITE;
		return true;
	default:
		return false;
	}
}

/* Reads into Q->msg until it holds WANT bytes: CTL_OK with *WAIT
 * TVS_WAIT_DONE once it does. */
static int
step_read(struct tvs_query *q, size_t want, const char *what,
    enum tvs_wait *wait, struct ctl_diag *d)
{
	int ret;

	while (q->done < want) {
		ERR_clear_error();
		errno = 0;
		ret = SSL_read(q->ssl, q->msg + q->done, (int)(want - q->done));
		if (ret <= 0) {
			if (tls_wants(q, ret, wait))
				return CTL_OK;
			return tls_failure(q->ssl, ret, errno, q->peer, what,
			    d);
		}
		q->done += (size_t)ret;
	}
	*wait = TVS_WAIT_DONE;
	return CTL_OK;
}

int
tvs_query_step(struct tvs_query *q, bool timed_out, enum tvs_wait *wait,
    struct tvs_response *out, struct ctl_diag *d)
{
	int ret, rc;

	if (timed_out || ctl_ms_left(q->deadline) == 0)
		return step_timeout(q, d);
	switch (q->step) {
	case STEP_CONNECT:
		if ((rc = connect_result(q->fd, q->peer, d)) != CTL_OK)
			return rc;
		q->step = STEP_HANDSHAKE;
		q->deadline = ctl_now_ms() + q->o->timeout_ms;
		/* FALLTHROUGH */
	case STEP_HANDSHAKE:
		ERR_clear_error();
		errno = 0;
		if ((ret = SSL_connect(q->ssl)) != 1) {
			if (tls_wants(q, ret, wait))
				return CTL_OK;
			return handshake_failed(q->ssl, q->o, ret, errno,
			    q->peer, d);
		}
		if (q->o->cafile == NULL && (rc = check_pinned(q->ssl, q->o,
		    q->peer, d)) != CTL_OK)
			return rc;
		q->step = STEP_SEND;
		q->deadline = ctl_now_ms() + q->o->timeout_ms;
		/* FALLTHROUGH */
	case STEP_SEND:
		while (q->done < q->req_len) {
			ERR_clear_error();
			errno = 0;
			ret = SSL_write(q->ssl, q->req + q->done,
			    (int)(q->req_len - q->done));
			if (ret <= 0) {
				if (tls_wants(q, ret, wait))
					return CTL_OK;
				return tls_failure(q->ssl, ret, errno, q->peer,
				    "sending the request", d);
			}
			q->done += (size_t)ret;
		}
		/* The answer shares the request's deadline, as in
		 * tvs_client_query(). */
		q->step = STEP_HEADER;
		q->done = 0;
		/* FALLTHROUGH */
	case STEP_HEADER:
		if ((rc = step_read(q, TVS_HEADER_LEN, "the answer's header",
		    wait, d)) != CTL_OK || *wait != TVS_WAIT_DONE)
			return rc;
		if ((rc = answer_header(q->msg, q->peer, &q->h, d)) != CTL_OK)
			return rc;
		q->step = STEP_BODY;
		/* FALLTHROUGH */
	case STEP_BODY:
		if ((rc = step_read(q, TVS_HEADER_LEN + q->h.length,
		    "the answer's body", wait, d)) != CTL_OK ||
		    *wait != TVS_WAIT_DONE)
			return rc;
		if ((rc = answer_parse(q->msg, TVS_HEADER_LEN + q->h.length,
		    q->session, q->peer, out, d)) != CTL_OK)
			return rc;
		/* A polite close; never waits for the server's. */
		(void)SSL_shutdown(q->ssl);
		*wait = TVS_WAIT_DONE;
		return CTL_OK;
	}
	return ctl_diag_set(d, CTL_ERR_INTERNAL, "TVS %s: lost track of the "
	    "question", q->peer);
}

void
tvs_query_free(struct tvs_query *q)
{
	if (q == NULL)
		return;
	SSL_free(q->ssl);
	if (q->fd >= 0)
		close(q->fd);
	ERR_clear_error();
	free(q->req);
	free(q);
}
