/*
 * Answers of a CTL Provider as the publisher sends them, built field by
 * field, for the client's unit tests and the reply fuzz corpus.
 */
#ifndef TESTS_CLIENT_REPLIES_H
#define TESTS_CLIENT_REPLIES_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "proto_frame.h"

/* One RESULT group: node NAME took FILENAME (STATUS 0) or not (1, with
 * MESSAGE, NULL for none). */
void rp_result(struct proto_out *o, const char *name, const char *filename,
    uint8_t status, const char *message);

/* One NODE group as ctlpublisherd sends it (TVS and TFTP ports included);
 * SHA1 (20 bytes) NULL for a node without a CTL. */
void rp_node(struct proto_out *o, const char *name, const uint8_t ip[4],
    int publisher, const uint8_t *sha1, const char *state);

/* One NODE_CERT group: CERT as DER, for node NAME and PURPOSE. */
void rp_node_cert(struct proto_out *o, const char *name, const char *purpose,
    X509 *cert);

/* A whole CLUSTER_INFO answer: mixed mode, tokenless, a publisher and a
 * subscriber, the publisher's CallManager certificate PUB_CERT. */
void rp_cluster(struct proto_out *o, X509 *pub_cert);

/* The answer to a change (TOKENLESS, UPLOAD_CTL): the new CTL's SHA1
 * and one RESULT per node. */
void rp_change(struct proto_out *o);

/* The SHA-1 the answers above carry: 20 bytes of 0xab. */
extern const uint8_t rp_sha1[20];

#endif
