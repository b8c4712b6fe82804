/*
 * Distribution: the publisher puts a file (CTLFile.tlv, ITLFile.tlv) in
 * every node's TFTP directory, removes it, or asks what each node holds.
 * Its own directory is written first; if that fails nobody else is
 * touched.  The subscribers are reached in parallel over mutual TLS on
 * their distribution port, so a slow or dead node costs one timeout, not
 * one per node.  Each node stores atomically (pub_store_write).
 */
#ifndef PUB_DIST_H
#define PUB_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "pub_node.h"

struct ctl_diag;
struct proto_header;
struct proto_fields;
struct proto_out;

#define PUB_DIST_TIMEOUT_MS 5000

enum pub_dist_op {
	PUB_DIST_PUSH,      /* store the file on every node */
	PUB_DIST_DELETE,    /* remove it from every node */
	PUB_DIST_STATUS,    /* ask each node which version it holds */
};

/* One node's outcome. */
struct pub_dist_result {
	char node[PUB_NODE_NAME_MAX];
	bool ok;                     /* Passed */
	bool reachable;
	char sha1[41];               /* what the node holds now, "" for none */
	char reason[PUB_REASON_MAX]; /* why not, when !ok */
};

/*
 * Does OP with FILENAME (and, for a push, LEN bytes at DATA) on each of
 * the N nodes, the publisher's own directory first.  CLIENT is a TLS
 * client context trusting the cluster CA and presenting this node's
 * client certificate.  RES (N entries) gets one result per node, in the
 * order of NODES.  Returns the number of nodes that failed.
 */
size_t pub_dist_run(SSL_CTX *client, const struct pub_node *nodes, size_t n,
    enum pub_dist_op op, const char *filename, const uint8_t *data,
    size_t len, struct pub_dist_result *res);

/*
 * Serves NODE_PUSH, NODE_DELETE and NODE_STATUS on a node's distribution
 * port, for the node whose TFTP directory is TFTP_DIR.  Only peers that
 * presented a cluster certificate (NODE_PEER) are served.  Returns CTL_OK
 * with REPLY filled, or a negative CTL_ERR_* code with the reason in D.
 */
int pub_dist_handle(const char *tftp_dir, bool node_peer,
    const struct proto_header *h, const struct proto_fields *fs,
    struct proto_out *reply, struct ctl_diag *d);

#endif
