/*
 * ctlclient trust list [--purpose P] [--expired | --expiring DAYS] [--json]
 * ctlclient trust upload --purpose P FILE [--json]
 * ctlclient trust delete --purpose P SHA1HEX [--json]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cert_info.h"
#include "net_cmd.h"
#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "hex.h"
#include "json_out.h"
#include "net_reply.h"

#define TRUST_MAX_CERT (64u * 1024)   /* CERT in an answer */

enum { OPT_PURPOSE = 0x2000, OPT_EXPIRED, OPT_EXPIRING };

static const char *const purposes[] = {
	"Phone-SAST-trust", "CallManager-trust", "tomcat-trust", "CAPF-trust",
	"IPsec-trust",
};
#define NPURPOSES (sizeof(purposes) / sizeof(purposes[0]))

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient trust list --server HOST[:PORT] [--purpose P] "
	    "[--expired | --expiring DAYS] [--json]\n"
	    "       ctlclient trust upload --server HOST[:PORT] --purpose P "
	    "FILE [--json]\n"
	    "       ctlclient trust delete --server HOST[:PORT] --purpose P "
	    "SHA1 [--json]\n\n"
	    "The cluster's certificate trust stores.  TVS vouches for the\n"
	    "certificates in them when a phone meets a signer its CTL does not\n"
	    "name (Phone-SAST-trust holds the SASTs of other clusters during a\n"
	    "migration).\n\n"
	    "  --purpose P   Phone-SAST-trust, CallManager-trust, tomcat-trust,\n"
	    "                CAPF-trust or IPsec-trust (list: all of them by\n"
	    "                default; TVS does not vouch for IPsec-trust)\n"
	    "  --expired     list: only the certificates already expired, with\n"
	    "                the days since\n"
	    "  --expiring DAYS\n"
	    "                list: only those that end within DAYS days\n"
	    "                (expired ones included), with the days left\n"
	    "  --json        one JSON object instead of the text\n"
	    "  FILE          upload: one certificate, PEM or DER\n"
	    "  SHA1          delete: the certificate's SHA-1 as list shows it\n\n"
	    "delete refuses a certificate of the cluster's own nodes (a system\n"
	    "certificate), names the services that use the store, and warns of\n"
	    "each certificate the deleted one issued (its chain breaks).\n"
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

/* Which certificates `trust list` shows. */
enum list_filter { LIST_ALL, LIST_EXPIRED, LIST_EXPIRING };

static bool
shown(const struct cert_info *c, enum list_filter f, int days, time_t now)
{
	if (f == LIST_EXPIRED)
		return c->not_after <= now;
	if (f == LIST_EXPIRING)
		return c->not_after <= now ||
		    cert_info_days_left(c, now) < days;
	return true;
}

static void
list_print(const struct cert_set *set, const char *purpose,
    enum list_filter f, int days, time_t now)
{
	const struct cert_item *e;
	size_t i, shown_n = 0;
	long left;

	for (i = 0; i < set->n; i++) {
		e = &set->v[i];
		if (!shown(&e->info, f, days, now))
			continue;
		printf("%s%s  %s\n  subject: %s\n  issuer:  %s\n"
		    "  serial:  %s\n  valid:   %s to %s\n", shown_n ? "\n" : "",
		    e->type, e->info.sha1, e->info.subject, e->info.issuer,
		    e->info.serial, e->info.not_before_text,
		    e->info.not_after_text);
		if (f != LIST_ALL) {
			left = cert_info_days_left(&e->info, now);
			if (e->info.not_after <= now)
				printf("  EXPIRED %ld days ago: delete it once "
				    "nothing relies on it\n", -left);
			else
				printf("  expires in %ld days: upload its "
				    "renewed certificate\n", left);
		}
		shown_n++;
	}
	if (shown_n == 0)
		printf("No %scertificates%s%s%s.\n", f == LIST_EXPIRED ?
		    "expired " : f == LIST_EXPIRING ? "expiring " : "",
		    purpose ? " in " : "", purpose ? purpose : "",
		    f == LIST_EXPIRING ? " within the days given" : "");
}

