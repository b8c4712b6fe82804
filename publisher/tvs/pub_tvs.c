/* The TVS server: see pub_tvs.h and docs/tvs.md. */
#include "pub_tvs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/sha.h>

#include "ctl.h"
#include "hex.h"
#include "ossl_err.h"
#include "pub_log.h"
#include "pub_tvs_cache.h"
#include "pub_tvs_tls.h"
#include "tvs_msg.h"

#define TICK_MS 100     /* how soon a loop notices the stop flag */

struct server;

struct conn {
	struct worker *w;
	struct bufferevent *bev;
	struct event *deadline;
	char peer[64];
	bool handshaken;
	bool closing;           /* flushing the answers, then closing */
	bool paused;            /* reading stopped: answers pile up */
	unsigned answered;
	struct conn *prev, *next;
};

struct worker {
	struct server *srv;
	struct event_base *base;
	struct evconnlistener *lev;
	struct event *tick;
	pthread_t thread;
	bool started;
	bool accept_paused;     /* out of descriptors: retried next tick */
	struct conn *conns;     /* open connections, for shutdown */
};

struct server {
	const struct pub_node *self;
	struct pub_tvs_cache *cache;
	struct pub_tvs_cert *cert;      /* what new connections get */
	atomic_int nconns;
	volatile sig_atomic_t *stop;
	struct worker workers[PUB_TVS_WORKERS_MAX];
	int nworkers;
};

static const struct timeval timeout_tv = { PUB_TVS_TIMEOUT_S, 0 };

/* ---- connections ---- */

static void
conn_free(struct conn *c)
{
	struct worker *w = c->w;

	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->deadline)
		event_free(c->deadline);
	if (c->bev)
		bufferevent_free(c->bev);
	atomic_fetch_sub(&w->srv->nconns, 1);
	free(c);
}

/* Logs why C is closed and closes it, after the answers already queued
 * have gone out. */
