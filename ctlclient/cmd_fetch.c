/* ctlclient fetch --server HOST[:PORT] -o FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_cmd.h"
#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "ctl_render.h"
#include "net_mode.h"

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

static int
fetch_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	const char **path = ctx;

	(void)c;
	(void)d;
	*path = arg;
	return CTL_OK;
}

static int
fetch_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	const char *const *path = ctx;

	(void)argv;
	(void)d;
	return argc == 0 && *path != NULL && (*path)[0] != '\0' ? CTL_OK :
	    CTL_ERR_USAGE;
}

static int
fetch_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	const char *const *path = ctx;

	return fetch(s, *path, d);
}

int
cmd_fetch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "fetch", .shortopts = "o:", .opts = opts,
		.usage = usage, .option = fetch_option,
		.operands = fetch_operands, .run = fetch_run,
	};
	const char *path = NULL;

	return net_cmd_main(&cmd, &path, argc, argv);
}
