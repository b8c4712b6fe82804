/*
 * ctlclient cert upload --node NAME --type TYPE --cert FILE
 *     --server HOST[:PORT] [--json]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "cert_info.h"
#include "change_json.h"
#include "cmd_cert.h"
#include "commands.h"
#include "ctl_err.h"
#include "net_cmd.h"
#include "net_reply.h"

enum { OPT_JSON = 0x2000, OPT_NODE, OPT_TYPE, OPT_CERT };

#define NAME_MAX_LEN 64
#define TYPE_MAX_LEN 31

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient cert upload --node NAME --type TYPE --cert FILE\n"
	    "           --server HOST[:PORT] [--json]\n\n"
	    "Puts the certificate a certificate authority signed (FILE, PEM\n"
	    "or DER) in place of the TYPE certificate of node NAME, for the\n"
	    "request ctlclient cert csr made.  The publisher accepts it only\n"
	    "when its public key is the pending request's, it is valid now,\n"
	    "and its chain completes, each signature verified, through the\n"
	    "certificates uploaded with ctlclient trust upload (root first,\n"
	    "then intermediate) to the type's trust store: CallManager-trust\n"
	    "for CallManager, CallManager-ECDSA and TVS, tomcat-trust for\n"
	    "Tomcat and Tomcat-ECDSA, IPsec-trust for IPsec, CAPF-trust for\n"
	    "CAPF.  A refusal says why and changes nothing.  Once accepted, as\n"
	    "with cert regenerate: the pending key becomes the node's, the\n"
	    "trust stores and the ITL follow (every node serves the rebuilt\n"
	    "ITL before the answer), and the audit log records it.\n\n"
	    "  --node NAME   the node (as ctlclient status lists them)\n"
	    "  --type TYPE   the certificate type\n"
	    "  --cert FILE   the signed certificate, alone in the file\n"
	    "  --json        the result as one JSON object\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 in place (and every node serves the new ITL when\n"
	    "it changed), 1 refused or a node does not serve the new ITL yet,\n"
	    "2 bad usage.\n");
}

struct upload_cmd {
	bool json;
	const char *node;
	const char *type;
	const char *cert;
	uint8_t *der;
	size_t derlen;
	X509 *x;
};

static int
upload_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct upload_cmd *uc = ctx;
	const char *what = c == OPT_NODE ? "--node" : c == OPT_TYPE ?
	    "--type" : "--cert";
	size_t max = c == OPT_NODE ? NAME_MAX_LEN : c == OPT_TYPE ?
	    TYPE_MAX_LEN : 4096;

	if (c == OPT_JSON) {
		uc->json = true;
		change_json_extra(cert_answer_json, NULL);
		return change_json_start("cert upload", d);
	}
	if (arg[0] == '\0' || strlen(arg) > max)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: 1 to %zu characters",
		    what, max);
	if (c == OPT_NODE)
		uc->node = arg;
	else if (c == OPT_TYPE)
		uc->type = arg;
	else
		uc->cert = arg;
	return CTL_OK;
}

/* The certificate is read before connecting: a file that is not one
 * never reaches the publisher. */
static int
upload_before(void *ctx, struct ctl_diag *d)
{
	struct upload_cmd *uc = ctx;

	if (uc->node == NULL || uc->type == NULL || uc->cert == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "cert upload needs --node "
		    "NAME, --type TYPE and --cert FILE (see ctlclient cert "
		    "upload --help)");
	return cert_info_load(uc->cert, &uc->der, &uc->derlen, &uc->x, d);
}

static int
upload_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	const struct upload_cmd *uc = ctx;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	int rc;

	net_request(s, &o, PROTO_CERT_UPLOAD);
	proto_put_str(&o, PT_NAME, uc->node);
	proto_put_str(&o, PT_CERT_TYPE, uc->type);
	proto_put_bytes(&o, PT_CERT, uc->der, uc->derlen);
	if ((rc = net_change(s, &o, &a, "cert upload refused", d)) != CTL_OK)
		goto out;
	rc = cert_answer_show(s, &a, uc->json, "CERT_UPLOAD",
	    "Put the CA-signed", d);
out:
	net_reply_free(&a);
	return rc;
}

int
cert_upload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, OPT_NODE },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "cert upload", .opts = opts, .usage = usage,
		.option = upload_option, .before = upload_before,
		.run = upload_run,
	};
	struct upload_cmd uc;
	int rc;

	memset(&uc, 0, sizeof(uc));
	rc = net_cmd_main(&cmd, &uc, argc, argv);
	OPENSSL_free(uc.der);
	X509_free(uc.x);
	return rc;
}
