/* Reading certificates for people, and fetching the cluster's. */
#include "cert_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "ctl_err.h"
#include "file_io.h"
#include "hex.h"
#include "json_out.h"
#include "net_reply.h"

#define CERT_ANSWER_MAX (64u * 1024)   /* CERT in an answer */

static int
time_read(const ASN1_TIME *t, time_t *out, char *text, size_t textsz)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return CTL_ERR_KEY;
	*out = timegm(&tm);
	if (strftime(text, textsz, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		return CTL_ERR_KEY;
	return CTL_OK;
}

static void
key_read(X509 *x, struct cert_info *c)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	char group[64];
	size_t glen = 0;

	snprintf(c->key_type, sizeof(c->key_type), "unknown");
	snprintf(c->key, sizeof(c->key), "unknown");
	if (k == NULL)
		return;
	c->key_bits = EVP_PKEY_get_bits(k);
	if (EVP_PKEY_is_a(k, "RSA")) {
		snprintf(c->key_type, sizeof(c->key_type), "RSA");
		snprintf(c->key, sizeof(c->key), "RSA %d", c->key_bits);
	} else if (EVP_PKEY_is_a(k, "EC")) {
		snprintf(c->key_type, sizeof(c->key_type), "EC");
		if (EVP_PKEY_get_group_name(k, group, sizeof(group), &glen) !=
		    1)
			snprintf(group, sizeof(group), "%d bits", c->key_bits);
		else if (strcmp(group, "prime256v1") == 0)
			snprintf(group, sizeof(group), "P-256");
		else if (strcmp(group, "secp384r1") == 0)
			snprintf(group, sizeof(group), "P-384");
		else if (strcmp(group, "secp521r1") == 0)
			snprintf(group, sizeof(group), "P-521");
		snprintf(c->key, sizeof(c->key), "EC %s", group);
	} else {
		snprintf(c->key_type, sizeof(c->key_type), "%s",
		    EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) :
		    "unknown");
		snprintf(c->key, sizeof(c->key), "%s %d", c->key_type,
		    c->key_bits);
	}
}

static void
digest_hex(X509 *x, const EVP_MD *md, char *out, size_t outsz)
{
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (X509_digest(x, md, sum, &len) == 1)
		hex_format(out, outsz, sum, len, '\0', 0);
	else
		out[0] = '\0';
}

int
cert_info_read(X509 *x, struct cert_info *c)
{
	const ASN1_INTEGER *sn;
	EVP_PKEY *k;

	memset(c, 0, sizeof(*c));
	X509_NAME_oneline(X509_get_subject_name(x), c->subject,
	    (int)sizeof(c->subject));
	X509_NAME_oneline(X509_get_issuer_name(x), c->issuer,
	    (int)sizeof(c->issuer));
	net_clean_text(c->subject);
	net_clean_text(c->issuer);
	sn = X509_get0_serialNumber(x);
	hex_format(c->serial, sizeof(c->serial), sn->data, (size_t)sn->length,
	    '\0', 0);
	key_read(x, c);
	if (time_read(X509_get0_notBefore(x), &c->not_before,
	    c->not_before_text, sizeof(c->not_before_text)) != CTL_OK ||
	    time_read(X509_get0_notAfter(x), &c->not_after,
	    c->not_after_text, sizeof(c->not_after_text)) != CTL_OK)
		return CTL_ERR_KEY;
	/* Self-signed: its own issuer, and its own key verifies it. */
	k = X509_get0_pubkey(x);
	c->self_signed = X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0 && k != NULL &&
	    X509_verify(x, k) == 1;
	digest_hex(x, EVP_sha1(), c->sha1, sizeof(c->sha1));
	digest_hex(x, EVP_sha256(), c->sha256, sizeof(c->sha256));
	ERR_clear_error();
	return CTL_OK;
}

long
cert_info_days_left(const struct cert_info *c, time_t now)
{
	long long s = (long long)c->not_after - (long long)now;

	/* Floor division: an hour past the end is day -1, not day 0. */
	return (long)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

int
cert_days_parse(const char *option, const char *arg, int *out,
    struct ctl_diag *d)
{
	char *end;
	long v;

	v = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || v < 1 ||
	    v > CERT_DAYS_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s %s: a number of "
		    "days, 1 to %d", option, arg, CERT_DAYS_MAX);
	*out = (int)v;
	return CTL_OK;
}

void
cert_info_json(struct json_out *j, const struct cert_info *c, time_t now)
{
	json_string(j, "subject", c->subject);
	json_string(j, "issuer", c->issuer);
	json_string(j, "serial", c->serial);
	json_string(j, "key", c->key);
	json_string(j, "key_type", c->key_type);
	json_int(j, "key_bits", c->key_bits);
	json_string(j, "not_before", c->not_before_text);
	json_string(j, "not_after", c->not_after_text);
	json_int(j, "days_left", cert_info_days_left(c, now));
	json_bool(j, "self_signed", c->self_signed);
	json_string(j, "sha1", c->sha1);
	json_string(j, "sha256", c->sha256);
}