static void
list_json(const struct cert_set *set, enum list_filter f, int days,
    time_t now)
{
	const struct cert_item *e;
	struct json_out j;
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_array_begin(&j, "certificates");
	for (i = 0; i < set->n; i++) {
		e = &set->v[i];
		if (!shown(&e->info, f, days, now))
			continue;
		json_object_begin(&j, NULL);
		json_string(&j, "purpose", e->type);
		json_string(&j, "store", e->type);
		cert_info_json(&j, &e->info, now);
		json_bool(&j, "expired", e->info.not_after <= now);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static int
trust_list(struct net_session *s, const char *purpose, int json,
    enum list_filter f, int days, struct ctl_diag *d)
{
	struct cert_set set = { NULL, 0 };
	time_t now = time(NULL);
	int rc;

	if ((rc = cert_fetch_trust(s, purpose, &set, d)) == CTL_OK) {
		if (json)
			list_json(&set, f, days, now);
		else
			list_print(&set, purpose, f, days, now);
	}
	cert_set_free(&set);
	return rc;
}

/* The WARNING fields of an answer: printed, or a "warnings" array. */
static void
warnings_put(const struct proto_fields *fs, struct json_out *j)
{
	char w[1025];
	size_t i, n;

	if (j != NULL)
		json_array_begin(j, "warnings");
	for (i = 0; i < fs->n; i++) {
		if (fs->f[i].tag != PT_WARNING)
			continue;
		n = fs->f[i].len < sizeof(w) - 1 ? fs->f[i].len : sizeof(w) - 1;
		memcpy(w, fs->f[i].val, n);
		w[n] = '\0';
		net_clean_text(w);
		if (j != NULL)
			json_string(j, NULL, w);
		else
			printf("  warning: %s\n", w);
	}
	if (j != NULL)
		json_array_end(j);
}

/* The one object of upload --json and delete --json. */
static void
result_json(const char *operation, const char *result, const char *store,
    const char *sha1, const struct cert_info *c, const char *services,
    const char *error, const struct proto_fields *fs)
{
	struct json_out j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "operation", operation);
	json_string(&j, "result", result);
	json_string(&j, "store", store);
	json_string(&j, "sha1", sha1);
	json_string(&j, "subject", c ? c->subject : NULL);
	json_string(&j, "serial", c ? c->serial : NULL);
	json_string(&j, "not_after", c ? c->not_after_text : NULL);
	json_string(&j, "services", services);
	json_string(&j, "error", error);
	if (fs != NULL) {
		warnings_put(fs, &j);
	} else {
		json_array_begin(&j, "warnings");
		json_array_end(&j);
	}
	json_object_end(&j);
	json_finish(&j);
}

static int
trust_upload(struct net_session *s, const char *purpose, const uint8_t *der,
    size_t derlen, X509 *x, int json, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SHA1, PT_WARNING };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct cert_info info;
	struct proto_out o;
	struct ctl_diag pd;
	char want[41], got[41];
	int rc, have, known;

	sha1_hex(der, derlen, want);
	known = cert_info_read(x, &info) == CTL_OK;
	net_request(s, &o, PROTO_TRUST_UPLOAD);
	proto_put_str(&o, PT_PURPOSE, purpose);
	proto_put_bytes(&o, PT_CERT, der, derlen);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 2, "TRUST_UPLOAD", &pd)) ||
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
	if (json) {
		result_json("trust-upload", "added", purpose, got,
		    known ? &info : NULL, NULL, NULL, &a.fs);
	} else {
		printf("Added to %s: %s\n", purpose, got);
		if (known)
			printf("  subject: %s\n  serial:  %s\n  valid:   %s to "
			    "%s\n", info.subject, info.serial,
			    info.not_before_text, info.not_after_text);
		warnings_put(&a.fs, NULL);
	}
out:
	net_reply_free(&a);
	return rc;
}

