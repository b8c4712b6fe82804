/*
 * CERT_LIST: every node's own certificates, whatever their types, as
 * DER; and the same certificates as the system certificates that
 * TRUST_DELETE refuses to remove from a trust store.
 */
#include "pub_provider_int.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ctl_err.h"
#include "hex.h"
#include "pub_certgen.h"
#include "pub_node.h"

void
pub_node_certs_free(struct pub_node_cert *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		OPENSSL_free(v[i].der);
	free(v);
}

int
pub_node_certs_collect(struct pub_state *st, struct pub_node_cert **out,
    size_t *nout, struct ctl_diag *d)
{
	struct pub_node *nodes = NULL;
	struct pub_node_cert *v = NULL, *e;
	unsigned char *der;
	uint8_t md[20];
	size_t n = 0, i, have = 0;
	char *path;
	unsigned p;
	X509 *x;
	int len, rc;

	*out = NULL;
	*nout = 0;
	if ((rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK)
		return rc;
	if (n > 0 && (v = calloc(n * PUB_CERT_NPURPOSES, sizeof(*v))) ==
	    NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Every type the state knows, so that a new one is listed too. */
	for (i = 0; i < n; i++)
		for (p = 0; p < PUB_CERT_NPURPOSES; p++) {
			path = NULL;
			x = NULL;
			der = NULL;
			if (pub_node_cert_paths(st, nodes[i].name,
			    (enum pub_cert_purpose)p, &path, NULL, NULL) ==
			    CTL_OK && pub_certgen_load(path, NULL, &x, NULL,
			    NULL) == CTL_OK && (len = i2d_X509(x, &der)) > 0 &&
			    EVP_Digest(der, (size_t)len, md, NULL, EVP_sha1(),
			    NULL) == 1) {
				e = &v[have++];
				snprintf(e->node, sizeof(e->node), "%s",
				    nodes[i].name);
				e->purpose = (enum pub_cert_purpose)p;
				e->der = der;
				e->der_len = (size_t)len;
				hex_format(e->sha1, sizeof(e->sha1), md,
				    sizeof(md), '\0', 0);
				der = NULL;     /* transferred */
			}
			OPENSSL_free(der);
			X509_free(x);
			free(path);
		}
	*out = v;
	*nout = have;
	v = NULL;   /* transferred */
	rc = CTL_OK;
out:
	free(nodes);
	pub_node_certs_free(v, have);
	return rc;
}

int
pub_do_cert_list(struct pub_session *s, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct pub_node_cert *v = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = pub_node_certs_collect(s->data, &v, &n, d)) != CTL_OK)
		return rc;
	for (i = 0; i < n; i++) {
		/* the TLS client certificate between nodes is internal, not
		 * one of the cluster's certificate types */
		if (v[i].purpose == PUB_CERT_CLIENT)
			continue;
		proto_group_begin(reply, PT_NODE_CERT);
		proto_put_str(reply, PT_NAME, v[i].node);
		proto_put_str(reply, PT_PURPOSE,
		    pub_cert_purpose_name(v[i].purpose));
		proto_put_bytes(reply, PT_CERT, v[i].der, v[i].der_len);
		proto_group_end(reply);
	}
	pub_node_certs_free(v, n);
	return CTL_OK;
}
