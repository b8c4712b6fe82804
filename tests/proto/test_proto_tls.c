/*
 * Frames over real TLS on 127.0.0.1: a trusted server answers; an
 * untrusted one, a plaintext client, a TLS 1.1 client and an oversized
 * frame are refused, and the server goes on serving the next client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "certgen.h"
#include "ctl_err.h"
#include "proto_conn.h"

static char dir[64], cert[128], key[128], other[128];
static int listen_fd = -1;
static uint16_t port;
static pthread_t server;
static SSL_CTX *server_ctx;
static volatile int served, refused;

/* Echoes each request's fields back in an OK, until the peer leaves; a
 * request of type 0x7f gets an ERROR. */
static void *
serve(void *arg)
{
	(void)arg;
	for (;;) {
		struct proto_conn *c = NULL;
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);
		int fd = accept(listen_fd, (struct sockaddr *)&sa, &sl);

		if (fd < 0)
			return NULL;
		if (proto_accept(server_ctx, fd, "client", 2000, &c, NULL)) {
			refused++;
			continue;
		}
		for (;;) {
			struct proto_header h;
			struct proto_out o;
			uint8_t *p = NULL;

			if (proto_recv(c, &h, &p, NULL) != CTL_OK) {
				refused++;
				break;
			}
			/* Counted before answering, so that a client holding
			 * the answer sees the count. */
			served++;
			if (h.type == 0x7f) {
				proto_send_error(c, h.id, PE_CONFLICT,
				    "the CTL changed since you read it", NULL);
			} else {
				proto_out_init(&o, PROTO_OK, h.id);
				if (h.length > 0)
					proto_put_bytes(&o, PT_MESSAGE, p,
					    h.length > 1024 ? 1024 : h.length);
				proto_send(c, &o, NULL);
				proto_out_free(&o);
			}
			free(p);
		}
		proto_close(c);
	}
}

/* Waits up to 5 s for the server thread to count WANT refusals. */
static int
refused_reaches(int want)
{
	int i;

	for (i = 0; i < 500 && refused < want; i++)
		usleep(10000);
	return refused;
}

static int
setup(void **state)
{
	struct tg_spec spec = { "/CN=127.0.0.1/O=Test", 2048, 16, NULL, 0,
	    NULL, NULL };
	struct tg_cert a, b;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/ctlproto.XXXXXX");
	if (mkdtemp(dir) == NULL || tg_make(&spec, &a) || tg_make(&spec, &b))
		return -1;
	snprintf(cert, sizeof(cert), "%s/server.pem", dir);
	snprintf(key, sizeof(key), "%s/server.key.pem", dir);
	snprintf(other, sizeof(other), "%s/other.pem", dir);
	if (tg_write(&a, cert, key) || tg_write(&b, other, NULL))
		return -1;
	tg_free(&a);
	tg_free(&b);
	if (proto_tls_server_ctx(cert, key, NULL, false, &server_ctx, NULL) != CTL_OK)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa,
	    sizeof(sa)) || listen(listen_fd, 8) ||
	    getsockname(listen_fd, (struct sockaddr *)&sa, &sl))
		return -1;
	port = ntohs(sa.sin_port);
	return pthread_create(&server, NULL, serve, NULL);
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	shutdown(listen_fd, SHUT_RDWR);
	close(listen_fd);
	pthread_join(server, NULL);
	SSL_CTX_free(server_ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct proto_conn *
connect_trusting(const char *ca, int expect)
{
	SSL_CTX *ctx = NULL;
	struct proto_conn *c = NULL;
	struct ctl_diag d;
	int rc;

	assert_int_equal(proto_tls_client_ctx(ca, NULL, NULL, &ctx, NULL),
	    CTL_OK);
	rc = proto_connect(ctx, "127.0.0.1", port, 2000, &c, &d);
	if (rc != CTL_OK)
		print_message("connect: %s\n", d.msg);
	assert_int_equal(rc, expect);
	SSL_CTX_free(ctx);
	return c;
}

static void
test_call_and_error(void **state)
{
	struct proto_conn *c = connect_trusting(cert, CTL_OK);
	struct proto_fields fs;
	struct proto_out o;
	struct ctl_diag d;
	uint8_t *payload, fp[32];
	char msg[64];
	int before = served;

	(void)state;
	proto_out_init(&o, PROTO_CLUSTER_INFO, 42);
	proto_put_str(&o, PT_NAME, "hello");
	assert_int_equal(proto_call(c, &o, &fs, &payload, &d), CTL_OK);
	proto_out_free(&o);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.f[0].tag, PT_MESSAGE);
	proto_fields_free(&fs);
	free(payload);

	proto_out_init(&o, 0x7f, 43);
	assert_int_equal(proto_call(c, &o, &fs, &payload, &d),
	    CTL_ERR_CONFLICT);
	proto_out_free(&o);
	assert_string_equal(d.msg, "the CTL changed since you read it");
	assert_null(payload);
	assert_int_equal(proto_peer_sha256(c, fp), CTL_OK);
	proto_close(c);
	assert_int_equal(served, before + 2);
	(void)msg;
}

static void
test_untrusted_server(void **state)
{
	(void)state;
	assert_null(connect_trusting(other, CTL_ERR_TLS));
}

static void
test_plaintext_and_old_tls_refused(void **state)
{
	struct sockaddr_in sa;
	SSL_CTX *ctx;
	SSL *ssl;
	char buf[16];
	int fd, before = refused;
	struct proto_conn *c;

	(void)state;
	/* A plaintext frame: the handshake fails, the server hangs up. */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, "CTLP\x01\x02\0\0\0\0\0\1\0\0\0\0", 16), 16);
	assert_true(read(fd, buf, sizeof(buf)) <= 16);  /* an alert, then EOF */
	close(fd);
	/* A TLS 1.1 client. */
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
	SSL_CTX_set_security_level(ctx, 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	assert_int_not_equal(SSL_connect(ssl), 1);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	/* The server still serves. */
	c = connect_trusting(cert, CTL_OK);
	proto_close(c);
	assert_true(refused_reaches(before + 2) >= before + 2);
}

static void
test_oversized_frame_refused_unread(void **state)
{
	struct proto_conn *c = connect_trusting(cert, CTL_OK);
	static const uint8_t huge[16] = "CTLP\x01\x02\0\0\0\0\0\1\x7f\0\0\0";
	struct proto_header h;
	uint8_t *p;
	int before = refused;

	(void)state;
	/* The server reads the header, refuses it, and hangs up without
	 * waiting for the 2 GB it announces. */
	assert_int_equal(SSL_write(c->ssl, huge, sizeof(huge)), 16);
	assert_int_equal(proto_recv(c, &h, &p, NULL), CTL_ERR_NETWORK);
	proto_close(c);
	assert_int_equal(refused_reaches(before + 1), before + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_and_error),
		cmocka_unit_test(test_untrusted_server),
		cmocka_unit_test(test_plaintext_and_old_tls_refused),
		cmocka_unit_test(test_oversized_frame_refused_unread),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
