/*
 * ctlclient trust list [--purpose P] [--json]
 * ctlclient trust upload --purpose P FILE
 * ctlclient trust delete --purpose P SHA1HEX
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "net_cmd.h"
#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "hex.h"
#include "json_out.h"
#include "net_reply.h"

#define CERT_FILE_MAX  (64u * 1024)   /* one certificate, PEM or DER */
#define TRUST_MAX_CERT (64u * 1024)   /* CERT in an answer */

enum { OPT_PURPOSE = 0x2000 };

static const char *const purposes[] = {
	"Phone-SAST-trust", "CallManager-trust", "tomcat-trust", "CAPF-trust",
};
#define NPURPOSES (sizeof(purposes) / sizeof(purposes[0]))

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient trust list --server HOST[:PORT] [--purpose P] "
	    "[--json]\n"
	    "       ctlclient trust upload --server HOST[:PORT] --purpose P "
	    "FILE\n"
	    "       ctlclient trust delete --server HOST[:PORT] --purpose P "
	    "SHA1\n\n"
	    "The cluster's certificate trust stores.  TVS vouches for the\n"
	    "certificates in them when a phone meets a signer its CTL does not\n"
	    "name (Phone-SAST-trust holds the SASTs of other clusters during a\n"
	    "migration).\n\n"
	    "  --purpose P   Phone-SAST-trust, CallManager-trust, tomcat-trust\n"
	    "                or CAPF-trust (list: all of them by default)\n"
	    "  --json        list: one JSON object instead of the table\n"
	    "  FILE          upload: one certificate, PEM or DER\n"
	    "  SHA1          delete: the certificate's SHA-1 as list shows it\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 done, 1 failed or refused, 2 bad usage.\n");
}

static const char *
purpose_parse(const char *s)
{
	size_t i;

	for (i = 0; i < NPURPOSES; i++)
		if (strcasecmp(s, purposes[i]) == 0)
			return purposes[i];
	return NULL;
}

static void
sha1_hex(const uint8_t *p, size_t n, char out[41])
{
	uint8_t sum[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (EVP_Digest(p, n, sum, &len, EVP_sha1(), NULL) != 1)
		len = 0;
	if (len == 20)
		hex_format(out, 41, sum, 20, '\0', 0);
	else
		out[0] = '\0';
}

/* A name on one line, control bytes cleaned. */
static void
name_text(const X509_NAME *n, char *out, size_t outsz)
{
	X509_NAME_oneline(n, out, (int)outsz);
	net_clean_text(out);
}

static void
time_text(const ASN1_TIME *t, char *out, size_t outsz)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(out, outsz, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, outsz, "?");
}

struct trust_entry {
	char purpose[32];
	char sha1[41];
	char subject[256];
	char issuer[256];
	char serial[128];
	char not_before[32];
	char not_after[32];
};

static int
entry_parse(const struct proto_fields *g, struct trust_entry *e,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_PURPOSE, PT_CERT, PT_SHA1 };
	const uint8_t *der, *q;
	ASN1_INTEGER *sn;
	X509 *x = NULL;
	char got[41];
	size_t n;
	int rc, have;

	memset(e, 0, sizeof(*e));
	if ((rc = net_only_fields(g, allowed, 3, "a TRUST", d)) ||
	    (rc = proto_get_str(g, PT_PURPOSE, true, e->purpose,
	    sizeof(e->purpose) - 1, d)) ||
	    (rc = proto_get_bytes(g, PT_CERT, true, TRUST_MAX_CERT, &der, &n,
	    d)) ||
	    (rc = net_get_sha1(g, PT_SHA1, 1, 0, e->sha1, &have, d)))
		return rc;
	if (purpose_parse(e->purpose) == NULL)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "PURPOSE is not a "
		    "known trust store");
	q = der;
	if (n == 0 || (x = d2i_X509(NULL, &q, (long)n)) == NULL ||
	    q != der + n) {
		X509_free(x);
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "CERT is not one DER "
		    "certificate");
	}
	sha1_hex(der, n, got);
	if (strcmp(got, e->sha1) != 0) {
		X509_free(x);
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "SHA1 %s is not the "
		    "SHA-1 of CERT (%s)", e->sha1, got);
	}
	name_text(X509_get_subject_name(x), e->subject, sizeof(e->subject));
	name_text(X509_get_issuer_name(x), e->issuer, sizeof(e->issuer));
	sn = X509_get_serialNumber(x);
	hex_format(e->serial, sizeof(e->serial), sn->data, (size_t)sn->length,
	    '\0', 0);
	time_text(X509_get0_notBefore(x), e->not_before,
	    sizeof(e->not_before));
	time_text(X509_get0_notAfter(x), e->not_after, sizeof(e->not_after));
	X509_free(x);
	return CTL_OK;
}

