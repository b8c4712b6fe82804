/*
 * The CTL Provider: what the publisher answers on its port-2444 service
 * (docs/protocol.md).  One change to the CTL at a time; every change is
 * checked (an upload also as the phones would check it, unless forced),
 * audited before any node is written, distributed to every node and
 * recorded in the state (docs/publisher.md).
 */
#ifndef PUB_PROVIDER_H
#define PUB_PROVIDER_H

#include <pthread.h>

#include <openssl/ssl.h>

#include "pub_node.h"
#include "pub_server.h"

/* What a running node knows; shared by its connections. */
struct pub_node_srv {
	char dir[PUB_PATH_MAX];     /* the cluster directory */
	struct pub_node self;
	SSL_CTX *dist_client;       /* reaches the other nodes (mutual TLS) */
	pthread_mutex_t change;     /* held while the CTL changes */
};

/*
 * The service for the CTL Provider port; CTX is a struct pub_node_srv.
 * Each connection opens its own connection to the state.
 */
extern const struct pub_service pub_provider_service;

/*
 * Puts the publisher's present CTL (or its absence) on every subscriber
 * that holds something else: what brings a node that was down, or that
 * missed a push when the publisher died, up to date.  Then the same for
 * the ITL, which it first rebuilds when the certificates it holds
 * changed (pub_catchup.h), all under SRV's change lock.
 */
void pub_provider_catch_up(struct pub_node_srv *srv);

#endif
