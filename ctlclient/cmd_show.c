/* ctlclient show FILE [--json] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "ctl_render.h"
#include "ctl_verify.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient show FILE [--json]\n\n"
	    "Shows a CTLFile.tlv or ITLFile.tlv the way CUCM's `show ctl` and\n"
	    "`show itl` do: checksums, header, every record, which SAST signed\n"
	    "it, and whether the signature verifies.\n\n"
	    "  --json   one JSON object instead of the table\n\n"
	    "Exit status: 0 the file verifies, 1 it parses but does not\n"
	    "verify, 2 it is not a valid .tlv file.\n");
}

int
cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_file *f = NULL;
	struct ctl_diag d, vd;
	struct ctl_view v;
	struct stat st;
	struct tm tm;
	char modified[64];
	int c, json = 0, rc, status = EXIT_INVALID;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (argc - optind != 1) {
		cli_error("show needs one FILE (see ctlclient show --help)");
		return EXIT_INVALID;
	}
	ctl_diag_clear(&d);
	ctl_diag_clear(&vd);
	if ((rc = ctl_load(argv[optind], &f, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		goto out;
	}
	memset(&v, 0, sizeof(v));
	v.f = f;
	v.verify_rc = ctl_verify(f, &v.signer, &vd);
	v.verify_msg = v.verify_rc != CTL_OK ? ctl_diag_msg(&vd, v.verify_rc) :
	    NULL;
	if (strcmp(argv[optind], "-") != 0 && stat(argv[optind], &st) == 0 &&
	    localtime_r(&st.st_mtime, &tm) != NULL &&
	    strftime(modified, sizeof(modified), "%a %b %d %H:%M:%S %Z %Y",
	    &tm) > 0)
		v.modified = modified;
	if (json)
		ctl_render_json(stdout, &v);
	else
		ctl_render_text(stdout, &v);
	if (v.verify_rc != CTL_OK)
		cli_error("%s: does not verify: %s", argv[optind],
		    v.verify_msg);
	status = v.verify_rc == CTL_OK ? EXIT_OK : EXIT_FAIL;
out:
	ctl_free(f);
	return status;
}
