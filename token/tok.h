/*
 * PKCS#11 tokens (USB eTokens, smart cards, SoftHSM) through libp11:
 * loading a module, choosing a token and its objects by RFC 7512 URI,
 * logging in safely, signing with a key that never leaves the token, and
 * reading certificates.  Nothing here knows about the .tlv format.
 *
 * Every function that can fail returns CTL_OK or a negative CTL_ERR_* code
 * and, when D is not NULL, leaves a message for people in D.
 *
 * Lifetime: a struct tok_ctx is one loaded module for one command.  Keys
 * opened from it must be freed before it is.
 */
#ifndef CTL_TOK_H
#define CTL_TOK_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct ctl_diag;
struct tok_ctx;
struct tok_key;

/* The environment variable naming the module when --module is not given. */
#define TOK_MODULE_ENV "CTLCLIENT_PKCS11_MODULE"

/*
 * The modules tried, in this order, when neither --module nor
 * CTLCLIENT_PKCS11_MODULE names one: the p11-kit proxy (every module the
 * system registered), SafeNet Authentication Client, OpenSC, SoftHSM.
 * A static, NULL-terminated array.
 */
const char *const *tok_module_defaults(void);

/*
 * Decides which module to load: EXPLICIT when it is not NULL, else
 * $CTLCLIENT_PKCS11_MODULE when set and not empty, else the first of
 * tok_module_defaults() that exists.  *OUT borrows one of those strings.
 * Fails with CTL_ERR_MODULE when no candidate exists.
 */
int tok_module_find(const char *explicit_path, const char **out,
    struct ctl_diag *d);

/*
 * Loads the module chosen by tok_module_find(MODULE, ...), initialises it
 * and enumerates its slots.  *OUT is freed with tok_ctx_free().  Fails
 * with CTL_ERR_MODULE when the file is missing, does not load, or its
 * C_Initialize fails; with CTL_ERR_TOKEN when the slot list cannot be read.
 */
int tok_ctx_open(const char *module, struct tok_ctx **out,
    struct ctl_diag *d);

/* The path of the loaded module (borrowed from CTX). */
const char *tok_ctx_module(const struct tok_ctx *ctx);

/* Unloads the module (C_Finalize) and frees CTX.  NULL is allowed. */
void tok_ctx_free(struct tok_ctx *ctx);

/* How tok_key_open() may get a PIN. */
struct tok_login_opts {
	/*
	 * The token reports that the next wrong PIN locks it for good.  When
	 * set, the login goes ahead after a loud warning on stderr; when not
	 * set, a person at a terminal must type "yes" first, and without a
	 * terminal the login is refused with CTL_ERR_PIN_FINAL_TRY.
	 */
	int allow_final_try;
	/* Never open /dev/tty (batch use): a PIN must come from pin-source. */
	int no_tty;
};

/*
 * Opens the signing key named by URI (RFC 7512, e.g.
 * "pkcs11:token=SAST1" or "pkcs11:token=SAST1;object=SAST1-key;
 * pin-source=file:/root/sast1.pin"): the one token the URI matches, then
 * the one certificate and private key there with the same CKA_ID (object=
 * may name either).  Logs in once per token and context with a PIN from
 * the URI's pin-source or a no-echo prompt on /dev/tty that names the
 * token; the PIN is wiped right after C_Login and never retried.
 * A pin-value attribute is refused: PINs never go on a command line.
 * *OUT is freed with tok_key_free(), before CTX.
 * Fails with CTL_ERR_URI (bad or forbidden URI), CTL_ERR_TOKEN_ABSENT (no
 * token matches), CTL_ERR_USAGE (several match, or no way to get a PIN),
 * CTL_ERR_NOT_FOUND (no certificate/key pair), CTL_ERR_PIN_LOCKED,
 * CTL_ERR_PIN_FINAL_TRY, CTL_ERR_CANCELLED, CTL_ERR_PIN_INCORRECT (the
 * message then says how the token stands), CTL_ERR_KEY (the certificate
 * does not match the key, or the key is not RSA), CTL_ERR_TOKEN.
 */
int tok_key_open(struct tok_ctx *ctx, const char *uri,
    const struct tok_login_opts *opts, struct tok_key **out,
    struct ctl_diag *d);

/* The key's certificate, borrowed from K (valid until tok_key_free). */
X509 *tok_key_cert(const struct tok_key *k);

/* The label of the token holding K, for messages (borrowed from K). */
const char *tok_key_label(const struct tok_key *k);

/*
 * Signs MSG with K (a struct tok_key *) using RSA PKCS#1 v1.5 over MD
 * (SHA-1, SHA-256 or SHA-512): the digest is computed here, the token
 * makes exactly one C_Sign.  SIG has room for *SIGLEN bytes; on success
 * *SIGLEN is the signature length (the key's modulus size).  Has the shape
 * of ctl_sign_fn.  Fails with CTL_ERR_USAGE (other digest, SIG too small),
 * CTL_ERR_TOKEN_ABSENT (the token was pulled out), CTL_ERR_TOKEN.
 */
int tok_key_sign(void *key, const EVP_MD *md, const uint8_t *msg,
    size_t msglen, uint8_t *sig, size_t *siglen, struct ctl_diag *d);

/* Frees K (the token stays logged in until its context is freed). */
void tok_key_free(struct tok_key *k);

/*
 * Reads the one certificate URI names (token attributes plus optional
 * object= / id=; type= must be absent or "cert"), without logging in.
 * *OUT is a copy owned by the caller (X509_free).  Fails like
 * tok_key_open() for URI and token selection, with CTL_ERR_NOT_FOUND when
 * no certificate matches and CTL_ERR_USAGE when several do.
 */
int tok_cert_load(struct tok_ctx *ctx, const char *uri, X509 **out,
    struct ctl_diag *d);

#endif
