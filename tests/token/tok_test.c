#include "tok_test.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/pem.h>

#include "ctl_err.h"
#include "tok.h"

const char *
tok_test_dir(void)
{
	const char *dir = getenv("TOK_TEST_DIR");

	if (dir == NULL) {
		fprintf(stderr, "TOK_TEST_DIR is not set: run the test "
		    "through with_softhsm.sh\n");
		abort();
	}
	return dir;
}

const char *
tok_test_module(void)
{
	const char *m = getenv("TOK_TEST_MODULE");

	return m != NULL ? m : "/usr/lib/softhsm/libsofthsm2.so";
}

static void
read_serial(char *out, size_t outsz)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/SAST2.serial", tok_test_dir());
	if ((f = fopen(path, "r")) == NULL || fgets(out, (int)outsz, f) == NULL)
		abort();
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

void
tok_test_expand(const char *fmt, char *out, size_t outsz)
{
	char serial[64];
	size_t n = 0;
	const char *add;

	read_serial(serial, sizeof(serial));
	for (; *fmt != '\0'; fmt++) {
		char one[2] = { *fmt, '\0' };

		add = one;
		if (fmt[0] == '%' && fmt[1] == 'D') {
			add = tok_test_dir();
			fmt++;
		} else if (fmt[0] == '%' && fmt[1] == 'S') {
			add = serial;
			fmt++;
		}
		if (strlen(add) >= outsz - n)
			abort();
		memcpy(out + n, add, strlen(add));
		n += strlen(add);
	}
	out[n] = '\0';
}

X509 *
tok_test_read_pem(const char *name)
{
	char path[512];
	X509 *x;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tok_test_dir(), name);
	if ((f = fopen(path, "r")) == NULL)
		abort();
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		abort();
	return x;
}

int
tok_test_ctx_setup(void **state)
{
	struct ctl_diag d = { "" };
	struct tok_ctx *ctx = NULL;

	if (tok_ctx_open(tok_test_module(), &ctx, &d) != CTL_OK) {
		fprintf(stderr, "tok_ctx_open: %s\n", d.msg);
		return -1;
	}
	*state = ctx;
	return 0;
}

int
tok_test_ctx_teardown(void **state)
{
	tok_ctx_free(*state);
	*state = NULL;
	return 0;
}
