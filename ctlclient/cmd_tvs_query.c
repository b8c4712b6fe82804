/* ctlclient tvs-query --tvs HOST[:PORT] --tvs-ca FILE [--device NAME] CERT */
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
#include "tvs_ask.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient tvs-query --tvs HOST[:PORT] --tvs-ca FILE\n"
	    "           [--device NAME] [--tls1.0] [--timeout-ms MS] [--json]"
	    " CERT\n\n"
	    "Asks a Trust Verification Service, as a phone does, whether the\n"
	    "certificate CERT (PEM or DER) is trusted, and prints the answer:\n"
	    "valid or invalid, the roles TVS knows it by, and how long a phone\n"
	    "may cache the answer.\n\n"
	    "  --tvs HOST[:PORT]  the TVS (port %d by default)\n"
	    "  --tvs-ca FILE      PEM certificates the TVS certificate must chain\n"
	    "                     to; a TVS certificate itself will do (TVS\n"
	    "                     certificates are named TVS-<node>, so the host\n"
	    "                     name is not checked)\n"
	    "  --device NAME      the phone to ask as (default %s)\n"
	    "  --tls1.0           speak TLS 1.0 only, as 7900-series phones do\n"
	    "  --timeout-ms MS    for the connection, the handshake and the\n"
	    "                     answer, each (default %d)\n"
	    "  --json             the answer as one JSON object\n\n"
	    "Exit status: 0 valid, 1 invalid or no answer (the reason is\n"
	    "printed), 2 bad usage or an unreadable CERT.\n",
	    TVS_DEFAULT_PORT, TVS_ASK_DEFAULT_DEVICE, TVS_DEFAULT_TIMEOUT_MS);
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

int
cmd_tvs_query(int argc, char **argv)
{
	enum { O_TVS = 0x100, O_CA, O_DEVICE, O_TLS10, O_TIMEOUT, O_JSON };
	static const struct option opts[] = {
		{ "tvs", required_argument, NULL, O_TVS },
		{ "tvs-ca", required_argument, NULL, O_CA },
		{ "device", required_argument, NULL, O_DEVICE },
		{ "tls1.0", no_argument, NULL, O_TLS10 },
		{ "timeout-ms", required_argument, NULL, O_TIMEOUT },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tvs_target t;
	struct tvs_response r;
	struct ctl_diag d;
	struct json_out j;
	const char *cafile = NULL, *device = TVS_ASK_DEFAULT_DEVICE;
	char subject[512], serial[HEX_SIZE(64)], roles[256], peer[300];
	const ASN1_INTEGER *sn;
	X509 *cert = NULL;
	bool have_tvs = false, tls10 = false, json = false;
	int c, rc, timeout_ms = TVS_DEFAULT_TIMEOUT_MS, status = EXIT_INVALID;
	size_t i;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case O_TVS:
			if (tvs_target_parse(optarg, "--tvs", &t) != 0)
				return EXIT_INVALID;
			have_tvs = true;
			break;
		case O_CA: cafile = optarg; break;
		case O_DEVICE: device = optarg; break;
		case O_TLS10: tls10 = true; break;
		case O_TIMEOUT:
			if (tvs_timeout_parse(optarg, "--timeout-ms",
			    &timeout_ms) != 0)
				return EXIT_INVALID;
			break;
		case O_JSON: json = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || !have_tvs || cafile == NULL) {
		cli_error("tvs-query needs --tvs HOST[:PORT], --tvs-ca FILE and "
		    "one CERT (see ctlclient tvs-query --help)");
		return EXIT_INVALID;
	}
	if (!device_ok(device)) {
		cli_error("--device %s: 1 to %d printable characters, e.g. %s",
		    device, TVS_DEVICE_NAME_MAX, TVS_ASK_DEFAULT_DEVICE);
		return EXIT_INVALID;
	}
	ctl_diag_clear(&d);
	if ((rc = ctl_cert_load_file(argv[optind], &cert, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	/* A TVS that goes away mid-write is an error to report. */
	signal(SIGPIPE, SIG_IGN);
	X509_NAME_oneline(X509_get_subject_name(cert), subject,
	    sizeof(subject));
	sn = X509_get0_serialNumber(cert);
	hex_format(serial, sizeof(serial), sn->data, (size_t)sn->length, ':',
	    1);
	snprintf(peer, sizeof(peer), strchr(t.host, ':') ? "[%s]:%u" :
	    "%s:%u", t.host, t.port);
	rc = tvs_ask_once(&t, cafile, tls10, timeout_ms, device, cert, &r, &d);
	if (rc == CTL_ERR_USAGE || rc == CTL_ERR_IO) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	if (rc == CTL_OK)
		tvs_roles_format(&r, roles, sizeof(roles));
	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "tvs", peer);
		json_string(&j, "device", device);
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
		    device, subject, serial);
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
	return status;
}
