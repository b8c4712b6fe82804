/*
 * Opens a token key and signs with it, for the process-level tests (the
 * pkcs11-spy call count, the mock module's faults) and the benchmark.
 *
 *   tok_sign_tool [-m MODULE] [-o OPENS] [-n SIGNS] [-d DIGEST]
 *                 [--allow-final-try] URI
 *
 * Opens URI OPENS times (default 1) in one context and signs SIGNS times
 * (default 1) with each key.  Never prompts: the URI needs a pin-source.
 * On failure prints "tok_sign_tool: [CODE] MESSAGE" and exits 1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "ctl_err.h"
#include "tok.h"

#define MAX_OPENS 8

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allow-final-try", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	static const uint8_t msg[] = "a CTL file's header and records";
	struct tok_login_opts opts = { .no_tty = 1 };
	struct tok_key *keys[MAX_OPENS] = { NULL };
	struct ctl_diag d = { "" };
	struct tok_ctx *ctx = NULL;
	const char *module = NULL, *digest = "sha256";
	EVP_MD *md = NULL;
	uint8_t sig[1024];
	size_t len;
	long opens = 1, signs = 1, i, j;
	int c, r = CTL_ERR_USAGE;

	while ((c = getopt_long(argc, argv, "m:o:n:d:", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': module = optarg; break;
		case 'o': opens = strtol(optarg, NULL, 10); break;
		case 'n': signs = strtol(optarg, NULL, 10); break;
		case 'd': digest = optarg; break;
		case 'F': opts.allow_final_try = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || opens < 1 || opens > MAX_OPENS || signs < 0)
		goto usage;
	if ((md = EVP_MD_fetch(NULL, digest, NULL)) == NULL)
		goto usage;
	if ((r = tok_ctx_open(module, &ctx, &d)) != CTL_OK)
		goto out;
	for (i = 0; i < opens; i++)
		if ((r = tok_key_open(ctx, argv[optind], &opts, &keys[i], &d)) !=
		    CTL_OK)
			goto out;
	for (i = 0; i < opens; i++) {
		for (j = 0; j < signs; j++) {
			len = sizeof(sig);
			if ((r = tok_key_sign(keys[i], md, msg, sizeof(msg),
			    sig, &len, &d)) != CTL_OK)
				goto out;
		}
	}
	printf("signed %ld times, token %s\n", opens * signs,
	    tok_key_label(keys[0]));
out:
	if (r != CTL_OK)
		fprintf(stderr, "tok_sign_tool: [%d] %s\n", r,
		    ctl_diag_msg(&d, r));
	for (i = 0; i < MAX_OPENS; i++)
		tok_key_free(keys[i]);
	tok_ctx_free(ctx);
	EVP_MD_free(md);
	return r == CTL_OK ? 0 : 1;
usage:
	fprintf(stderr, "usage: tok_sign_tool [-m MODULE] [-o OPENS] "
	    "[-n SIGNS] [-d DIGEST] [--allow-final-try] URI\n");
	EVP_MD_free(md);
	return 2;
}
