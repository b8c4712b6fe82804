/* TLS connections carrying protocol frames. */
#include "proto_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "clock.h"
#include "ctl_err.h"
#include "file_io.h"
#include "ossl_err.h"

const char *
proto_ssl_reason(void)
{
	return ossl_err_reason();
}

static int
base_ctx(const SSL_METHOD *m, SSL_CTX **out, struct ctl_diag *d)
{
	SSL_CTX *ctx = SSL_CTX_new(m);

	if (ctx == NULL ||
	    !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
		SSL_CTX_free(ctx);
		return ctl_diag_set(d, CTL_ERR_TLS, "cannot set up TLS: %s",
		    proto_ssl_reason());
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
	*out = ctx;
	return CTL_OK;
}

static int
load_identity(SSL_CTX *ctx, const char *cert, const char *key,
    struct ctl_diag *d)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		return ctl_diag_set(d, CTL_ERR_TLS, "%s: cannot load the "
		    "certificate: %s", cert, proto_ssl_reason());
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		return ctl_diag_set(d, CTL_ERR_TLS, "%s: cannot load the key: "
		    "%s", key, proto_ssl_reason());
	if (SSL_CTX_check_private_key(ctx) != 1)
		return ctl_diag_set(d, CTL_ERR_TLS, "%s does not belong to %s",
		    key, cert);
	return CTL_OK;
}

int
proto_tls_server_ctx(const char *cert_pem, const char *key_pem,
    const char *client_ca, bool require_client, SSL_CTX **out,
    struct ctl_diag *d)
{
	SSL_CTX *ctx = NULL;
	int rc;

	*out = NULL;
	if ((rc = base_ctx(TLS_server_method(), &ctx, d)) != CTL_OK)
		return rc;
	if ((rc = load_identity(ctx, cert_pem, key_pem, d)) != CTL_OK)
		goto fail;
	if (client_ca != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, client_ca, NULL) != 1) {
			rc = ctl_diag_set(d, CTL_ERR_TLS, "%s: cannot load the "
			    "client CA: %s", client_ca, proto_ssl_reason());
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (require_client ?
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
	}
	*out = ctx;
	return CTL_OK;
fail:
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

int
proto_tls_client_ctx(const char *cafile, const char *cert_pem,
    const char *key_pem, SSL_CTX **out, struct ctl_diag *d)
{
	SSL_CTX *ctx = NULL;
	int rc;

	*out = NULL;
	if ((rc = base_ctx(TLS_client_method(), &ctx, d)) != CTL_OK)
		return rc;
	if (cafile != NULL) {
		/* OpenSSL would wait forever on a FIFO. */
		if ((rc = file_check_regular(cafile, "the CA file", d)) !=
		    CTL_OK)
			goto fail;
		if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
			rc = ctl_diag_set(d, CTL_ERR_TLS, "%s: cannot load the "
			    "certificates to trust: %s", cafile, proto_ssl_reason());
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	if (cert_pem != NULL &&
	    (rc = load_identity(ctx, cert_pem, key_pem, d)) != CTL_OK)
		goto fail;
	*out = ctx;
	return CTL_OK;
fail:
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

static void
set_timeouts(int fd, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* connect() that gives up after TIMEOUT_MS. */
static int
connect_within(int fd, const struct sockaddr *sa, socklen_t len,
    int timeout_ms)
{
	struct pollfd p = { fd, POLLOUT, 0 };
	int flags = fcntl(fd, F_GETFL), err = 0, n;
	socklen_t elen = sizeof(err);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	if (connect(fd, sa, len) != 0) {
		if (errno != EINPROGRESS)
			return -1;
		while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
			;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
		    &elen) != 0)
			return -1;
		if (err != 0) {
			errno = err;
			return -1;
		}
	}
	return fcntl(fd, F_SETFL, flags);
}

/* Why a TLS call failed, as a code and a message. */
static int
tls_failure(struct proto_conn *c, int ret, const char *what,
    struct ctl_diag *d)
{
	int e = SSL_get_error(c->ssl, ret);
	int rc;

	if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL &&
	    ERR_peek_error() == 0 && (ret == 0 || errno == ECONNRESET ||
	    errno == EPIPE)))
		rc = ctl_diag_set(d, CTL_ERR_NETWORK, "%s: the connection was "
		    "closed during %s", c->peer, what);
	else if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ||
	    (e == SSL_ERROR_SYSCALL && (errno == EAGAIN ||
	    errno == EWOULDBLOCK)))
		/* the step's time ran out (wait_tls) */
		rc = ctl_diag_set(d, CTL_ERR_TIMEOUT, "%s: no answer in time "
		    "during %s", c->peer, what);
	else if (e == SSL_ERROR_SSL)
		rc = ctl_diag_set(d, CTL_ERR_TLS, "%s: TLS failed during %s: "
		    "%s", c->peer, what, proto_ssl_reason());
	else
		rc = ctl_diag_set(d, CTL_ERR_NETWORK, "%s: %s failed: %s",
		    c->peer, what, strerror(errno));
	ERR_clear_error();
	return rc;
}