static void
conn_fail(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
conn_fail(struct conn *c, const char *fmt, ...)
{
	char why[CTL_DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pub_log("TVS %s: closed: %s", c->peer, why);
	if (c->handshaken &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0) {
		c->closing = true;
		bufferevent_disable(c->bev, EV_READ);
		return;         /* write_cb frees it once flushed */
	}
	conn_free(c);
}

static void
roles_text(const struct pub_tvs_answer *a, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < a->nroles && n < cap; i++) {
		const char *name = ctl_role_name(a->roles[i]);

		if (name)
			n += (size_t)snprintf(out + n, cap - n, "%s%s",
			    i ? "," : "", name);
		else
			n += (size_t)snprintf(out + n, cap - n, "%s%u",
			    i ? "," : "", a->roles[i]);
	}
}

/* The log line of one answer: NAMES from pub_tvs_cert_names(), SHA1
 * that of the certificate's DER. */
static void
log_answer(const struct conn *c, const struct tvs_request *req,
    const char *names, const uint8_t sha1[SHA_DIGEST_LENGTH],
    const struct pub_tvs_answer *a)
{
	char hex[2 * SHA_DIGEST_LENGTH + 1], roles[128];

	hex_format(hex, sizeof(hex), sha1, SHA_DIGEST_LENGTH, '\0', 0);
	roles_text(a, roles, sizeof(roles));
	pub_log("TVS %s: %s %s %s sha1 %s: %s: %s%s%s", c->peer, req->device,
	    req->command == TVS_CMD_QUERY_REQ ? "query" : "verify",
	    names ? names : "subject \"?\" issuer \"?\" serial ?", hex,
	    a->valid ? "valid" : "invalid", a->where,
	    a->valid ? ", roles " : "", a->valid ? roles : "");
}

/*
 * Looks REQ's certificate (SHA1 its SHA-1) up: *SNAP is the snapshot
 * looked up in, with a reference for the caller, and *NAMES the
 * certificate's names for the log (*OWN, when not NULL, to be freed).
 * Returns false when C was closed (the certificate is not DER).
 */
static bool
lookup(struct conn *c, const struct tvs_request *req,
    const uint8_t sha1[SHA_DIGEST_LENGTH], struct pub_tvs_answer *a,
    struct pub_tvs_snap **snap, const char **names, char **own)
{
	struct pub_tvs_cache *cache = c->w->srv->cache;
	struct ctl_diag d;
	X509 *x = NULL;

	/* Phones ask about the certificates TVS holds: found by their
	 * bytes, they need no parsing, which (OpenSSL decodes the public
	 * key) costs as much as the rest of the request. */
	*snap = pub_tvs_cache_get(cache);
	if ((*names = pub_tvs_lookup_der(*snap, req->cert, req->cert_len,
	    sha1, a)) != NULL)
		return true;
	pub_tvs_snap_put(*snap);
	*snap = NULL;
	if (tvs_request_cert(req, &x, &d) != CTL_OK) {
		conn_fail(c, "bad request from %s: %s", req->device, d.msg);
		return false;
	}
	/* Not held: before answering "invalid", see whether a trust store
	 * change committed a moment ago (an upload, a bulk import), which
	 * a phone reset right after it relies on, is still to be read. */
	pub_tvs_cache_refresh(cache);
	*snap = pub_tvs_cache_get(cache);
	if ((*names = pub_tvs_lookup_der(*snap, req->cert, req->cert_len,
	    sha1, a)) == NULL) {
		pub_tvs_lookup(*snap, x, req->cert, req->cert_len, a);
		pub_tvs_cert_names(x, own);
		*names = *own;
	}
	X509_free(x);
	return true;
}

/* Answers the whole request P/LEN.  Returns false when C was closed. */
static bool
answer(struct conn *c, const uint8_t *p, size_t len)
{
	struct tvs_request req;
	struct tvs_response resp;
	struct pub_tvs_answer a;
	struct pub_tvs_snap *snap = NULL;
	struct ctl_diag d;
	uint8_t out[64], sha1[SHA_DIGEST_LENGTH];
	size_t out_len = 0;
	const char *names = NULL;
	char *own = NULL;

	if (tvs_request_parse(p, len, &req, &d) != CTL_OK) {
		conn_fail(c, "bad request: %s", d.msg);
		return false;
	}
	SHA1(req.cert, req.cert_len, sha1);
	if (!lookup(c, &req, sha1, &a, &snap, &names, &own))
		return false;
	memset(&resp, 0, sizeof(resp));
	resp.command = tvs_answer_command(req.command);
	resp.session = req.session;
	resp.valid = a.valid;
	if (a.valid) {
		memcpy(resp.roles, a.roles, a.nroles);
		resp.nroles = a.nroles;
		resp.ttl = PUB_TVS_TTL;
	}
	log_answer(c, &req, names, sha1, &a);
	pub_tvs_snap_put(snap);         /* NAMES may be in it */
	free(own);
	if (tvs_response_build(&resp, out, sizeof(out), &out_len, &d) !=
	    CTL_OK) {
		conn_fail(c, "cannot answer: %s", d.msg);
		return false;
	}
	if (bufferevent_write(c->bev, out, out_len) != 0) {
		/* libevent says no more than that: out of memory */
		conn_fail(c, "cannot answer: the answer could not be queued");
		return false;
	}
	c->answered++;
	return true;
}

/* Answers every whole request in C's input, in order. */
static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct tvs_header h;
	struct ctl_diag d;
	uint8_t head[TVS_HEADER_LEN];
	size_t have, need;
	const uint8_t *p;

	c->handshaken = true;
	while ((have = evbuffer_get_length(in)) >= TVS_HEADER_LEN) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) >
		    PUB_TVS_OUT_MAX) {
			/* the client sends faster than it reads */
			c->paused = true;
			bufferevent_disable(bev, EV_READ);
			return;
		}
		if (evbuffer_copyout(in, head, sizeof(head)) !=
		    (ev_ssize_t)sizeof(head) ||
		    tvs_header_parse(head, sizeof(head), &h, &d) != CTL_OK) {
			conn_fail(c, "bad header: %s", d.msg);
			return;
		}
		if (h.command != TVS_CMD_VERIFY_REQ &&
		    h.command != TVS_CMD_QUERY_REQ) {
			conn_fail(c, "TVS command %u is not a request",
			    h.command);
			return;
		}
		if (h.length > TVS_REQUEST_MAX) {
			conn_fail(c, "the header announces %u bytes of "
			    "elements, at most %d are accepted; the body is "
			    "not read", h.length, TVS_REQUEST_MAX);
			return;
		}
		need = TVS_HEADER_LEN + (size_t)h.length;
		if (have < need)
			return;         /* the rest is on its way */
		if ((p = evbuffer_pullup(in, (ev_ssize_t)need)) == NULL) {
			conn_fail(c, "out of memory reading a request");
			return;
		}
		if (!answer(c, p, need))
			return;
		evbuffer_drain(in, need);
		/* a new request gets a whole timeout of its own */
		evtimer_add(c->deadline, &timeout_tv);
	}
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
		return;
	if (c->closing) {
		conn_free(c);
	} else if (c->paused) {
		c->paused = false;
		bufferevent_enable(bev, EV_READ);
		read_cb(bev, c);
	}
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	size_t pending = evbuffer_get_length(bufferevent_get_input(bev));
	char why[512] = "";
	unsigned long e;

	if (what & BEV_EVENT_CONNECTED) {
		c->handshaken = true;
		return;
	}
	if (c->closing) {       /* the peer left before the flush ended */
		conn_free(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		if (!c->handshaken)
			conn_fail(c, "the client left before the TLS "
			    "handshake ended");
		else if (pending > 0)
			conn_fail(c, "the client left in the middle of a "
			    "request (%zu bytes)", pending);
		else
			conn_free(c);   /* done: nothing to say */
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		conn_fail(c, "the client did not read its answers for %d s",
		    PUB_TVS_TIMEOUT_S);
		return;
	}
	while ((e = bufferevent_get_openssl_error(bev)) != 0)
		ossl_err_append(why, sizeof(why), e);
	if (why[0] == '\0')
		snprintf(why, sizeof(why), "%s", errno ? strerror(errno) :
		    "connection reset");
	if (!c->handshaken)
		conn_fail(c, "TLS handshake failed: %s", why);
	else
		conn_fail(c, "connection error: %s", why);
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	size_t pending = evbuffer_get_length(bufferevent_get_input(c->bev));

	(void)fd;
	(void)what;
	if (c->closing)
		conn_free(c);   /* the client does not read its answers */
	else if (!c->handshaken)
		conn_fail(c, "no TLS handshake within %d s",
		    PUB_TVS_TIMEOUT_S);
	else if (pending > 0 || c->answered == 0)
		conn_fail(c, "no whole request within %d s (%zu bytes)",
		    PUB_TVS_TIMEOUT_S, pending);
	else
		conn_fail(c, "idle for %d s after %u answers",
		    PUB_TVS_TIMEOUT_S, c->answered);
}

