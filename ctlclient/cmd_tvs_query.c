/* ctlclient tvs-query --tvs HOST[:PORT][,...] --tvs-ca FILE | --itl FILE |
 *                    --tftp HOST[:PORT][,...] [--device NAME] CERT */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"
#include "json_out.h"
#include "rehearse.h"
#include "sources.h"
#include "tvs_ask.h"
#include "tvs_client.h"

#define MAX_TVS  8      /* --tvs servers, at most */
#define MAX_PINS 16     /* TVS records of one ITL that are used */

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient tvs-query --tvs HOST[:PORT][,HOST[:PORT]...]\n"
	    "           (--tvs-ca FILE | --itl FILE | --tftp HOST[:PORT][,...])\n"
	    "           [--device NAME] [--tls1.0] [--timeout-ms MS] [--json]"
	    " CERT\n\n"
	    "Asks a Trust Verification Service, as a phone does, whether the\n"
	    "certificate CERT (PEM or DER) is trusted, and prints the answer:\n"
	    "valid or invalid, the roles TVS knows it by, and how long a phone\n"
	    "may cache the answer.  No publisher is involved: any cluster's\n"
	    "TVS can be asked.\n\n"
	    "  --tvs LIST         the TVS servers (HOST[:PORT], port %d by\n"
	    "                     default, comma-separated, at most %d), tried\n"
	    "                     in order as a phone does: the first answer\n"
	    "                     counts\n"
	    "How the TVS certificate is checked, one of:\n"
	    "  --tvs-ca FILE      PEM certificates the TVS certificate must chain\n"
	    "                     to; a TVS certificate itself will do (TVS\n"
	    "                     certificates are named TVS-<node>, so the host\n"
	    "                     name is not checked)\n"
	    "  --itl FILE         as a phone holding this ITL: the TVS must\n"
	    "                     present one of its TVS certificates, byte for\n"
	    "                     byte\n"
	    "  --tftp LIST        the same with the ITLFile.tlv these TFTP\n"
	    "                     servers serve now (port %d by default; the\n"
	    "                     first that serves one)\n"
	    "  --device NAME      the phone to ask as (default %s)\n"
	    "  --tls1.0           speak TLS 1.0 only, as 7900-series phones do\n"
	    "  --timeout-ms MS    for the connection, the handshake and the\n"
	    "                     answer, each (default %d)\n"
	    "  --json             the answer as one JSON object\n\n"
	    "Exit status: 0 valid, 1 invalid or no answer, or no ITL (or\n"
	    "one without a TVS certificate) to check TVS by (the reason is\n"
	    "printed), 2 bad usage or an unreadable CERT or --itl FILE.\n",
	    TVS_DEFAULT_PORT, MAX_TVS, CLI_TFTP_DEFAULT_PORT,
	    TVS_ASK_DEFAULT_DEVICE, TVS_DEFAULT_TIMEOUT_MS);
}

static bool
device_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > TVS_DEVICE_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

/* The command line. */
struct query {
	struct tvs_target tvs[MAX_TVS];
	size_t ntvs;
	struct cli_endpoint tftp[CLI_MAX_TFTP];
	size_t ntftp;
	const char *cafile, *itl_path, *device, *cert_path;
	bool tls10, json;
	int timeout_ms;
};