static int
wrap(SSL_CTX *ctx, int fd, const char *peer, struct proto_conn **out,
    struct ctl_diag *d)
{
	struct proto_conn *c = calloc(1, sizeof(*c));
	int flags, rc;

	if (c == NULL || (c->ssl = SSL_new(ctx)) == NULL ||
	    SSL_set_fd(c->ssl, fd) != 1) {
		if (c != NULL)
			SSL_free(c->ssl);
		free(c);
		close(fd);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "cannot set up TLS");
	}
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	/* Non-blocking underneath, so that every wait goes through
	 * wait_tls() and a deadline holds however the bytes trickle. */
	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		rc = ctl_diag_set(d, CTL_ERR_NETWORK, "%s: cannot set up the "
		    "socket: %s", peer, strerror(errno));
		proto_close(c);
		return rc;
	}
	*out = c;
	return CTL_OK;
}

/* The end of one step waiting in direction WRITE: the socket's
 * SO_SNDTIMEO or SO_RCVTIMEO from now (set by set_timeouts() or the
 * caller), 0 for no end. */
static long long
step_deadline(const struct proto_conn *c, bool write)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);
	unsigned long ms;

	if (getsockopt(c->fd, SOL_SOCKET, write ? SO_SNDTIMEO : SO_RCVTIMEO,
	    &tv, &len) != 0 || (tv.tv_sec == 0 && tv.tv_usec == 0))
		return 0;
	ms = (unsigned long)tv.tv_sec * 1000 + (unsigned long)tv.tv_usec /
	    1000;
	return ctl_deadline_ms(ms);
}

/*
 * After a TLS call returned RET: when it only wants the socket, waits
 * for it until STEP_END or the connection's deadline, whichever comes
 * first (0: none), and returns CTL_OK to call again; otherwise returns
 * the call's failure.  CTL_ERR_TIMEOUT once the time is up.
 */
static int
wait_tls(struct proto_conn *c, int ret, long long step_end,
    const char *what, struct ctl_diag *d)
{
	int e = SSL_get_error(c->ssl, ret);
	struct pollfd p = { c->fd, 0, 0 };
	long long end = c->deadline;
	unsigned long left;
	int n;

	if (e == SSL_ERROR_WANT_READ)
		p.events = POLLIN;
	else if (e == SSL_ERROR_WANT_WRITE)
		p.events = POLLOUT;
	else
		return tls_failure(c, ret, what, d);
	ERR_clear_error();
	if (end == 0 || (step_end != 0 && step_end < end))
		end = step_end;
	for (;;) {
		left = end == 0 ? 0 : ctl_ms_left(end);
		if (end != 0 && left == 0)
			break;
		n = poll(&p, 1, end == 0 ? -1 : left > INT_MAX ? INT_MAX :
		    (int)left);
		if (n > 0)
			return CTL_OK;
		if (n < 0 && errno != EINTR)
			return ctl_diag_set(d, CTL_ERR_NETWORK, "%s: %s failed: "
			    "%s", c->peer, what, strerror(errno));
	}
	return ctl_diag_set(d, CTL_ERR_TIMEOUT, "%s: no answer in time during "
	    "%s", c->peer, what);
}

void
proto_set_deadline(struct proto_conn *c, long long deadline)
{
	c->deadline = deadline;
}

int
proto_wait_frame(struct proto_conn *c, long long until, struct ctl_diag *d)
{
	struct pollfd p = { c->fd, POLLIN, 0 };
	unsigned long left;
	int n;

	if (SSL_has_pending(c->ssl))
		return CTL_OK;
	while ((left = ctl_ms_left(until)) > 0) {
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return CTL_OK;
		if (n < 0 && errno != EINTR)
			return ctl_diag_set(d, CTL_ERR_NETWORK, "%s: waiting for "
			    "a frame failed: %s", c->peer, strerror(errno));
	}
	return ctl_diag_set(d, CTL_ERR_TIMEOUT, "%s: no frame in time",
	    c->peer);
}

