/*
 * A rehearsal of a cluster read through its publisher: where each node's
 * phones download and ask (from CLUSTER_INFO), and what the phones hold
 * (what the publisher's TFTP serves).  Shared by `ctlclient rehearse`
 * and `ctlclient cert plan --run`.
 */
#ifndef CTLCLIENT_REHEARSE_SERVED_H
#define CTLCLIENT_REHEARSE_SERVED_H

#include "ctl.h"
#include "net_cluster.h"
#include "rehearse.h"

struct ctl_diag;

/* Where node N serves TFTP and TVS, as CLUSTER_INFO says; a server
 * that does not say yet gets the publisher's layout: the node's CTL
 * Provider port +1 (TVS) and +3 (TFTP). */
void rehearse_node_of(const struct net_node *n, struct rehearse_node *r);

/*
 * Downloads the CTLFile.tlv and ITLFile.tlv PUB serves into OUT[0] and
 * OUT[1] (each left NULL when not served; freed by the caller with
 * ctl_free(), also after a failure), each within TIMEOUT_MS.  Fails with
 * CTL_ERR_NETWORK when a download fails, the error of ctl_parse() when a
 * served file does not parse.
 */
int rehearse_served_read(const struct rehearse_node *pub, int timeout_ms,
    struct ctl_file *out[2], struct ctl_diag *d);

#endif
