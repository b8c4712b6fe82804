/*
 * Opening signing keys (PIN handling included) and signing with them,
 * against the SoftHSM tokens of softhsm_setup.sh (run through
 * with_softhsm.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ctl_err.h"
#include "tok.h"
#include "tok_test.h"

struct open_row {
	const char *uri;      /* %D: the token directory */
	int rc;
	const char *want;     /* token label, or text in the message */
	const char *never;    /* text that must not be in the message */
};

static const struct open_row open_rows[] = {
	{ "pkcs11:token=SAST1;pin-source=file:%D/SAST1.pin", CTL_OK, "SAST1",
	    NULL },
	{ "pkcs11:token=SAST2;object=SAST2-key;type=private;"
	    "pin-source=file:%D/SAST2.pin", CTL_OK, "SAST2", NULL },
	{ "pkcs11:object=SAST2-cert;pin-source=%D/SAST2.pin", CTL_OK, "SAST2",
	    NULL },
	{ "pkcs11:serial=%S;id=%02;pin-source=file://%D/SAST2.pin", CTL_OK,
	    "SAST2", NULL },
	{ "pkcs11:token=SAST1;pin-source=file:%D/wrong.pin",
	    CTL_ERR_PIN_INCORRECT, "PIN incorrect; not retried", "0000" },
	{ "pkcs11:token=SAST1;pin-source=file:%D/open.pin", CTL_ERR_USAGE,
	    "chmod 600", "1234" },
	{ "pkcs11:token=SAST1;pin-source=file:%D/empty.pin", CTL_ERR_USAGE,
	    "first line is empty", NULL },
	{ "pkcs11:token=SAST1;pin-source=file:%D/missing.pin", CTL_ERR_IO,
	    "missing.pin", NULL },
	{ "pkcs11:token=SAST1;pin-source=https://example.com/pin", CTL_ERR_URI,
	    "only files", NULL },
	{ "pkcs11:token=SAST1", CTL_ERR_USAGE, "no terminal", NULL },
	{ "pkcs11:token=SAST1;pin-value=1234", CTL_ERR_URI, "pin-source",
	    "1234" },
	{ "pkcs11:token=SAST1;type=public", CTL_ERR_URI, "type=private", NULL },
	{ "pkcs11:token=SAST1;id=%07;pin-source=file:%D/SAST1.pin",
	    CTL_ERR_NOT_FOUND, "no PIN was asked for", NULL },
	{ "pkcs11:token=SAST1;object=SAST2-key;pin-source=file:%D/SAST1.pin",
	    CTL_ERR_NOT_FOUND, "SAST1-key+SAST1-cert", NULL },
	{ "pkcs11:token=GONE;pin-source=file:%D/SAST1.pin",
	    CTL_ERR_TOKEN_ABSENT, "no token matches", NULL },
};

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tok_test_dir(), name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

/* Each row gets its own context: a context logs in to a token once. */
static void
test_open(void **state)
{
	const struct tok_login_opts batch = { .no_tty = 1 };
	struct tok_ctx *ctx;
	char uri[512];
	size_t i;

	(void)state;
	write_file("wrong.pin", "0000\n", 0600);
	write_file("open.pin", "1234\n", 0644);
	write_file("empty.pin", "\n1234\n", 0600);
	for (i = 0; i < sizeof(open_rows) / sizeof(open_rows[0]); i++) {
		const struct open_row *row = &open_rows[i];
		struct ctl_diag d = { "" };
		struct tok_key *k = NULL;
		int rc;

		tok_test_expand(row->uri, uri, sizeof(uri));
		assert_int_equal(tok_ctx_open(tok_test_module(), &ctx, &d),
		    CTL_OK);
		rc = tok_key_open(ctx, uri, &batch, &k, &d);
		print_message("%s -> %d %s\n", uri, rc, d.msg);
		assert_int_equal(rc, row->rc);
		if (rc == CTL_OK) {
			assert_string_equal(tok_key_label(k), row->want);
			assert_non_null(tok_key_cert(k));
			tok_key_free(k);
		} else {
			assert_null(k);
			assert_non_null(strstr(d.msg, row->want));
			if (row->never != NULL)
				assert_null(strstr(d.msg, row->never));
		}
		tok_ctx_free(ctx);
	}
}

