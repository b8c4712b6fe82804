/*
 * ctlclient cert csr --node NAME --type TYPE [--multi-san] -o FILE
 *     --server HOST[:PORT] [--json]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_cert.h"
#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "change_json.h"
#include "json_out.h"
#include "net_cmd.h"
#include "net_reply.h"

enum { OPT_JSON = 0x2000, OPT_NODE, OPT_TYPE, OPT_MULTI_SAN };

#define NAME_MAX_LEN 64
#define TYPE_MAX_LEN 31
#define TEXT_MAX     1024
#define CSR_MAX      (64u * 1024)

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient cert csr --node NAME --type TYPE [--multi-san]\n"
	    "           -o FILE --server HOST[:PORT] [--json]\n\n"
	    "Asks the publisher for a certificate signing request (CSR) for\n"
	    "the TYPE certificate of node NAME, as CUCM's Generate CSR: a new\n"
	    "key, made on the publisher and kept there (it never travels), and\n"
	    "the request for it, written to FILE (PEM, mode 0644).  The\n"
	    "request keeps the certificate's subject; its subjectAltName names\n"
	    "this node (name and address), or with --multi-san every node of\n"
	    "the cluster.  One request waits per node and type: a new one\n"
	    "replaces the one before.  Give FILE to the certificate authority,\n"
	    "upload its root and intermediate certificates with ctlclient trust\n"
	    "upload, then the signed certificate with ctlclient cert upload.\n"
	    "TYPE is CallManager, CallManager-ECDSA, Tomcat, Tomcat-ECDSA,\n"
	    "IPsec or TVS, or CAPF on the publisher; ITLRecovery stays\n"
	    "self-signed.\n\n"
	    "  --node NAME     the node (as ctlclient status lists them)\n"
	    "  --type TYPE     the certificate type\n"
	    "  --multi-san     every node's names and addresses in the request\n"
	    "  -o, --output FILE  where the request goes; never overwritten\n"
	    "  --json          the result as one JSON object\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 request written, 1 refused, 2 bad usage.\n");
}

struct csr_cmd {
	bool multi_san;
	const char *node;
	const char *type;
	const char *output;
	char key[TEXT_MAX + 1];  /* the publisher's answer, "" before one */
	bool answered_multi;
};

/* This command's members of the --json object. */
static void
csr_json(struct json_out *j, void *ctx)
{
	const struct csr_cmd *cc = ctx;

	json_string(j, "node", cc->node);
	json_string(j, "type", cc->type);
	json_string(j, "key", cc->key[0] ? cc->key : NULL);
	json_bool(j, "multi_san", cc->key[0] ? cc->answered_multi :
	    cc->multi_san);
	json_string(j, "output", cc->output);
}

static int
csr_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct csr_cmd *cc = ctx;
	const char *what = c == OPT_NODE ? "--node" : "--type";
	size_t max = c == OPT_NODE ? NAME_MAX_LEN : TYPE_MAX_LEN;

	switch (c) {
	case OPT_JSON:
		change_json_extra(csr_json, cc);
		return change_json_start("cert csr", d);
	case OPT_MULTI_SAN: cc->multi_san = true; return CTL_OK;
	case 'o':
		if (arg[0] == '\0')
			return ctl_diag_set(d, CTL_ERR_USAGE, "-o: give a file "
			    "name");
		cc->output = arg;
		return CTL_OK;
	}
	if (arg[0] == '\0' || strlen(arg) > max)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: 1 to %zu characters",
		    what, max);
	if (c == OPT_NODE)
		cc->node = arg;
	else
		cc->type = arg;
	return CTL_OK;
}

/* Refused before connecting, so that nothing is made for a file that
 * cannot be written; the write itself refuses again (O_EXCL). */
static int
csr_before(void *ctx, struct ctl_diag *d)
{
	const struct csr_cmd *cc = ctx;
	struct stat sb;

	if (cc->node == NULL || cc->type == NULL || cc->output == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "cert csr needs --node "
		    "NAME, --type TYPE and -o FILE (see ctlclient cert csr "
		    "--help)");
	if (lstat(cc->output, &sb) == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s exists: give a new "
		    "file name (a request is never written over a file)",
		    cc->output);
	return CTL_OK;
}

