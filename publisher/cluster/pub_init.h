/*
 * Making a self-contained cluster on this machine (`ctlpublisherd init`).
 */
#ifndef PUB_INIT_H
#define PUB_INIT_H

#include "pub_definition.h"
#include "pub_state.h"

struct ctl_diag;

struct pub_init_opts {
	unsigned nodes;   /* PUB_NODES_MIN..PUB_NODES_MAX, publisher included */
	unsigned port;    /* the publisher's CTL Provider port (base port) */
	enum pub_tvs_tls tvs_tls;
	enum pub_itl_signer itl_signer;
	const char *prefix;  /* node names PREFIX-pub, PREFIX-sub1, ...;
	                      * NULL: PUB_DEFAULT_PREFIX */
	const char *subnet;  /* node I on SUBNET.(2+I), SUBNET "127.A.B";
	                      * NULL: PUB_DEFAULT_SUBNET */
	const struct pub_definition *def; /* not NULL: the nodes, their
	                      * names, addresses and ports come from it, and
	                      * nodes, port, prefix and subnet are ignored */
};

/*
 * Makes a cluster of O->nodes nodes (or O->def's) in DIR (see docs/publisher.md for
 * the layout): per node the CallManager, CAPF, TVS and ITLRecovery
 * certificates and keys, a TLS server and a TLS client certificate from
 * the cluster CA, a TFTP directory; the state database; the `admin`
 * account, whose random password goes to DIR/admin.password (0600); and
 * DIR/trust.pem, the certificate a client trusts.  Everything is made in
 * a temporary directory beside DIR and renamed into place at the end,
 * so a failure leaves nothing behind.  DIR may exist only as an empty
 * directory.  Fails with CTL_ERR_USAGE for a node count or port out of
 * range, a prefix or subnet pub_layout_check_prefix() or
 * pub_layout_check_subnet() refuses, or a DIR that already holds a cluster (or anything else),
 * CTL_ERR_IO, CTL_ERR_CRYPTO.
 */
int pub_init(const char *dir, const struct pub_init_opts *o,
    struct ctl_diag *d);

/* Removes the tree at PATH, symbolic links not followed (a half-made
 * cluster or bundle).  Errors are ignored: it is cleanup. */
void pub_remove_tree(const char *path);

#endif
