/* ctlclient fetch --server HOST[:PORT] -o FILE */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "ctl_render.h"
#include "net_mode.h"
#include "net_session.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient fetch --server HOST[:PORT] -o FILE\n\n"
	    "Downloads the cluster's CTLFile.tlv from the publisher, checks it\n"
	    "against the SHA-1 the publisher announces, and writes it to FILE\n"
	    "(atomically, mode 0644).  `ctlclient show FILE` then shows it.\n\n"
	    "  -o, --output FILE   where to write the CTL\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 written, 1 failed (or the server holds no CTL),\n"
	    "2 bad usage.\n");
}

static int
fetch(struct net_session *s, const char *path, struct ctl_diag *d)
{
	uint8_t *file = NULL;
	size_t len = 0;
	char md5[33], sha1[41];
	int rc;

	/* Checked against the SHA-1 the server announces before anything is
	 * written. */
	if ((rc = net_fetch_ctl(s, &file, &len, sha1, d)) != CTL_OK)
		return rc;
	ctl_checksums(file, len, md5, sha1);
	if ((rc = file_write_atomic(path, file, len, 0644, d)) == CTL_OK)
		printf("%s: %zu bytes\n%s(MD5)\n%s(SHA1)\n", path, len, md5,
		    sha1);
	free(file);
	return rc;
}

int
cmd_fetch(int argc, char **argv)
{
	static const struct option opts[] = {
		NET_LONG_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_opts no;
	struct net_session *s = NULL;
	struct ctl_diag d;
	const char *path = NULL;
	int c, rc;

	net_opts_init(&no);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': path = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default:
			if (net_opt(&no, c, optarg) != 0)
				return EXIT_INVALID;
		}
	}
	if (optind != argc || path == NULL || path[0] == '\0') {
		usage(stderr);
		return EXIT_INVALID;
	}
	if (net_opts_check(&no) != 0)
		return EXIT_INVALID;
	ctl_diag_clear(&d);
	if ((rc = net_open(&no, &s, &d)) != CTL_OK ||
	    (rc = fetch(s, path, &d)) != CTL_OK)
		cli_error("%s", ctl_diag_msg(&d, rc));
	net_close(s);
	return net_exit_status(rc);
}