/* A handshake step (SSL_connect or SSL_accept) run to its end within
 * TIMEOUT_MS in all. */
static int
handshake(struct proto_conn *c, int (*step)(SSL *), int timeout_ms,
    struct ctl_diag *d)
{
	long long end = timeout_ms > 0 ?
	    ctl_deadline_ms((unsigned long)timeout_ms) : 0;
	int ret, rc;

	for (;;) {
		ERR_clear_error();
		if ((ret = step(c->ssl)) == 1)
			return CTL_OK;
		if ((rc = wait_tls(c, ret, end, "the TLS handshake", d)) !=
		    CTL_OK)
			return rc;
	}
}

int
proto_connect(SSL_CTX *ctx, const char *host, uint16_t port, int timeout_ms,
    struct proto_conn **out, struct ctl_diag *d)
{
	struct addrinfo hints, *res = NULL;
	struct proto_conn *c = NULL;
	char ports[8], peer[80];
	int fd = -1, rc, gai;

	*out = NULL;
	snprintf(ports, sizeof(ports), "%u", port);
	snprintf(peer, sizeof(peer), "%s:%u", host, port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(host, ports, &hints, &res)) != 0)
		return ctl_diag_set(d, CTL_ERR_NETWORK, "%s: cannot resolve the "
		    "host: %s", peer, gai_strerror(gai));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect_within(fd, res->ai_addr, res->ai_addrlen,
	    timeout_ms) != 0) {
		rc = ctl_diag_set(d, errno == ETIMEDOUT ? CTL_ERR_TIMEOUT :
		    CTL_ERR_NETWORK, "%s: cannot connect: %s (is the server "
		    "running?)", peer, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return rc;
	}
	freeaddrinfo(res);
	set_timeouts(fd, timeout_ms);
	if ((rc = wrap(ctx, fd, peer, &c, d)) != CTL_OK)
		return rc;
	if ((rc = handshake(c, SSL_connect, timeout_ms, d)) != CTL_OK) {
		long v = SSL_get_verify_result(c->ssl);

		if (v != X509_V_OK)
			rc = ctl_diag_set(d, CTL_ERR_TLS, "%s: the server's "
			    "certificate is not trusted: %s", peer,
			    X509_verify_cert_error_string(v));
		ERR_clear_error();
		proto_close(c);
		return rc;
	}
	*out = c;
	return CTL_OK;
}

int
proto_accept(SSL_CTX *ctx, int fd, const char *peer, int timeout_ms,
    struct proto_conn **out, struct ctl_diag *d)
{
	struct proto_conn *c = NULL;
	int rc;

	*out = NULL;
	set_timeouts(fd, timeout_ms);
	if ((rc = wrap(ctx, fd, peer, &c, d)) != CTL_OK)
		return rc;
	if ((rc = handshake(c, SSL_accept, timeout_ms, d)) != CTL_OK) {
		proto_close(c);
		return rc;
	}
	*out = c;
	return CTL_OK;
}

static int
write_all(struct proto_conn *c, const uint8_t *p, size_t n,
    struct ctl_diag *d)
{
	long long end = step_deadline(c, true);
	size_t done = 0;
	int ret, rc;

	while (done < n) {
		ERR_clear_error();
		ret = SSL_write(c->ssl, p + done, (int)(n - done));
		if (ret <= 0) {
			if ((rc = wait_tls(c, ret, end, "a write", d)) != CTL_OK)
				return rc;
			continue;
		}
		done += (size_t)ret;
		end = step_deadline(c, true);
	}
	return CTL_OK;
}

static int
read_all(struct proto_conn *c, uint8_t *p, size_t n, struct ctl_diag *d)
{
	long long end = step_deadline(c, false);
	size_t done = 0;
	int ret, rc;

	while (done < n) {
		ERR_clear_error();
		ret = SSL_read(c->ssl, p + done, (int)(n - done));
		if (ret <= 0) {
			if ((rc = wait_tls(c, ret, end, "a read", d)) != CTL_OK)
				return rc;
			continue;
		}
		done += (size_t)ret;
		end = step_deadline(c, false);
	}
	return CTL_OK;
}

