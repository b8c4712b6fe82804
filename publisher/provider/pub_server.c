/* Accepting connections and reading their frames. */
#include "pub_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "clock.h"
#include "ctl_err.h"
#include "pub_log.h"
#include "pub_ratelimit.h"

struct conn_job {
	int fd;
	char addr[64];
	uint32_t in_addr;       /* the client's address, network order */
	SSL_CTX *tls;
	const struct pub_service *svc;
	struct pub_slots *slots;
	volatile sig_atomic_t *stop;
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
	case CTL_ERR_UNTRUSTED:  /* a chain that does not complete */
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

/*
 * Waits for the next frame of S until UNTIL, waking now and then to see
 * whether the server is stopping (then CTL_ERR_CANCELLED).
 */
static int
wait_frame(struct conn_job *job, struct pub_session *s, long long until,
    struct ctl_diag *d)
{
	long long slice;
	int rc;

	do {
		if (*job->stop)
			return CTL_ERR_CANCELLED;
		slice = ctl_deadline_ms(PUB_STOP_CHECK_MS);
		rc = proto_wait_frame(s->conn, slice < until ? slice : until,
		    d);
	} while (rc == CTL_ERR_TIMEOUT && ctl_ms_left(until) > 0);
	return rc;
}

/*
 * Serves one connection under its deadlines (docs/publisher.md,
 * "Limits"); true when it authenticated, so that its slot is given back
 * as such.
 */
static bool
serve_conn(struct conn_job *job)
{
	const struct pub_service *svc = job->svc;
	long long login_by = ctl_deadline_ms(PUB_LOGIN_MS), frame_by;
	struct pub_session s;
	struct proto_header h;
	struct proto_fields fs;
	struct proto_out reply;
	struct ctl_diag d;
	uint8_t *payload;
	bool authed = false, login_binds;
	uint32_t pe;
	int rc;

	memset(&s, 0, sizeof(s));
	snprintf(s.addr, sizeof(s.addr), "%s", job->addr);
	if ((rc = proto_accept(job->tls, job->fd, job->addr, PUB_HANDSHAKE_MS,
	    &s.conn, &d)) != CTL_OK) {
		if (rc == CTL_ERR_TIMEOUT)
			pub_log("%s: no TLS handshake within %d s, closing",
			    job->addr, PUB_HANDSHAKE_MS / 1000);
		else
			pub_log("%s: connection refused: %s", job->addr, d.msg);
		return false;
	}
	s.node_peer = is_node_peer(s.conn);
	if (svc->nodes_only && !s.node_peer) {
		/* before reading a byte of a frame */
		pub_log("%s: no cluster node certificate, closing", s.addr);
		proto_close(s.conn);
		return false;
	}
	if (svc->open != NULL)
		svc->open(svc->ctx, &s);
	for (;;) {
		if (!authed && (s.logged_in || s.node_peer)) {
			authed = true;
			pub_slots_authed(job->slots);
		}
		payload = NULL;
		ctl_diag_clear(&d);
		rc = wait_frame(job, &s, authed ? ctl_deadline_ms(PUB_IDLE_MS) :
		    login_by, &d);
		if (rc == CTL_ERR_TIMEOUT) {
			if (authed)
				pub_log("%s: idle for %d s, closing", s.addr,
				    PUB_IDLE_MS / 1000);
			else
				pub_log("%s: not logged in within %d s, "
				    "closing", s.addr, PUB_LOGIN_MS / 1000);
		}
		if (rc != CTL_OK)
			break;
		/* The whole frame from its first byte, however it trickles. */
		frame_by = ctl_deadline_ms(PUB_FRAME_MS);
		login_binds = !authed && login_by < frame_by;
		proto_set_deadline(s.conn, login_binds ? login_by : frame_by);
		rc = proto_recv(s.conn, &h, &payload, &d);
		if (rc == CTL_ERR_PROTOCOL) {
			pub_log("%s: malformed frame, closing: %s", s.addr,
			    d.msg);
			proto_send_error(s.conn, 0, PE_MALFORMED, d.msg, NULL);
			break;
		}
		if (rc == CTL_ERR_TIMEOUT) {
			if (login_binds)
				pub_log("%s: not logged in within %d s, "
				    "closing", s.addr, PUB_LOGIN_MS / 1000);
			else
				pub_log("%s: frame not complete within %d s of "
				    "its first byte, closing", s.addr,
				    PUB_FRAME_MS / 1000);
		}
		if (rc != CTL_OK)
			break;
		/* The answer must be taken within the idle time. */
		proto_set_deadline(s.conn, ctl_deadline_ms(PUB_IDLE_MS));
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
		/* the handler's own time does not count against the answer */
		proto_set_deadline(s.conn, ctl_deadline_ms(PUB_IDLE_MS));
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
	return authed;
}

static void *
conn_thread(void *arg)
{
	struct conn_job *job = arg;
	bool authed = serve_conn(job);

	pub_slots_give(job->slots, job->in_addr, authed);
	free(job);
	return NULL;
}

/* Refused connections, logged at most once a second with a count, so
 * that a flood cannot fill the log. */
struct refusals {
	long long next_log;
	unsigned quiet;         /* refused since the last line */
};

static void
log_refusal(struct refusals *r, const char *addr, enum pub_slot_verdict v)
{
	long long now = ctl_now_ms();

	if (now < r->next_log) {
		r->quiet++;
		return;
	}
	if (r->quiet > 0)
		pub_log("connection from %s refused: %s (and %u more refused "
		    "in the last second)", addr, pub_slot_verdict_str(v),
		    r->quiet);
	else
		pub_log("connection from %s refused: %s", addr,
		    pub_slot_verdict_str(v));
	r->quiet = 0;
	r->next_log = now + 1000;
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
	struct pub_slots *slots = NULL;
	struct refusals refused = { 0, 0 };
	enum pub_slot_verdict v;
	pthread_attr_t attr;
	pthread_t t;
	char addr[INET_ADDRSTRLEN];
	int lfd, fd, n;

	if (pub_slots_new(&slots) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	if (pub_listen(ip, port, &lfd, d) != CTL_OK) {
		pub_slots_free(slots);
		return CTL_ERR_NETWORK;
	}
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
		inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr));
		/* over a limit: closed at once, without using a slot */
		if ((v = pub_slots_take(slots, peer.sin_addr.s_addr)) !=
		    PUB_SLOT_TAKEN) {
			log_refusal(&refused, addr, v);
			close(fd);
			continue;
		}
		if ((job = calloc(1, sizeof(*job))) == NULL) {
			pub_slots_give(slots, peer.sin_addr.s_addr, false);
			close(fd);
			continue;
		}
		*job = (struct conn_job){ fd, "", peer.sin_addr.s_addr, tls,
		    svc, slots, stop };
		snprintf(job->addr, sizeof(job->addr), "%s", addr);
		if (pthread_create(&t, &attr, conn_thread, job) != 0) {
			pub_slots_give(slots, peer.sin_addr.s_addr, false);
			close(fd);
			free(job);
		}
	}
	pthread_attr_destroy(&attr);
	close(lfd);
	/* Let connections in flight finish their request. */
	for (n = 0; n < 100 && pub_slots_count(slots) > 0; n++)
		usleep(50000);
	/* the last connection frees the slots if some are still held */
	pub_slots_free(slots);
	pub_log("stopped listening on %s:%u", ip, port);
	return CTL_OK;
}
