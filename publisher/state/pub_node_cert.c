#include "pub_node_cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"
#include "pub_layout.h"
#include "pub_state.h"
#include "pub_state_int.h"
#include "pub_trust.h"

int
pub_cert_trust_store(enum pub_cert_purpose p)
{
	switch (p) {
	case PUB_CERT_CALLMANAGER_ECDSA: return PUB_TRUST_CALLMANAGER;
	case PUB_CERT_TOMCAT_ECDSA: return PUB_TRUST_TOMCAT;
	case PUB_CERT_IPSEC: return PUB_TRUST_IPSEC;
	default: return -1;
	}
}

bool
pub_cert_type_is_ec(enum pub_cert_purpose p)
{
	return p == PUB_CERT_CALLMANAGER_ECDSA || p == PUB_CERT_TOMCAT_ECDSA ||
	    p == PUB_CERT_TOMCAT || p == PUB_CERT_CLIENT;
}

/* The CN and kind CUCM gives type P on node N, into G and CN. */
static int
describe_new(const struct pub_node *n, enum pub_cert_purpose p,
    struct pub_certgen *g, char *cn, size_t cnlen, struct ctl_diag *d)
{
	uint8_t rnd[4];

	g->cn = cn;
	g->kind = PUB_CERT_SELF_SIGNED;
	snprintf(cn, cnlen, "%s", n->name);
	switch (p) {
	case PUB_CERT_CALLMANAGER:
	case PUB_CERT_IPSEC:
		break;
	case PUB_CERT_CALLMANAGER_ECDSA:
	case PUB_CERT_TOMCAT_ECDSA:
		/* CUCM's -ECDSA certificates are HOST-EC. */
		snprintf(cn, cnlen, "%s-EC", n->name);
		break;
	case PUB_CERT_CAPF:
		/* CUCM names its CAPF "CAPF-" and 8 hex digits. */
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return ctl_diag_set(d, CTL_ERR_CRYPTO, "the random "
			    "generator failed");
		g->kind = PUB_CERT_SELF_CA;
		snprintf(cn, cnlen, "CAPF-%02x%02x%02x%02x", rnd[0], rnd[1],
		    rnd[2], rnd[3]);
		break;
	case PUB_CERT_TVS:
		snprintf(cn, cnlen, "TVS-%s", n->name);
		break;
	case PUB_CERT_ITLRECOVERY:
		snprintf(cn, cnlen, "ITLRECOVERY_%s", n->name);
		break;
	case PUB_CERT_TOMCAT:
	case PUB_CERT_CLIENT:
		g->kind = p == PUB_CERT_TOMCAT ? PUB_CERT_TLS_SERVER :
		    PUB_CERT_TLS_CLIENT;
		break;
	}
	return CTL_OK;
}

/* The subjectAltName entries of the TLS certificates (set in G). */
static void
tls_names(const struct pub_node *n, enum pub_cert_purpose p,
    struct pub_certgen *g)
{
	g->san_dns[0] = n->name;
	g->san_ip[0] = n->ip;
	if (p != PUB_CERT_TOMCAT)
		return;
	g->san_dns[1] = "localhost";
	/* named here only when the node listens there too */
	g->san_ip[1] = pub_layout_loopback_alias(n->publisher, n->ip);
}

static void
sha1_hex(X509 *x, char hex[41])
{
	uint8_t md[20] = { 0 };

	(void)ctl_cert_sha1(x, md);
	hex_format(hex, 41, md, sizeof(md), '\0', 0);
}

/* Puts NEW where OLD was in each trust store, and in P's own store. */
static int
update_trust(struct pub_state *st, const char *actor, enum pub_cert_purpose p,
    X509 *cert, const char *old_sha1, int *store, struct ctl_diag *d)
{
	unsigned char *der = NULL;
	struct ctl_diag e;
	char sha1[41];
	int len, rc = CTL_OK;
	unsigned t;

	*store = pub_cert_trust_store(p);
	if ((len = i2d_X509(cert, &der)) <= 0)
		return ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot encode the new "
		    "%s certificate", pub_cert_purpose_name(p));
	for (t = 0; t < PUB_TRUST_NPURPOSES; t++) {
		bool want = (int)t == *store;

		if (old_sha1[0] != '\0') {
			rc = pub_trust_delete(st, actor,
			    (enum pub_trust_purpose)t, old_sha1, &e);
			if (rc == CTL_OK)
				want = true;
			else if (rc != CTL_ERR_NOT_FOUND) {
				*d = e;
				goto out;
			}
		}
		if (want && (rc = pub_trust_add(st, actor,
		    (enum pub_trust_purpose)t, der, (size_t)len, sha1, d)) !=
		    CTL_OK)
			goto out;
	}
	rc = CTL_OK;
