/*
 * Where the pending key lives: in the node's directory, beside the
 * node's other keys, as nodes/NODE/BASE.csr.key (mode 0600), BASE being
 * pub_cert_file_base().  Every private key of the cluster is such a
 * file and the state database holds only paths, so the database (and
 * what copies it) never holds a key; the pending request is the file's
 * existence, one per node and type, and needs no schema change.
 */
#include "pub_ca_signed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_chain.h"
#include "pub_csr.h"
#include "pub_layout.h"
#include "pub_node_cert.h"
#include "pub_state.h"

int
pub_cert_ca_store(enum pub_cert_purpose p, enum pub_trust_purpose *store,
    struct ctl_diag *d)
{
	switch (p) {
	case PUB_CERT_CALLMANAGER:
	case PUB_CERT_CALLMANAGER_ECDSA:
	case PUB_CERT_TVS:
		*store = PUB_TRUST_CALLMANAGER;
		return CTL_OK;
	case PUB_CERT_TOMCAT:
	case PUB_CERT_TOMCAT_ECDSA:
		*store = PUB_TRUST_TOMCAT;
		return CTL_OK;
	case PUB_CERT_IPSEC:
		*store = PUB_TRUST_IPSEC;
		return CTL_OK;
	case PUB_CERT_CAPF:
		*store = PUB_TRUST_CAPF;
		return CTL_OK;
	case PUB_CERT_ITLRECOVERY:
		return ctl_diag_set(d, CTL_ERR_NOT_ALLOWED, "the ITLRecovery "
		    "certificate cannot be signed by a certificate authority: "
		    "phones find it in the ITL as it is, self-signed, to "
		    "recover a cluster whose other certificates changed; "
		    "regenerate it instead (ctlclient cert regenerate)");
	case PUB_CERT_CLIENT:
		break;
	}
	return ctl_diag_set(d, CTL_ERR_USAGE, "unknown certificate type: the "
	    "types are %s", pub_cert_type_list());
}

/* The path of node N's pending key for type P, into *OUT (free). */
static int
pending_path(struct pub_state *st, const struct pub_node *n,
    enum pub_cert_purpose p, char **out, struct ctl_diag *d)
{
	char file[48];

	snprintf(file, sizeof(file), "%s.csr.key", pub_cert_file_base(p));
	if (pub_layout_path(pub_state_dir(st), n->name, file, out) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	return CTL_OK;
}

/* Node N's names and addresses, or every node's (ALL), in DNS and IP
 * (borrowed from N and *NODES, which the caller frees). */
static int
san_names(struct pub_state *st, const struct pub_node *n, bool all,
    struct pub_node **nodes, const char ***dns, const char ***ip,
    size_t *count, struct ctl_diag *d)
{
	size_t nn = 1, i;
	int rc;

	*nodes = NULL;
	if (all && (rc = pub_node_list(st, nodes, &nn, d)) != CTL_OK)
		return rc;
	if (nn > PUB_CSR_SAN_MAX / 2)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG, "%zu nodes: a request "
		    "names at most %d", nn, PUB_CSR_SAN_MAX / 2);
	if ((*dns = calloc(nn, sizeof(**dns))) == NULL ||
	    (*ip = calloc(nn, sizeof(**ip))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	for (i = 0; i < nn; i++) {
		const struct pub_node *x = all ? &(*nodes)[i] : n;

		(*dns)[i] = x->name;
		(*ip)[i] = x->ip;
	}
	*count = nn;
	return CTL_OK;
}

int
pub_cert_csr(struct pub_state *st, const char *actor, const char *node,
    enum pub_cert_purpose p, bool multi_san, char **pem, size_t *len,
    char key[24], struct ctl_diag *d)
{
	enum pub_trust_purpose store;
	struct pub_node n, *nodes = NULL;
	const char **dns = NULL, **ip = NULL;
	char *cpath = NULL, *path = NULL, detail[PUB_NODE_NAME_MAX + 48];
	X509 *cur = NULL;
	EVP_PKEY *k = NULL;
	size_t count = 0;
	int rc;

	*pem = NULL;
	if ((rc = pub_cert_ca_store(p, &store, d)) != CTL_OK ||
	    (rc = pub_cert_regen_check(st, node, p, &n, d)) != CTL_OK)
		return rc;
	/* The subject stays the node's, as CUCM's request keeps it. */
	if ((rc = pub_node_cert_paths(st, n.name, p, &cpath, NULL, d)) !=
	    CTL_OK ||
	    (rc = pub_certgen_load(cpath, NULL, &cur, NULL, d)) != CTL_OK ||
	    (rc = san_names(st, &n, multi_san, &nodes, &dns, &ip, &count,
	    d)) != CTL_OK ||
	    (rc = pending_path(st, &n, p, &path, d)) != CTL_OK)
		goto out;
	if ((rc = pub_csr_make(X509_get_subject_name(cur), dns, count, ip,
	    count, pub_cert_type_is_ec(p) ? PUB_KEY_EC256 : PUB_KEY_RSA2048,
	    &k, pem, len, d)) != CTL_OK ||
	    (rc = pub_csr_key_write(path, k, d)) != CTL_OK)
		goto out;
	pub_key_describe(k, key, 24);
	snprintf(detail, sizeof(detail), "%s %s%s", n.name,
	    pub_cert_purpose_name(p), multi_san ? " multi-SAN" : "");
	rc = pub_audit_add(st, actor, "cert-csr", NULL, NULL, detail, d);
out:
	if (rc != CTL_OK) {
		free(*pem);
		*pem = NULL;
	}
	EVP_PKEY_free(k);
	X509_free(cur);
	free(nodes);
	free(dns);
	free(ip);
	free(cpath);
	free(path);
	return rc;
}

/* The certificates of trust store S, parsed, into *OUT (*N of them). */
static int
store_certs(struct pub_state *st, enum pub_trust_purpose s, X509 ***out,
    size_t *n, struct ctl_diag *d)
{
	struct pub_trust_entry *v = NULL;
	const uint8_t *q;
	size_t nv = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = pub_trust_list(st, 0, s, &v, &nv, d)) != CTL_OK)
		return rc;
	if (nv > 0 && (*out = calloc(nv, sizeof(**out))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nv; i++) {
		q = v[i].der;
		/* the store holds only certificates that parsed when added */
		if (((*out)[*n] = d2i_X509(NULL, &q, (long)v[i].der_len)) !=
		    NULL)
			(*n)++;
	}
	ERR_clear_error();
out:
	pub_trust_list_free(v, nv);
	return rc;
}

static void
certs_free(X509 **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		X509_free(v[i]);
	free(v);
}

struct upload_ctx {
	X509 *cert;
	int64_t now;
};

/* The maker of pub_cert_replace for a CA-signed certificate. */
static int
install_signed(struct pub_state *st, const char *actor,
    const struct pub_node *n, enum pub_cert_purpose p, void *ctx,
    struct pub_cert_made *made, struct ctl_diag *d)
{
	const struct upload_ctx *u = ctx;
	enum pub_trust_purpose store;
	struct ctl_diag e;
	EVP_PKEY *key = NULL;
	X509 **chain = NULL;
	size_t nchain = 0;
	char *path = NULL;
	int rc;

