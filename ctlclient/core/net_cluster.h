/*
 * CLUSTER_INFO: the security mode, how the CTL is signed, and every node
 * with its address, ports, the CTL it holds and its certificates.
 */
#ifndef CTLCLIENT_NET_CLUSTER_H
#define CTLCLIENT_NET_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "net_session.h"

struct ctl_diag;

/* The certificates CLUSTER_INFO may carry for a node (NODE_CERT). */
enum net_cert {
	NET_CERT_CALLMANAGER, NET_CERT_CAPF, NET_CERT_TVS,
	NET_CERT_ITLRECOVERY, NET_CERT_N,
};

/* "CallManager", "CAPF", "TVS", "ITLRecovery". */
const char *net_cert_name(enum net_cert c);

/* One NODE of CLUSTER_INFO. */
struct net_node {
	char name[65];
	char ip[16];            /* dotted quad */
	uint16_t port;
	uint16_t tvs_port;      /* TVS; 0 when the server did not say */
	uint16_t tftp_port;     /* TFTP (UDP); 0 when the server did not say */
	int publisher;
	char sha1[41];          /* of the CTL the node holds; "" for none */
	int reachable;
	char state[8];          /* current, stale, failed */
	X509 *certs[NET_CERT_N];/* owned; NULL for those not sent */
};

/* The answer to CLUSTER_INFO. */
struct net_cluster {
	int security_mode;      /* 0 non-secure, 1 mixed */
	int ctl_mode;           /* 0 none, 1 token, 2 tokenless */
	char sha1[41];          /* of the cluster's CTL; "" for none */
	struct net_node *nodes; /* the publisher and every subscriber */
	size_t nnodes;
	int rollback_pre8;      /* "Prepare Cluster for Rollback to pre-8.0":
	                         * 0 off, 1 on, -1 the server did not say */
};

/*
 * Reads the fields of a CLUSTER_INFO answer into *C and checks every one:
 * modes in range, ROLLBACK 0 or 1 (absent from older servers), each NODE complete, exactly one publisher, each
 * NODE_CERT a DER certificate of a named node and purpose, given once.
 * Fails with CTL_ERR_PROTOCOL or CTL_ERR_NOMEM; free *C with
 * net_cluster_free() either way.
 */
int net_cluster_parse(const struct proto_fields *fs, struct net_cluster *c,
    struct ctl_diag *d);

/* Asks S for CLUSTER_INFO and reads the answer with net_cluster_parse().
 * Free *C with net_cluster_free(). */
int net_cluster_info(struct net_session *s, struct net_cluster *c,
    struct ctl_diag *d);
void net_cluster_free(struct net_cluster *c);

/* "none", "token" or "tokenless". */
const char *net_ctl_mode_name(int mode);

#endif
