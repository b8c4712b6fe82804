/*
 * Helpers shared by the token tests: where the SoftHSM tokens of
 * with_softhsm.sh live, which module to load, a context per test.
 */
#ifndef CTL_TOK_TEST_H
#define CTL_TOK_TEST_H

#include <stddef.h>

#include <openssl/x509.h>

/* $TOK_TEST_DIR (set by with_softhsm.sh); aborts when unset. */
const char *tok_test_dir(void);

/* $TOK_TEST_MODULE, else SoftHSM's module. */
const char *tok_test_module(void);

/*
 * Copies FMT to OUT replacing "%D" with tok_test_dir() and "%S" with
 * SAST2's serial number; other "%" sequences are kept (URI escapes).
 */
void tok_test_expand(const char *fmt, char *out, size_t outsz);

/* Reads the PEM certificate NAME in tok_test_dir(); aborts on failure. */
X509 *tok_test_read_pem(const char *name);

/* cmocka setup/teardown: *STATE is a struct tok_ctx * on the test module. */
int tok_test_ctx_setup(void **state);
int tok_test_ctx_teardown(void **state);

#endif