	if ((rc = pub_cert_ca_store(p, &store, d)) != CTL_OK ||
	    (rc = pending_path(st, n, p, &path, d)) != CTL_OK)
		goto out;
	ctl_diag_clear(&e);
	if ((rc = pub_csr_key_read(path, &key, &e)) == CTL_ERR_NOT_FOUND) {
		rc = ctl_diag_set(d, rc, "there is no pending request for the "
		    "%s certificate of %s: make one with ctlclient cert csr, "
		    "and have it signed", pub_cert_purpose_name(p), n->name);
		goto out;
	}
	if (rc != CTL_OK) {
		*d = e;
		goto out;
	}
	if (EVP_PKEY_eq(X509_get0_pubkey(u->cert), key) != 1) {
		ERR_clear_error();
		rc = ctl_diag_set(d, CTL_ERR_KEY, "the certificate's public key "
		    "is not the key of the pending request for the %s "
		    "certificate of %s: it was signed for another request (a "
		    "newer ctlclient cert csr replaces the older one); have "
		    "the latest request signed", pub_cert_purpose_name(p),
		    n->name);
		goto out;
	}
	if ((rc = store_certs(st, store, &chain, &nchain, d)) != CTL_OK ||
	    (rc = pub_chain_check(u->cert, chain, nchain, u->now,
	    pub_trust_purpose_name(store), d)) != CTL_OK ||
	    (rc = pub_node_cert_install(st, actor, n, p, u->cert, key, made,
	    d)) != CTL_OK)
		goto out;
	/* The key is the node's now; a leftover file would only be a copy
	 * of it, so a failed unlink is not a failure of the upload. */
	(void)unlink(path);
out:
	certs_free(chain, nchain);
	EVP_PKEY_free(key);
	free(path);
	return rc;
}

int
pub_cert_upload(struct pub_state *st, const char *actor, const char *node,
    enum pub_cert_purpose p, const uint8_t *der, size_t len, int64_t now,
    struct pub_regen_result *out, struct ctl_diag *d)
{
	enum pub_trust_purpose store;
	struct upload_ctx u = { NULL, now };
	const uint8_t *q = der;
	int rc;

	if ((rc = pub_cert_ca_store(p, &store, d)) != CTL_OK)
		return rc;
	if (len == 0 || len > PUB_TRUST_CERT_MAX ||
	    (u.cert = d2i_X509(NULL, &q, (long)len)) == NULL ||
	    q != der + len) {
		ERR_clear_error();
		rc = ctl_diag_set(d, CTL_ERR_KEY, "the uploaded bytes are not "
		    "one certificate (DER, at most %d bytes)",
		    PUB_TRUST_CERT_MAX);
		goto out;
	}
	rc = pub_cert_replace(st, actor, node, p, "cert-upload", NULL,
	    install_signed, &u, out, d);
out:
	X509_free(u.cert);
	return rc;
}
