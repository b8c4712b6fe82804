/*
 * The cluster's nodes as the state records them: name, address, ports,
 * role, where their certificates and TFTP directory are, and the CTL
 * each one holds (the distribution state).
 */
#ifndef PUB_NODE_H
#define PUB_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pub_layout.h"

struct ctl_diag;
struct pub_state;

#define PUB_PATH_MAX       4096
#define PUB_REASON_MAX     256

/* Does the node hold the CTL the publisher last wrote? */
enum pub_dist_state {
	PUB_DIST_CURRENT = 0,   /* yes (or there is no CTL anywhere) */
	PUB_DIST_STALE = 1,     /* not yet: it was down; push it again */
	PUB_DIST_FAILED = 2,    /* the last push failed; reason says why */
};

/*
 * The certificates of a node.  The cluster's types (docs/certificates.md)
 * are CallManager, CallManager-ECDSA, Tomcat, Tomcat-ECDSA, IPsec and TVS
 * on every node, and CAPF and ITLRecovery on the publisher only; client
 * is internal (the TLS client between nodes), not a type.  The values
 * are stable: they are not stored, but tests and tables use them.
 */
enum pub_cert_purpose {
	PUB_CERT_CALLMANAGER = 0, /* CCM+TFTP, self-signed; signs tokenless CTLs
	                             on the publisher */
	PUB_CERT_CAPF = 1,        /* self-signed CA; publisher only */
	PUB_CERT_TVS = 2,
	PUB_CERT_ITLRECOVERY = 3, /* publisher only */
	PUB_CERT_TOMCAT = 4,      /* TLS server (port 2444, TVS, distribution);
	                             issued by the cluster CA */
	PUB_CERT_CLIENT = 5,      /* TLS client between nodes; cluster CA */
	PUB_CERT_CALLMANAGER_ECDSA = 6, /* self-signed EC; CallManager-trust */
	PUB_CERT_TOMCAT_ECDSA = 7,      /* self-signed EC; tomcat-trust */
	PUB_CERT_IPSEC = 8,       /* self-signed RSA */
};
#define PUB_CERT_NPURPOSES 9

struct pub_node {
	unsigned index;                    /* 0 is the publisher */
	char name[PUB_NODE_NAME_MAX];      /* host name, the certificates' CN */
	char ip[PUB_IP_MAX];               /* dotted IPv4 */
	struct pub_ports ports;
	bool publisher;
	char tftp_dir[PUB_PATH_MAX];       /* absolute; set by the library */
	char ctl_sha1[41];                 /* the CTL it holds, "" for none */
	enum pub_dist_state dist;
	char dist_reason[PUB_REASON_MAX];  /* why stale or failed */
	int64_t dist_time;                 /* when dist last changed */
};

/* "CallManager", "CAPF", "TVS", "ITLRecovery", "Tomcat", "client",
 * "CallManager-ECDSA", "Tomcat-ECDSA", "IPsec". */
const char *pub_cert_purpose_name(enum pub_cert_purpose p);

/* Parses a purpose name (case-insensitive).  CTL_OK or CTL_ERR_USAGE. */
int pub_cert_purpose_parse(const char *s, enum pub_cert_purpose *p);

/* Is P one of the cluster's certificate types on a node that is (or is
 * not) the publisher?  False for client, which is internal. */
bool pub_cert_type_on_node(enum pub_cert_purpose p, bool publisher);

/* The list of types, for messages: "CallManager, CallManager-ECDSA, ...". */
const char *pub_cert_type_list(void);

/* "current", "stale", "failed" (never NULL). */
const char *pub_dist_state_name(enum pub_dist_state s);

/*
 * Records node N (index, name, ip, ports, publisher; the rest is
 * ignored): its TFTP directory is nodes/NAME/tftp under the cluster
 * directory, and it holds no CTL.  Fails with CTL_ERR_USAGE when the
 * index, name or address is taken or a second publisher is added,
 * CTL_ERR_IO.
 */
int pub_node_add(struct pub_state *st, const struct pub_node *n,
    struct ctl_diag *d);

/* The base of P's file names: its name, but "tomcat" for Tomcat (the
 * name the files have always had) and "ipsec" for IPsec, as CUCM's;
 * also the purpose's key in the state. */
const char *pub_cert_file_base(enum pub_cert_purpose p);

/*
 * Records that node NODE's certificate for purpose P is in
 * nodes/NODE/F.pem with its key (followed by the certificate) in
 * nodes/NODE/F.key, F being pub_cert_file_base(P).  Fails with
 * CTL_ERR_USAGE for an unknown node, CTL_ERR_IO.
 */
int pub_node_cert_add(struct pub_state *st, const char *node,
    enum pub_cert_purpose p, struct ctl_diag *d);

/*
 * Every node, publisher first, in *OUT (an array of *N, freed by the
 * caller with free()).  Fails with CTL_ERR_IO.
 */
int pub_node_list(struct pub_state *st, struct pub_node **out, size_t *n,
    struct ctl_diag *d);

/* Node NAME into *OUT.  Fails with CTL_ERR_NOT_FOUND, CTL_ERR_IO. */
int pub_node_get(struct pub_state *st, const char *name, struct pub_node *out,
    struct ctl_diag *d);

/* The publisher into *OUT.  Fails with CTL_ERR_NOT_FOUND, CTL_ERR_IO. */
int pub_node_publisher(struct pub_state *st, struct pub_node *out,
    struct ctl_diag *d);

/*
 * Records what node NAME holds: the CTL whose SHA1 is SHA1 (NULL: none),
 * its distribution state and REASON (NULL for none), stamped with the
 * current time.  Not an administrator's change: no audit entry.  Fails
 * with CTL_ERR_NOT_FOUND for an unknown node, CTL_ERR_USAGE for a SHA1
 * that is not 40 hex digits, CTL_ERR_IO.
 */
int pub_node_set_ctl(struct pub_state *st, const char *name, const char *sha1,
    enum pub_dist_state state, const char *reason, struct ctl_diag *d);

/*
 * The absolute paths of node NODE's certificate and key for purpose P:
 * *CERT and *KEY (KEY may be NULL) are new strings freed by the caller.
 * Fails with CTL_ERR_NOT_FOUND when none is recorded, CTL_ERR_IO.
 */
int pub_node_cert_paths(struct pub_state *st, const char *node,
    enum pub_cert_purpose p, char **cert, char **key, struct ctl_diag *d);

#endif
