/* OpenSSL's errors as text: an error OpenSSL has no text for, or an
 * empty queue, still gives a message, never NULL (which printf's %s
 * must not get). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "ossl_err.h"

/* A reason code no OpenSSL library has text for. */
#define NO_TEXT_REASON 4000

struct err_case {
	const char *name;
	int lib, reason;     /* lib 0: the queue is left empty */
	const char *reason_want;
	const char *drain_has;
};

static const struct err_case cases[] = {
	{ "empty queue", 0, 0, "no detail", "no detail from OpenSSL" },
	{ "reason without text", ERR_LIB_USER, NO_TEXT_REASON, "no detail",
	  "" },
	{ "reason with text", ERR_LIB_PEM, PEM_R_NO_START_LINE,
	  "no start line", "no start line" },
};

static void
test_cases(void **state)
{
	char out[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct err_case *c = &cases[i];

		print_message("%s\n", c->name);
		ERR_clear_error();
		if (c->lib != 0) {
			ERR_raise(c->lib, c->reason);
			/* The premise: OpenSSL itself may give NULL. */
			if (c->reason == NO_TEXT_REASON)
				assert_null(ERR_reason_error_string(
				    ERR_peek_last_error()));
		}
		assert_string_equal(ossl_err_reason(), c->reason_want);
		ossl_err_drain(out, sizeof(out));
		assert_true(out[0] != '\0');
		assert_non_null(strstr(out, c->drain_has));
		assert_int_equal(ERR_peek_error(), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