out:
	OPENSSL_free(der);
	return rc;
}

/* Loads the cluster CA from the cluster directory into CA. */
static int
load_ca(struct pub_state *st, struct pub_cert_ca *ca, struct ctl_diag *d)
{
	char *cpath = NULL, *kpath = NULL;
	int rc;

	if ((rc = pub_layout_path(pub_state_dir(st), NULL, PUB_FILE_CA,
	    &cpath)) == CTL_OK &&
	    (rc = pub_layout_path(pub_state_dir(st), NULL, PUB_FILE_CA_KEY,
	    &kpath)) == CTL_OK)
		rc = pub_certgen_load(cpath, kpath, &ca->cert, &ca->key, d);
	free(cpath);
	free(kpath);
	return rc;
}

/* Writes CERT and KEY to CPATH and KPATH, then records them: the
 * certificate row and the trust stores in one transaction.  MADE gets
 * the new certificate's description; its old_sha1 says what it replaces. */
static int
install(struct pub_state *st, const char *actor, const struct pub_node *n,
    enum pub_cert_purpose p, X509 *cert, EVP_PKEY *key, const char *cpath,
    const char *kpath, struct pub_cert_made *made, struct ctl_diag *d)
{
	uint8_t *ser = NULL;
	size_t serlen = 0;
	int rc;

	if ((rc = pub_certgen_write(cert, key, cpath, kpath, d)) != CTL_OK)
		return rc;
	sha1_hex(cert, made->new_sha1);
	pub_key_describe(key, made->key, sizeof(made->key));
	if (ctl_cert_serial(cert, &ser, &serlen) == CTL_OK)
		hex_format(made->serial, sizeof(made->serial), ser, serlen,
		    '\0', 1);
	free(ser);
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	if ((rc = pub_node_cert_add(st, n->name, p, d)) == CTL_OK)
		rc = update_trust(st, actor, p, cert, made->old_sha1,
		    &made->trust_store, d);
	return pub_state_end(st, NULL, rc, d);
}

int
pub_node_cert_key_check(enum pub_cert_purpose p, enum pub_key_type kt,
    struct ctl_diag *d)
{
	if (kt != PUB_KEY_DEFAULT &&
	    pub_key_type_is_ec(kt) != pub_cert_type_is_ec(p))
		return ctl_diag_set(d, CTL_ERR_USAGE, "the %s certificate has "
		    "%s key; choose %s", pub_cert_purpose_name(p),
		    pub_cert_type_is_ec(p) ? "an EC" : "an RSA",
		    pub_cert_type_is_ec(p) ? "ec256 or ec384" :
		    "rsa2048, rsa3072 or rsa4096");
	/* These keys sign the CTL or the ITL, whose SIGNATUREMODULUS
	 * names 1024, 2048 or 4096 bits only: a 3072-bit one would leave a
	 * certificate no file could be signed with. */
	if (kt == PUB_KEY_RSA3072 && (p == PUB_CERT_CALLMANAGER ||
	    p == PUB_CERT_ITLRECOVERY))
		return ctl_diag_set(d, CTL_ERR_USAGE, "the %s key signs the "
		    "CTL or the ITL, whose signature header names only 1024, "
		    "2048 or 4096-bit keys; choose rsa2048 or rsa4096",
		    pub_cert_purpose_name(p));
	return CTL_OK;
}

