/*
 * How a cluster made by `ctlpublisherd init` is laid out: node names,
 * addresses, ports, and where each file lives under the cluster
 * directory.  The nodes of a lab cluster share one machine, so each
 * gets its own loopback address and its own ports; a cluster made from
 * a definition (pub_definition.h) takes them from there.
 */
#ifndef PUB_LAYOUT_H
#define PUB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_diag;

#define PUB_NODES_MIN      1
#define PUB_NODES_MAX      16
#define PUB_DEFAULT_NODES  3
#define PUB_DEFAULT_PORT   2444
#define PUB_PORT_STEP      10      /* node I uses base + 10 * I ... */
#define PUB_NODE_NAME_MAX  64      /* bytes, with the NUL */
#define PUB_IP_MAX         16
#define PUB_DEFAULT_PREFIX "cucm"
#define PUB_DEFAULT_SUBNET "127.0.0"
#define PUB_PREFIX_MAX     40      /* characters of a node name prefix */
#define PUB_SUBNET_MAX     16      /* bytes of "127.A.B", with the NUL */

/* Files at the top of the cluster directory. */
#define PUB_FILE_PASSWORD  "admin.password"
#define PUB_FILE_TRUST     "trust.pem"
#define PUB_FILE_CA        "cluster-ca.pem"
#define PUB_FILE_CA_KEY    "cluster-ca.key"
#define PUB_DIR_NODES      "nodes"
/* In a node's bundle (ctlpublisherd bundle): the name of its node, one
 * line, so that `run --dir DIR` knows which node it is. */
#define PUB_FILE_BUNDLE_NODE "bundle.node"

/* The four ports of a node. */
struct pub_ports {
	uint16_t ctl;     /* CTL Provider (the port-2444 service) */
	uint16_t tvs;     /* Trust Verification Service */
	uint16_t dist;    /* node-to-node distribution, mutual TLS */
	uint16_t tftp;    /* TFTP (UDP): what phones download */
};

/* The largest base port that leaves room for PUB_NODES_MAX nodes. */
#define PUB_PORT_MAX (65535 - PUB_PORT_STEP * (PUB_NODES_MAX - 1) - 3)

/*
 * Node INDEX (0 is the publisher) of a cluster whose names start with
 * PREFIX (NULL: PUB_DEFAULT_PREFIX): "cucm-pub", then "cucm-sub1",
 * "cucm-sub2", ...  PREFIX passed pub_layout_check_prefix().  OUT has
 * PUB_NODE_NAME_MAX bytes.
 */
void pub_layout_node_name(const char *prefix, unsigned index, char *out);

/* Node INDEX's address in SUBNET (NULL: PUB_DEFAULT_SUBNET): 127.0.0.2
 * for the publisher, then .3, .4, ...  SUBNET passed
 * pub_layout_check_subnet().  OUT has PUB_IP_MAX bytes. */
void pub_layout_node_ip(const char *subnet, unsigned index, char *out);

/*
 * The second address the node at IP answers on besides IP, NULL for
 * none: 127.0.0.1 for the publisher at 127.0.0.2 (the lab default),
 * since 127.0.0.1 is the address a client on this machine tries first.
 * Its TLS certificate names the address and the node listens there:
 * both follow this one rule.
 */
const char *pub_layout_loopback_alias(bool publisher, const char *ip);

/*
 * Is PREFIX usable as the start of node names: a DNS label of 1 to
 * PUB_PREFIX_MAX letters, digits and hyphens, neither starting nor
 * ending with a hyphen?  Fails with CTL_ERR_USAGE, naming --prefix.
 */
int pub_layout_check_prefix(const char *prefix, struct ctl_diag *d);

/*
 * Is SUBNET three loopback octets, "127.A.B" with A and B in 0..255
 * written in plain decimal?  The nodes of a lab cluster share one
 * machine, so only loopback is allowed.  Fails with CTL_ERR_USAGE,
 * naming --subnet.
 */
int pub_layout_check_subnet(const char *subnet, struct ctl_diag *d);

/*
 * Node INDEX's ports for base port BASE: ctl = BASE + 10 * INDEX,
 * tvs = ctl + 1, dist = ctl + 2, tftp = ctl + 3.  Fails with CTL_ERR_USAGE when BASE is
 * outside 1..PUB_PORT_MAX or INDEX is not below PUB_NODES_MAX.
 */
int pub_layout_ports(unsigned base, unsigned index, struct pub_ports *out,
    struct ctl_diag *d);

/*
 * The path of NAME under the cluster directory DIR ("DIR/NAME"), or of a
 * node's file when NODE is not NULL ("DIR/nodes/NODE/NAME").  *OUT is a
 * new string freed by the caller.  Fails with CTL_ERR_NOMEM.
 */
int pub_layout_path(const char *dir, const char *node, const char *name,
    char **out);

#endif
