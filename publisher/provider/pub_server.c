/* Accepting connections and reading their frames. */
#include "pub_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "ctl_err.h"
#include "pub_log.h"

static atomic_uint active;

struct conn_job {
	int fd;
	char addr[64];
	SSL_CTX *tls;
	const struct pub_service *svc;
};

int
pub_listen(const char *ip, uint16_t port, int *fd, struct ctl_diag *d)
{
	struct sockaddr_in sa;
	int s, one = 1;

	*fd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s is not an IPv4 "
		    "address", ip);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(s, 64) != 0) {
		ctl_diag_set(d, CTL_ERR_NETWORK, "cannot listen on %s:%u: %s",
		    ip, port, strerror(errno));
		if (s >= 0)
			close(s);
		return CTL_ERR_NETWORK;
	}
	*fd = s;
	return CTL_OK;
}

uint32_t
pub_server_error_code(int rc)
{
	switch (rc) {
	case CTL_ERR_PROTOCOL: return PE_MALFORMED;
	case CTL_ERR_UNSUPPORTED: return PE_UNSUPPORTED;
	case CTL_ERR_LOGIN_REQUIRED: return PE_LOGIN_REQUIRED;
	case CTL_ERR_AUTH: return PE_LOGIN_REFUSED;
	case CTL_ERR_RATE_LIMITED: return PE_RATE_LIMITED;
	case CTL_ERR_NOT_FOUND: return PE_NOT_FOUND;
	case CTL_ERR_CONFLICT: return PE_CONFLICT;
	case CTL_ERR_NOT_ALLOWED: return PE_NOT_ALLOWED;
	case CTL_ERR_REFUSED:
	case CTL_ERR_USAGE:
	case CTL_ERR_FORMAT:
	case CTL_ERR_KEY:
	case CTL_ERR_TOO_BIG: return PE_REJECTED;
	}
	return PE_INTERNAL;
}

/* Did the peer present a certificate the cluster CA vouches for? */
static bool
is_node_peer(const struct proto_conn *c)
{
	X509 *x = SSL_get1_peer_certificate(c->ssl);
	bool ok = x != NULL && SSL_get_verify_result(c->ssl) == X509_V_OK;

	X509_free(x);
	return ok;
}

static void
serve_conn(struct conn_job *job)
{
	const struct pub_service *svc = job->svc;
	struct pub_session s;
	struct proto_header h;
	struct proto_fields fs;
	struct proto_out reply;
	struct ctl_diag d;
	uint8_t *payload;
	uint32_t pe;
	int rc;

	memset(&s, 0, sizeof(s));
	snprintf(s.addr, sizeof(s.addr), "%s", job->addr);
	if (proto_accept(job->tls, job->fd, job->addr, PUB_IDLE_MS, &s.conn,
	    &d) != CTL_OK) {
		pub_log("%s: connection refused: %s", job->addr, d.msg);
		return;
	}
	s.node_peer = is_node_peer(s.conn);
	if (svc->open != NULL)
		svc->open(svc->ctx, &s);
	for (;;) {
		payload = NULL;
		ctl_diag_clear(&d);
		rc = proto_recv(s.conn, &h, &payload, &d);
		if (rc == CTL_ERR_PROTOCOL) {
			pub_log("%s: malformed frame, closing: %s", s.addr,
			    d.msg);
			proto_send_error(s.conn, 0, PE_MALFORMED, d.msg, NULL);
			break;
		}
		if (rc != CTL_OK) {
			if (rc == CTL_ERR_TIMEOUT)
				pub_log("%s: idle for %d s, closing", s.addr,
				    PUB_IDLE_MS / 1000);
			break;
		}
		if ((rc = proto_fields_parse(payload, h.length, false, &fs,
		    &d)) != CTL_OK) {
			pub_log("%s: malformed %s request, closing: %s", s.addr,
			    proto_type_name(h.type) ? proto_type_name(h.type) :
			    "unknown", d.msg);
			proto_send_error(s.conn, h.id, PE_MALFORMED, d.msg, NULL);
			OPENSSL_clear_free(payload, h.length);
			break;
		}
		proto_out_init(&reply, PROTO_OK, h.id);
		rc = svc->handle(svc->ctx, &s, &h, &fs, &reply, &d);
		pe = rc == CTL_OK ? 0 : pub_server_error_code(rc);
		if (rc == CTL_OK)
			rc = proto_send(s.conn, &reply, &d);
		else
			rc = proto_send_error(s.conn, h.id, pe,
			    ctl_diag_msg(&d, rc), &d);
		proto_out_free(&reply);
		proto_fields_free(&fs);
		/* A LOGIN payload holds the password in clear. */
		OPENSSL_clear_free(payload, h.length);
		/* A malformed request ends the connection, as the protocol
		 * says; so does a broken write. */
		if (rc != CTL_OK || pe == PE_MALFORMED)
			break;
	}
	if (svc->close != NULL)
		svc->close(svc->ctx, &s);
	proto_close(s.conn);
}

static void *
conn_thread(void *arg)
{
	struct conn_job *job = arg;

	serve_conn(job);
	free(job);
	atomic_fetch_sub(&active, 1);
	return NULL;
}

int
pub_server_run(const char *ip, uint16_t port, SSL_CTX *tls,
    const struct pub_service *svc, volatile sig_atomic_t *stop,
    struct ctl_diag *d)
{
	struct sockaddr_in peer;
	socklen_t plen;
	struct pollfd p;
	struct conn_job *job;
	pthread_attr_t attr;
	pthread_t t;
	int lfd, fd, n;

	if (pub_listen(ip, port, &lfd, d) != CTL_OK)
		return CTL_ERR_NETWORK;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pub_log("listening on %s:%u", ip, port);
	while (!*stop) {
		p.fd = lfd;
		p.events = POLLIN;
		/* Wake up now and then to see whether we were told to stop. */
		if ((n = poll(&p, 1, 250)) <= 0)
			continue;
		plen = sizeof(peer);
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		    SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (atomic_load(&active) >= PUB_MAX_CONNS) {
			pub_log("connection from %s refused: %d connections "
			    "already", inet_ntoa(peer.sin_addr), PUB_MAX_CONNS);
			close(fd);
			continue;
		}
		if ((job = calloc(1, sizeof(*job))) == NULL) {
			close(fd);
			continue;
		}
		job->fd = fd;
		job->tls = tls;
		job->svc = svc;
		inet_ntop(AF_INET, &peer.sin_addr, job->addr,
		    sizeof(job->addr));
		atomic_fetch_add(&active, 1);
		if (pthread_create(&t, &attr, conn_thread, job) != 0) {
			atomic_fetch_sub(&active, 1);
			close(fd);
			free(job);
		}
	}
	pthread_attr_destroy(&attr);
	close(lfd);
	/* Let connections in flight finish their request. */
	for (n = 0; n < 100 && atomic_load(&active) > 0; n++)
		usleep(50000);
	pub_log("stopped listening on %s:%u", ip, port);
	return CTL_OK;
}
