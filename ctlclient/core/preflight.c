/* Would the cluster's phones accept a new CTL? */
#include "preflight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_trust.h"
#include "ctl_verify.h"
#include "hex.h"
#include "net_cluster.h"
#include "proto_frame.h"

/* A certificate TVS vouches for, and where it found it. */
struct vouch {
	X509 *cert;             /* owned */
	char where[160];
};

struct tvs_view {
	struct vouch *v;
	size_t n, cap;
};

static int
view_add(struct tvs_view *t, X509 *cert, const char *where)
{
	struct vouch *nv;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		if ((nv = realloc(t->v, t->cap * sizeof(*nv))) == NULL)
			return CTL_ERR_NOMEM;
		t->v = nv;
	}
	t->v[t->n].cert = cert;
	snprintf(t->v[t->n].where, sizeof(t->v[t->n].where), "%s", where);
	t->n++;
	return CTL_OK;
}

static void
view_free(struct tvs_view *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		X509_free(t->v[i].cert);
	free(t->v);
}

/* The cluster's CTL, or *OUT NULL when it has none. */
static int
fetch_ctl(struct net_session *s, struct ctl_file **out, struct ctl_diag *d)
{
	struct proto_out o;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct ctl_diag pd;
	const uint8_t *p;
	size_t len;
	int rc;

	*out = NULL;
	net_request(s, &o, PROTO_FETCH_CTL);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc == CTL_ERR_NOT_FOUND) {
		rc = CTL_OK;            /* phones hold no CTL yet */
		goto out;
	}
	if (rc != CTL_OK)
		goto out;
	if ((rc = proto_get_bytes(&a.fs, PT_FILE, true, PROTO_MAX_FILE, &p,
	    &len, d)) != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = ctl_parse(p, len, out, &pd)) != CTL_OK)
		rc = ctl_diag_set(d, rc, "the cluster's CTL does not parse: %s",
		    pd.msg);
out:
	net_reply_free(&a);
	return rc;
}

/* Every trust store certificate, into T. */
static int
add_trust_stores(struct net_session *s, struct tvs_view *t,
    struct ctl_diag *d)
{
	struct proto_out o;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_fields g = { NULL, 0 };
	char purpose[65], where[160];
	const uint8_t *der, *p;
	size_t len, i, n;
	X509 *x;
	int rc;

	net_request(s, &o, PROTO_TRUST_LIST);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	n = proto_count(&a.fs, PT_TRUST);
	for (i = 0; i < n && rc == CTL_OK; i++) {
		if ((rc = proto_group_at(&a.fs, PT_TRUST, i, &g, d)) != CTL_OK ||
		    (rc = proto_get_str(&g, PT_PURPOSE, true, purpose, 64, d)) ||
		    (rc = proto_get_bytes(&g, PT_CERT, true, PROTO_MAX_FILE,
		    &der, &len, d)))
			break;
		p = der;
		if ((x = d2i_X509(NULL, &p, (long)len)) == NULL) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "a %s certificate "
			    "from the server is not DER", purpose);
			break;
		}
		snprintf(where, sizeof(where), "in %s", purpose);
		if ((rc = view_add(t, x, where)) != CTL_OK)
			X509_free(x);
		proto_fields_free(&g);
	}
	proto_fields_free(&g);
out:
	net_reply_free(&a);
	return rc;
}

/*
 * What the cluster's TVS vouches for: its nodes' own certificates, its
 * trust stores, and the certificates of the CTL on the server.
 */
static int
tvs_view_read(struct net_session *s, const struct ctl_file *installed,
    struct tvs_view *t, struct ctl_diag *d)
{
	struct net_cluster c;
	char where[160];
	size_t i, k;
	int rc;

	if ((rc = net_cluster_info(s, &c, d)) != CTL_OK)
		return rc;
	for (i = 0; i < c.nnodes && rc == CTL_OK; i++)
		for (k = 0; k < NET_CERT_N && rc == CTL_OK; k++) {
			if (c.nodes[i].certs[k] == NULL)
				continue;
			snprintf(where, sizeof(where), "among the cluster's own "
			    "certificates (%s %s)", c.nodes[i].name,
			    net_cert_name((enum net_cert)k));
			X509_up_ref(c.nodes[i].certs[k]);
			if ((rc = view_add(t, c.nodes[i].certs[k], where)))
				X509_free(c.nodes[i].certs[k]);
		}
	net_cluster_free(&c);
	if (rc != CTL_OK || (rc = add_trust_stores(s, t, d)) != CTL_OK)
		return rc;
	for (i = 0; installed != NULL && i < installed->nrecords; i++) {
		X509 *x = installed->records[i].cert;

		if (x == NULL)
			continue;
		X509_up_ref(x);
		snprintf(where, sizeof(where), "in the CTL file on the server "
		    "(record %zu)", i + 1);
		if ((rc = view_add(t, x, where)) != CTL_OK) {
			X509_free(x);
			return rc;
		}
	}
	return CTL_OK;
}

