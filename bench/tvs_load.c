/*
 * tvs_load: a load generator for TVS (bench/bench_tvs.py drives it).
 *
 *   tvs_load HOST PORT CERT.pem [--clients N] [--seconds S]
 *            [--line | --http | --bare] [--tls1]
 *
 * N clients (threads) each loop for S seconds: a fresh TCP connection,
 * a full TLS handshake (no session resumption), one request, its whole
 * answer, close.  The request is a TVS verify request for CERT; with
 * --line a short text line that `openssl s_server -rev` answers with one
 * line; with --http a small HTTP/1.1 GET (Connection: close) whose
 * answer is read to the end of the connection, for nginx: the same work
 * for a server that does not speak TVS.  With --bare no request at all:
 * the handshake, then close.  Prints one JSON object: answers (or
 * handshakes), errors, answers per second, latency.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "ctl_err.h"
#include "tvs_msg.h"

#define CLIENTS_MAX 4096
#define LINE "CP-7975-SEP001122AABBCC\n"
#define HTTP_GET "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"

enum mode { MODE_TVS, MODE_LINE, MODE_HTTP, MODE_BARE };

static const char *const mode_names[] = {
	[MODE_TVS] = "tvs", [MODE_LINE] = "line", [MODE_HTTP] = "http",
	[MODE_BARE] = "bare",
};

struct job {
	struct sockaddr_in addr;
	SSL_CTX *ctx;
	const uint8_t *req;
	size_t req_len;
	enum mode mode;
	double until;           /* CLOCK_MONOTONIC seconds */
	atomic_ulong ok, errors;
	atomic_ullong latency_us;
	pthread_mutex_t lock;
	char first_error[256];
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
error_once(struct job *j, const char *what)
{
	char ssl[160];

	atomic_fetch_add(&j->errors, 1);
	pthread_mutex_lock(&j->lock);
	if (j->first_error[0] == '\0') {
		ERR_error_string_n(ERR_peek_last_error(), ssl, sizeof(ssl));
		snprintf(j->first_error, sizeof(j->first_error), "%s (%s; %s)",
		    what, strerror(errno), ssl);
		for (char *c = j->first_error; *c; c++)
			if (*c == '"' || *c == '\\')
				*c = '\'';     /* it goes into JSON */
	}
	pthread_mutex_unlock(&j->lock);
	ERR_clear_error();
}

