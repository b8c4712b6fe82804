/*
 * Logging in to a token without putting it at risk: the PIN flags are
 * read first, a locked token is never tried, the final try needs a
 * person's consent, a wrong PIN is never retried, and the PIN is wiped as
 * soon as C_Login returns.
 */
#include "tok_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "ctl_err.h"
#include "secret.h"

#define UNLOCK_HINT \
	"the token's security officer must unlock it (SafeNet " \
	"Authentication Client: Unlock Token; OpenSC: pkcs11-tool " \
	"--init-pin --login --login-type so)"

/*
 * After a wrong PIN: read the token's flags again (they are only read at
 * enumeration) so the message can say how the token stands now.
 */
static int
wrong_pin(struct tok_ctx *ctx, PKCS11_SLOT **slotp, const char *name,
    struct ctl_diag *d)
{
	char label[64], serial[64];
	const PKCS11_TOKEN *t = (*slotp)->token;
	unsigned int i;

	if (ctx->open_keys > 0) {
		/* Rescanning would free the keys other callers hold. */
		return ctl_diag_set(d, CTL_ERR_PIN_INCORRECT,
		    "token %s: PIN incorrect; not retried. Run 'ctlclient "
		    "tokens' to see how many tries the token reports before "
		    "trying again", name);
	}
	snprintf(label, sizeof(label), "%s", t->label);
	snprintf(serial, sizeof(serial), "%s", t->serialnr);
	*slotp = NULL;
	/* When the rescan fails no slot is found below. */
	(void)tok_ctx_rescan(ctx, NULL);
	for (t = NULL, i = 0; i < ctx->nslots; i++) {
		const PKCS11_TOKEN *c = ctx->slots[i].token;

		if (c != NULL && strcmp(c->label, label) == 0 &&
		    strcmp(c->serialnr, serial) == 0) {
			*slotp = &ctx->slots[i];
			t = c;
		}
	}
	if (t == NULL) {
		return ctl_diag_set(d, CTL_ERR_PIN_INCORRECT,
		    "token %s: PIN incorrect; not retried, and the token no "
		    "longer answers (was it pulled out?)", name);
	}
	if (t->userPinLocked) {
		return ctl_diag_set(d, CTL_ERR_PIN_INCORRECT,
		    "token %s: PIN incorrect, and the token is now LOCKED: "
		    UNLOCK_HINT, name);
	}
	if (t->userPinFinalTry) {
		return ctl_diag_set(d, CTL_ERR_PIN_INCORRECT,
		    "token %s: PIN incorrect; not retried. The token now "
		    "allows ONE more try: a wrong PIN next time locks it for "
		    "good. Find the right PIN before running again", name);
	}
	if (t->userPinCountLow) {
		return ctl_diag_set(d, CTL_ERR_PIN_INCORRECT,
		    "token %s: PIN incorrect; not retried. The token reports "
		    "that few tries are left before it locks (eTokens lock "
		    "after 15 wrong PINs in a row); check the PIN before "
		    "running again", name);
	}
	return ctl_diag_set(d, CTL_ERR_PIN_INCORRECT,
	    "token %s: PIN incorrect; not retried. Check the PIN before "
	    "running again: every wrong PIN counts towards locking the "
	    "token", name);
}

/* Asks for consent to use the last PIN try; see struct tok_login_opts. */
static int
final_try(const struct tok_login_opts *opts, const char *name,
    struct ctl_diag *d)
{
	char warn[512];
	int r;

	snprintf(warn, sizeof(warn),
	    "\n*** WARNING: token %s allows ONE more PIN try. ***\n"
	    "*** A wrong PIN now locks it for good, and with it the key "
	    "that signs the cluster's trust lists. ***\n\n", name);
	if (opts->allow_final_try) {
		fputs(warn, stderr);
		return CTL_OK;
	}
	r = opts->no_tty ? CTL_ERR_USAGE : tok_tty_confirm(warn, d);
	if (r == CTL_ERR_USAGE) {
		return ctl_diag_set(d, CTL_ERR_PIN_FINAL_TRY,
		    "token %s allows one more PIN try only; refusing to use "
		    "it without a person's consent. Check the PIN, then run "
		    "again at a terminal or with --allow-final-try", name);
	}
	if (r != CTL_OK) {
		return ctl_diag_set(d, CTL_ERR_CANCELLED,
		    "token %s: login stopped at the final-try warning; the "
		    "PIN was not tried", name);
	}
	return CTL_OK;
}

