/* ctlclient fetch --server HOST[:PORT] -o FILE */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "hex.h"
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
digest(const EVP_MD *md, const uint8_t *p, size_t n, uint8_t *out,
    unsigned *outlen)
{
	return EVP_Digest(p, n, out, outlen, md, NULL) == 1 ? CTL_OK :
	    CTL_ERR_CRYPTO;
}

static int
fetch(struct net_session *s, const char *path, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_FILE, PT_SHA1 };
	struct proto_out o;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct ctl_diag pd;
	const uint8_t *file = NULL;
	uint8_t sum[EVP_MAX_MD_SIZE];
	char want[41], got[41], md5[33];
	unsigned sumlen;
	size_t len = 0;
	int rc, have;

	net_request(s, &o, PROTO_FETCH_CTL);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc == CTL_ERR_NOT_FOUND) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s holds no CTL file: %s", s->peer,
		    pd.msg);
		goto out;
	}
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 2, "FETCH_CTL", &pd)) ||
	    (rc = proto_get_bytes(&a.fs, PT_FILE, true, PROTO_MAX_FILE, &file,
	    &len, &pd)) ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, 1, 0, want, &have, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to FETCH_CTL: %s",
		    s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	if (len == 0) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: the CTL sent is "
		    "empty", s->peer);
		goto out;
	}
	if ((rc = digest(EVP_sha1(), file, len, sum, &sumlen)) != CTL_OK) {
		rc = ctl_diag_set(d, rc, "cannot compute SHA-1");
		goto out;
	}
	hex_format(got, sizeof(got), sum, 20, '\0', 0);
	if (strcmp(got, want) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: the CTL received "
		    "has SHA-1 %s, but the server announced %s; not written",
		    s->peer, got, want);
		goto out;
	}
	if ((rc = digest(EVP_md5(), file, len, sum, &sumlen)) != CTL_OK) {
		rc = ctl_diag_set(d, rc, "cannot compute MD5");
		goto out;
	}
	hex_format(md5, sizeof(md5), sum, 16, '\0', 0);
	if ((rc = file_write_atomic(path, file, len, 0644, d)) != CTL_OK)
		goto out;
	printf("%s: %zu bytes\n%s(MD5)\n%s(SHA1)\n", path, len, md5, got);
out:
	net_reply_free(&a);
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
