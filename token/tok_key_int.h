/* Internal to token/: the layout of an open signing key. */
#ifndef CTL_TOK_KEY_INT_H
#define CTL_TOK_KEY_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

struct tok_ctx;

struct tok_key {
	struct tok_ctx *ctx;  /* NULL until the key is handed out */
	EVP_PKEY *pkey;       /* libp11's key: every use is a C_Sign */
	X509 *cert;           /* our copy of the token's certificate */
	char *label;          /* token label */
};

#endif