static void
accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct worker *w = arg;
	struct server *srv = w->srv;
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	struct conn *c = NULL;
	char addr[INET_ADDRSTRLEN] = "?";
	SSL *ssl = NULL;
	int one = 1;

	(void)lev;
	if (sa->sa_family == AF_INET && (size_t)salen >= sizeof(*sin))
		inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
	if (atomic_fetch_add(&srv->nconns, 1) >= PUB_TVS_CONN_MAX) {
		atomic_fetch_sub(&srv->nconns, 1);
		pub_log("TVS %s:%u: refused: %d connections are served "
		    "already", addr, ntohs(sin->sin_port), PUB_TVS_CONN_MAX);
		evutil_closesocket(fd);
		return;
	}
	/* an answer is one small write after the session tickets: without
	 * this, Nagle holds it for the client's delayed ACK (40 ms) */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto fail;
	c->w = w;
	snprintf(c->peer, sizeof(c->peer), "%s:%u", addr,
	    ntohs(sin->sin_port));
	if ((ssl = pub_tvs_cert_ssl(srv->cert)) == NULL)
		goto fail;
	c->bev = bufferevent_openssl_socket_new(w->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		goto fail;
	ssl = NULL;             /* transferred, and so is fd */
	fd = -1;
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	if ((c->deadline = evtimer_new(w->base, deadline_cb, c)) == NULL)
		goto fail;
	c->next = w->conns;
	if (w->conns)
		w->conns->prev = c;
	w->conns = c;
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	/* no read timeout: the deadline covers the whole request instead
	 * of each byte, so a client trickling bytes is still cut off */
	bufferevent_set_timeouts(c->bev, NULL, &timeout_tv);
	bufferevent_setwatermark(c->bev, EV_READ, 0,
	    TVS_HEADER_LEN + TVS_REQUEST_MAX);
	evtimer_add(c->deadline, &timeout_tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return;
fail:
	pub_log("TVS %s: closed: out of memory accepting the connection",
	    addr);
	SSL_free(ssl);
	if (c && c->bev) {
		if (c->deadline)
			event_free(c->deadline);
		bufferevent_free(c->bev);
	} else if (fd >= 0) {
		evutil_closesocket(fd);
	}
	free(c);
	atomic_fetch_sub(&srv->nconns, 1);
}

static void
accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct worker *w = arg;
	int e = EVUTIL_SOCKET_ERROR();

	/* EMFILE and the like: the waiting connection keeps the socket
	 * readable, so accepting again at once would spin; the tick turns
	 * the listener back on */
	evconnlistener_disable(lev);
	w->accept_paused = true;
	pub_log("TVS: accepting a connection failed: %s; trying again in "
	    "%d ms", evutil_socket_error_to_string(e), TICK_MS);
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	(void)fd;
	(void)what;
	if (*w->srv->stop)
		event_base_loopbreak(w->base);
	else if (w->accept_paused) {
		w->accept_paused = false;
		evconnlistener_enable(w->lev);
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	event_base_dispatch(w->base);
	return NULL;
}

static int
worker_init(struct server *srv, struct worker *w, struct ctl_diag *d)
{
	struct sockaddr_in sa;
	struct timeval tick = { 0, TICK_MS * 1000 };
	struct event_config *cfg = event_config_new();

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(srv->self->ports.tvs);
	if (inet_pton(AF_INET, srv->self->ip, &sa.sin_addr) != 1) {
		event_config_free(cfg);
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "TVS: %s is not an IPv4 address", srv->self->ip);
	}
	w->srv = srv;
	/* each base is used by its own thread only: no locks needed */
	if (cfg)
		event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
	w->base = cfg ? event_base_new_with_config(cfg) : NULL;
	event_config_free(cfg);
	if (w->base == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "TVS: event_base_new");
	w->lev = evconnlistener_new_bind(w->base, accept_cb, w,
	    LEV_OPT_REUSEABLE_PORT | LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, 1024,
	    (struct sockaddr *)&sa, sizeof(sa));
	if (w->lev == NULL)
		return ctl_diag_set(d, CTL_ERR_NETWORK,
		    "TVS: cannot listen on %s:%u: %s; is another program "
		    "using that port?", srv->self->ip, srv->self->ports.tvs,
		    strerror(errno));
	evconnlistener_set_error_cb(w->lev, accept_error_cb);
	if ((w->tick = event_new(w->base, -1, EV_PERSIST, tick_cb, w)) ==
	    NULL || event_add(w->tick, &tick) != 0)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "TVS: event_new");
	return CTL_OK;
}

