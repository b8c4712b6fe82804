#include "secret.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

void
secret_wipe(void *p, size_t len)
{
	if (p != NULL)
		OPENSSL_cleanse(p, len);
}

void
secret_free_str(char *s)
{
	if (s == NULL)
		return;
	secret_wipe(s, strlen(s));
	free(s);
}
