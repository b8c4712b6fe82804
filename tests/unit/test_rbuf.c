/* The bounds-checked reader and the capped writer, one row per case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_err.h"
#include "hex.h"
#include "rbuf.h"
#include "wbuf.h"

static const uint8_t data[] = { 0x01, 0x02, 0x03, 0x04, 0x05 };

struct read_case {
	const char *name;
	size_t start;        /* bytes consumed before the read */
	int op;              /* 1: u8, 2: u16, 4: u32, 0: bytes(n) */
	size_t n;
	int want_rc;
	uint32_t want;
};

static const struct read_case read_cases[] = {
	{ "u8 at start", 0, 1, 0, CTL_OK, 0x01 },
	{ "u8 at last byte", 4, 1, 0, CTL_OK, 0x05 },
	{ "u8 at end", 5, 1, 0, CTL_ERR_TRUNCATED, 0 },
	{ "u16 big-endian", 0, 2, 0, CTL_OK, 0x0102 },
	{ "u16 last two", 3, 2, 0, CTL_OK, 0x0405 },
	{ "u16 one short", 4, 2, 0, CTL_ERR_TRUNCATED, 0 },
	{ "u32 big-endian", 1, 4, 0, CTL_OK, 0x02030405 },
	{ "u32 one short", 2, 4, 0, CTL_ERR_TRUNCATED, 0 },
	{ "bytes all", 0, 0, 5, CTL_OK, 0x01 },
	{ "bytes zero at end", 5, 0, 0, CTL_OK, 0 },
	{ "bytes one past", 1, 0, 5, CTL_ERR_TRUNCATED, 0 },
	{ "bytes huge (no wrap)", 1, 0, SIZE_MAX, CTL_ERR_TRUNCATED, 0 },
};

static void
test_reads(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++) {
		const struct read_case *c = &read_cases[i];
		struct rbuf r;
		const uint8_t *b = NULL;
		uint8_t v8 = 0xee;
		uint16_t v16 = 0xeeee;
		uint32_t v32 = 0xeeeeeeee, got = 0;
		int rc;

		rb_init(&r, data, sizeof(data));
		r.off = c->start;
		switch (c->op) {
		case 1: rc = rb_get_u8(&r, &v8); got = v8; break;
		case 2: rc = rb_get_u16(&r, &v16); got = v16; break;
		case 4: rc = rb_get_u32(&r, &v32); got = v32; break;
		default:
			rc = rb_get_bytes(&r, c->n, &b);
			got = b != NULL && c->n > 0 ? b[0] : 0;
			break;
		}
		print_message("%s\n", c->name);
		assert_int_equal(rc, c->want_rc);
		if (rc == CTL_OK) {
			assert_int_equal(got, c->want);
		} else {
			/* Failure leaves outputs and position untouched. */
			assert_int_equal(r.off, c->start);
			assert_int_equal(v8, 0xee);
			assert_int_equal(v16, 0xeeee);
			assert_int_equal(v32, 0xeeeeeeee);
			assert_null(b);
		}
	}
}

static void
test_sub_reader_positions(void **state)
{
	struct rbuf r, sub;
	uint8_t v;

	(void)state;
	rb_init(&r, data, sizeof(data));
	assert_int_equal(rb_get_u8(&r, &v), CTL_OK);
	assert_int_equal(rb_get_sub(&r, 3, &sub), CTL_OK);
	assert_int_equal(rb_pos(&sub), 1);
	assert_int_equal(rb_avail(&sub), 3);
	assert_int_equal(rb_pos(&r), 4);
	assert_int_equal(rb_get_sub(&r, 2, &sub), CTL_ERR_TRUNCATED);
	assert_int_equal(rb_pos(&r), 4);
}

static void
test_writer_cap(void **state)
{
	struct wbuf w;
	uint8_t *p;
	size_t len;

	(void)state;
	wb_init(&w, 4);
	assert_int_equal(wb_put_u16(&w, 0x0102), CTL_OK);
	assert_int_equal(wb_put_u16(&w, 0x0304), CTL_OK);
	assert_int_equal(wb_put_u8(&w, 5), CTL_ERR_TOO_BIG);
	assert_int_equal(w.len, 4);
	assert_int_equal(wb_set_u16(&w, 3, 0), CTL_ERR_INTERNAL);
	assert_int_equal(wb_set_u16(&w, 2, 0x0a0b), CTL_OK);
	p = wb_steal(&w, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(p, "\x01\x02\x0a\x0b", 4);
	free(p);
}

static void
test_hex_parse(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		int want;
	} rows[] = {
		{ "00ff7Aa0", 4, 0 },
		{ "00ff7Aa", 4, CTL_ERR_USAGE },   /* one digit short */
		{ "00ff7Aa00", 4, CTL_ERR_USAGE }, /* one digit long */
		{ "00fg7Aa0", 4, CTL_ERR_USAGE },  /* not hex */
		{ "", 0, 0 },
	};
	uint8_t out[4];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(out, 0xee, sizeof(out));
		assert_int_equal(hex_parse(rows[i].in, out, rows[i].n),
		    rows[i].want);
		if (rows[i].want != 0)
			assert_memory_equal(out, "\xee\xee\xee\xee", 4);
	}
	assert_int_equal(hex_parse("00ff7Aa0", out, 4), 0);
	assert_memory_equal(out, "\x00\xff\x7a\xa0", 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_sub_reader_positions),
		cmocka_unit_test(test_writer_cap),
		cmocka_unit_test(test_hex_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
