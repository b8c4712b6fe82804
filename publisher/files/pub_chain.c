#include "pub_chain.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ctl_err.h"

/* A name on one line, RFC 2253 ("CN=Root,O=Lab") with control and
 * non-ASCII bytes escaped, quoted, for a message. */
static const char *
name_text(const X509_NAME *nm, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n = 0;

	if (b != NULL && nm != NULL &&
	    X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_get_mem_data(b, &p);
	if (n > 0)
		snprintf(buf, len, "\"%.*s\"", (int)n, p);
	else
		snprintf(buf, len, "(an unreadable name)");
	BIO_free(b);
	return buf;
}

/* -1 not yet valid, 1 expired, 0 valid at NOW. */
static int
validity(X509 *x, int64_t now)
{
	time_t t = (time_t)now;

	if (X509_cmp_time(X509_get0_notBefore(x), &t) > 0)
		return -1;
	if (X509_cmp_time(X509_get0_notAfter(x), &t) < 0)
		return 1;
	return 0;
}

static bool
signed_by(X509 *x, X509 *issuer)
{
	EVP_PKEY *k = X509_get0_pubkey(issuer);
	bool ok = k != NULL && X509_verify(x, k) == 1;

	ERR_clear_error();
	return ok;
}

static bool
self_signed(X509 *x)
{
	return X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0 && signed_by(x, x);
}

int
pub_chain_check(X509 *leaf, X509 *const *store, size_t n, int64_t now,
    const char *store_name, struct ctl_diag *d)
{
	char sub[256], iss[256];
	X509 *cur = leaf, *up;
	size_t depth, i;
	bool named;
	int v;

	name_text(X509_get_subject_name(leaf), sub, sizeof(sub));
	if ((v = validity(leaf, now)) != 0)
		return ctl_diag_set(d, CTL_ERR_KEY, "the certificate %s is %s: "
		    "have the certificate authority sign the request again",
		    sub, v > 0 ? "expired" : "not valid yet");
	if (self_signed(leaf))
		return ctl_diag_set(d, CTL_ERR_KEY, "the certificate %s is "
		    "self-signed, not signed by a certificate authority (a new "
		    "self-signed one is ctlclient cert regenerate)", sub);
	for (depth = 1; depth < PUB_CHAIN_MAX_DEPTH; depth++) {
		name_text(X509_get_subject_name(cur), sub, sizeof(sub));
		name_text(X509_get_issuer_name(cur), iss, sizeof(iss));
		up = NULL;
		named = false;
		for (i = 0; i < n && up == NULL; i++) {
			if (X509_NAME_cmp(X509_get_subject_name(store[i]),
			    X509_get_issuer_name(cur)) != 0)
				continue;
			named = true;
			/* A name is not proof: the key must verify. */
			if (signed_by(cur, store[i]))
				up = store[i];
		}
		if (up == NULL && named)
			return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "the signature "
			    "of %s does not verify with the key of %s in %s: "
			    "that certificate has the issuer's name but is not "
			    "the one that signed; upload the right one with "
			    "ctlclient trust upload", sub, iss, store_name);
		if (up == NULL)
			return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "the chain is "
			    "incomplete: %s, the issuer of %s, is not in %s; "
			    "upload it first (root, then intermediate) with "
			    "ctlclient trust upload --purpose %s", iss, sub,
			    store_name, store_name);
		if (X509_check_ca(up) < 1)
			return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "%s in %s "
			    "signed %s but is not a certificate authority "
			    "(no CA basic constraint)", iss, store_name, sub);
		if ((v = validity(up, now)) != 0)
			return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "%s in %s is "
			    "%s: the chain of %s does not hold; upload the "
			    "authority's current certificate", iss, store_name,
			    v > 0 ? "expired" : "not valid yet", sub);
		if (self_signed(up))
			return CTL_OK;
		cur = up;
	}
	return ctl_diag_set(d, CTL_ERR_TOO_BIG, "the chain of %s is longer "
	    "than %d certificates", name_text(X509_get_subject_name(leaf), sub,
	    sizeof(sub)), PUB_CHAIN_MAX_DEPTH);
}
