/* Collecting what the health checks look at, from a live cluster. */
#include "health_collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "ctl.h"
#include "ctl_err.h"
#include "hex.h"
#include "proto_conn.h"
#include "rehearse.h"
#include "tvs_peer.h"

static void
sha1_hex(const uint8_t *p, size_t n, char out[41])
{
	uint8_t md[20];

	if (EVP_Digest(p, n, md, NULL, EVP_sha1(), NULL) == 1)
		hex_format(out, 41, md, sizeof(md), '\0', 0);
	else
		out[0] = '\0';
}

/* Reads the records of a downloaded ITL: how many certificates, and
 * which are TVS certificates. */
static void
file_parse(const uint8_t *data, size_t len, struct health_file *f)
{
	struct ctl_file *ctl = NULL;
	struct ctl_diag d;
	const struct ctl_record *rec;
	size_t i;

	if (ctl_parse(data, len, &ctl, &d) != CTL_OK)
		return;
	f->parsed = true;
	for (i = 0; i < ctl->nrecords; i++) {
		rec = &ctl->records[i];
		if (rec->cert_der.len == 0)
			continue;
		f->ncerts++;
		if (rec->has_role && rec->role == CTL_ROLE_TVS &&
		    f->ntvs < HEALTH_MAX_TVS)
			sha1_hex(rec->cert_der.p, rec->cert_der.len,
			    f->tvs[f->ntvs++]);
	}
	ctl_free(ctl);
}

static void
file_fetch(const struct net_node *n, const char *name, int timeout_ms,
    struct health_file *f)
{
	uint8_t *data = NULL;
	size_t len = 0;

	if (n->tftp_port == 0)
		return;             /* an older server: not asked */
	switch (rehearse_tftp_get(n->ip, n->tftp_port, name, timeout_ms,
	    &data, &len, f->error, sizeof(f->error))) {
	case PHONE_DL_OK:
		f->state = HEALTH_FILE_PRESENT;
		f->len = len;
		sha1_hex(data, len, f->sha1);
		file_parse(data, len, f);
		break;
	case PHONE_DL_ABSENT:
		f->state = HEALTH_FILE_ABSENT;
		break;
	default:
		f->state = HEALTH_FILE_FAILED;
		break;
	}
	free(data);
}

/* The certificate node N's TVS presents in its TLS handshake. */
static void
tvs_fetch(SSL_CTX *ctx, const struct net_node *n, int timeout_ms,
    struct health_node *h)
{
	struct ctl_diag d;

	if (n->tvs_port == 0)
		return;
	ctl_diag_clear(&d);
	if (tvs_peer_sha1(ctx, n->ip, n->tvs_port, timeout_ms, h->tvs_sha1,
	    &d) != CTL_OK) {
		h->tvs = HEALTH_TVS_FAILED;
		snprintf(h->tvs_error, sizeof(h->tvs_error), "%s", d.msg);
	} else {
		h->tvs = HEALTH_TVS_SEEN;
	}
}

static void
certs_add(struct health_data *h, const struct cert_set *set, bool store)
{
	struct health_cert *c;
	size_t i;

	for (i = 0; i < set->n; i++) {
		c = &h->certs[h->in.ncerts++];
		c->node = set->v[i].node;
		c->type = set->v[i].type;
		c->store = store;
		c->info = &set->v[i].info;
	}
}

int
health_collect(struct net_session *s, int days, int timeout_ms,
    struct health_data *h, struct ctl_diag *d)
{
	const struct net_node *n;
	SSL_CTX *ctx = NULL;
	size_t i;
	int rc;

	memset(h, 0, sizeof(*h));
	if ((rc = net_cluster_info(s, &h->cluster, d)) != CTL_OK ||
	    (rc = cert_fetch_nodes(s, &h->node_certs, d)) != CTL_OK ||
	    (rc = cert_fetch_trust(s, NULL, &h->trust, d)) != CTL_OK ||
	    (rc = rehearse_global_init(d)) != CTL_OK ||
	    (rc = proto_tls_client_ctx(NULL, NULL, NULL, &ctx, d)) != CTL_OK)
		goto out;
	h->certs = calloc(h->node_certs.n + h->trust.n + 1, sizeof(*h->certs));
	h->nodes = calloc(h->cluster.nnodes + 1, sizeof(*h->nodes));
	if (h->certs == NULL || h->nodes == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	certs_add(h, &h->node_certs, false);
	certs_add(h, &h->trust, true);
	for (i = 0; i < h->cluster.nnodes; i++) {
		n = &h->cluster.nodes[i];
		snprintf(h->nodes[i].name, sizeof(h->nodes[i].name), "%s",
		    n->name);
		h->nodes[i].publisher = n->publisher != 0;
		file_fetch(n, "CTLFile.tlv", timeout_ms, &h->nodes[i].ctl);
		file_fetch(n, "ITLFile.tlv", timeout_ms, &h->nodes[i].itl);
		tvs_fetch(ctx, n, timeout_ms, &h->nodes[i]);
	}
	h->in.now = time(NULL);
	h->in.days = days;
	h->in.security_mode = h->cluster.security_mode;
	h->in.certs = h->certs;
	h->in.nodes = h->nodes;
	h->in.nnodes = h->cluster.nnodes;
	rc = CTL_OK;
out:
	SSL_CTX_free(ctx);
	return rc;
}

void
health_data_free(struct health_data *h)
{
	net_cluster_free(&h->cluster);
	cert_set_free(&h->node_certs);
	cert_set_free(&h->trust);
	free(h->certs);
	free(h->nodes);
	memset(h, 0, sizeof(*h));
}
