/*
 * A cluster definition: the text file that names the nodes of a cluster
 * on real hosts (`ctlpublisherd init DIR --definition FILE`).  The
 * format is in docs/publisher.md, "Cluster definitions":
 *
 *     # comment
 *     ctl-port 2444                   (a default for every node)
 *     node NAME ADDRESS [publisher] [ctl-port=P] [tvs-port=P]
 *                       [dist-port=P] [tftp-port=P]
 */
#ifndef PUB_DEFINITION_H
#define PUB_DEFINITION_H

#include <stdbool.h>
#include <stddef.h>

#include "pub_layout.h"

struct ctl_diag;

#define PUB_DEF_MAX_SIZE   (64 * 1024) /* bytes of a definition file */
#define PUB_DEF_LINE_MAX   512         /* bytes of one line, without its end */
/* Characters of a node name: a DNS label has up to 63, but the
 * certificates' CN "ITLRECOVERY_NAME" must fit X.509's 64. */
#define PUB_DEF_LABEL_MAX  52

/* The standard ports of a node on its own host. */
#define PUB_STD_PORT_CTL   2444  /* the CTL Provider, as on CUCM */
#define PUB_STD_PORT_TVS   2445  /* TVS, as on CUCM */
#define PUB_STD_PORT_DIST  2446  /* distribution: the next free one */
#define PUB_STD_PORT_TFTP  69    /* TFTP (UDP) */

struct pub_def_node {
	char name[PUB_NODE_NAME_MAX];
	char ip[PUB_IP_MAX];
	struct pub_ports ports;
	bool publisher;
};

/* The nodes, the publisher first, then the subscribers in file order. */
struct pub_definition {
	size_t n;
	struct pub_def_node nodes[PUB_NODES_MAX];
};

/*
 * Parses the LEN bytes at TEXT into *OUT.  WHAT names the text in
 * messages (the file name).  Every node gets its settings, the file's
 * defaults or the standard ports.  Fails with CTL_ERR_USAGE on the first
 * bad line, naming its number and what is wrong, with *OUT untouched:
 * an unknown word, a bad name, address or port, a name, address or port
 * used twice, no publisher or two, no node or more than PUB_NODES_MAX.
 */
int pub_definition_parse(const char *text, size_t len, const char *what,
    struct pub_definition *out, struct ctl_diag *d);

/* Reads the file PATH (at most PUB_DEF_MAX_SIZE bytes) and parses it.
 * Fails as pub_definition_parse(), and with CTL_ERR_IO. */
int pub_definition_load(const char *path, struct pub_definition *out,
    struct ctl_diag *d);

#endif