/* Does TVS find SIGNER (by issuer and serial, as it looks up) and hand
 * back a certificate with the same key, so the signature verifies?
 * WHOLE: the certificate found must equal SIGNER byte for byte, which
 * is what TVS itself demands (docs/tvs.md). */
static const struct vouch *
tvs_lookup(const struct tvs_view *t, X509 *signer, bool whole)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (X509_NAME_cmp(X509_get_issuer_name(t->v[i].cert),
		    X509_get_issuer_name(signer)) == 0 &&
		    ASN1_INTEGER_cmp(X509_get0_serialNumber(t->v[i].cert),
		    X509_get0_serialNumber(signer)) == 0 &&
		    EVP_PKEY_eq(X509_get0_pubkey(t->v[i].cert),
		    X509_get0_pubkey(signer)) == 1 &&
		    (!whole || X509_cmp(t->v[i].cert, signer) == 0))
			return &t->v[i];
	return NULL;
}

static void
print_verdict(const struct preflight *p)
{
	printf("Preflight: what the cluster's phones would make of the new "
	    "CTL\n");
	printf("  phones with TVS:                %s: %s\n", p->tvs_accept ?
	    "ACCEPT" : "REJECT", p->tvs_reason);
	printf("  phones without TVS (7940/7960): %s: %s\n",
	    p->direct_accept ? "ACCEPT" : "REJECT", p->direct_accept ?
	    p->direct_reason : "the CTL must be deleted by hand on each of "
	    "them");
}

/* The TVS half of the verdict for a CTL signed by SIGNER (SUBJECT). */
static void
tvs_verdict(const struct tvs_view *tvs, X509 *signer, const char *subject,
    struct preflight *p)
{
	const struct vouch *v;

	if ((v = tvs_lookup(tvs, signer, false)) != NULL) {
		p->tvs_accept = true;
		snprintf(p->tvs_reason, sizeof(p->tvs_reason), "accepted via "
		    "TVS: the signer %s is %s", subject, v->where);
	} else {
		snprintf(p->tvs_reason, sizeof(p->tvs_reason), "TVS does not "
		    "know the signer %s: it is not among the cluster's own "
		    "certificates, its trust stores, or the CTL on the server "
		    "(upload it as Phone-SAST-trust first)", subject);
	}
}

int
preflight_signer(struct net_session *s, X509 *signer, struct preflight *p,
    struct ctl_diag *d)
{
	struct ctl_file *installed = NULL;
	struct tvs_view tvs = { NULL, 0, 0 };
	char *subject = NULL;
	size_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = fetch_ctl(s, &installed, d)) != CTL_OK ||
	    (rc = tvs_view_read(s, installed, &tvs, d)) != CTL_OK)
		goto out;
	if (ctl_name_format(X509_get_subject_name(signer), &subject) !=
	    CTL_OK)
		subject = NULL;
	if (installed == NULL) {
		p->direct_accept = p->tvs_accept = true;
		snprintf(p->direct_reason, sizeof(p->direct_reason), "a phone "
		    "with no CTL accepts the first one it downloads");
		snprintf(p->tvs_reason, sizeof(p->tvs_reason), "%s",
		    p->direct_reason);
		goto print;
	}
	/* A SAST of the installed CTL with the signer's identity and key. */
	for (i = 0; i < installed->nrecords; i++) {
		X509 *x = installed->records[i].cert;

		if (installed->records[i].role == CTL_ROLE_SAST && x != NULL &&
		    X509_NAME_cmp(X509_get_issuer_name(x),
		    X509_get_issuer_name(signer)) == 0 &&
		    ASN1_INTEGER_cmp(X509_get0_serialNumber(x),
		    X509_get0_serialNumber(signer)) == 0 &&
		    EVP_PKEY_eq(X509_get0_pubkey(x), X509_get0_pubkey(signer)) ==
		    1)
			break;
	}
	if (i < installed->nrecords) {
		p->direct_accept = p->tvs_accept = true;
		snprintf(p->direct_reason, sizeof(p->direct_reason), "signed by "
		    "%s, a SAST in the installed CTL (record %zu)",
		    subject ? subject : "?", i + 1);
		snprintf(p->tvs_reason, sizeof(p->tvs_reason), "%s",
		    p->direct_reason);
	} else {
		snprintf(p->direct_reason, sizeof(p->direct_reason), "the "
		    "signer %s is not a SAST in the installed CTL",
		    subject ? subject : "?");
		tvs_verdict(&tvs, signer, subject ? subject : "?", p);
	}
