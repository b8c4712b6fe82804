/* OpenSSL's errors as text. */
#include "ossl_err.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

const char *
ossl_err_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : "no detail";
}

void
ossl_err_append(char *out, size_t cap, unsigned long e)
{
	size_t n = strlen(out);
	char one[256];

	if (ERR_GET_LIB(e) == 0 || n + 2 >= cap)
		return;
	ERR_error_string_n(e, one, sizeof(one));
	snprintf(out + n, cap - n, "%s%s", n ? "; " : "", one);
}

void
ossl_err_drain(char *out, size_t cap)
{
	unsigned long e;

	out[0] = '\0';
	while ((e = ERR_get_error()) != 0)
		ossl_err_append(out, cap, e);
	if (out[0] == '\0')
		snprintf(out, cap, "no detail from OpenSSL");
}