static int
get_pin(const struct tok_uri *u, const struct tok_login_opts *opts,
    const char *name, char **pin, struct ctl_diag *d)
{
	char prompt[256];
	int r;

	if (u->pin_source != NULL)
		return tok_pin_from_source(u->pin_source, pin, d);
	r = CTL_ERR_USAGE;
	if (!opts->no_tty) {
		snprintf(prompt, sizeof(prompt), "PIN for token %s: ", name);
		r = tok_pin_prompt(prompt, pin, d);
	}
	if (r == CTL_ERR_USAGE) {
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "token %s needs a PIN and there is no terminal to ask on: "
		    "add pin-source=file:PATH (a file of mode 0600) to the "
		    "token's URI", name);
	}
	return r;
}

int
tok_login(struct tok_ctx *ctx, PKCS11_SLOT **slotp, const struct tok_uri *u,
    const struct tok_login_opts *opts, struct ctl_diag *d)
{
	static const struct tok_login_opts defaults;
	PKCS11_SLOT *slot = *slotp;
	const PKCS11_TOKEN *t = slot->token;
	char name[160], nb[48];
	char *pin = NULL;
	unsigned long rv;
	int logged_in = 0, rc, r;

	if (opts == NULL)
		opts = &defaults;
	if (PKCS11_is_logged_in(slot, 0, &logged_in) == 0 && logged_in)
		return CTL_OK; /* one login per token per command */
	tok_token_name(t, name, sizeof(name));
	if (t->userPinLocked) {
		return ctl_diag_set(d, CTL_ERR_PIN_LOCKED,
		    "token %s: the user PIN is locked after too many wrong "
		    "PINs; no login was tried. To sign again, " UNLOCK_HINT,
		    name);
	}
	if (!t->userPinSet) {
		return ctl_diag_set(d, CTL_ERR_TOKEN,
		    "token %s has no user PIN: initialise the token first",
		    name);
	}
	if (t->userPinFinalTry &&
	    (r = final_try(opts, name, d)) != CTL_OK)
		return r;
	if (t->userPinCountLow && !t->userPinFinalTry) {
		fprintf(stderr, "ctlclient: warning: token %s reports wrong "
		    "PINs typed recently; few tries are left before it "
		    "locks\n", name);
	}
	if (t->secureLogin) {
		/* A PIN pad reader: the PIN never passes through this host. */
		fprintf(stderr, "ctlclient: enter the PIN for token %s on the "
		    "reader's PIN pad\n", name);
	} else if ((r = get_pin(u, opts, name, &pin, d)) != CTL_OK) {
		return r;
	}
	ERR_clear_error();
	rc = PKCS11_login(slot, 0, pin);
	secret_free_str(pin);
	pin = NULL;
	if (rc == 0)
		return CTL_OK;
	rv = tok_ckr_last();
	if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID ||
	    rv == CKR_PIN_LEN_RANGE)
		return wrong_pin(ctx, slotp, name, d);
	if (rv == CKR_PIN_LOCKED) {
		return ctl_diag_set(d, CTL_ERR_PIN_LOCKED,
		    "token %s: the token refused the login because its PIN "
		    "is locked; " UNLOCK_HINT, name);
	}
	if (tok_ckr_is_removal(rv)) {
		return ctl_diag_set(d, CTL_ERR_TOKEN_ABSENT,
		    "token %s was removed during login (%s): plug it in and "
		    "run the command again", name,
		    tok_ckr_name(rv, nb, sizeof(nb)));
	}
	return ctl_diag_set(d, CTL_ERR_TOKEN, "token %s: login failed (%s)",
	    name, tok_ckr_name(rv, nb, sizeof(nb)));
}
