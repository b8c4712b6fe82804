/* The PKCS12 files of bulk certificate management: see bulk_p12.h. */
#include "bulk_p12.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include "ctl_err.h"
#include "pub_p12.h"

int
bulk_certs_add(struct bulk_certs *c, const char *cluster, const char *node,
    enum bulk_cert type, X509 *x, struct ctl_diag *d)
{
	struct bulk_cert_item *nv;

	if (c->n == BULK_P12_MAX_CERTS)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG, "more than %d "
		    "certificates", BULK_P12_MAX_CERTS);
	if ((nv = realloc(c->v, (c->n + 1) * sizeof(*nv))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	c->v = nv;
	memset(&nv[c->n], 0, sizeof(nv[c->n]));
	snprintf(nv[c->n].cluster, sizeof(nv[c->n].cluster), "%s", cluster);
	snprintf(nv[c->n].node, sizeof(nv[c->n].node), "%s", node);
	nv[c->n].type = type;
	X509_up_ref(x);
	nv[c->n].x = x;
	c->n++;
	return CTL_OK;
}

void
bulk_certs_free(struct bulk_certs *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		X509_free(c->v[i].x);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

int
bulk_p12_build(const struct bulk_certs *c, bool consolidated,
    uint8_t **out, size_t *len, struct ctl_diag *d)
{
	STACK_OF(X509) *sk = NULL;
	PKCS12 *p12 = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	char fname[BULK_NAME_MAX];
	size_t i;
	int n, rc = CTL_ERR_CRYPTO;

	*out = NULL;
	*len = 0;
	if ((sk = sk_X509_new_null()) == NULL)
		goto out;
	for (i = 0; i < c->n; i++) {
		/* A copy: the alias is set on the certificate itself. */
		if ((x = X509_dup(c->v[i].x)) == NULL)
			goto out;
		bulk_friendly_name(c->v[i].cluster, c->v[i].node,
		    c->v[i].type, consolidated, fname);
		if (X509_alias_set1(x, (const unsigned char *)fname,
		    (int)strlen(fname)) != 1 || sk_X509_push(sk, x) <= 0)
			goto out;
		x = NULL; /* transferred */
	}
	/* No key, no certificate of its own: the certificates go in as
	 * "other" certificates, each with its friendly name. */
	if ((p12 = PKCS12_create(BULK_P12_PASSWORD, NULL, NULL, NULL, sk, 0,
	    0, 0, 0, 0)) == NULL)
		goto out;
	if ((n = i2d_PKCS12(p12, &der)) <= 0)
		goto out;
	if ((*out = malloc((size_t)n)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*out, der, (size_t)n);
	*len = (size_t)n;
	rc = CTL_OK;
out:
	if (rc == CTL_ERR_CRYPTO)
		ctl_diag_set(d, rc, "cannot build the PKCS12 file");
	ERR_clear_error();
	OPENSSL_free(der);
	PKCS12_free(p12);
	X509_free(x);
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

int
bulk_p12_parse(const char *name, const uint8_t *p, size_t len,
    const struct bulk_file_name *fn, struct bulk_certs *out,
    struct ctl_diag *d)
{
	struct bulk_certs got = { NULL, 0 };
	STACK_OF(X509) *ca = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL, *x;
	const unsigned char *alias;
	char cluster[BULK_ID_MAX], node[PUB_NODE_NAME_MAX];
	enum bulk_cert type;
	struct bulk_cert_item *nv;
	int i, alen, rc = CTL_ERR_FORMAT;

	switch (pub_p12_open(p, len, INT_MAX, BULK_P12_PASSWORD, &key, &cert,
	    &ca, NULL, 0)) {
	case PUB_P12_OK:
		break;
	case PUB_P12_NOT_PKCS12:
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s is not a PKCS12 file; "
		    "remove it from the SFTP server and export again", name);
		goto out;
	case PUB_P12_NO_MAC:
	case PUB_P12_WRONG_PASSWORD:
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: the PKCS12 password "
		    "of bulk certificate files does not open it (made by "
		    "another tool?); remove it and export again", name);
		goto out;
	case PUB_P12_UNREADABLE:
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: the PKCS12 file "
		    "cannot be read; remove it and export again", name);
		goto out;
	}
	if (key != NULL || cert != NULL) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s holds a private key: "
		    "bulk certificate files hold certificates only; remove it",
		    name);
		goto out;
	}
	for (i = 0; i < sk_X509_num(ca); i++) {
		x = sk_X509_value(ca, i);
		alias = X509_alias_get0(x, &alen);
		if (alias == NULL || alen <= 0 || bulk_friendly_parse(
		    (const char *)alias, (size_t)alen, fn->consolidated,
		    cluster, node, &type) != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: certificate "
			    "%d has no friendly name of ours (a type such as "
			    "CallManager%s); remove the file and export again",
			    name, i + 1, fn->consolidated ?
			    ", after its cluster and node" : "");
			goto out;
		}
		if (!bulk_cert_in_type(type, fn->type)) {
			rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: certificate "
			    "%d is a %s certificate, which a %s file does not "
			    "hold", name, i + 1, bulk_cert_name(type),
			    bulk_type_name(fn->type));
			goto out;
		}
		if ((rc = bulk_certs_add(&got, fn->consolidated ? cluster :
		    fn->cluster, fn->consolidated ? node : fn->node, type, x,
		    d)) != CTL_OK)
			goto out;
	}
	if (got.n == 0) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s holds no certificate",
		    name);
		goto out;
	}
	if (out->n + got.n > BULK_P12_MAX_CERTS) {
		rc = ctl_diag_set(d, CTL_ERR_TOO_BIG, "%s: more than %d "
		    "certificates in all", name, BULK_P12_MAX_CERTS);
		goto out;
	}
	if ((nv = realloc(out->v, (out->n + got.n) * sizeof(*nv))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	out->v = nv;
	memcpy(out->v + out->n, got.v, got.n * sizeof(*nv));
	out->n += got.n;
	free(got.v);
	got.v = NULL; /* transferred */
	got.n = 0;
	rc = CTL_OK;
out:
	ERR_clear_error();
	bulk_certs_free(&got);
	sk_X509_pop_free(ca, X509_free);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}