static bool
read_full(SSL *s, uint8_t *p, size_t n)
{
	size_t got = 0;
	int r;

	while (got < n) {
		if ((r = SSL_read(s, p + got, (int)(n - got))) <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* An HTTP answer read to the end of the connection: a 200 status line
 * and, last, the body "ok". */
static bool
read_http(SSL *s)
{
	char buf[1024];
	size_t n = 0;
	int r;

	/* to the end: nginx sends close_notify, either end will do */
	while (n < sizeof(buf) &&
	    (r = SSL_read(s, buf + n, (int)(sizeof(buf) - n))) > 0)
		n += (size_t)r;
	ERR_clear_error();
	if (n == sizeof(buf))
		return false;
	return n >= 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0 &&
	    memcmp(buf + n - 2, "ok", 2) == 0;
}

/* The whole answer: a TVS response, one line, or an HTTP answer. */
static bool
read_answer(struct job *j, SSL *s)
{
	uint8_t buf[512];
	size_t n = 0;
	int r;

	if (j->mode == MODE_HTTP)
		return read_http(s);
	if (j->mode == MODE_LINE) {
		while (n < sizeof(buf)) {
			if ((r = SSL_read(s, buf + n, (int)(sizeof(buf) - n))) <=
			    0)
				return false;
			n += (size_t)r;
			if (buf[n - 1] == '\n')
				return true;
		}
		return false;
	}
	if (!read_full(s, buf, TVS_HEADER_LEN) || buf[0] != TVS_PROTOCOL_ID)
		return false;
	n = (size_t)buf[8] << 8 | buf[9];
	return n <= sizeof(buf) - TVS_HEADER_LEN &&
	    read_full(s, buf + TVS_HEADER_LEN, n) &&
	    buf[TVS_HEADER_LEN] == TVS_TAG_STATUS;
}

static void *
client(void *arg)
{
	struct job *j = arg;
	int one = 1;

	while (now() < j->until) {
		double t0 = now();
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		SSL *s = NULL;
		bool ok = false;

		if (fd < 0) {
			error_once(j, "socket");
			usleep(1000);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, (struct sockaddr *)&j->addr,
		    sizeof(j->addr)) != 0) {
			error_once(j, "connect");
			goto next;
		}
		if ((s = SSL_new(j->ctx)) == NULL || SSL_set_fd(s, fd) != 1 ||
		    SSL_connect(s) != 1) {
			error_once(j, "TLS handshake");
			goto next;
		}
		if (j->mode == MODE_BARE) {
			ok = true;
			goto next;
		}
		if (SSL_write(s, j->req, (int)j->req_len) != (int)j->req_len) {
			error_once(j, "write");
			goto next;
		}
		if (!read_answer(j, s)) {
			error_once(j, "reading the answer");
			goto next;
		}
		ok = true;
next:
		SSL_free(s);
		close(fd);
		if (ok) {
			atomic_fetch_add(&j->ok, 1);
			atomic_fetch_add(&j->latency_us,
			    (unsigned long long)((now() - t0) * 1e6));
		}
	}
	return NULL;
}

static int
usage(void)
{
	fprintf(stderr, "usage: tvs_load HOST PORT CERT.pem [--clients N] "
	    "[--seconds S] [--line | --http | --bare] [--tls1]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static struct job j;
	pthread_t *th = NULL;
	int clients = 200, started = 0, rc = 1;
	double seconds = 10, t0, elapsed;
	bool tls1 = false;
	uint8_t *req = NULL;
	unsigned char *der = NULL;
	FILE *f = NULL;
	X509 *x = NULL;
	int n;

	if (argc < 4)
		return usage();
	/* a server closing first must cost an error count, not the run */
	signal(SIGPIPE, SIG_IGN);
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc)
			clients = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--line") == 0)
			j.mode = MODE_LINE;
		else if (strcmp(argv[i], "--http") == 0)
			j.mode = MODE_HTTP;
		else if (strcmp(argv[i], "--bare") == 0)
			j.mode = MODE_BARE;
		else if (strcmp(argv[i], "--tls1") == 0)
			tls1 = true;
		else
			return usage();
	}
	if (clients < 1 || clients > CLIENTS_MAX || seconds <= 0)
		return usage();
	memset(&j.addr, 0, sizeof(j.addr));
	j.addr.sin_family = AF_INET;
	j.addr.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &j.addr.sin_addr) != 1) {
		fprintf(stderr, "tvs_load: %s is not an IPv4 address\n",
		    argv[1]);
		return 2;
	}
	if ((f = fopen(argv[3], "r")) == NULL ||
	    (x = PEM_read_X509(f, NULL, NULL, NULL)) == NULL ||
	    (n = i2d_X509(x, &der)) <= 0) {
		fprintf(stderr, "tvs_load: %s: no PEM certificate\n", argv[3]);
		goto out;
	}
	if (j.mode == MODE_LINE || j.mode == MODE_BARE) {
		j.req = (const uint8_t *)LINE;
		j.req_len = strlen(LINE);
	} else if (j.mode == MODE_HTTP) {
		j.req = (const uint8_t *)HTTP_GET;
		j.req_len = strlen(HTTP_GET);
	} else if (tvs_request_build(TVS_CMD_VERIFY_REQ, 1,
	    "CP-7975-SEP001122AABBCC", der, (size_t)n, &req, &j.req_len,
	    NULL) != CTL_OK) {
		fprintf(stderr, "tvs_load: cannot build a request\n");
		goto out;
	} else {
		j.req = req;
	}
	j.ctx = SSL_CTX_new(TLS_client_method());
	if (j.ctx == NULL)
		goto out;
	/* a phone checks the certificate against its ITL; the load is the
	 * same without, and this measures the server */
	SSL_CTX_set_verify(j.ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(j.ctx, SSL_SESS_CACHE_OFF);
	if (tls1) {
		SSL_CTX_set_security_level(j.ctx, 0);
		SSL_CTX_set_min_proto_version(j.ctx, TLS1_VERSION);
		SSL_CTX_set_max_proto_version(j.ctx, TLS1_VERSION);
		SSL_CTX_set_cipher_list(j.ctx, "DEFAULT:@SECLEVEL=0");
	}
	pthread_mutex_init(&j.lock, NULL);
	if ((th = calloc((size_t)clients, sizeof(*th))) == NULL)
		goto out;
	t0 = now();
	j.until = t0 + seconds;
	for (started = 0; started < clients; started++)
		if (pthread_create(&th[started], NULL, client, &j) != 0)
			break;
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	elapsed = now() - t0;
	printf("{\"mode\": \"%s\", \"clients\": %d, \"seconds\": %.2f, "
	    "\"answers\": %lu, \"errors\": %lu, \"per_second\": %.1f, "
	    "\"mean_latency_ms\": %.2f, \"first_error\": \"%s\"}\n",
	    mode_names[j.mode], started, elapsed,
	    (unsigned long)atomic_load(&j.ok),
	    (unsigned long)atomic_load(&j.errors),
	    (double)atomic_load(&j.ok) / elapsed,
	    atomic_load(&j.ok) ? (double)atomic_load(&j.latency_us) / 1e3 /
	    (double)atomic_load(&j.ok) : 0.0, j.first_error);
	rc = atomic_load(&j.ok) > 0 ? 0 : 1;
out:
	free(th);
	free(req);
	OPENSSL_free(der);
	X509_free(x);
	if (f)
		fclose(f);
	SSL_CTX_free(j.ctx);
	return rc;
}
