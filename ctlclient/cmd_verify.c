/* ctlclient verify NEW --installed OLD [--tvs HOST[:PORT] --tvs-ca FILE] [--json] */
#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "ctl_trust.h"
#include "hex.h"
#include "json_out.h"
#include "tvs_ask.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient verify NEW --installed OLD [--json]\n"
	    "           [--tvs HOST[:PORT] --tvs-ca FILE [--device NAME]\n"
	    "            [--tls1.0] [--timeout-ms MS]]\n\n"
	    "Says whether a phone that holds OLD (its installed CTL or ITL)\n"
	    "would accept NEW: NEW must verify, and its signer must be a SAST\n"
	    "in OLD whose key verifies NEW's signature.  OLD may be `none`\n"
	    "for a phone that holds no file of that kind yet.\n\n"
	    "  --installed OLD   the file the phone holds now, or none\n"
	    "  --json            the verdict as one JSON object\n"
	    "  --tvs HOST[:PORT] when the only fault is an unknown signer, ask\n"
	    "                    this TVS about it, as a phone with Security by\n"
	    "                    Default does: valid accepts (\"accepted via\n"
	    "                    TVS\"), invalid or no answer rejects\n"
	    "  --tvs-ca FILE     PEM certificates the TVS certificate must chain\n"
	    "                    to (the TVS certificate itself will do)\n"
	    "  --device NAME     the phone to ask as (default %s)\n"
	    "  --tls1.0          ask as a 7900-series phone: TLS 1.0 only\n"
	    "  --timeout-ms MS   TVS connection, handshake, answer (default %d)\n\n"
	    "Exit status: 0 the phone accepts NEW, 1 it rejects it, 2 bad\n"
	    "usage, or a NEW or OLD that cannot be read or is not a valid\n"
	    ".tlv file.  Which check to trust when: docs/user-guide.md,\n"
	    "\"Which check to trust when\".\n", TVS_ASK_DEFAULT_DEVICE,
	    TVS_DEFAULT_TIMEOUT_MS);
}

/* The TVS step of verify --tvs: what was asked and what came back. */
struct tvs_step {
	bool wanted;                 /* --tvs given */
	struct tvs_target target;
	const char *cafile, *device;
	bool tls10;
	int timeout_ms;
	bool asked, answered;
	struct tvs_response r;
	char peer[300];
	char error[CTL_DIAG_MAX];
};

/* The verdict's reason, cut to fit (the signer's subject and the TVS
 * message can be long). */
