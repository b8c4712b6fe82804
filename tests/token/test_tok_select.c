/*
 * Choosing tokens and certificates by PKCS#11 URI, against two SoftHSM
 * tokens made by softhsm_setup.sh (run through with_softhsm.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/x509.h>

#include "ctl_err.h"
#include "tok.h"
#include "tok_test.h"

struct row {
	const char *uri;      /* "%S" stands for SAST2's serial */
	int rc;
	const char *want;     /* CN of the certificate, or text in the message */
	const char *never;    /* text that must not be in the message */
};

static const struct row rows[] = {
	{ "pkcs11:token=SAST1", CTL_OK, "SAST-ADN0054f509", NULL },
	{ "pkcs11:token=SAST2", CTL_OK, "SAST-ADN0054f510", NULL },
	{ "pkcs11:serial=%S", CTL_OK, "SAST-ADN0054f510", NULL },
	{ "pkcs11:model=SoftHSM%20v2;token=SAST2", CTL_OK,
	    "SAST-ADN0054f510", NULL },
	{ "pkcs11:object=SAST2-cert", CTL_OK, "SAST-ADN0054f510", NULL },
	/* object= names the key: the token is found, the certificate not. */
	{ "pkcs11:object=SAST1-key", CTL_ERR_NOT_FOUND,
	    "(certificates: SAST1-cert)", NULL },
	{ "pkcs11:token=SAST1;id=%01;type=cert", CTL_OK, "SAST-ADN0054f509",
	    NULL },
	{ "pkcs11:token=SAST1;object=SAST1-cert", CTL_OK,
	    "SAST-ADN0054f509", NULL },
	{ "pkcs11:", CTL_ERR_USAGE, "2 tokens match", NULL },
	{ "pkcs11:manufacturer=SoftHSM%20project", CTL_ERR_USAGE,
	    "name one with token=", NULL },
	{ "pkcs11:token=NOPE", CTL_ERR_TOKEN_ABSENT,
	    "tokens present: SAST", NULL },
	{ "pkcs11:serial=0000", CTL_ERR_TOKEN_ABSENT, "no token matches",
	    NULL },
	{ "pkcs11:object=nothing", CTL_ERR_NOT_FOUND, "no token holds", NULL },
	{ "pkcs11:token=SAST1;id=%02", CTL_ERR_NOT_FOUND,
	    "no certificate matches", NULL },
	{ "pkcs11:token=SAST1;object=SAST2-cert", CTL_ERR_NOT_FOUND,
	    "SAST1-cert", NULL },
	{ "pkcs11:token=SAST1;type=private", CTL_ERR_URI, "type=cert", NULL },
	{ "pkcs11:token=SAST1;pin-value=9876", CTL_ERR_URI,
	    "PINs never go on the command line", "9876" },
	{ "pkcs11:token=SAST1?pin-value=9876", CTL_ERR_URI,
	    "PINs never go on the command line", "9876" },
	{ "pkcs11:token=SAST1;tokne=x", CTL_ERR_URI, "does not know", NULL },
	{ "pkcs11:token=SAST1?module-path=/tmp/x.so", CTL_ERR_URI, "--module",
	    NULL },
	{ "pkcs11:token=%ZZ", CTL_ERR_URI, "PKCS#11 URI", NULL },
	{ "SAST1", CTL_ERR_URI, "not a PKCS#11 URI", NULL },
};

static void
test_cert_load(void **state)
{
	struct tok_ctx *ctx = *state;
	char uri[256], cn[128];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ctl_diag d = { "" };
		X509 *x = NULL;
		int rc;

		tok_test_expand(rows[i].uri, uri, sizeof(uri));
		rc = tok_cert_load(ctx, uri, &x, &d);
		print_message("%s -> %d %s\n", uri, rc, d.msg);
		assert_int_equal(rc, rows[i].rc);
		if (rc == CTL_OK) {
			assert_non_null(x);
			X509_NAME_get_text_by_NID(X509_get_subject_name(x),
			    NID_commonName, cn, sizeof(cn));
			assert_string_equal(cn, rows[i].want);
			X509_free(x);
		} else {
			assert_null(x);
			assert_non_null(strstr(d.msg, rows[i].want));
			if (rows[i].never != NULL)
				assert_null(strstr(d.msg, rows[i].never));
		}
	}
}

/* The certificate on the token is the one the setup script issued. */
static void
test_cert_equals_issued(void **state)
{
	struct tok_ctx *ctx = *state;
	struct ctl_diag d = { "" };
	X509 *x = NULL, *want;

	want = tok_test_read_pem("SAST2.pem");
	assert_int_equal(tok_cert_load(ctx, "pkcs11:token=SAST2", &x, &d),
	    CTL_OK);
	assert_int_equal(X509_cmp(x, want), 0);
	X509_free(x);
	X509_free(want);
}

static void
test_module_missing(void **state)
{
	struct ctl_diag d = { "" };
	struct tok_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(tok_ctx_open("/nonexistent/libnothing.so", &ctx, &d),
	    CTL_ERR_MODULE);
	assert_null(ctx);
	assert_non_null(strstr(d.msg, "/nonexistent/libnothing.so"));
	/* A file that is not a PKCS#11 library. */
	assert_int_equal(tok_ctx_open("/etc/passwd", &ctx, &d),
	    CTL_ERR_MODULE);
	assert_non_null(strstr(d.msg, "does not load"));
}

static void
test_module_find(void **state)
{
	struct ctl_diag d = { "" };
	const char *m = NULL;
	size_t i;

	(void)state;
	assert_int_equal(tok_module_find("/x/explicit.so", &m, &d), CTL_OK);
	assert_string_equal(m, "/x/explicit.so");
	setenv(TOK_MODULE_ENV, "/x/env.so", 1);
	assert_int_equal(tok_module_find(NULL, &m, &d), CTL_OK);
	assert_string_equal(m, "/x/env.so");
	assert_int_equal(tok_module_find("/x/explicit.so", &m, &d), CTL_OK);
	assert_string_equal(m, "/x/explicit.so");
	/* An empty variable counts as unset: the first default present. */
	setenv(TOK_MODULE_ENV, "", 1);
	assert_int_equal(tok_module_find(NULL, &m, &d), CTL_OK);
	for (i = 0; access(tok_module_defaults()[i], R_OK) != 0; i++)
		assert_non_null(tok_module_defaults()[i + 1]);
	assert_string_equal(m, tok_module_defaults()[i]);
	unsetenv(TOK_MODULE_ENV);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cert_load,
		    tok_test_ctx_setup, tok_test_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_cert_equals_issued,
		    tok_test_ctx_setup, tok_test_ctx_teardown),
		cmocka_unit_test(test_module_missing),
		cmocka_unit_test(test_module_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
