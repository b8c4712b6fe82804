/* CLUSTER_INFO: see net_cluster.h. */
#include "net_cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "net_reply.h"

const char *
net_ctl_mode_name(int mode)
{
	static const char *const names[] = { "none", "token", "tokenless" };

	return mode >= 0 && mode <= 2 ? names[mode] : "?";
}

static int
node_parse(const struct proto_fields *g, struct net_node *nd,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_NAME, PT_IP, PT_PORT,
	    PT_PUBLISHER, PT_SHA1, PT_REACHABLE, PT_STATE, PT_TVS_PORT,
	    PT_TFTP_PORT };
	const uint8_t *ip;
	uint8_t pub, reach;
	size_t n;
	int rc, have;

	memset(nd, 0, sizeof(*nd));
	/* TVS_PORT and TFTP_PORT came later: a server without them is
	 * still read, the ports then unknown (0). */
	if ((rc = net_only_fields(g, allowed, 9, "a NODE", d)) ||
	    ((rc = proto_get_u16(g, PT_TVS_PORT, false, &nd->tvs_port, d)) &&
	    rc != CTL_ERR_NOT_FOUND) ||
	    ((rc = proto_get_u16(g, PT_TFTP_PORT, false, &nd->tftp_port, d)) &&
	    rc != CTL_ERR_NOT_FOUND) ||
	    (rc = proto_get_str(g, PT_NAME, true, nd->name, 64, d)) ||
	    (rc = proto_get_bytes(g, PT_IP, true, 4, &ip, &n, d)) ||
	    (rc = proto_get_u16(g, PT_PORT, true, &nd->port, d)) ||
	    (rc = proto_get_u8(g, PT_PUBLISHER, true, &pub, d)) ||
	    (rc = net_get_sha1(g, PT_SHA1, 0, 1, nd->sha1, &have, d)) ||
	    (rc = proto_get_u8(g, PT_REACHABLE, true, &reach, d)) ||
	    (rc = proto_get_str(g, PT_STATE, true, nd->state,
	    sizeof(nd->state) - 1, d)))
		return rc;
	if (n != 4)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "IP is %zu bytes, "
		    "expected 4", n);
	if (pub > 1 || reach > 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "PUBLISHER or "
		    "REACHABLE is neither 0 nor 1");
	if (strcmp(nd->state, "current") != 0 &&
	    strcmp(nd->state, "stale") != 0 &&
	    strcmp(nd->state, "failed") != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "STATE is not one of "
		    "current, stale, failed");
	snprintf(nd->ip, sizeof(nd->ip), "%u.%u.%u.%u", ip[0], ip[1], ip[2],
	    ip[3]);
	nd->publisher = pub;
	nd->reachable = reach;
	net_clean_text(nd->name);
	return CTL_OK;
}

static const char *const node_cert_names[NET_CERT_N] = {
	"CallManager", "CAPF", "TVS", "ITLRecovery",
};

const char *
net_cert_name(enum net_cert c)
{
	return c < NET_CERT_N ? node_cert_names[c] : "?";
}

/* One NODE_CERT group: a certificate of a node already listed. */
static int
node_cert_parse(const struct proto_fields *g, struct net_cluster *c,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_NAME, PT_PURPOSE, PT_CERT };
	char name[65], purpose[65];
	const uint8_t *der, *p;
	size_t len, i, k;
	X509 *x;
	int rc;

	if ((rc = net_only_fields(g, allowed, 3, "a NODE_CERT", d)) ||
	    (rc = proto_get_str(g, PT_NAME, true, name, 64, d)) ||
	    (rc = proto_get_str(g, PT_PURPOSE, true, purpose, 64, d)) ||
	    (rc = proto_get_bytes(g, PT_CERT, true, PROTO_MAX_FILE, &der,
	    &len, d)))
		return rc;
	for (i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].name, name) == 0)
			break;
	for (k = 0; k < NET_CERT_N; k++)
		if (strcmp(node_cert_names[k], purpose) == 0)
			break;
	if (i == c->nnodes || k == NET_CERT_N)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "a certificate for "
		    "an unknown node or purpose");
	if (c->nodes[i].certs[k] != NULL)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "two %s certificates "
		    "for one node", node_cert_names[k]);
	p = der;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != der + len) {
		X509_free(x);
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "CERT is not one DER "
		    "certificate");
	}
	c->nodes[i].certs[k] = x;
	return CTL_OK;
}