static int
trust_delete(struct net_session *s, const char *purpose,
    const uint8_t sha1[20], int json, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_CERT, PT_SERVICES, PT_WARNING };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct cert_info info;
	struct proto_out o;
	struct ctl_diag pd;
	const uint8_t *der = NULL, *q;
	char hex[41], services[1025] = "";
	size_t derlen = 0;
	X509 *x = NULL;
	int rc, known = 0;

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
	/* CERT and SERVICES are absent from older servers' answers. */
	if ((rc = net_only_fields(&a.fs, allowed, 3, "TRUST_DELETE", &pd)) ||
	    ((rc = proto_get_bytes(&a.fs, PT_CERT, false, TRUST_MAX_CERT,
	    &der, &derlen, &pd)) && rc != CTL_ERR_NOT_FOUND) ||
	    ((rc = proto_get_str(&a.fs, PT_SERVICES, false, services,
	    sizeof(services) - 1, &pd)) && rc != CTL_ERR_NOT_FOUND)) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to "
		    "TRUST_DELETE: %s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	net_clean_text(services);
	q = der;
	if (der != NULL && derlen > 0 &&
	    (x = d2i_X509(NULL, &q, (long)derlen)) != NULL)
		known = cert_info_read(x, &info) == CTL_OK;
	rc = CTL_OK;
	if (json) {
		result_json("trust-delete", "deleted", purpose, hex,
		    known ? &info : NULL, services[0] ? services : NULL, NULL,
		    &a.fs);
		goto out;
	}
	printf("Deleted from %s: %s\n", purpose, hex);
	if (known)
		printf("  subject: %s\n  serial:  %s\n", info.subject,
		    info.serial);
	if (services[0])
		printf("  restart what uses %s: %s\n", purpose, services);
	warnings_put(&a.fs, NULL);
out:
	ERR_clear_error();
	X509_free(x);
	net_reply_free(&a);
	return rc;
}

struct trust_cmd {
	const char *purpose, *sub, *arg;
	int json;
	enum list_filter filter;
	int days;
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
	if (c == OPT_EXPIRED || c == OPT_EXPIRING) {
		if (tc->filter != LIST_ALL)
			return ctl_diag_set(d, CTL_ERR_USAGE, "trust list: "
			    "--expired and --expiring go alone");
		tc->filter = c == OPT_EXPIRED ? LIST_EXPIRED : LIST_EXPIRING;
		if (c == OPT_EXPIRED)
			return CTL_OK;
		return cert_days_parse("--expiring", arg, &tc->days, d);
	}
	if ((tc->purpose = purpose_parse(arg)) == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--purpose %s: one of "
		    "Phone-SAST-trust, CallManager-trust, tomcat-trust, "
		    "CAPF-trust, IPsec-trust", arg);
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
	if (tc->filter != LIST_ALL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "trust %s: --expired and "
		    "--expiring are options of trust list", tc->sub);
	if (argc != 2)
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
	return cert_info_load(tc->arg, &tc->der, &tc->derlen, &tc->x, d);
}

static int
trust_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct trust_cmd *tc = ctx;
	int rc;

	if (tc->sub[0] == 'l')
		return trust_list(s, tc->purpose, tc->json, tc->filter,
		    tc->days, d);
	if (tc->sub[0] == 'u')
		rc = trust_upload(s, tc->purpose, tc->der, tc->derlen, tc->x,
		    tc->json, d);
	else
		rc = trust_delete(s, tc->purpose, tc->sha1, tc->json, d);
	/* With --json a refusal is an object too; the message still goes
	 * to standard error. */
	if (rc != CTL_OK && tc->json)
		result_json(tc->sub[0] == 'u' ? "trust-upload" :
		    "trust-delete", rc == CTL_ERR_NOT_ALLOWED ||
		    rc == CTL_ERR_NOT_FOUND || rc == CTL_ERR_USAGE ||
		    rc == CTL_ERR_REFUSED ? "refused" : "failed", tc->purpose,
		    tc->sub[0] == 'd' ? tc->arg : NULL, NULL, NULL,
		    ctl_diag_msg(d, rc), NULL);
	return rc;
}

int
cmd_trust(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "purpose", required_argument, NULL, OPT_PURPOSE },
		{ "json", no_argument, NULL, 'j' },
		{ "expired", no_argument, NULL, OPT_EXPIRED },
		{ "expiring", required_argument, NULL, OPT_EXPIRING },
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