int
proto_send(struct proto_conn *c, struct proto_out *o, struct ctl_diag *d)
{
	uint8_t *frame = NULL;
	size_t len;
	int rc;

	if ((rc = proto_out_finish(o, &frame, &len)) != CTL_OK)
		return ctl_diag_set(d, rc, "cannot encode the %s frame: %s",
		    proto_type_name(o->type) ? proto_type_name(o->type) : "?",
		    ctl_strerror(rc));
	rc = write_all(c, frame, len, d);
	/* A LOGIN frame holds a password. */
	OPENSSL_cleanse(frame, len);
	free(frame);
	return rc;
}

int
proto_send_error(struct proto_conn *c, uint32_t id, uint32_t code,
    const char *msg, struct ctl_diag *d)
{
	struct proto_out o;
	char cut[1025];
	int rc;

	snprintf(cut, sizeof(cut), "%s", msg);
	proto_out_init(&o, PROTO_ERROR, id);
	proto_put_u32(&o, PT_ERROR, code);
	proto_put_str(&o, PT_MESSAGE, cut[0] ? cut : "error");
	rc = proto_send(c, &o, d);
	proto_out_free(&o);
	return rc;
}

int
proto_recv(struct proto_conn *c, struct proto_header *h, uint8_t **payload,
    struct ctl_diag *d)
{
	uint8_t head[PROTO_HEADER_LEN], *p = NULL;
	struct ctl_diag pd;
	int rc;

	*payload = NULL;
	if ((rc = read_all(c, head, sizeof(head), d)) != CTL_OK)
		return rc;
	if ((rc = proto_header_parse(head, h, &pd)) != CTL_OK)
		return ctl_diag_set(d, rc, "%s: %s", c->peer, pd.msg);
	if (h->length == 0)
		return CTL_OK;
	if ((p = malloc(h->length)) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	if ((rc = read_all(c, p, h->length, d)) != CTL_OK) {
		/* A cut-off LOGIN may already hold part of a password. */
		OPENSSL_clear_free(p, h->length);
		return rc;
	}
	*payload = p;
	return CTL_OK;
}

int
proto_error_code(uint32_t pe)
{
	switch (pe) {
	case PE_LOGIN_REQUIRED:
	case PE_LOGIN_REFUSED:
	case PE_RATE_LIMITED:
		return CTL_ERR_AUTH;
	case PE_CONFLICT:
		return CTL_ERR_CONFLICT;
	case PE_NOT_FOUND:
		return CTL_ERR_NOT_FOUND;
	}
	return CTL_ERR_REFUSED;
}

int
proto_call(struct proto_conn *c, struct proto_out *o, struct proto_fields *fs,
    uint8_t **payload, struct ctl_diag *d)
{
	struct proto_header h;
	struct ctl_diag pd;
	char msg[1025] = "";
	uint32_t code = 0;
	int rc;

	fs->f = NULL;
	fs->n = 0;
	*payload = NULL;
	if ((rc = proto_send(c, o, d)) != CTL_OK ||
	    (rc = proto_recv(c, &h, payload, d)) != CTL_OK)
		return rc;
	if (h.id != o->id || (h.type != PROTO_OK && h.type != PROTO_ERROR)) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: answer of type "
		    "0x%02x to request %u, expected one to request %u",
		    c->peer, h.type, h.id, o->id);
		goto fail;
	}
	if ((rc = proto_fields_parse(*payload, h.length, false, fs, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer: %s", c->peer,
		    pd.msg);
		goto fail;
	}
	if (h.type == PROTO_OK)
		return CTL_OK;
	(void)proto_get_u32(fs, PT_ERROR, true, &code, NULL);
	(void)proto_get_str(fs, PT_MESSAGE, false, msg, sizeof(msg) - 1,
	    NULL);
	rc = ctl_diag_set(d, proto_error_code(code), "%s", msg[0] ? msg :
	    "the server refused the request");
	proto_fields_free(fs);
fail:
	free(*payload);
	*payload = NULL;
	return rc;
}

int
proto_peer_sha256(const struct proto_conn *c, uint8_t out[32])
{
	X509 *x = SSL_get1_peer_certificate(c->ssl);
	unsigned int n = 32;
	int rc;

	if (x == NULL)
		return CTL_ERR_TLS;
	rc = X509_digest(x, EVP_sha256(), out, &n) == 1 ? CTL_OK :
	    CTL_ERR_CRYPTO;
	X509_free(x);
	return rc;
}

void
proto_close(struct proto_conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		/* One close_notify, without waiting for the peer's. */
		(void)SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd);
	ERR_clear_error();
	free(c);
}
