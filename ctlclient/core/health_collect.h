/*
 * What the health checks look at, collected from a live cluster: the
 * cluster's nodes and mode (CLUSTER_INFO), every node's certificates
 * (CERT_LIST), the trust stores (TRUST_LIST), the CTL and ITL each node
 * serves over TFTP, and the certificate each node's TVS presents.
 */
#ifndef CTLCLIENT_HEALTH_COLLECT_H
#define CTLCLIENT_HEALTH_COLLECT_H

#include "cert_info.h"
#include "health.h"
#include "net_cluster.h"

struct ctl_diag;

struct health_data {
	struct net_cluster cluster;
	struct cert_set node_certs, trust;
	struct health_cert *certs;      /* pointing into the two sets */
	struct health_node *nodes;
	struct health_input in;         /* what health_check() takes */
};

/*
 * Collects everything from the publisher on session S and the nodes it
 * names; each TFTP download and TVS handshake waits at most TIMEOUT_MS.
 * A node that cannot be reached is recorded as such (the checks report
 * it), not an error.  Fails with the errors of the requests on S,
 * CTL_ERR_NOMEM; free *OUT with health_data_free() either way.
 */
int health_collect(struct net_session *s, int days, int timeout_ms,
    struct health_data *out, struct ctl_diag *d);

void health_data_free(struct health_data *h);

#endif
