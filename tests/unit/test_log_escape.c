/* Untrusted text escaped for the log, one row per case: each row gives
 * the input, the size of the output buffer, and the exact result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "log_escape.h"

struct esc_case {
	const char *name;
	const char *in;
	size_t len;          /* bytes of IN, so a NUL can be part of it */
	size_t outsz;
	const char *want;
};

#define IN(s) s, sizeof(s) - 1

static const struct esc_case cases[] = {
	{ "empty", IN(""), 16, "" },
	{ "empty, one-byte buffer", IN(""), 1, "" },
	{ "plain text", IN("admin"), 16, "admin" },
	{ "newline and a forged line", IN("a\n2026-01-01 x"), 64,
	  "a\\x0a2026-01-01 x" },
	{ "carriage return", IN("a\rb"), 16, "a\\x0db" },
	{ "escape sequence", IN("\x1b[2J"), 16, "\\x1b[2J" },
	{ "tab", IN("a\tb"), 16, "a\\x09b" },
	{ "delete", IN("\x7f"), 16, "\\x7f" },
	{ "byte 0x80 and up", IN("\xc3\xa9"), 16, "\\xc3\\xa9" },
	{ "NUL inside", IN("a\0b"), 16, "a\\x00b" },
	{ "backslash doubled", IN("a\\x0a"), 16, "a\\\\x0a" },
	{ "exactly full", IN("abcde"), 6, "abcde" },
	{ "escape exactly full", IN("ab\n"), 7, "ab\\x0a" },
	{ "one byte too long", IN("abcdef"), 6, "ab..." },
	{ "cut before an escape", IN("abc\ndef"), 8, "abc..." },
	{ "cut in the middle of an escape", IN("ab\ncdefgh"), 8, "ab..." },
	{ "cut in the middle of a backslash", IN("abc\\defgh"), 7, "abc..." },
	{ "buffer smaller than the mark", IN("abcdef"), 3, ".." },
	{ "one-byte buffer, text too long", IN("abc"), 1, "" },
};

static void
test_cases(void **state)
{
	char out[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct esc_case *c = &cases[i];

		print_message("%s\n", c->name);
		assert_true(c->outsz <= sizeof(out));
		memset(out, 'Z', sizeof(out));
		n = log_escape(out, c->outsz, c->in, c->len);
		assert_string_equal(out, c->want);
		assert_int_equal(n, strlen(c->want));
		/* Nothing written past the buffer it was given. */
		assert_int_equal(out[c->outsz], 'Z');
	}
}

static void
test_zero_size(void **state)
{
	char out[4] = "ZZZ";

	(void)state;
	assert_int_equal(log_escape(out, 0, "abc", 3), 0);
	assert_string_equal(out, "ZZZ");
}

/* Every byte value, escaped into the largest size LOG_ESCAPE_SIZE
 * promises: never cut, printable ASCII only, and read back whole. */
static void
test_all_bytes(void **state)
{
	uint8_t in[256], back[256];
	char out[LOG_ESCAPE_SIZE(256)];
	size_t i, n, o = 0, k = 0;
	unsigned v;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	n = log_escape(out, sizeof(out), in, sizeof(in));
	assert_int_equal(n, strlen(out));
	for (i = 0; i < n; i++)
		assert_true(out[i] >= 0x20 && out[i] < 0x7f);
	while (o < n) {
		if (out[o] != '\\')
			back[k++] = (uint8_t)out[o++];
		else if (out[o + 1] == '\\') {
			back[k++] = '\\';
			o += 2;
		} else {
			assert_int_equal(out[o + 1], 'x');
			assert_int_equal(sscanf(out + o + 2, "%2x", &v), 1);
			back[k++] = (uint8_t)v;
			o += 4;
		}
	}
	assert_int_equal(k, sizeof(in));
	assert_memory_equal(back, in, sizeof(in));
}

static void
test_str(void **state)
{
	char out[16];

	(void)state;
	assert_string_equal(log_escape_str(out, sizeof(out), "x\ny"),
	    "x\\x0ay");
	assert_string_equal(log_escape_str(out, sizeof(out), NULL), "(null)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
