/*
 * Internal to token/: the context layout and the helpers the tok_*.c
 * files share.  Not for use outside token/.
 */
#ifndef CTL_TOK_INT_H
#define CTL_TOK_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libp11.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#include "tok.h"

struct ctl_diag;

struct tok_ctx {
	PKCS11_CTX *p11;
	PKCS11_SLOT *slots;
	unsigned int nslots;
	char *module;
	int open_keys;  /* tok_key objects alive: rescanning would free them */
};

/*
 * Enumerates CTX's slots again (libp11 0.4.12's PKCS11_update_slots
 * crashes, so all slots are released first).  Every PKCS11_SLOT, token,
 * key and certificate pointer taken from CTX before is invalid after this.
 */
int tok_ctx_rescan(struct tok_ctx *ctx, struct ctl_diag *d);

/* A parsed PKCS#11 URI, reduced to what this project selects on. */
struct tok_uri {
	P11KitUri *uri;
	char *object;        /* CKA_LABEL, NUL-terminated copy, or NULL */
	uint8_t *id;         /* CKA_ID, or NULL */
	size_t id_len;
	int has_class;
	CK_OBJECT_CLASS klass;
	char *pin_source;    /* as written in the URI, or NULL */
};

/*
 * Parses TEXT into U (cleared with tok_uri_clear even on failure).
 * Refuses pin-value, unrecognized attributes and module selection (the
 * module comes from --module), with CTL_ERR_URI.
 */
int tok_uri_parse(const char *text, struct tok_uri *u, struct ctl_diag *d);
void tok_uri_clear(struct tok_uri *u);

/* 1 when token T in SLOT matches U's token and slot attributes. */
int tok_uri_match_token(const struct tok_uri *u, const PKCS11_SLOT *slot);

/* 1 when an object with LABEL and ID matches U's object= and id=. */
int tok_uri_match_object(const struct tok_uri *u, const char *label,
    const unsigned char *id, size_t id_len);

/*
 * The one initialised token U matches.  When U's token attributes fit
 * several tokens, its object= / id= choose among them by the objects each
 * shows without login.  *SLOT is borrowed from CTX.  URITEXT is for
 * messages.  Fails with CTL_ERR_TOKEN_ABSENT when no token matches,
 * CTL_ERR_NOT_FOUND when none of them holds the object, CTL_ERR_USAGE
 * when several remain (the message lists them).
 */
int tok_select(struct tok_ctx *ctx, const struct tok_uri *u,
    const char *uritext, PKCS11_SLOT **slot, struct ctl_diag *d);

/*
 * Logs in to the token in *SLOT unless this context already did, as
 * described at tok_key_open().  After a wrong PIN CTX may be rescanned to
 * learn how the token stands, so *SLOT may change; on failure it must not
 * be used.
 */
int tok_login(struct tok_ctx *ctx, PKCS11_SLOT **slot,
    const struct tok_uri *u, const struct tok_login_opts *opts,
    struct ctl_diag *d);

/*
 * Reads a PIN from pin-source SOURCE ("file:PATH" or a plain path): the
 * first line, without its line end.  *PIN is freed with secret_free_str.
 */
int tok_pin_from_source(const char *source, char **pin, struct ctl_diag *d);

/*
 * Asks for a PIN on /dev/tty without echo, showing PROMPT.  *PIN is freed
 * with secret_free_str.  Fails with CTL_ERR_USAGE when there is no
 * terminal and CTL_ERR_CANCELLED on end of input.
 */
int tok_pin_prompt(const char *prompt, char **pin, struct ctl_diag *d);

/*
 * Shows WARNING on /dev/tty and asks the person to type "yes".  Returns
 * CTL_OK when they do, CTL_ERR_CANCELLED otherwise, CTL_ERR_USAGE when
 * there is no terminal.
 */
int tok_tty_confirm(const char *warning, struct ctl_diag *d);

/*
 * The CK_RV that libp11 left on OpenSSL's error queue for the last failed
 * call (CKR_OK when it left none); empties the queue.
 */
unsigned long tok_ckr_last(void);

/* The name of RV ("CKR_PIN_INCORRECT"), or "CKR_0x..." in BUF. */
const char *tok_ckr_name(unsigned long rv, char *buf, size_t bufsz);

/* 1 when RV means the token is gone (pulled out, sessions closed). */
int tok_ckr_is_removal(unsigned long rv);

/* "SAST1 (serial 10ee0d19...)" for messages, into BUF. */
const char *tok_token_name(const PKCS11_TOKEN *t, char *buf, size_t bufsz);

#endif
