/* CERT_CSR and CERT_UPLOAD: CUCM's "Generate CSR" and the upload of the
 * certificate a certificate authority signed, over the network. */
#include "pub_provider_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_err.h"
#include "pub_ca_signed.h"
#include "pub_log.h"
#include "pub_regen.h"
#include "pub_state.h"
#include "pub_trust.h"

int
pub_do_cert_csr(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	char node[PUB_NODE_NAME_MAX], key[24];
	enum pub_cert_purpose p;
	uint8_t multi = 0;
	char *pem = NULL;
	size_t len = 0;
	int rc;

	if ((rc = pub_cert_target(fs, node, &p, d)) != CTL_OK)
		return rc;
	rc = proto_get_u8(fs, PT_MULTI_SAN, false, &multi, d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	pthread_mutex_lock(&srv->change);
	rc = pub_cert_csr(s->data, s->user, node, p, multi != 0, &pem, &len,
	    key, d);
	pthread_mutex_unlock(&srv->change);
	if (rc != CTL_OK)
		return rc;
	pub_log("%s: %s made a request for the %s certificate of %s (%s%s)",
	    s->addr, s->user, pub_cert_purpose_name(p), node, key,
	    multi ? ", every node's names" : "");
	proto_put_str(reply, PT_NAME, node);
	proto_put_str(reply, PT_CERT_TYPE, pub_cert_purpose_name(p));
	proto_put_str(reply, PT_KEY_TYPE, key);
	proto_put_u8(reply, PT_MULTI_SAN, multi ? 1 : 0);
	proto_put_bytes(reply, PT_CSR, (const uint8_t *)pem, len);
	free(pem);
	return CTL_OK;
}

int
pub_do_cert_upload(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	char node[PUB_NODE_NAME_MAX];
	enum pub_cert_purpose p;
	struct pub_regen_result r;
	const uint8_t *der;
	size_t len;
	int rc;

	if ((rc = pub_cert_target(fs, node, &p, d)) != CTL_OK ||
	    (rc = proto_get_bytes(fs, PT_CERT, true, PUB_TRUST_CERT_MAX, &der,
	    &len, d)) != CTL_OK)
		return rc;
	pthread_mutex_lock(&srv->change);
	if ((rc = pub_cert_upload(s->data, s->user, node, p, der, len,
	    (int64_t)time(NULL), &r, d)) == CTL_OK)
		rc = pub_cert_reply(srv, s, "put a CA-signed certificate as",
		    node, p, &r, reply, d);
	pthread_mutex_unlock(&srv->change);
	return rc;
}