static int
trust_list(struct net_session *s, const char *purpose, int json,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_TRUST };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_fields g = { NULL, 0 };
	struct trust_entry *e = NULL;
	struct proto_out o;
	struct ctl_diag pd;
	struct json_out j;
	size_t i, n;
	int rc;

	net_request(s, &o, PROTO_TRUST_LIST);
	if (purpose != NULL)
		proto_put_str(&o, PT_PURPOSE, purpose);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 1, "TRUST_LIST", &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to TRUST_LIST: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	n = proto_count(&a.fs, PT_TRUST);
	if (n > 0 && (e = calloc(n, sizeof(*e))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		ctl_diag_clear(&pd);
		if ((rc = proto_group_at(&a.fs, PT_TRUST, i, &g, &pd)) ==
		    CTL_OK)
			rc = entry_parse(&g, &e[i], &pd);
		proto_fields_free(&g);
		if (rc == CTL_OK && purpose != NULL &&
		    strcmp(e[i].purpose, purpose) != 0)
			rc = ctl_diag_set(&pd, CTL_ERR_PROTOCOL, "asked for %s, "
			    "got a certificate of %s", purpose, e[i].purpose);
		if (rc != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: malformed "
			    "answer to TRUST_LIST: TRUST %zu: %s", s->peer,
			    i + 1, ctl_diag_msg(&pd, rc));
			goto out;
		}
	}
	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_array_begin(&j, "certificates");
		for (i = 0; i < n; i++) {
			json_object_begin(&j, NULL);
			json_string(&j, "purpose", e[i].purpose);
			json_string(&j, "sha1", e[i].sha1);
			json_string(&j, "subject", e[i].subject);
			json_string(&j, "issuer", e[i].issuer);
			json_string(&j, "serial", e[i].serial);
			json_string(&j, "not_before", e[i].not_before);
			json_string(&j, "not_after", e[i].not_after);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		for (i = 0; i < n; i++)
			printf("%s%s  %s\n  subject: %s\n  issuer:  %s\n"
			    "  serial:  %s\n  valid:   %s to %s\n",
			    i ? "\n" : "", e[i].purpose, e[i].sha1,
			    e[i].subject, e[i].issuer, e[i].serial,
			    e[i].not_before, e[i].not_after);
		if (n == 0)
			printf("No certificates%s%s.\n", purpose ? " in " : "",
			    purpose ? purpose : "");
	}
	rc = CTL_OK;
out:
	free(e);
	net_reply_free(&a);
	return rc;
}

/* Reads one certificate, PEM or DER, from PATH into *DER (DER bytes). */
static int
cert_load(const char *path, uint8_t **der, size_t *derlen, X509 **cert,
    struct ctl_diag *d)
{
	uint8_t *raw = NULL, *out = NULL;
	const uint8_t *q;
	X509 *x = NULL, *extra = NULL;
	BIO *b = NULL;
	size_t len = 0;
	int rc, n;

	if ((rc = file_read_limited(path, CERT_FILE_MAX, &raw, &len, d)))
		return rc;
	q = raw;
	if (len > 0 && (x = d2i_X509(NULL, &q, (long)len)) != NULL) {
		if (q != raw + len) {
			rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: bytes after "
			    "the DER certificate", path);
			goto out;
		}
	} else if ((b = BIO_new_mem_buf(raw, (int)len)) != NULL &&
	    (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if ((extra = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
			rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s holds more than "
			    "one certificate; upload them one at a time", path);
			goto out;
		}
	} else {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: not a certificate "
		    "(PEM or DER)", path);
		goto out;
	}
	if ((n = i2d_X509(x, &out)) <= 0) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "%s: cannot encode the "
		    "certificate", path);
		goto out;
	}
	*der = out;
	*derlen = (size_t)n;
	*cert = x;
	x = NULL;   /* transferred */
	rc = CTL_OK;
out:
	ERR_clear_error();
	X509_free(extra);
	X509_free(x);
	BIO_free(b);
	free(raw);
	return rc;
}

