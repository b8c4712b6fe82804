/* ctlclient verify NEW --installed OLD [--json] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "ctl_trust.h"
#include "json_out.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient verify NEW --installed OLD [--json]\n\n"
	    "Says whether a phone that holds OLD (its installed CTL or ITL)\n"
	    "would accept NEW: NEW must verify, and its signer must be a SAST\n"
	    "in OLD whose key verifies NEW's signature.  OLD may be `none`\n"
	    "for a phone that holds no file of that kind yet.\n\n"
	    "  --installed OLD   the file the phone holds now, or none\n"
	    "  --json            the verdict as one JSON object\n\n"
	    "Exit status: 0 the phone accepts NEW, 1 it rejects it, 2 bad\n"
	    "usage or an unreadable OLD.\n");
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "installed", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *old_path = NULL, *new_path;
	struct ctl_file *oldf = NULL, *newf = NULL;
	struct ctl_trust t;
	struct ctl_diag d;
	struct json_out j;
	int c, json = 0, rc, status = EXIT_INVALID;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': old_path = optarg; break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || old_path == NULL) {
		cli_error("verify needs NEW and --installed OLD (or none)");
		usage(stderr);
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
	if ((rc = ctl_load(new_path, &newf, &d)) != CTL_OK) {
		/* A file that does not parse is one no phone accepts. */
		snprintf(t.reason, sizeof(t.reason), "%s",
		    ctl_diag_msg(&d, rc));
		t.new_signer = t.installed_match = -1;
	} else if ((rc = ctl_trust_direct(oldf, newf, &t, &d)) != CTL_OK) {
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