int
pub_node_cert_make(struct pub_state *st, const char *actor,
    const struct pub_node *n, enum pub_cert_purpose p, enum pub_key_type kt,
    const struct pub_cert_ca *ca_in, struct pub_cert_made *out,
    struct ctl_diag *d)
{
	struct pub_certgen g = { 0 };
	struct pub_cert_made made;
	struct pub_cert_ca ca = { NULL, NULL }, owned = { NULL, NULL };
	struct ctl_diag e;
	char cn[PUB_NODE_NAME_MAX + 16], file[40];
	char *cpath = NULL, *kpath = NULL;
	X509 *old = NULL, *cert = NULL;
	EVP_PKEY *key = NULL;
	int rc;

	memset(&made, 0, sizeof(made));
	made.trust_store = -1;
	if ((unsigned)p >= PUB_CERT_NPURPOSES)
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown certificate "
		    "purpose %d", (int)p);
	if ((rc = pub_node_cert_key_check(p, kt, d)) != CTL_OK)
		return rc;
	if ((rc = describe_new(n, p, &g, cn, sizeof(cn), d)) != CTL_OK)
		return rc;
	g.key_type = kt != PUB_KEY_DEFAULT ? kt : pub_cert_type_is_ec(p) ?
	    PUB_KEY_EC256 : PUB_KEY_RSA2048;
	/* A certificate the node has already keeps its subject. */
	ctl_diag_clear(&e);
	rc = pub_node_cert_paths(st, n->name, p, &cpath, &kpath, &e);
	if (rc == CTL_OK) {
		if ((rc = pub_certgen_load(cpath, NULL, &old, NULL, d)) !=
		    CTL_OK)
			goto out;
		g.subject = X509_get_subject_name(old);
		sha1_hex(old, made.old_sha1);
	} else if (rc == CTL_ERR_NOT_FOUND) {
		snprintf(file, sizeof(file), "%s.pem", pub_cert_file_base(p));
		if ((rc = pub_layout_path(pub_state_dir(st), n->name, file,
		    &cpath)) != CTL_OK)
			goto out;
		snprintf(file, sizeof(file), "%s.key", pub_cert_file_base(p));
		if ((rc = pub_layout_path(pub_state_dir(st), n->name, file,
		    &kpath)) != CTL_OK)
			goto out;
	} else {
		*d = e;
		goto out;
	}
	if (g.kind == PUB_CERT_TLS_SERVER || g.kind == PUB_CERT_TLS_CLIENT) {
		if (ca_in != NULL)
			ca = *ca_in;
		else if ((rc = load_ca(st, &owned, d)) != CTL_OK)
			goto out;
		else
			ca = owned;
		g.issuer = ca.cert;
		g.issuer_key = ca.key;
		tls_names(n, p, &g);
	}
	if ((rc = pub_certgen_make(&g, &cert, &key, d)) != CTL_OK ||
	    (rc = install(st, actor, n, p, cert, key, cpath, kpath, &made,
	    d)) != CTL_OK)
		goto out;
	if (out != NULL)
		*out = made;
out:
	X509_free(old);
	X509_free(cert);
	EVP_PKEY_free(key);
	X509_free(owned.cert);
	EVP_PKEY_free(owned.key);
	free(cpath);
	free(kpath);
	return rc;
}

int
pub_node_cert_install(struct pub_state *st, const char *actor,
    const struct pub_node *n, enum pub_cert_purpose p, X509 *cert,
    EVP_PKEY *key, struct pub_cert_made *out, struct ctl_diag *d)
{
	struct pub_cert_made made;
	char *cpath = NULL, *kpath = NULL;
	X509 *old = NULL;
	int rc;

	memset(&made, 0, sizeof(made));
	made.trust_store = -1;
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		return ctl_diag_set(d, CTL_ERR_KEY, "the new %s certificate of "
		    "%s does not match its key", pub_cert_purpose_name(p),
		    n->name);
	}
	if ((rc = pub_node_cert_paths(st, n->name, p, &cpath, &kpath, d)) !=
	    CTL_OK ||
	    (rc = pub_certgen_load(cpath, NULL, &old, NULL, d)) != CTL_OK)
		goto out;
	sha1_hex(old, made.old_sha1);
	if ((rc = install(st, actor, n, p, cert, key, cpath, kpath, &made,
	    d)) != CTL_OK)
		goto out;
	if (out != NULL)
		*out = made;
out:
	X509_free(old);
	free(cpath);
	free(kpath);
	return rc;
}