static int
parse_args(struct query *q, int argc, char **argv)
{
	enum { O_TVS = 0x100, O_CA, O_DEVICE, O_TLS10, O_TIMEOUT, O_JSON,
	    O_ITL, O_TFTP };
	static const struct option opts[] = {
		{ "tvs", required_argument, NULL, O_TVS },
		{ "tvs-ca", required_argument, NULL, O_CA },
		{ "itl", required_argument, NULL, O_ITL },
		{ "tftp", required_argument, NULL, O_TFTP },
		{ "device", required_argument, NULL, O_DEVICE },
		{ "tls1.0", no_argument, NULL, O_TLS10 },
		{ "timeout-ms", required_argument, NULL, O_TIMEOUT },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_diag d;
	int c, rc;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case O_TVS:
			if (tvs_target_list_parse(optarg, "--tvs", q->tvs,
			    MAX_TVS, &q->ntvs) != 0)
				return EXIT_INVALID;
			break;
		case O_CA: q->cafile = optarg; break;
		case O_ITL: q->itl_path = optarg; break;
		case O_TFTP:
			ctl_diag_clear(&d);
			if ((rc = cli_endpoints_parse(optarg, "--tftp",
			    CLI_TFTP_DEFAULT_PORT, q->tftp, CLI_MAX_TFTP,
			    &q->ntftp, &d)) != CTL_OK) {
				cli_error("tvs-query: %s", ctl_diag_msg(&d, rc));
				return EXIT_INVALID;
			}
			break;
		case O_DEVICE: q->device = optarg; break;
		case O_TLS10: q->tls10 = true; break;
		case O_TIMEOUT:
			if (tvs_timeout_parse(optarg, "--timeout-ms",
			    &q->timeout_ms) != 0)
				return EXIT_INVALID;
			break;
		case O_JSON: q->json = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || q->ntvs == 0) {
		cli_error("tvs-query needs --tvs HOST[:PORT] and one CERT (see "
		    "ctlclient tvs-query --help)");
		return EXIT_INVALID;
	}
	if ((q->cafile != NULL) + (q->itl_path != NULL) + (q->ntftp > 0) !=
	    1) {
		cli_error("tvs-query: say how to check the TVS certificate, "
		    "one of: --tvs-ca FILE, or the ITL phones hold, --itl "
		    "FILE or --tftp HOST[:PORT] (see ctlclient tvs-query "
		    "--help)");
		return EXIT_INVALID;
	}
	if (!device_ok(q->device)) {
		cli_error("--device %s: 1 to %d printable characters, e.g. %s",
		    q->device, TVS_DEVICE_NAME_MAX, TVS_ASK_DEFAULT_DEVICE);
		return EXIT_INVALID;
	}
	q->cert_path = argv[optind];
	return -1;
}

/*
 * The TVS certificates of the ITL --itl or --tftp names, as a phone
 * holding it pins them, into PINS (owned by *ITL).  Refuses an ITL
 * without one: no phone holding it could check any TVS.
 */
static int
itl_pins(const struct query *q, struct ctl_file **itl, X509 **pins,
    size_t *npins, bool *bad_input, struct ctl_diag *d)
{
	char from[CLI_ENDPOINT_HOST + 16], why[CTL_DIAG_MAX];
	int rc;

	if (q->itl_path != NULL) {
		snprintf(from, sizeof(from), "%s", q->itl_path);
		if ((rc = ctl_load(q->itl_path, itl, d)) != CTL_OK) {
			*bad_input = true;
			return rc;
		}
		if (!ctl_is_itl(*itl)) {
			*bad_input = true;
			return ctl_diag_set(d, CTL_ERR_FORMAT, "--itl %s: a CTL, "
			    "not an ITL: give the ITLFile.tlv phones hold",
			    q->itl_path);
		}
	} else if ((rc = cli_itl_fetch(q->tftp, q->ntftp, q->timeout_ms, itl,
	    from, sizeof(from), d)) != CTL_OK) {
		snprintf(why, sizeof(why), "%s", ctl_diag_msg(d, rc));
		return ctl_diag_set(d, rc, "%s; give --tvs-ca FILE or --itl "
		    "FILE instead", why);
	}
	if ((*npins = cli_itl_tvs_pins(*itl, pins, MAX_PINS)) == 0)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "the ITL from %s "
		    "holds no TVS certificate: a phone holding it cannot check "
		    "any TVS; give --tvs-ca FILE to ask anyway", from);
	return CTL_OK;
}

/* Asks the TVS servers in order, as a phone does; *WHO gets the index
 * of the one that answered, or of the last tried. */
static int
ask(const struct query *q, X509 *const *pins, size_t npins, X509 *cert,
    struct tvs_response *r, size_t *who, struct ctl_diag *d)
{
	struct tvs_client_opts o;
	SSL_CTX *ctx = NULL;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.cafile = q->cafile;
	o.pinned = npins > 0 ? pins : NULL;
	o.npinned = npins;
	o.tls10_only = q->tls10;
	o.timeout_ms = q->timeout_ms;
	if ((rc = tvs_client_ctx(&o, &ctx, d)) != CTL_OK)
		return rc;
	for (i = 0; i < q->ntvs; i++) {
		*who = i;
		ctl_diag_clear(d);
		rc = tvs_client_query(ctx, &o, q->tvs[i].host, q->tvs[i].port,
		    q->device, cert, r, d);
		if (rc == CTL_OK)
			break;
	}
	SSL_CTX_free(ctx);
	return rc;
}