int
net_cluster_parse(const struct proto_fields *fs, struct net_cluster *c,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SECURITY_MODE, PT_CTL_MODE,
	    PT_SHA1, PT_NODE, PT_NODE_CERT, PT_ROLLBACK };
	struct proto_fields g = { NULL, 0 };
	struct ctl_diag gd;
	uint8_t sec, mode, rollback = 0xff;
	size_t i, pubs = 0;
	int rc, have;

	memset(c, 0, sizeof(*c));
	/* ROLLBACK came later: a server without it is still read. */
	if ((rc = net_only_fields(fs, allowed, 6, "CLUSTER_INFO", d)) ||
	    ((rc = proto_get_u8(fs, PT_ROLLBACK, false, &rollback, d)) &&
	    rc != CTL_ERR_NOT_FOUND) ||
	    (rc = proto_get_u8(fs, PT_SECURITY_MODE, true, &sec, d)) ||
	    (rc = proto_get_u8(fs, PT_CTL_MODE, true, &mode, d)) ||
	    (rc = net_get_sha1(fs, PT_SHA1, 0, 0, c->sha1, &have, d)))
		return rc;
	if (sec > 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "SECURITY_MODE %u is "
		    "neither 0 (non-secure) nor 1 (mixed)", sec);
	if (mode > 2)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "CTL_MODE %u is not "
		    "0 (none), 1 (token) or 2 (tokenless)", mode);
	if (rollback != 0xff && rollback > 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "ROLLBACK %u is "
		    "neither 0 (off) nor 1 (on)", rollback);
	c->security_mode = sec;
	c->ctl_mode = mode;
	c->rollback_pre8 = rollback == 0xff ? -1 : rollback;
	c->nnodes = proto_count(fs, PT_NODE);
	if (c->nnodes == 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "no NODE in the "
		    "answer");
	if ((c->nodes = calloc(c->nnodes, sizeof(*c->nodes))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	for (i = 0; i < c->nnodes; i++) {
		ctl_diag_clear(&gd);
		if ((rc = proto_group_at(fs, PT_NODE, i, &g, &gd)) == CTL_OK)
			rc = node_parse(&g, &c->nodes[i], &gd);
		proto_fields_free(&g);
		if (rc != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "NODE %zu: %s",
			    i + 1, ctl_diag_msg(&gd, rc));
		pubs += c->nodes[i].publisher;
	}
	if (pubs != 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "%zu nodes say they "
		    "are the publisher, expected one", pubs);
	for (i = 0; i < proto_count(fs, PT_NODE_CERT); i++) {
		ctl_diag_clear(&gd);
		if ((rc = proto_group_at(fs, PT_NODE_CERT, i, &g, &gd)) ==
		    CTL_OK)
			rc = node_cert_parse(&g, c, &gd);
		proto_fields_free(&g);
		if (rc != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "NODE_CERT %zu: "
			    "%s", i + 1, ctl_diag_msg(&gd, rc));
	}
	return CTL_OK;
}

int
net_cluster_info(struct net_session *s, struct net_cluster *c,
    struct ctl_diag *d)
{
	struct proto_out o;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct ctl_diag pd;
	int rc;

	memset(c, 0, sizeof(*c));
	net_request(s, &o, PROTO_CLUSTER_INFO);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_cluster_parse(&a.fs, c, &pd)) != CTL_OK) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to CLUSTER_INFO: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		net_cluster_free(c);
	}
out:
	net_reply_free(&a);
	return rc;
}

void
net_cluster_free(struct net_cluster *c)
{
	size_t i, k;

	for (i = 0; c->nodes != NULL && i < c->nnodes; i++)
		for (k = 0; k < NET_CERT_N; k++)
			X509_free(c->nodes[i].certs[k]);
	free(c->nodes);
	c->nodes = NULL;
	c->nnodes = 0;
}

