/* Finding, loading and unloading the PKCS#11 module; the slot list. */
#include "tok_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "ctl_err.h"

/*
 * The p11-kit proxy comes first: on a system that registers its modules
 * with p11-kit it offers every token at once.  Vendor modules follow,
 * SafeNet before OpenSC because only SafeNet serves the eToken 5110 on
 * OpenSC 0.23 and the eToken PRO 72K Java at all.
 */
static const char *const module_defaults[] = {
	"/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
	"/usr/lib/p11-kit-proxy.so",
	"/usr/lib/libeTPkcs11.so",
	"/usr/lib64/libeTPkcs11.so",
	"/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
	"/usr/lib/opensc-pkcs11.so",
	"/usr/lib/softhsm/libsofthsm2.so",
	"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
	NULL
};

const char *const *
tok_module_defaults(void)
{
	return module_defaults;
}

int
tok_module_find(const char *explicit_path, const char **out,
    struct ctl_diag *d)
{
	const char *env = getenv(TOK_MODULE_ENV);
	size_t i;

	*out = NULL;
	if (explicit_path != NULL) {
		*out = explicit_path;
		return CTL_OK;
	}
	if (env != NULL && *env != '\0') {
		*out = env;
		return CTL_OK;
	}
	for (i = 0; module_defaults[i] != NULL; i++) {
		if (access(module_defaults[i], R_OK) == 0) {
			*out = module_defaults[i];
			return CTL_OK;
		}
	}
	return ctl_diag_set(d, CTL_ERR_MODULE,
	    "no PKCS#11 module found (looked for p11-kit-proxy.so, SafeNet "
	    "libeTPkcs11.so, OpenSC opensc-pkcs11.so, SoftHSM "
	    "libsofthsm2.so): install SafeNet Authentication Client or "
	    "OpenSC, or name one with --module or %s", TOK_MODULE_ENV);
}

static int
enumerate(struct tok_ctx *ctx, struct ctl_diag *d)
{
	char nb[48];

	ctx->slots = NULL;
	ctx->nslots = 0;
	if (PKCS11_enumerate_slots(ctx->p11, &ctx->slots, &ctx->nslots) != 0) {
		ctx->slots = NULL;
		ctx->nslots = 0;
		return ctl_diag_set(d, CTL_ERR_TOKEN,
		    "%s: cannot list the slots (%s): check that the token "
		    "service (pcscd) runs and the module is configured",
		    ctx->module, tok_ckr_name(tok_ckr_last(), nb, sizeof(nb)));
	}
	return CTL_OK;
}

int
tok_ctx_open(const char *module, struct tok_ctx **out, struct ctl_diag *d)
{
	struct tok_ctx *ctx = NULL;
	const char *path;
	char nb[48];
	int r;

	*out = NULL;
	if ((r = tok_module_find(module, &path, d)) != CTL_OK)
		return r;
	if (access(path, R_OK) != 0) {
		return ctl_diag_set(d, CTL_ERR_MODULE,
		    "PKCS#11 module %s: %s: install it or name another with "
		    "--module or %s", path, strerror(errno), TOK_MODULE_ENV);
	}
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL ||
	    (ctx->module = strdup(path)) == NULL ||
	    (ctx->p11 = PKCS11_CTX_new()) == NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	ERR_clear_error();
	if (PKCS11_CTX_load(ctx->p11, path) != 0) {
		unsigned long rv = tok_ckr_last();

		/* Unloading a module that did not load would call into it. */
		PKCS11_CTX_free(ctx->p11);
		ctx->p11 = NULL;
		if (rv != CKR_OK) {
			r = ctl_diag_set(d, CTL_ERR_MODULE,
			    "PKCS#11 module %s: C_Initialize failed (%s): check "
			    "the module's configuration and its service "
			    "(pcscd for OpenSC and SafeNet)", path,
			    tok_ckr_name(rv, nb, sizeof(nb)));
		} else {
			r = ctl_diag_set(d, CTL_ERR_MODULE,
			    "PKCS#11 module %s does not load (not a PKCS#11 "
			    "library, or a dependency is missing): check the "
			    "path given to --module or %s", path,
			    TOK_MODULE_ENV);
		}
		goto out;
	}
	if ((r = enumerate(ctx, d)) != CTL_OK)
		goto out;
	*out = ctx;
	ctx = NULL; /* transferred */
	r = CTL_OK;
out:
	tok_ctx_free(ctx);
	return r;
}

int
tok_ctx_rescan(struct tok_ctx *ctx, struct ctl_diag *d)
{
	if (ctx->slots != NULL)
		PKCS11_release_all_slots(ctx->p11, ctx->slots, ctx->nslots);
	ctx->slots = NULL;
	ctx->nslots = 0;
	return enumerate(ctx, d);
}

const char *
tok_ctx_module(const struct tok_ctx *ctx)
{
	return ctx->module;
}

void
tok_ctx_free(struct tok_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->p11 != NULL) {
		/* Releasing the slots also wipes libp11's copy of the PIN. */
		if (ctx->slots != NULL)
			PKCS11_release_all_slots(ctx->p11, ctx->slots,
			    ctx->nslots);
		PKCS11_CTX_unload(ctx->p11);
		PKCS11_CTX_free(ctx->p11);
	}
	free(ctx->module);
	free(ctx);
}