/* Writes LEN bytes of PEM to PATH, a new file (mode 0644: a request is
 * public). */
static int
write_new(const char *path, const uint8_t *pem, size_t len,
    struct ctl_diag *d)
{
	int fd, rc = CTL_OK;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0644)) < 0)
		return ctl_diag_set(d, errno == EEXIST ? CTL_ERR_USAGE :
		    CTL_ERR_IO, "%s: %s%s", path, strerror(errno),
		    errno == EEXIST ? " (give a new file name)" : "");
	if (fchmod(fd, 0644) != 0 || file_write_all(fd, pem, len) != 0 ||
	    fsync(fd) != 0)
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
		    strerror(errno));
	if (close(fd) != 0 && rc == CTL_OK)
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
		    strerror(errno));
	if (rc != CTL_OK)
		(void)unlink(path);
	return rc;
}

static int
csr_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_NAME, PT_CERT_TYPE, PT_KEY_TYPE,
	    PT_MULTI_SAN, PT_CSR };
	struct csr_cmd *cc = ctx;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	struct ctl_diag pd;
	char name[NAME_MAX_LEN + 1], type[TYPE_MAX_LEN + 1], key[TEXT_MAX + 1];
	const uint8_t *pem;
	size_t len;
	uint8_t multi;
	int rc;

	net_request(s, &o, PROTO_CERT_CSR);
	proto_put_str(&o, PT_NAME, cc->node);
	proto_put_str(&o, PT_CERT_TYPE, cc->type);
	if (cc->multi_san)
		proto_put_u8(&o, PT_MULTI_SAN, 1);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s: cert csr failed: %s", s->peer,
		    pd.msg);
		goto out;
	}
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, sizeof(allowed) /
	    sizeof(allowed[0]), "CERT_CSR", &pd)) ||
	    (rc = proto_get_str(&a.fs, PT_NAME, true, name, NAME_MAX_LEN,
	    &pd)) ||
	    (rc = proto_get_str(&a.fs, PT_CERT_TYPE, true, type, TYPE_MAX_LEN,
	    &pd)) ||
	    (rc = proto_get_str(&a.fs, PT_KEY_TYPE, true, key, TEXT_MAX,
	    &pd)) ||
	    (rc = proto_get_u8(&a.fs, PT_MULTI_SAN, true, &multi, &pd)) ||
	    (rc = proto_get_bytes(&a.fs, PT_CSR, true, CSR_MAX, &pem, &len,
	    &pd)))
		goto bad;
	if (len < 30 || memcmp(pem, "-----BEGIN CERTIFICATE REQUEST-----",
	    30) != 0) {
		rc = ctl_diag_set(&pd, CTL_ERR_PROTOCOL, "CSR is not a PEM "
		    "certificate request");
		goto bad;
	}
	net_clean_text(name);
	net_clean_text(type);
	net_clean_text(key);
	if ((rc = write_new(cc->output, pem, len, d)) != CTL_OK)
		goto out;
	snprintf(cc->key, sizeof(cc->key), "%s", key);
	cc->answered_multi = multi != 0;
	printf("%s: a request for the %s certificate of %s (new key %s kept "
	    "on the publisher%s)\nHave it signed, upload the authority's "
	    "certificates (ctlclient trust upload), then the signed one "
	    "(ctlclient cert upload)\n", cc->output, type, name, key, multi ?
	    ", every node's names" : "");
	goto out;
bad:
	rc = ctl_diag_set(d, rc, "%s: malformed answer to CERT_CSR: %s",
	    s->peer, ctl_diag_msg(&pd, rc));
out:
	net_reply_free(&a);
	return rc;
}

int
cert_csr(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, OPT_NODE },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "multi-san", no_argument, NULL, OPT_MULTI_SAN },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "cert csr", .shortopts = "o:", .opts = opts,
		.usage = usage, .option = csr_option, .before = csr_before,
		.run = csr_run,
	};
	struct csr_cmd cc;

	memset(&cc, 0, sizeof(cc));
	return net_cmd_main(&cmd, &cc, argc, argv);
}