print:
	print_verdict(p);
	rc = CTL_OK;
out:
	free(subject);
	view_free(&tvs);
	ctl_free(installed);
	return rc;
}

int
preflight_run(struct net_session *s, const uint8_t *newctl, size_t len,
    struct preflight *p, struct ctl_diag *d)
{
	struct ctl_file *installed = NULL, *newf = NULL;
	struct tvs_view tvs = { NULL, 0, 0 };
	struct ctl_trust t;
	struct ctl_diag pd;
	int rc;

	memset(p, 0, sizeof(*p));
	ctl_diag_clear(&pd);
	if ((rc = ctl_parse(newctl, len, &newf, &pd)) != CTL_OK) {
		snprintf(p->tvs_reason, sizeof(p->tvs_reason), "the new file "
		    "is not a valid .tlv file: %s", pd.msg);
		snprintf(p->direct_reason, sizeof(p->direct_reason), "%s",
		    p->tvs_reason);
		goto print;
	}
	if ((rc = fetch_ctl(s, &installed, d)) != CTL_OK ||
	    (rc = tvs_view_read(s, installed, &tvs, d)) != CTL_OK)
		goto out;
	if ((rc = ctl_trust_direct(installed, newf, &t, d)) != CTL_OK)
		goto out;
	p->direct_accept = t.accept;
	snprintf(p->direct_reason, sizeof(p->direct_reason), "%s", t.reason);
	if (t.accept) {
		p->tvs_accept = true;
		snprintf(p->tvs_reason, sizeof(p->tvs_reason), "%s", t.reason);
	} else if (!t.tvs_could_help) {
		snprintf(p->tvs_reason, sizeof(p->tvs_reason), "%s", t.reason);
	} else {
		tvs_verdict(&tvs, newf->records[t.new_signer].cert,
		    newf->records[t.new_signer].subject ?
		    newf->records[t.new_signer].subject : "(no subject)", p);
	}
print:
	print_verdict(p);
	rc = CTL_OK;
out:
	view_free(&tvs);
	ctl_free(installed);
	ctl_free(newf);
	return rc;
}

int
preflight_decide(const struct preflight *p, bool force, struct ctl_diag *d)
{
	if (!p->direct_accept && p->tvs_accept)
		fprintf(stderr, "ctlclient: warning: phones without TVS "
		    "(7940/7960) will reject this CTL and need it deleted by "
		    "hand\n");
	if (p->tvs_accept)
		return CTL_OK;
	if (force) {
		fprintf(stderr, "ctlclient: WARNING: pushing although phones "
		    "with TVS would reject it (--force): %s\n", p->tvs_reason);
		return CTL_OK;
	}
	return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "refusing to push a CTL "
	    "that phones with TVS would reject: %s; or push anyway with "
	    "--force", p->tvs_reason);
}

struct preflight_tvs {
	struct tvs_view view;
};

int
preflight_tvs_read(struct net_session *s, struct preflight_tvs **out,
    struct ctl_diag *d)
{
	struct preflight_tvs *t = NULL;
	struct ctl_file *ctl = NULL;
	int rc;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory for what "
		    "TVS vouches for");
	if ((rc = fetch_ctl(s, &ctl, d)) != CTL_OK ||
	    (rc = tvs_view_read(s, ctl, &t->view, d)) != CTL_OK)
		goto out;
	*out = t;
	t = NULL;   /* transferred */
out:
	preflight_tvs_free(t);
	ctl_free(ctl);
	return rc;
}

const char *
preflight_tvs_vouches(const struct preflight_tvs *t, X509 *cert)
{
	const struct vouch *v = tvs_lookup(&t->view, cert, true);

	return v != NULL ? v->where : NULL;
}

void
preflight_tvs_free(struct preflight_tvs *t)
{
	if (t == NULL)
		return;
	view_free(&t->view);
	free(t);
}
