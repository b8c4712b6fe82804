/* ctlclient build -o OUT --signer SIGNER [--entry ...]... */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_build.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_plan.h"
#include "ctl_render.h"
#include "file_io.h"
#include "sources.h"

#define MAX_FILENAME 64

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient build -o OUT --signer SIGNER\n"
	    "         [--entry role=ROLE,cert=CERT[,dns=NAME][,ip=A.B.C.D]]...\n"
	    "         [--digest sha1|sha256|sha512] [--filename NAME]\n"
	    "         [--timestamp SECONDS] [--module PATH] [--allow-final-try]\n\n"
	    "Builds a CTL (or, with --filename ITLFile.tlv, an ITL) holding one\n"
	    "record per --entry, in the order given, and signs it.\n\n"
	    "  -o, --output OUT   the file to write; written to a temporary\n"
	    "                     file and renamed only when complete\n"
	    "  --signer SIGNER    a PEM file holding the signing key and its\n"
	    "                     certificate, or a PKCS#11 URI naming a token's\n"
	    "                     key (pkcs11:token=SAST1, with pin-source=file:..\n"
	    "                     or a PIN prompt); the certificate is written as\n"
	    "                     a SAST record first when no SAST entry names it\n"
	    "  --entry ...        ROLE: SAST, CCM, CCM+TFTP, TFTP, CAPF,\n"
	    "                     APP-SERVER, TVS, FIREWALL (written as CCM) or a\n"
	    "                     number; CERT: a PEM or DER certificate file, or\n"
	    "                     a PKCS#11 URI (pkcs11:token=SAST2).\n"
	    "                     A SAST entry without dns= is written as a\n"
	    "                     token's SAST record (no SIGNATURE field, empty\n"
	    "                     DNS name).\n"
	    "  --digest D         signature digest (default sha1, which every\n"
	    "                     phone model reads; sha256 once all do)\n"
	    "  --filename NAME    FILENAME field (default CTLFile.tlv)\n"
	    "  --timestamp S      TIMESTAMP field, seconds since 1970\n"
	    "                     (default: now)\n"
	    "  --module PATH      the PKCS#11 module (default:\n"
	    "                     $CTLCLIENT_PKCS11_MODULE, then p11-kit-proxy,\n"
	    "                     SafeNet, OpenSC, SoftHSM)\n"
	    "  --allow-final-try  log in even when the next wrong PIN locks the\n"
	    "                     token for good (otherwise asked, or refused\n"
	    "                     without a terminal)\n");
}

/* What was written, with the checksums to compare with what phones show.
 * From the bytes and the signer: parsing the file again would decode
 * every certificate a second time. */
static void
print_summary(const char *path, const uint8_t *file, size_t len,
    size_t nrecords, X509 *signer)
{
	char md5[33], sha1[41], *name = NULL;

	ctl_checksums(file, len, md5, sha1);
	if (ctl_name_format(X509_get_subject_name(signer), &name) != CTL_OK)
		name = NULL;
	printf("%s: %zu bytes, %zu records, signed by %s\n%s(MD5)\n%s(SHA1)\n",
	    path, len, nrecords, name != NULL ? name : "?", md5, sha1);
	free(name);
}

/*
 * What is allowed but rarely meant: phones and the publisher fetch only
 * CTLFile.tlv and ITLFile.tlv, and a CTL holding only its signer's record
 * names no server a phone could trust.
 */
static void
warn_unusual(const struct ctl_build_opts *o, size_t nentries)
{
	if (strcmp(o->filename, "CTLFile.tlv") != 0 &&
	    strcmp(o->filename, "ITLFile.tlv") != 0)
		cli_warn("--filename %s: phones and the publisher look only for "
		    "CTLFile.tlv and ITLFile.tlv", o->filename);
	if (nentries == 0)
		cli_warn("no --entry: the file will hold only the signer's "
		    "record");
}

static int
parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 ||
	    n > 0xffffffffULL)
		return CTL_ERR_USAGE;
	*v = (uint32_t)n;
	return CTL_OK;
}

