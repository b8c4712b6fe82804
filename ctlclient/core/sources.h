/*
 * Where ctlclient takes keys and certificates from: a file, or a PKCS#11
 * URI ("pkcs11:...") naming an object on a token.  One PKCS#11 module is
 * loaded per command, the first time a URI needs it.
 */
#ifndef CTLCLIENT_SOURCES_H
#define CTLCLIENT_SOURCES_H

#include <stdbool.h>

#include <openssl/x509.h>

#include "ctl_signer.h"
#include "tok.h"

struct ctl_diag;

struct cli_sources {
	const char *module;            /* --module, or NULL for the default */
	struct tok_login_opts login;
	struct tok_ctx *tok;           /* loaded on first use */
};

/* An open signer and the token key or key file behind it. */
struct cli_signer {
	struct ctl_signer s;
	struct tok_key *key;           /* set when the key is on a token */
};

/* Is SPEC a PKCS#11 URI rather than a file name? */
bool cli_is_uri(const char *spec);

/*
 * Opens SPEC as a signer: a PEM file holding a key and its certificate,
 * or a PKCS#11 URI naming a token's key (logging in once).  Release with
 * cli_signer_close() before cli_sources_close().
 */
int cli_signer_open(struct cli_sources *src, const char *spec,
    struct cli_signer *cs, struct ctl_diag *d);
void cli_signer_close(struct cli_signer *cs);

/* Loads the certificate SPEC names (a PEM or DER file, or a PKCS#11 URI,
 * read without logging in).  *OUT is freed by the caller. */
int cli_cert_open(struct cli_sources *src, const char *spec, X509 **out,
    struct ctl_diag *d);

/* Unloads the PKCS#11 module if one was loaded. */
void cli_sources_close(struct cli_sources *src);

#endif