static void set_reason(struct ctl_trust *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void
set_reason(struct ctl_trust *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	va_end(ap);
}

/*
 * Asks TV's TVS about SIGNER, the unknown signer of the new file, and
 * turns T's verdict into the one a phone with TVS reaches.  Fails only
 * for bad options (CTL_ERR_USAGE, CTL_ERR_IO for an unreadable CA
 * file); no answer is a rejection, with the reason.
 */
static int
tvs_step(struct tvs_step *tv, X509 *signer, struct ctl_trust *t,
    struct ctl_diag *d)
{
	struct ctl_diag qd;
	char subject[256], roles[256], before[CTL_DIAG_MAX];
	int rc;

	signal(SIGPIPE, SIG_IGN);
	snprintf(tv->peer, sizeof(tv->peer), strchr(tv->target.host, ':') ?
	    "[%s]:%u" : "%s:%u", tv->target.host, tv->target.port);
	X509_NAME_oneline(X509_get_subject_name(signer), subject,
	    sizeof(subject));
	snprintf(before, sizeof(before), "%s", t->reason);
	ctl_diag_clear(&qd);
	tv->asked = true;
	rc = tvs_ask_once(&tv->target, tv->cafile, tv->tls10, tv->timeout_ms,
	    tv->device, signer, &tv->r, &qd);
	if (rc == CTL_ERR_USAGE || rc == CTL_ERR_IO)
		return ctl_diag_set(d, rc, "%s", ctl_diag_msg(&qd, rc));
	if (rc != CTL_OK) {
		snprintf(tv->error, sizeof(tv->error), "%s",
		    ctl_diag_msg(&qd, rc));
		set_reason(t, "rejected: the signer "
		    "%s is unknown and TVS gave no answer (%s); a phone that "
		    "cannot reach TVS rejects the file", subject, tv->error);
		return CTL_OK;
	}
	tv->answered = true;
	if (tv->r.valid) {
		tvs_roles_format(&tv->r, roles, sizeof(roles));
		t->accept = true;
		set_reason(t, "accepted via TVS: TVS "
		    "%s vouches for the signer %s (roles %s), unknown to the "
		    "installed file", tv->peer, subject, roles);
	} else {
		set_reason(t, "TVS %s does not know "
		    "the signer %s either: phones with TVS reject the file too "
		    "(%s)", tv->peer, subject, before);
	}
	return CTL_OK;
}

/* The "tvs" member of verify --json: null when TVS was not asked. */
static void
tvs_step_json(const struct tvs_step *tv, struct json_out *j)
{
	size_t i;

	if (!tv->asked) {
		json_null(j, "tvs");
		return;
	}
	json_object_begin(j, "tvs");
	json_string(j, "server", tv->peer);
	json_string(j, "device", tv->device);
	json_bool(j, "answered", tv->answered);
	json_bool(j, "valid", tv->answered && tv->r.valid);
	json_array_begin(j, "roles");
	for (i = 0; tv->answered && i < tv->r.nroles; i++) {
		const char *name = ctl_role_name(tv->r.roles[i]);
		char num[8];

		snprintf(num, sizeof(num), "%u", tv->r.roles[i]);
		json_string(j, NULL, name != NULL ? name : num);
	}
	json_array_end(j);
	if (tv->answered && tv->r.valid)
		json_int(j, "ttl", tv->r.ttl);
	else
		json_null(j, "ttl");
	if (!tv->answered)
		json_string(j, "error", tv->error);
	json_object_end(j);
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "installed", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "tvs", required_argument, NULL, 0x100 },
		{ "tvs-ca", required_argument, NULL, 0x101 },
		{ "device", required_argument, NULL, 0x102 },
		{ "tls1.0", no_argument, NULL, 0x103 },
		{ "timeout-ms", required_argument, NULL, 0x104 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *old_path = NULL, *new_path;
	struct ctl_file *oldf = NULL, *newf = NULL;
	struct ctl_trust t;
	struct ctl_diag d;
	struct json_out j;
	struct tvs_step tv;
	int c, json = 0, rc, status = EXIT_INVALID;

	memset(&tv, 0, sizeof(tv));
	tv.device = TVS_ASK_DEFAULT_DEVICE;
	tv.timeout_ms = TVS_DEFAULT_TIMEOUT_MS;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'i': old_path = optarg; break;
		case 'j': json = 1; break;
		case 0x100:
			if (tvs_target_parse(optarg, "--tvs", &tv.target) != 0)
				return EXIT_INVALID;
			tv.wanted = true;
			break;
		case 0x101: tv.cafile = optarg; break;
		case 0x102: tv.device = optarg; break;
		case 0x103: tv.tls10 = true; break;
		case 0x104:
			if (tvs_timeout_parse(optarg, "--timeout-ms",
			    &tv.timeout_ms) != 0)
				return EXIT_INVALID;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || old_path == NULL) {
		cli_error("verify needs NEW and --installed OLD (or none) (see "
		    "ctlclient verify --help)");
		return EXIT_INVALID;
	}
	if (tv.wanted != (tv.cafile != NULL)) {
		cli_error("--tvs and --tvs-ca go together: the TVS, and what its "
		    "certificate must chain to");
		return EXIT_INVALID;
	}
	new_path = argv[optind];
	ctl_diag_clear(&d);
	if (strcmp(old_path, "none") != 0 &&
	    (rc = ctl_load(old_path, &oldf, &d)) != CTL_OK) {
		cli_error("installed file %s", ctl_diag_msg(&d, rc));
		goto out;
	}
	memset(&t, 0, sizeof(t));
	/* A NEW that cannot be read is a mistake to fix, not a verdict:
	 * exit 1 is kept for a phone's refusal of a real file. */
	if ((rc = ctl_load(new_path, &newf, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	if ((rc = ctl_trust_direct(oldf, newf, &t, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	if (tv.wanted && !t.accept && t.tvs_could_help &&
	    (rc = tvs_step(&tv, newf->records[t.new_signer].cert, &t, &d)) !=
	    CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_string(&j, "new", new_path);
		json_string(&j, "installed", old_path);
		json_string(&j, "verdict", t.accept ? "accept" : "reject");
		json_bool(&j, "accept", t.accept);
		json_string(&j, "reason", t.reason);
		json_int(&j, "new_signer_record", t.new_signer + 1);
		json_int(&j, "installed_record", t.installed_match + 1);
		json_bool(&j, "tvs_could_help", t.tvs_could_help);
		tvs_step_json(&tv, &j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		printf("%s: %s by a phone holding %s\n%s\n", new_path,
		    t.accept ? "ACCEPTED" : "REJECTED", oldf != NULL ?
		    old_path : "no file of its kind", t.reason);
	}
	status = t.accept ? EXIT_OK : EXIT_FAIL;
out:
	ctl_free(oldf);
	ctl_free(newf);
	return status;
}
