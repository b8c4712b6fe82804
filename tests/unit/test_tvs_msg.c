/* The TVS message codec (proto/tvs_msg.c): round trips, and one row per
 * refusal, boundaries included.  A refused parse leaves its output
 * zeroed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "certgen.h"
#include "ctl_err.h"
#include "tvs_msg.h"

static uint8_t *cert_der;       /* a real DER certificate */
static size_t cert_len;

static int
setup(void **state)
{
	struct tg_spec spec = { "/CN=tvs-test/O=Open CTL", 0, 16, NULL, 0,
	    NULL, NULL };
	struct tg_cert c;
	unsigned char *p = NULL;
	int n;

	(void)state;
	if (tg_make(&spec, &c) != 0)
		return -1;
	n = i2d_X509(c.cert, &p);
	tg_free(&c);
	if (n <= 0)
		return -1;
	cert_der = malloc((size_t)n);
	memcpy(cert_der, p, (size_t)n);
	cert_len = (size_t)n;
	OPENSSL_free(p);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(cert_der);
	return 0;
}

/* ---- building raw messages ---- */

#define BUF_MAX (TVS_HEADER_LEN + TVS_REQUEST_MAX + 4096)

enum val {
	V_DEVICE,       /* 0x01 "SEP001122AABBCC" */
	V_CERT,         /* the DER certificate */
	V_EMPTY,
	V_KIND2,        /* 0x02 "SEP..." */
	V_KIND_ONLY,    /* 0x01 and no name */
	V_NAME64,       /* 0x01 and 64 characters */
	V_NAME65,
	V_SPACE,        /* 0x01 "SEP 00" */
	V_CTRL,         /* 0x01 "SEP\x7f" */
	V_FILL,         /* a certificate element making the body exactly
	                   TVS_REQUEST_MAX + extra bytes */
	V_GARBAGE,      /* "not a certificate" */
	V_TRAILING,     /* the certificate and one more byte */
	V_BYTE0,        /* one byte 0 */
	V_BYTE1,
	V_BYTE2,
	V_TWO,          /* two bytes */
	V_TTL,          /* four bytes */
	V_TTL3,
	V_ROLES17,
};

struct el {
	uint8_t tag;
	enum val val;
};

struct raw {
	uint8_t proto, version, cmd, reserved;
	int length_delta;       /* added to the true body length */
	struct el els[4];
	size_t nels;
	size_t cut;             /* bytes cut from the end after building */
	const uint8_t *tail;    /* raw bytes appended to the body */
	size_t tail_len;
	int fill_extra;         /* for V_FILL */
};

static size_t
put_val(uint8_t *p, enum val v, size_t body_so_far, int fill_extra)
{
	static const char name64[] =
	    "SEP0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABC";
	size_t n;

	switch (v) {
	case V_DEVICE: memcpy(p, "\x01SEP001122AABBCC", 16); return 16;
	case V_CERT: memcpy(p, cert_der, cert_len); return cert_len;
	case V_EMPTY: return 0;
	case V_KIND2: memcpy(p, "\x02SEP001122AABBCC", 16); return 16;
	case V_KIND_ONLY: p[0] = 1; return 1;
	case V_NAME64:
		p[0] = 1;
		memcpy(p + 1, name64, 64);
		return 65;
	case V_NAME65:
		p[0] = 1;
		memcpy(p + 1, name64, 64);
		p[65] = 'X';
		return 66;
	case V_SPACE: memcpy(p, "\x01SEP 00", 7); return 7;
	case V_CTRL: memcpy(p, "\x01SEP\x7f", 5); return 5;
	case V_FILL:
		/* this element's 3-byte header is counted already */
		n = (size_t)((long)TVS_REQUEST_MAX + fill_extra) - body_so_far;
		memset(p, 0x30, n);
		return n;
	case V_GARBAGE: memcpy(p, "not a certificate", 17); return 17;
	case V_TRAILING:
		memcpy(p, cert_der, cert_len);
		p[cert_len] = 0;
		return cert_len + 1;
	case V_BYTE0: p[0] = 0; return 1;
	case V_BYTE1: p[0] = 1; return 1;
	case V_BYTE2: p[0] = 2; return 1;
	case V_TWO: p[0] = 0; p[1] = 0; return 2;
	case V_TTL: memcpy(p, "\0\0\x0e\x10", 4); return 4;
	case V_TTL3: memcpy(p, "\0\x0e\x10", 3); return 3;
	case V_ROLES17: memset(p, 0, 17); return 17;
	}
	return 0;
}

