/* Protocol frames: round trips, and every malformed shape refused with
 * its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_err.h"
#include "proto_frame.h"

static void
test_round_trip(void **state)
{
	struct proto_out o;
	struct proto_header h;
	struct proto_fields fs, g;
	uint8_t *frame, sha[20];
	const uint8_t *p;
	size_t len, n;
	char name[65];
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	(void)state;
	memset(sha, 0xab, sizeof(sha));
	proto_out_init(&o, PROTO_UPLOAD_CTL, 0x01020304);
	proto_put_bytes(&o, PT_FILE, "tlv bytes", 9);
	proto_put_bytes(&o, PT_BASE_SHA1, sha, 20);
	proto_put_u64(&o, PT_TIME, 1425667513ULL);
	for (int i = 0; i < 3; i++) {
		proto_group_begin(&o, PT_NODE);
		proto_put_str(&o, PT_NAME, i == 0 ? "cucm-pub" : "cucm-sub");
		proto_put_u16(&o, PT_PORT, (uint16_t)(2444 + i));
		proto_put_u8(&o, PT_PUBLISHER, i == 0);
		proto_group_end(&o);
	}
	proto_put_u32(&o, PT_LIMIT, 7);
	assert_int_equal(proto_out_finish(&o, &frame, &len), CTL_OK);
	proto_out_free(&o);

	assert_memory_equal(frame, "CTLP\x01\x04\x00\x00\x01\x02\x03\x04", 12);
	assert_int_equal(proto_header_parse(frame, &h, NULL), CTL_OK);
	assert_int_equal(h.type, PROTO_UPLOAD_CTL);
	assert_int_equal(h.id, 0x01020304);
	assert_int_equal(h.length, len - PROTO_HEADER_LEN);
	assert_int_equal(proto_fields_parse(frame + 16, h.length, false, &fs,
	    NULL), CTL_OK);
	assert_int_equal(proto_count(&fs, PT_NODE), 3);
	assert_int_equal(proto_get_bytes(&fs, PT_FILE, true, 100, &p, &n,
	    NULL), CTL_OK);
	assert_int_equal(n, 9);
	assert_memory_equal(p, "tlv bytes", 9);
	assert_int_equal(proto_get_u64(&fs, PT_TIME, true, &u64, NULL), CTL_OK);
	assert_int_equal(u64, 1425667513ULL);
	assert_int_equal(proto_get_u32(&fs, PT_LIMIT, true, &u32, NULL), CTL_OK);
	assert_int_equal(u32, 7);
	assert_int_equal(proto_get_u8(&fs, PT_MODE, false, &u8, NULL),
	    CTL_ERR_NOT_FOUND);
	assert_int_equal(proto_group_at(&fs, PT_NODE, 2, &g, NULL), CTL_OK);
	assert_int_equal(proto_get_str(&g, PT_NAME, true, name, 64, NULL),
	    CTL_OK);
	assert_string_equal(name, "cucm-sub");
	assert_int_equal(proto_get_u16(&g, PT_PORT, true, &u16, NULL), CTL_OK);
	assert_int_equal(u16, 2446);
	proto_fields_free(&g);
	assert_int_equal(proto_group_at(&fs, PT_NODE, 3, &g, NULL),
	    CTL_ERR_NOT_FOUND);
	proto_fields_free(&fs);
	free(frame);
}

struct hdr_case {
	const char *name;
	uint8_t bytes[16];
	const char *want;
};

static const struct hdr_case hdr_cases[] = {
	{ "bad magic", "HTTP\x01\x01\0\0\0\0\0\1\0\0\0\0", "bad magic" },
	{ "newer version", "CTLP\x02\x01\0\0\0\0\0\1\0\0\0\0", "version 2" },
	{ "reserved bits", "CTLP\x01\x01\0\x01\0\0\0\1\0\0\0\0", "reserved" },
	{ "oversized", "CTLP\x01\x01\0\0\0\0\0\1\0\x20\0\x01", "maximum" },
	{ "largest allowed", "CTLP\x01\x01\0\0\0\0\0\1\0\x20\0\0", NULL },
};

static void
test_bad_headers(void **state)
{
	struct proto_header h;
	struct ctl_diag d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hdr_cases) / sizeof(hdr_cases[0]); i++) {
		int rc = proto_header_parse(hdr_cases[i].bytes, &h, &d);

		print_message("%s: %d\n", hdr_cases[i].name, rc);
		if (hdr_cases[i].want == NULL) {
			assert_int_equal(rc, CTL_OK);
			assert_int_equal(h.length, PROTO_MAX_PAYLOAD);
			continue;
		}
		assert_int_equal(rc, CTL_ERR_PROTOCOL);
		assert_non_null(strstr(d.msg, hdr_cases[i].want));
	}
}

struct field_case {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	bool group;
	const char *want;
};

static const uint8_t f_cut_header[] = { 0, 3, 0, 0 };
static const uint8_t f_past_end[] = { 0, 3, 0, 0, 0, 9, 'a', 'b' };
static const uint8_t f_unknown[] = { 0, 99, 0, 0, 0, 0 };
static const uint8_t f_zero_tag[] = { 0, 0, 0, 0, 0, 0 };
static const uint8_t f_group_in_group[] = { 0, 15, 0, 0, 0, 0 };
static const uint8_t f_empty_value[] = { 0, 3, 0, 0, 0, 0 };

static const struct field_case field_cases[] = {
	{ "cut field header", f_cut_header, sizeof(f_cut_header), false,
	  "cut short" },
	{ "value past the end", f_past_end, sizeof(f_past_end), false,
	  "FILE of 9 bytes runs past the end (2 left)" },
	{ "unknown tag", f_unknown, sizeof(f_unknown), false,
	  "unknown field tag 99" },
	{ "tag zero", f_zero_tag, sizeof(f_zero_tag), false,
	  "unknown field tag 0" },
	{ "group inside a group", f_group_in_group, sizeof(f_group_in_group),
	  true, "NODE inside a group" },
	{ "empty value is fine", f_empty_value, sizeof(f_empty_value), false,
	  NULL },
};

static void
test_bad_fields(void **state)
{
	struct proto_fields fs;
	struct ctl_diag d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
		const struct field_case *c = &field_cases[i];
		int rc = proto_fields_parse(c->bytes, c->len, c->group, &fs, &d);

		print_message("%s: %d %s\n", c->name, rc, rc ? d.msg : "");
		if (c->want == NULL) {
			assert_int_equal(rc, CTL_OK);
			proto_fields_free(&fs);
			continue;
		}
		assert_int_equal(rc, CTL_ERR_PROTOCOL);
		assert_null(fs.f);
		if (strstr(d.msg, c->want) == NULL)
			fail_msg("%s: '%s' lacks '%s'", c->name, d.msg, c->want);
	}
}

static void
test_getter_checks(void **state)
{
	struct proto_out o;
	struct proto_fields fs;
	struct ctl_diag d;
	uint8_t *frame, u8;
	size_t len;
	char s[8];

	(void)state;
	proto_out_init(&o, PROTO_OK, 1);
	proto_put_u8(&o, PT_MODE, 1);
	proto_put_u8(&o, PT_MODE, 0);            /* twice */
	proto_put_u16(&o, PT_ACTION, 1);         /* wrong size */
	proto_put_str(&o, PT_USER, "a-very-long-name");
	proto_put_bytes(&o, PT_NAME, "a\0b", 3);  /* inner NUL */
	assert_int_equal(proto_out_finish(&o, &frame, &len), CTL_OK);
	proto_out_free(&o);
	assert_int_equal(proto_fields_parse(frame + 16, len - 16, false, &fs,
	    NULL), CTL_OK);
	assert_int_equal(proto_get_u8(&fs, PT_MODE, true, &u8, &d),
	    CTL_ERR_PROTOCOL);
	assert_non_null(strstr(d.msg, "MODE appears twice"));
	assert_int_equal(proto_get_u8(&fs, PT_ACTION, true, &u8, &d),
	    CTL_ERR_PROTOCOL);
	assert_non_null(strstr(d.msg, "expected 1"));
	assert_int_equal(proto_get_str(&fs, PT_USER, true, s, 7, &d),
	    CTL_ERR_PROTOCOL);
	assert_non_null(strstr(d.msg, "more than 7"));
	assert_int_equal(proto_get_str(&fs, PT_NAME, true, s, 7, &d),
	    CTL_ERR_PROTOCOL);
	assert_int_equal(proto_get_str(&fs, PT_PASSWORD, true, s, 7, &d),
	    CTL_ERR_PROTOCOL);
	assert_non_null(strstr(d.msg, "PASSWORD is missing"));
	proto_fields_free(&fs);
	free(frame);
}

static void
test_builder_limits(void **state)
{
	struct proto_out o;
	uint8_t *frame, *big = calloc(1, PROTO_MAX_PAYLOAD);
	size_t len;

	(void)state;
	assert_non_null(big);
	proto_out_init(&o, PROTO_OK, 1);
	proto_put_bytes(&o, PT_FILE, big, PROTO_MAX_PAYLOAD);  /* + 6 > max */
	assert_int_equal(proto_out_finish(&o, &frame, &len), CTL_ERR_TOO_BIG);
	proto_out_free(&o);
	proto_out_init(&o, PROTO_OK, 1);
	proto_group_begin(&o, PT_NODE);
	proto_group_begin(&o, PT_NODE);                        /* nested */
	assert_int_equal(proto_out_finish(&o, &frame, &len), CTL_ERR_INTERNAL);
	proto_out_free(&o);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_getter_checks),
		cmocka_unit_test(test_builder_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