static void
worker_free(struct worker *w)
{
	while (w->conns)
		conn_free(w->conns);
	if (w->tick)
		event_free(w->tick);
	if (w->lev)
		evconnlistener_free(w->lev);
	if (w->base)
		event_base_free(w->base);
}

/* Room for PUB_TVS_CONN_MAX connections and the node's other files:
 * the soft limit is often 1024, the hard one much higher. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;
	rlim_t want = PUB_TVS_CONN_MAX + 512;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		pub_log("TVS: only %llu file descriptors; fewer than %d "
		    "connections may be served at once (raise the limit, "
		    "ulimit -n)", (unsigned long long)rl.rlim_cur,
		    PUB_TVS_CONN_MAX);
}

static int
nworkers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	/* at least two, so that one slow handshake never holds all */
	if (n < 2)
		n = 2;
	return n > PUB_TVS_WORKERS_MAX ? PUB_TVS_WORKERS_MAX : (int)n;
}

int
pub_tvs_run(const char *dir, const struct pub_node *self,
    volatile sig_atomic_t *stop, struct ctl_diag *d)
{
	struct server *srv = NULL;
	struct pub_state *st = NULL;
	struct pub_settings set;
	char *cert = NULL, *key = NULL, sha1[41];
	int rc, i, waited;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "TVS");
	atomic_init(&srv->nconns, 0);
	srv->self = self;
	srv->stop = stop;
	if ((rc = pub_state_open(dir, &st, d)) != CTL_OK ||
	    (rc = pub_settings_get(st, &set, d)) != CTL_OK ||
	    (rc = pub_node_cert_paths(st, self->name, PUB_CERT_TVS, &cert,
	    &key, d)) != CTL_OK)
		goto out;
	pub_state_close(st);
	st = NULL;
	raise_fd_limit();
	if ((rc = pub_tvs_cert_open(key, set.tvs_tls, &srv->cert, d)) !=
	    CTL_OK ||
	    (rc = pub_tvs_cache_open(dir, self->name, &srv->cache, d)) !=
	    CTL_OK)
		goto out;
	srv->nworkers = nworkers();
	for (i = 0; i < srv->nworkers; i++)
		if ((rc = worker_init(srv, &srv->workers[i], d)) != CTL_OK)
			goto out;
	for (i = 0; i < srv->nworkers; i++) {
		if (pthread_create(&srv->workers[i].thread, NULL, worker_main,
		    &srv->workers[i]) != 0) {
			rc = ctl_diag_set(d, CTL_ERR_NOMEM,
			    "TVS: cannot start a thread");
			*stop = 1;      /* the loops started so far end */
			goto out;
		}
		srv->workers[i].started = true;
	}
	pub_tvs_cert_sha1(srv->cert, sha1);
	pub_log("TVS listening on %s:%u (TLS %s and later, %d event loops, "
	    "certificate sha1 %s)", self->ip, self->ports.tvs,
	    pub_tvs_tls_name(set.tvs_tls), srv->nworkers, sha1);
	while (!*stop) {
		for (waited = 0; waited < PUB_TVS_RELOAD_MS && !*stop;
		    waited += TICK_MS)
			usleep(TICK_MS * 1000);
		if (*stop)
			break;
		pub_tvs_cache_refresh(srv->cache);
		pub_tvs_cert_reload(srv->cert);
	}
	rc = CTL_OK;
out:
	for (i = 0; i < srv->nworkers; i++)
		if (srv->workers[i].started)
			pthread_join(srv->workers[i].thread, NULL);
	for (i = 0; i < srv->nworkers; i++)
		worker_free(&srv->workers[i]);
	pub_tvs_cache_close(srv->cache);
	pub_tvs_cert_close(srv->cert);
	pub_state_close(st);
	free(cert);
	free(key);
	free(srv);
	return rc;
}

void *
pub_tvs_thread(void *arg)
{
	struct pub_tvs_job *job = arg;

	job->rc = pub_tvs_run(job->dir, job->self, job->stop, &job->d);
	if (job->rc != CTL_OK) {
		pub_log("%s", job->d.msg);
		*job->stop = 1;
	}
	return NULL;
}