int
cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "signer", required_argument, NULL, 's' },
		{ "entry", required_argument, NULL, 'e' },
		{ "digest", required_argument, NULL, 'd' },
		{ "filename", required_argument, NULL, 'f' },
		{ "timestamp", required_argument, NULL, 't' },
		{ "module", required_argument, NULL, 'm' },
		{ "allow-final-try", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = NULL, *signer = NULL, **entry_args = NULL;
	struct ctl_plan plan;
	struct ctl_build_opts o = { CTL_DIGEST_SHA1, "CTLFile.tlv", 0 };
	struct cli_sources src;
	struct cli_signer cs;
	struct ctl_diag d;
	uint8_t *file = NULL;
	size_t i, n = 0, len = 0, nrec = 0;
	bool have_ts = false;
	int c, rc, status = EXIT_INVALID;

	memset(&cs, 0, sizeof(cs));
	memset(&src, 0, sizeof(src));
	ctl_plan_init(&plan);
	ctl_diag_clear(&d);
	if ((entry_args = calloc((size_t)argc, sizeof(*entry_args))) == NULL)
		goto nomem;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:h", opts)) != -1) {
		switch (c) {
		case 'o': out_path = optarg; break;
		case 's': signer = optarg; break;
		case 'e': entry_args[n++] = optarg; break;
		case 'd':
			if (ctl_digest_parse(optarg, &o.digest) != CTL_OK) {
				cli_error("--digest %s: use sha1, sha256 or "
				    "sha512", optarg);
				goto out;
			}
			break;
		case 'f':
			if (*optarg == '\0' || strlen(optarg) > MAX_FILENAME) {
				cli_error("--filename: 1 to %d characters",
				    MAX_FILENAME);
				goto out;
			}
			o.filename = optarg;
			break;
		case 't':
			if (parse_u32(optarg, &o.timestamp) != CTL_OK) {
				cli_error("--timestamp %s: seconds since 1970, "
				    "0 to 4294967295", optarg);
				goto out;
			}
			have_ts = true;
			break;
		case 'm': src.module = optarg; break;
		case 'F': src.login.allow_final_try = 1; break;
		case 'h': usage(stdout); status = EXIT_OK; goto out;
		default: goto out;
		}
	}
	if (optind != argc) {
		cli_error("build: unexpected argument '%s' (see ctlclient build "
		    "--help)", argv[optind]);
		goto out;
	}
	if (out_path == NULL || signer == NULL) {
		cli_error("build needs -o OUT and --signer SIGNER (see ctlclient "
		    "build --help)");
		goto out;
	}
	if (n > CTL_MAX_RECORDS) {
		cli_error("%zu entries, more than the %d records a file may "
		    "hold", n, CTL_MAX_RECORDS);
		goto out;
	}
	warn_unusual(&o, n);
	if (!have_ts)
		o.timestamp = (uint32_t)time(NULL);
	for (i = 0; i < n; i++) {
		if ((rc = ctl_plan_add_arg(&plan, &src, "--entry",
		    entry_args[i], &d)) != CTL_OK) {
			cli_error("%s", ctl_diag_msg(&d, rc));
			if (rc != CTL_ERR_USAGE && rc != CTL_ERR_IO &&
			    rc != CTL_ERR_KEY)
				status = EXIT_FAIL;
			goto out;
		}
	}
	if ((rc = cli_signer_open(&src, signer, &cs, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		status = EXIT_FAIL;
		goto out;
	}
	status = EXIT_FAIL;
	if ((rc = ctl_build(plan.e, plan.n, &cs.s, &o, &file, &len, &nrec,
	    &d))) {
		cli_error("cannot build %s: %s", out_path, ctl_diag_msg(&d, rc));
		goto out;
	}
	if ((rc = file_write_atomic(out_path, file, len, 0644, &d))) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	print_summary(out_path, file, len, nrec, cs.s.cert);
	status = EXIT_OK;
	goto out;
nomem:
	cli_error("out of memory");
	status = EXIT_FAIL;
out:
	ctl_plan_free(&plan);
	free(entry_args);
	free(file);
	cli_signer_close(&cs);
	cli_sources_close(&src);
	return status;
}