static size_t
build_raw(const struct raw *r, uint8_t *buf)
{
	size_t off = TVS_HEADER_LEN, n, body;
	long length;

	for (size_t i = 0; i < r->nels; i++) {
		buf[off] = r->els[i].tag;
		n = put_val(buf + off + 3, r->els[i].val,
		    off + 3 - TVS_HEADER_LEN, r->fill_extra);
		buf[off + 1] = (uint8_t)(n >> 8);
		buf[off + 2] = (uint8_t)n;
		off += 3 + n;
	}
	if (r->tail_len) {
		memcpy(buf + off, r->tail, r->tail_len);
		off += r->tail_len;
	}
	body = off - TVS_HEADER_LEN;
	length = (long)body + r->length_delta;
	buf[0] = r->proto;
	buf[1] = r->version;
	buf[2] = r->cmd;
	buf[3] = r->reserved;
	memcpy(buf + 4, "\x12\x34\x56\x78", 4);
	buf[8] = (uint8_t)(length >> 8);
	buf[9] = (uint8_t)length;
	return off - r->cut;
}

#define REQ(...) { 87, 1, 1, 0, 0, __VA_ARGS__ }
#define GOOD { { 1, V_DEVICE }, { 2, V_CERT } }, 2

struct req_case {
	const char *name;
	struct raw raw;
	int want;
};

static const uint8_t one_byte[] = { 0x01 };
static const uint8_t runs_past[] = { 0x02, 0x00, 0x05 };