struct sign_row {
	const char *token;
	const char *md;
	size_t siglen;
};

static const struct sign_row sign_rows[] = {
	{ "SAST1", "SHA1", 128 },
	{ "SAST1", "SHA256", 128 },
	{ "SAST1", "SHA512", 128 },
	{ "SAST2", "SHA1", 256 },
	{ "SAST2", "SHA256", 256 },
	{ "SAST2", "SHA512", 256 },
};

static int
verify(X509 *cert, const EVP_MD *md, const uint8_t *msg, size_t msglen,
    const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok;

	ok = EVP_DigestVerifyInit(m, NULL, md, NULL,
	    X509_get0_pubkey(cert)) == 1 &&
	    EVP_DigestVerify(m, sig, siglen, msg, msglen) == 1;
	EVP_MD_CTX_free(m);
	return ok;
}

static struct tok_key *
open_key(struct tok_ctx *ctx, const char *token)
{
	const struct tok_login_opts batch = { .no_tty = 1 };
	struct ctl_diag d = { "" };
	struct tok_key *k = NULL;
	char uri[512];

	snprintf(uri, sizeof(uri), "pkcs11:token=%s;pin-source=file:%s/%s.pin",
	    token, tok_test_dir(), token);
	if (tok_key_open(ctx, uri, &batch, &k, &d) != CTL_OK)
		fail_msg("%s: %s", uri, d.msg);
	return k;
}

/* Both tokens open at once in one module; each signs with each digest. */
static void
test_sign(void **state)
{
	static const uint8_t msg[] = "CTL header and records to be signed";
	struct tok_ctx *ctx = *state;
	struct tok_key *k1 = open_key(ctx, "SAST1");
	struct tok_key *k2 = open_key(ctx, "SAST2");
	uint8_t sig[512];
	size_t i, len;

	for (i = 0; i < sizeof(sign_rows) / sizeof(sign_rows[0]); i++) {
		const struct sign_row *row = &sign_rows[i];
		struct tok_key *k = strcmp(row->token, "SAST1") == 0 ? k1 : k2;
		EVP_MD *md = EVP_MD_fetch(NULL, row->md, NULL);
		struct ctl_diag d = { "" };

		len = sizeof(sig);
		assert_int_equal(tok_key_sign(k, md, msg, sizeof(msg), sig,
		    &len, &d), CTL_OK);
		assert_int_equal(len, row->siglen);
		assert_true(verify(tok_key_cert(k), md, msg, sizeof(msg), sig,
		    len));
		/* The signature covers the message: one changed byte fails. */
		sig[len / 2] ^= 1;
		assert_false(verify(tok_key_cert(k), md, msg, sizeof(msg), sig,
		    len));
		EVP_MD_free(md);
	}
	tok_key_free(k1);
	tok_key_free(k2);
}

static void
test_sign_refused(void **state)
{
	static const uint8_t msg[] = "x";
	struct tok_ctx *ctx = *state;
	struct tok_key *k = open_key(ctx, "SAST2");
	struct ctl_diag d = { "" };
	uint8_t sig[512];
	size_t len;

	len = 255; /* one byte short of a 2048-bit signature */
	assert_int_equal(tok_key_sign(k, EVP_sha256(), msg, 1, sig, &len, &d),
	    CTL_ERR_USAGE);
	assert_int_equal(len, 255);
	assert_non_null(strstr(d.msg, "needs 256 bytes"));
	len = sizeof(sig);
	assert_int_equal(tok_key_sign(k, EVP_md5(), msg, 1, sig, &len, &d),
	    CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "sha256"));
	tok_key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test_setup_teardown(test_sign,
		    tok_test_ctx_setup, tok_test_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_sign_refused,
		    tok_test_ctx_setup, tok_test_ctx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