int
cmd_tvs_query(int argc, char **argv)
{
	struct query q;
	struct tvs_response r;
	struct ctl_diag d;
	struct json_out j;
	char subject[512], serial[HEX_SIZE(64)], roles[256], peer[300];
	const ASN1_INTEGER *sn;
	struct ctl_file *itl = NULL;
	X509 *cert = NULL, *pins[MAX_PINS];
	size_t i, npins = 0, who = 0;
	bool bad_input = false;
	int rc, status = EXIT_INVALID;

	memset(&q, 0, sizeof(q));
	q.device = TVS_ASK_DEFAULT_DEVICE;
	q.timeout_ms = TVS_DEFAULT_TIMEOUT_MS;
	if ((status = parse_args(&q, argc, argv)) != -1)
		return status;
	status = EXIT_INVALID;
	ctl_diag_clear(&d);
	if ((rc = ctl_cert_load_file(q.cert_path, &cert, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	/* A TVS that goes away mid-write is an error to report. */
	signal(SIGPIPE, SIG_IGN);
	if (q.cafile == NULL) {
		if (q.ntftp > 0 && (rc = rehearse_global_init(&d)) != CTL_OK) {
			cli_error("%s", ctl_diag_msg(&d, rc));
			goto out;
		}
		if ((rc = itl_pins(&q, &itl, pins, &npins, &bad_input, &d)) !=
		    CTL_OK) {
			cli_error("tvs-query: %s", ctl_diag_msg(&d, rc));
			status = bad_input ? EXIT_INVALID : EXIT_FAIL;
			goto out;
		}
	}
	X509_NAME_oneline(X509_get_subject_name(cert), subject,
	    sizeof(subject));
	sn = X509_get0_serialNumber(cert);
	hex_format(serial, sizeof(serial), sn->data, (size_t)sn->length, ':',
	    1);
	rc = ask(&q, pins, npins, cert, &r, &who, &d);
	tvs_target_format(&q.tvs[who], peer, sizeof(peer));
	if (rc == CTL_ERR_USAGE || rc == CTL_ERR_IO) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	if (rc == CTL_OK)
		tvs_roles_format(&r, roles, sizeof(roles));
	if (q.json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "tvs", peer);
		json_string(&j, "checked_by", q.cafile != NULL ? "tvs-ca" :
		    "itl");
		json_string(&j, "device", q.device);
		json_string(&j, "subject", subject);
		json_string(&j, "serial", serial);
		json_bool(&j, "answered", rc == CTL_OK);
		json_bool(&j, "valid", rc == CTL_OK && r.valid);
		json_array_begin(&j, "roles");
		for (i = 0; rc == CTL_OK && i < r.nroles; i++) {
			const char *name = ctl_role_name(r.roles[i]);
			char num[8];

			snprintf(num, sizeof(num), "%u", r.roles[i]);
			json_string(&j, NULL, name != NULL ? name : num);
		}
		json_array_end(&j);
		if (rc == CTL_OK && r.valid)
			json_int(&j, "ttl", r.ttl);
		else
			json_null(&j, "ttl");
		if (rc != CTL_OK)
			json_string(&j, "error", ctl_diag_msg(&d, rc));
		json_object_end(&j);
		json_finish(&j);
	} else if (rc == CTL_OK) {
		printf("TVS %s, asked as %s about %s (serial %s):\n", peer,
		    q.device, subject, serial);
		if (r.valid)
			printf("  VALID: roles %s; phones may cache this for %u "
			    "seconds\n", roles, r.ttl);
		else
			printf("  INVALID: TVS does not know this certificate "
			    "(a phone would reject a file it signed)\n");
	}
	if (rc != CTL_OK) {
		cli_error("no answer: %s", ctl_diag_msg(&d, rc));
		status = EXIT_FAIL;
		goto out;
	}
	status = r.valid ? EXIT_OK : EXIT_FAIL;
out:
	X509_free(cert);
	ctl_free(itl);
	return status;
}
