/* Waiting for a token: PC/SC card events and PKCS#11 slot polling. */
#include "tok_int.h"
#include "tok_pcsc.h"
#include "tok_wait.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "ctl_err.h"

/* How often the PKCS#11 slot list is read again. */
#define POLL_MS 1000UL

static void
sleep_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000),
	    (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* An initialised token in CTX's slots, described into WHAT. */
static int
token_in(const struct tok_ctx *ctx, char *what, size_t whatsz)
{
	char name[160];
	unsigned int i;

	for (i = 0; i < ctx->nslots; i++) {
		const PKCS11_SLOT *s = &ctx->slots[i];

		if (s->token != NULL && s->token->initialized) {
			snprintf(what, whatsz, "token %s in slot '%s'",
			    tok_token_name(s->token, name, sizeof(name)),
			    s->description);
			return 1;
		}
	}
	return 0;
}

int
tok_wait_present(const char *module, unsigned long timeout_ms, char *what,
    size_t whatsz, struct ctl_diag *d)
{
	struct ctl_diag mod_diag = { "" }, pcsc_diag = { "" };
	struct tok_ctx *ctx = NULL;
	long long deadline = ctl_deadline_ms(timeout_ms);
	unsigned long slice;
	char reader[256];
	int r;

	/* Without a module, PC/SC alone is watched. */
	(void)tok_ctx_open(module, &ctx, &mod_diag);
	for (;;) {
		if (ctx != NULL && token_in(ctx, what, whatsz)) {
			r = CTL_OK;
			goto out;
		}
		slice = ctl_ms_left(deadline);
		if (ctx != NULL && slice > POLL_MS)
			slice = POLL_MS;
		r = tok_pcsc_wait_card(slice, reader, sizeof(reader),
		    &pcsc_diag);
		if (r == CTL_OK) {
			snprintf(what, whatsz, "a card in reader '%s'", reader);
			goto out;
		}
		if (r == CTL_ERR_NOT_FOUND && ctx == NULL) {
			r = ctl_diag_set(d, CTL_ERR_MODULE,
			    "nothing to watch for tokens: %s; and pcscd does "
			    "not run (start it: systemctl start pcscd)",
			    ctl_diag_msg(&mod_diag, CTL_ERR_MODULE));
			goto out;
		}
		if (r != CTL_OK && r != CTL_ERR_TIMEOUT &&
		    r != CTL_ERR_NOT_FOUND) {
			ctl_diag_set(d, r, "%s", pcsc_diag.msg);
			goto out;
		}
		/* pcscd absent: pcsc returned at once, so wait here. */
		if (r == CTL_ERR_NOT_FOUND)
			sleep_ms(slice);
		if (ctl_ms_left(deadline) == 0) {
			r = ctl_diag_set(d, CTL_ERR_TIMEOUT,
			    "no token or card appeared within %lu seconds "
			    "(watched: %s%s%s)", timeout_ms / 1000,
			    ctx != NULL ? "PKCS#11 module " : "",
			    ctx != NULL ? ctx->module : "",
			    r == CTL_ERR_NOT_FOUND ? "" :
			    ctx != NULL ? " and PC/SC readers" : "PC/SC readers");
			goto out;
		}
		if (ctx != NULL && tok_ctx_rescan(ctx, &mod_diag) != CTL_OK) {
			r = ctl_diag_set(d, CTL_ERR_TOKEN, "%s", mod_diag.msg);
			goto out;
		}
	}
out:
	tok_ctx_free(ctx);
	return r;
}