static const struct req_case req_cases[] = {
	{ "verify request", REQ(GOOD, 0, NULL, 0, 0), CTL_OK },
	{ "query request", { 87, 1, 3, 0, 0, GOOD, 0, NULL, 0, 0 }, CTL_OK },
	{ "certificate first", REQ({ { 2, V_CERT }, { 1, V_DEVICE } }, 2, 0,
	    NULL, 0, 0), CTL_OK },
	{ "device name of 64", REQ({ { 1, V_NAME64 }, { 2, V_CERT } }, 2, 0,
	    NULL, 0, 0), CTL_OK },
	{ "body of exactly TVS_REQUEST_MAX", REQ({ { 1, V_DEVICE },
	    { 2, V_FILL } }, 2, 0, NULL, 0, 0), CTL_OK },
	{ "body one over TVS_REQUEST_MAX", REQ({ { 1, V_DEVICE },
	    { 2, V_FILL } }, 2, 0, NULL, 0, 1), CTL_ERR_TOO_BIG },
	{ "header only", REQ({ { 0, 0 } }, 0, 0, NULL, 0, 0),
	    CTL_ERR_PROTOCOL },
	{ "nine bytes", REQ({ { 0, 0 } }, 0, 1, NULL, 0, 0),
	    CTL_ERR_TRUNCATED },
	{ "protocol id 88", { 88, 1, 1, 0, 0, GOOD, 0, NULL, 0, 0 },
	    CTL_ERR_PROTOCOL },
	{ "version 2", { 87, 2, 1, 0, 0, GOOD, 0, NULL, 0, 0 },
	    CTL_ERR_PROTOCOL },
	{ "version 0", { 87, 0, 1, 0, 0, GOOD, 0, NULL, 0, 0 },
	    CTL_ERR_PROTOCOL },
	{ "reserved byte set", { 87, 1, 1, 1, 0, GOOD, 0, NULL, 0, 0 },
	    CTL_ERR_PROTOCOL },
	{ "command 0", { 87, 1, 0, 0, 0, GOOD, 0, NULL, 0, 0 },
	    CTL_ERR_PROTOCOL },
	{ "command 5", { 87, 1, 5, 0, 0, GOOD, 0, NULL, 0, 0 },
	    CTL_ERR_PROTOCOL },
	{ "a response as a request", { 87, 1, 2, 0, 0, GOOD, 0, NULL, 0, 0 },
	    CTL_ERR_PROTOCOL },
	{ "header length over the limit, no body", REQ({ { 0, 0 } }, 0, 0,
	    NULL, 0, 0), CTL_ERR_TOO_BIG },
	{ "header says one byte more", REQ(GOOD, 0, NULL, 0, 0),
	    CTL_ERR_TRUNCATED },
	{ "header says one byte less", REQ(GOOD, 0, NULL, 0, 0),
	    CTL_ERR_PROTOCOL },
	{ "element header cut", REQ(GOOD, 0, one_byte, 1, 0),
	    CTL_ERR_TRUNCATED },
	{ "element value runs past the body", REQ(GOOD, 0, runs_past, 3, 0),
	    CTL_ERR_TRUNCATED },
	{ "unknown element", REQ({ { 1, V_DEVICE }, { 2, V_CERT },
	    { 7, V_BYTE0 } }, 3, 0, NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "two device names", REQ({ { 1, V_DEVICE }, { 2, V_CERT },
	    { 1, V_DEVICE } }, 3, 0, NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "two certificates", REQ({ { 1, V_DEVICE }, { 2, V_CERT },
	    { 2, V_CERT } }, 3, 0, NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "no device name", REQ({ { 2, V_CERT } }, 1, 0, NULL, 0, 0),
	    CTL_ERR_PROTOCOL },
	{ "no certificate", REQ({ { 1, V_DEVICE } }, 1, 0, NULL, 0, 0),
	    CTL_ERR_PROTOCOL },
	{ "empty device name element", REQ({ { 1, V_EMPTY }, { 2, V_CERT } },
	    2, 0, NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "device name of kind 2", REQ({ { 1, V_KIND2 }, { 2, V_CERT } }, 2,
	    0, NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "device name kind only", REQ({ { 1, V_KIND_ONLY }, { 2, V_CERT } },
	    2, 0, NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "device name of 65", REQ({ { 1, V_NAME65 }, { 2, V_CERT } }, 2, 0,
	    NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "device name with a space", REQ({ { 1, V_SPACE }, { 2, V_CERT } },
	    2, 0, NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "device name with DEL", REQ({ { 1, V_CTRL }, { 2, V_CERT } }, 2, 0,
	    NULL, 0, 0), CTL_ERR_PROTOCOL },
	{ "empty certificate", REQ({ { 1, V_DEVICE }, { 2, V_EMPTY } }, 2, 0,
	    NULL, 0, 0), CTL_ERR_PROTOCOL },
};

/* rows whose header length is changed after building */
static int
length_delta(const char *name)
{
	if (strcmp(name, "header says one byte more") == 0)
		return 1;
	if (strcmp(name, "header says one byte less") == 0)
		return -1;
	if (strcmp(name, "header length over the limit, no body") == 0)
		return TVS_REQUEST_MAX + 1;
	return 0;
}

static void
test_request_parse(void **state)
{
	static uint8_t buf[BUF_MAX];
	static const struct tvs_request zero;

	(void)state;
	for (size_t i = 0; i < sizeof(req_cases) / sizeof(req_cases[0]); i++) {
		const struct req_case *c = &req_cases[i];
		struct raw r = c->raw;
		struct tvs_request out;
		struct ctl_diag d;
		size_t len;
		int rc;

		r.length_delta = length_delta(c->name);
		len = build_raw(&r, buf);
		memset(&out, 0xa5, sizeof(out));
		ctl_diag_clear(&d);
		rc = tvs_request_parse(buf, len, &out, &d);
		if (rc != c->want)
			fail_msg("%s: got %d (%s), want %d", c->name, rc,
			    d.msg, c->want);
		if (rc != CTL_OK) {
			assert_memory_equal(&out, &zero, sizeof(out));
			assert_true(d.msg[0] != '\0');
			continue;
		}
		assert_int_equal(out.command, r.cmd);
		assert_int_equal(out.session, 0x12345678);
		assert_non_null(out.cert);
		assert_true(out.cert >= buf && out.cert < buf + len);
	}
}

static void
test_request_roundtrip(void **state)
{
	uint8_t *msg = NULL;
	size_t len = 0;
	struct tvs_request r;
	X509 *x = NULL;

	(void)state;
	for (uint8_t cmd = TVS_CMD_VERIFY_REQ; cmd <= TVS_CMD_QUERY_REQ;
	    cmd += 2) {
		assert_int_equal(tvs_request_build(cmd, 0xdeadbeef,
		    "CP-7975-SEP001122AABBCC", cert_der, cert_len, &msg, &len,
		    NULL), CTL_OK);
		assert_int_equal(len, TVS_HEADER_LEN + 3 + 1 + 23 + 3 +
		    cert_len);
		assert_int_equal(tvs_request_parse(msg, len, &r, NULL), CTL_OK);
		assert_int_equal(r.command, cmd);
		assert_int_equal(r.session, 0xdeadbeef);
		assert_string_equal(r.device, "CP-7975-SEP001122AABBCC");
		assert_int_equal(r.cert_len, cert_len);
		assert_memory_equal(r.cert, cert_der, cert_len);
		assert_int_equal(tvs_request_cert(&r, &x, NULL), CTL_OK);
		assert_non_null(x);
		X509_free(x);
		free(msg);
		assert_int_equal(tvs_answer_command(cmd), cmd + 1);
	}
}

struct build_case {
	const char *name;
	uint8_t cmd;
	const char *device;
	size_t cert_len;        /* 0: the real certificate */
	int want;
};

static const struct build_case build_cases[] = {
	{ "a response command", TVS_CMD_VERIFY_RESP, "SEP1", 0,
	    CTL_ERR_USAGE },
	{ "empty device", TVS_CMD_VERIFY_REQ, "", 0, CTL_ERR_USAGE },
	{ "device of 65",  TVS_CMD_VERIFY_REQ,
	    "SEP0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCX",
	    0, CTL_ERR_USAGE },
	{ "device with a space", TVS_CMD_VERIFY_REQ, "SEP 1", 0,
	    CTL_ERR_USAGE },
	{ "certificate filling the request", TVS_CMD_VERIFY_REQ, "SEP1",
	    TVS_REQUEST_MAX - 7 - 4, CTL_OK },
	{ "certificate one byte over", TVS_CMD_VERIFY_REQ, "SEP1",
	    TVS_REQUEST_MAX - 7 - 4 + 1, CTL_ERR_TOO_BIG },
	{ "certificate of SIZE_MAX (no wrap)", TVS_CMD_VERIFY_REQ, "SEP1",
	    SIZE_MAX - 2, CTL_ERR_TOO_BIG },
};

static void
test_request_build_refusals(void **state)
{
	static uint8_t big[TVS_REQUEST_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(build_cases) / sizeof(build_cases[0]);
	    i++) {
		const struct build_case *c = &build_cases[i];
		uint8_t *msg = (uint8_t *)"untouched";
		size_t len = 99;
		const uint8_t *cert = c->cert_len ? big : cert_der;
		int rc;

		rc = tvs_request_build(c->cmd, 1, c->device, cert,
		    c->cert_len ? c->cert_len : cert_len, &msg, &len, NULL);
		if (rc != c->want)
			fail_msg("%s: got %d, want %d", c->name, rc, c->want);
		if (rc == CTL_OK) {
			struct tvs_request r;

			assert_int_equal(len, TVS_HEADER_LEN + TVS_REQUEST_MAX);
			assert_int_equal(tvs_request_parse(msg, len, &r, NULL),
			    CTL_OK);
			free(msg);
		} else {
			assert_null(msg);
			assert_int_equal(len, 0);
		}
	}
	/* an empty certificate cannot be built either */
	{
		uint8_t *msg = NULL;
		size_t len = 0;

		assert_int_equal(tvs_request_build(1, 1, "SEP1", cert_der, 0,
		    &msg, &len, NULL), CTL_ERR_TOO_BIG);
	}
}

static void
test_request_cert(void **state)
{
	static uint8_t buf[BUF_MAX];
	static const struct raw garbage = REQ({ { 1, V_DEVICE },
	    { 2, V_GARBAGE } }, 2, 0, NULL, 0, 0);
	static const struct raw trailing = REQ({ { 1, V_DEVICE },
	    { 2, V_TRAILING } }, 2, 0, NULL, 0, 0);
	static const struct raw filled = REQ({ { 1, V_DEVICE },
	    { 2, V_FILL } }, 2, 0, NULL, 0, 0);
	const struct raw *rows[] = { &garbage, &trailing, &filled };
	struct tvs_request r;
	X509 *x = (X509 *)1;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		size_t len = build_raw(rows[i], buf);

		assert_int_equal(tvs_request_parse(buf, len, &r, NULL), CTL_OK);
		assert_int_equal(tvs_request_cert(&r, &x, NULL),
		    CTL_ERR_FORMAT);
		assert_null(x);
	}
}

static void
test_response_roundtrip(void **state)
{
	struct tvs_response in, out;
	uint8_t buf[64];
	size_t len = 0;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.command = TVS_CMD_VERIFY_RESP;
	in.session = 77;
	in.valid = true;
	in.roles[0] = 0;
	in.roles[1] = 21;
	in.nroles = 2;
	in.ttl = 3600;
	assert_int_equal(tvs_response_build(&in, buf, sizeof(buf), &len, NULL),
	    CTL_OK);
	assert_int_equal(len, TVS_HEADER_LEN + 4 + 5 + 7);
	assert_int_equal(tvs_response_parse(buf, len, &out, NULL), CTL_OK);
	assert_int_equal(out.command, TVS_CMD_VERIFY_RESP);
	assert_int_equal(out.session, 77);
	assert_true(out.valid);
	assert_int_equal(out.nroles, 2);
	assert_int_equal(out.roles[1], 21);
	assert_int_equal(out.ttl, 3600);

	/* the largest: TVS_ROLES_MAX roles fit the 64 bytes promised */
	in.nroles = TVS_ROLES_MAX;
	assert_int_equal(tvs_response_build(&in, buf, sizeof(buf), &len, NULL),
	    CTL_OK);
	assert_int_equal(tvs_response_parse(buf, len, &out, NULL), CTL_OK);
	assert_int_equal(out.nroles, TVS_ROLES_MAX);

	/* invalid: STATUS only */
	in.valid = false;
	in.command = TVS_CMD_QUERY_RESP;
	assert_int_equal(tvs_response_build(&in, buf, sizeof(buf), &len, NULL),
	    CTL_OK);
	assert_int_equal(len, TVS_HEADER_LEN + 4);
	assert_int_equal(tvs_response_parse(buf, len, &out, NULL), CTL_OK);
	assert_false(out.valid);
	assert_int_equal(out.command, TVS_CMD_QUERY_RESP);

	/* refusals of the builder */
	assert_int_equal(tvs_response_build(&in, buf, TVS_HEADER_LEN + 3, &len,
	    NULL), CTL_ERR_TOO_BIG);
	assert_int_equal(len, 0);
	in.command = TVS_CMD_VERIFY_REQ;
	assert_int_equal(tvs_response_build(&in, buf, sizeof(buf), &len, NULL),
	    CTL_ERR_USAGE);
	in.command = TVS_CMD_VERIFY_RESP;
	in.nroles = TVS_ROLES_MAX + 1;
	assert_int_equal(tvs_response_build(&in, buf, sizeof(buf), &len, NULL),
	    CTL_ERR_USAGE);
}

#define RESP(...) { 87, 1, 2, 0, 0, __VA_ARGS__, 0, NULL, 0, 0 }

static const struct req_case resp_cases[] = {
	{ "valid", RESP({ { 7, V_BYTE0 }, { 8, V_BYTE2 }, { 9, V_TTL } }, 3),
	    CTL_OK },
	{ "invalid", RESP({ { 7, V_BYTE1 } }, 1), CTL_OK },
	{ "no STATUS", RESP({ { 8, V_BYTE2 }, { 9, V_TTL } }, 2),
	    CTL_ERR_PROTOCOL },
	{ "two STATUS", RESP({ { 7, V_BYTE1 }, { 7, V_BYTE1 } }, 2),
	    CTL_ERR_PROTOCOL },
	{ "STATUS of two bytes", RESP({ { 7, V_TWO } }, 1), CTL_ERR_PROTOCOL },
	{ "STATUS 2", RESP({ { 7, V_BYTE2 } }, 1), CTL_ERR_PROTOCOL },
	{ "valid without ROLES", RESP({ { 7, V_BYTE0 }, { 9, V_TTL } }, 2),
	    CTL_ERR_PROTOCOL },
	{ "valid without TTL", RESP({ { 7, V_BYTE0 }, { 8, V_BYTE2 } }, 2),
	    CTL_ERR_PROTOCOL },
	{ "TTL of three bytes", RESP({ { 7, V_BYTE0 }, { 8, V_BYTE2 },
	    { 9, V_TTL3 } }, 3), CTL_ERR_PROTOCOL },
	{ "two TTL", RESP({ { 7, V_BYTE0 }, { 8, V_BYTE2 }, { 9, V_TTL },
	    { 9, V_TTL } }, 4), CTL_ERR_PROTOCOL },
	{ "17 roles", RESP({ { 7, V_BYTE0 }, { 8, V_ROLES17 },
	    { 9, V_TTL } }, 3), CTL_ERR_PROTOCOL },
	{ "two ROLES", RESP({ { 7, V_BYTE0 }, { 8, V_BYTE2 }, { 8, V_BYTE2 },
	    { 9, V_TTL } }, 4), CTL_ERR_PROTOCOL },
	{ "unknown element", RESP({ { 7, V_BYTE1 }, { 1, V_DEVICE } }, 2),
	    CTL_ERR_PROTOCOL },
	{ "a request as a response", { 87, 1, 1, 0, 0, { { 7, V_BYTE1 } }, 1,
	    0, NULL, 0, 0 }, CTL_ERR_PROTOCOL },
};

static void
test_response_parse(void **state)
{
	uint8_t buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(resp_cases) / sizeof(resp_cases[0]);
	    i++) {
		const struct req_case *c = &resp_cases[i];
		struct tvs_response out;
		struct ctl_diag d;
		size_t len = build_raw(&c->raw, buf);
		int rc;

		ctl_diag_clear(&d);
		rc = tvs_response_parse(buf, len, &out, &d);
		if (rc != c->want)
			fail_msg("%s: got %d (%s), want %d", c->name, rc,
			    d.msg, c->want);
	}
}

static void
test_header(void **state)
{
	static const uint8_t ok[10] = { 87, 1, 3, 0, 0, 0, 0, 9, 0xff, 0xff };
	struct tvs_header h;

	(void)state;
	/* the length is returned as sent, even far over the limit */
	assert_int_equal(tvs_header_parse(ok, sizeof(ok), &h, NULL), CTL_OK);
	assert_int_equal(h.command, 3);
	assert_int_equal(h.session, 9);
	assert_int_equal(h.length, 0xffff);
	for (size_t n = 0; n < TVS_HEADER_LEN; n++)
		assert_int_equal(tvs_header_parse(ok, n, &h, NULL),
		    CTL_ERR_TRUNCATED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_request_parse),
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_request_build_refusals),
		cmocka_unit_test(test_request_cert),
		cmocka_unit_test(test_response_roundtrip),
		cmocka_unit_test(test_response_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