static int
trust_upload(struct net_session *s, const char *purpose, const uint8_t *der,
    size_t derlen, const X509 *x, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SHA1 };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	struct ctl_diag pd;
	char want[41], got[41], subject[256];
	int rc, have;

	sha1_hex(der, derlen, want);
	net_request(s, &o, PROTO_TRUST_UPLOAD);
	proto_put_str(&o, PT_PURPOSE, purpose);
	proto_put_bytes(&o, PT_CERT, der, derlen);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 1, "TRUST_UPLOAD", &pd)) ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, 1, 0, got, &have, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to "
		    "TRUST_UPLOAD: %s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	if (strcmp(got, want) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: the server stored "
		    "a certificate with SHA-1 %s, not the one sent (%s)",
		    s->peer, got, want);
		goto out;
	}
	name_text(X509_get_subject_name(x), subject, sizeof(subject));
	printf("Added to %s: %s\n  subject: %s\n", purpose, got, subject);
out:
	net_reply_free(&a);
	return rc;
}

static int
trust_delete(struct net_session *s, const char *purpose,
    const uint8_t sha1[20], struct ctl_diag *d)
{
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	struct ctl_diag pd;
	char hex[41];
	int rc;

	hex_format(hex, sizeof(hex), sha1, 20, '\0', 0);
	net_request(s, &o, PROTO_TRUST_DELETE);
	proto_put_str(&o, PT_PURPOSE, purpose);
	proto_put_bytes(&o, PT_SHA1, sha1, 20);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc == CTL_ERR_NOT_FOUND) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s holds no certificate %s: %s",
		    purpose, hex, pd.msg);
		goto out;
	}
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, NULL, 0, "TRUST_DELETE", &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to "
		    "TRUST_DELETE: %s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	printf("Deleted from %s: %s\n", purpose, hex);
out:
	net_reply_free(&a);
	return rc;
}

struct trust_cmd {
	const char *purpose, *sub, *arg;
	int json;
	uint8_t *der, sha1[20];
	size_t derlen;
	X509 *x;
};

static int
trust_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct trust_cmd *tc = ctx;

	if (c == 'j') {
		tc->json = 1;
		return CTL_OK;
	}
	if ((tc->purpose = purpose_parse(arg)) == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--purpose %s: one of "
		    "Phone-SAST-trust, CallManager-trust, tomcat-trust, "
		    "CAPF-trust", arg);
	return CTL_OK;
}

static int
trust_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct trust_cmd *tc = ctx;

	if (argc < 1)
		return CTL_ERR_USAGE;
	tc->sub = argv[0];
	tc->arg = argv[1];
	if (strcmp(tc->sub, "list") == 0)
		return argc == 1 ? CTL_OK : CTL_ERR_USAGE;
	if (strcmp(tc->sub, "upload") != 0 && strcmp(tc->sub, "delete") != 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "trust: unknown "
		    "subcommand '%s' (list, upload, delete)", tc->sub);
	if (argc != 2 || tc->json)
		return CTL_ERR_USAGE;
	if (tc->purpose == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "trust %s: --purpose is "
		    "required", tc->sub);
	if (tc->sub[0] == 'd' && net_parse_sha1(tc->arg, tc->sha1) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_USAGE, "trust delete: %s is not "
		    "a SHA-1 (40 hex digits)", tc->arg);
	return CTL_OK;
}

/* The certificate to upload is read before connecting. */
static int
trust_before(void *ctx, struct ctl_diag *d)
{
	struct trust_cmd *tc = ctx;

	if (tc->sub[0] != 'u')
		return CTL_OK;
	return cert_load(tc->arg, &tc->der, &tc->derlen, &tc->x, d);
}

static int
trust_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct trust_cmd *tc = ctx;

	if (tc->sub[0] == 'l')
		return trust_list(s, tc->purpose, tc->json, d);
	if (tc->sub[0] == 'u')
		return trust_upload(s, tc->purpose, tc->der, tc->derlen, tc->x,
		    d);
	return trust_delete(s, tc->purpose, tc->sha1, d);
}

int
cmd_trust(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "purpose", required_argument, NULL, OPT_PURPOSE },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "trust", .opts = opts, .usage = usage,
		.option = trust_option, .operands = trust_operands,
		.before = trust_before, .run = trust_run,
	};
	struct trust_cmd tc;
	int status;

	memset(&tc, 0, sizeof(tc));
	status = net_cmd_main(&cmd, &tc, argc, argv);
	OPENSSL_free(tc.der);
	X509_free(tc.x);
	return status;
}
