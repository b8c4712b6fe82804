/*
 * ctlclient export-cert --token URI -o FILE [--der] [--module PATH]:
 * writes a token's certificate to a file, as SafeNet Authentication
 * Client's "Export Certificate" does.  No PIN is needed.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "tok.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ctlclient export-cert --token URI -o FILE [--der] "
	    "[--module PATH]\n"
	    "\n"
	    "Writes the certificate URI names (e.g. pkcs11:token=SAST1) to FILE,\n"
	    "PEM unless --der is given; FILE is replaced atomically, \"-\" is\n"
	    "standard output.  No login: certificates are public on the token.\n"
	    "\n"
	    "  --token URI    RFC 7512 PKCS#11 URI: token=, serial=, object=, id=\n"
	    "  -o, --output FILE\n"
	    "  --der          DER instead of PEM\n"
	    "  --module PATH  the PKCS#11 module (default: "
	    "$CTLCLIENT_PKCS11_MODULE,\n"
	    "                 then p11-kit-proxy, SafeNet, OpenSC, SoftHSM)\n");
}

/* X's encoding into a memory BIO; *DATA is borrowed from the BIO. */
static int
encode(X509 *x, int der, BIO **bio, const char **data, size_t *len)
{
	char *p = NULL;
	long n;

	if ((*bio = BIO_new(BIO_s_mem())) == NULL)
		return CTL_ERR_NOMEM;
	if ((der ? i2d_X509_bio(*bio, x) : PEM_write_bio_X509(*bio, x)) != 1 ||
	    (n = BIO_get_mem_data(*bio, &p)) <= 0)
		return CTL_ERR_CRYPTO;
	*data = p;
	*len = (size_t)n;
	return CTL_OK;
}

int
cmd_export_cert(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "token", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "der", no_argument, NULL, 'D' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_diag d = { "" };
	struct tok_ctx *ctx = NULL;
	const char *uri = NULL, *out = NULL, *module = NULL, *data;
	char cn[256] = "";
	X509 *x = NULL;
	BIO *bio = NULL;
	size_t len = 0;
	int c, der = 0, r;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:", longopts)) != -1) {
		switch (c) {
		case 't': uri = optarg; break;
		case 'o': out = optarg; break;
		case 'D': der = 1; break;
		case 'm': module = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return EXIT_INVALID;
		}
	}
	if (uri == NULL || out == NULL || optind != argc) {
		fprintf(stderr, "ctlclient: export-cert needs --token URI and "
		    "-o FILE: see ctlclient export-cert --help\n");
		return 2;
	}
	if ((r = tok_ctx_open(module, &ctx, &d)) != CTL_OK ||
	    (r = tok_cert_load(ctx, uri, &x, &d)) != CTL_OK)
		goto out;
	if ((r = encode(x, der, &bio, &data, &len)) != CTL_OK) {
		ctl_diag_set(&d, r, "%s: cannot encode the certificate", uri);
		goto out;
	}
	if (strcmp(out, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			r = ctl_diag_set(&d, CTL_ERR_IO, "writing the "
			    "certificate to standard output failed");
		goto out;
	}
	/* A certificate is public: 0644 like SafeNet's exported files. */
	if ((r = file_write_atomic(out, data, len, 0644, &d)) != CTL_OK)
		goto out;
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    cn, sizeof(cn));
	printf("wrote certificate %s from %s to %s (%s)\n",
	    cn[0] != '\0' ? cn : "(no CN)", uri, out, der ? "DER" : "PEM");
out:
	if (r != CTL_OK)
		fprintf(stderr, "ctlclient: export-cert: %s\n",
		    ctl_diag_msg(&d, r));
	BIO_free(bio);
	X509_free(x);
	tok_ctx_free(ctx);
	return r == CTL_OK ? 0 : 1;
}