void
cert_set_free(struct cert_set *s)
{
	size_t i;

	for (i = 0; s->v != NULL && i < s->n; i++)
		X509_free(s->v[i].x);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* One group: NAME (when NODE), PURPOSE, CERT, SHA1 (when TRUST). */
static int
item_parse(const struct proto_fields *g, bool trust, struct cert_item *e,
    struct ctl_diag *d)
{
	static const uint16_t node_fields[] = { PT_NAME, PT_PURPOSE, PT_CERT };
	static const uint16_t trust_fields[] = { PT_PURPOSE, PT_CERT,
	    PT_SHA1 };
	const uint8_t *der, *q;
	char sha[41];
	size_t n;
	int rc, have;

	if ((rc = net_only_fields(g, trust ? trust_fields : node_fields, 3,
	    trust ? "a TRUST" : "a NODE_CERT", d)) ||
	    (!trust && (rc = proto_get_str(g, PT_NAME, true, e->node,
	    sizeof(e->node) - 1, d))) ||
	    (rc = proto_get_str(g, PT_PURPOSE, true, e->type,
	    sizeof(e->type) - 1, d)) ||
	    (rc = proto_get_bytes(g, PT_CERT, true, CERT_ANSWER_MAX, &der, &n,
	    d)))
		return rc;
	net_clean_text(e->node);
	net_clean_text(e->type);
	q = der;
	if (n == 0 || (e->x = d2i_X509(NULL, &q, (long)n)) == NULL ||
	    q != der + n)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "CERT is not one DER "
		    "certificate");
	if (cert_info_read(e->x, &e->info) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "CERT has dates or a "
		    "key that cannot be read");
	if (trust) {
		if ((rc = net_get_sha1(g, PT_SHA1, 1, 0, sha, &have, d)))
			return rc;
		if (strcmp(sha, e->info.sha1) != 0)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "SHA1 %s is "
			    "not the SHA-1 of CERT (%s)", sha, e->info.sha1);
	}
	return CTL_OK;
}

static int
fetch(struct net_session *s, uint8_t type, const char *purpose,
    struct cert_set *out, struct ctl_diag *d)
{
	const bool trust = type == PROTO_TRUST_LIST;
	const uint16_t tag = trust ? PT_TRUST : PT_NODE_CERT;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_fields g = { NULL, 0 };
	struct proto_out o;
	struct ctl_diag pd;
	size_t i, n;
	int rc;

	out->v = NULL;
	out->n = 0;
	net_request(s, &o, type);
	if (purpose != NULL)
		proto_put_str(&o, PT_PURPOSE, purpose);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, &tag, 1, proto_type_name(type),
	    &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to %s: %s",
		    s->peer, proto_type_name(type), ctl_diag_msg(&pd, rc));
		goto out;
	}
	n = proto_count(&a.fs, tag);
	if (n > 0 && (out->v = calloc(n, sizeof(*out->v))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		ctl_diag_clear(&pd);
		out->n = i + 1;
		if ((rc = proto_group_at(&a.fs, tag, i, &g, &pd)) == CTL_OK)
			rc = item_parse(&g, trust, &out->v[i], &pd);
		proto_fields_free(&g);
		if (rc == CTL_OK && purpose != NULL &&
		    strcmp(out->v[i].type, purpose) != 0)
			rc = ctl_diag_set(&pd, CTL_ERR_PROTOCOL, "asked for %s, "
			    "got a certificate of %s", purpose,
			    out->v[i].type);
		if (rc != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: malformed "
			    "answer to %s: %s %zu: %s", s->peer,
			    proto_type_name(type), proto_tag_name(tag), i + 1,
			    ctl_diag_msg(&pd, rc));
			goto out;
		}
	}
	rc = CTL_OK;
out:
	net_reply_free(&a);
	return rc;
}

int
cert_fetch_nodes(struct net_session *s, struct cert_set *out,
    struct ctl_diag *d)
{
	return fetch(s, PROTO_CERT_LIST, NULL, out, d);
}

int
cert_fetch_trust(struct net_session *s, const char *purpose,
    struct cert_set *out, struct ctl_diag *d)
{
	return fetch(s, PROTO_TRUST_LIST, purpose, out, d);
}

int
cert_info_load(const char *path, uint8_t **der, size_t *derlen, X509 **cert,
    struct ctl_diag *d)
{
	uint8_t *raw = NULL, *out = NULL;
	const uint8_t *q;
	X509 *x = NULL, *extra = NULL;
	BIO *b = NULL;
	size_t len = 0;
	int rc, n;

	if ((rc = file_read_limited(path, CERT_INFO_FILE_MAX, &raw, &len, d)))
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
