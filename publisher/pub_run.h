/*
 * Running one node of a cluster in the foreground: its distribution port
 * (mutual TLS, every node) and, on the publisher, the CTL Provider port
 * and the loop that brings nodes that were down up to date.
 */
#ifndef PUB_RUN_H
#define PUB_RUN_H

#include <signal.h>

struct ctl_diag;

#include <stddef.h>

#define PUB_CATCH_UP_MS 2000    /* how often stale nodes are retried */
#define PUB_LISTEN_MAX  4       /* addresses given to --listen */

/*
 * Runs node NODE of the cluster in DIR until *STOP is set.  The CTL
 * Provider (on the publisher) and TVS listen on the NLISTEN IPv4
 * addresses in LISTEN (at most PUB_LISTEN_MAX; "0.0.0.0" is every
 * address of the host) instead of the node's own; with none, on the
 * node's own address, and the CTL Provider also on the address
 * pub_layout_loopback_alias() names when it can (a port taken there is
 * logged, and the node runs without it).  Distribution always listens on the
 * node's own address, where the other nodes reach it.  Fails with
 * CTL_ERR_USAGE (a bad or repeated listen address), CTL_ERR_NOT_FOUND
 * (no such node or cluster), CTL_ERR_TLS (certificates that cannot be
 * loaded), CTL_ERR_NETWORK (a port in use).
 *
 * With TFTPD (a dnsmasq, pub_tftpd_find()) the node also runs its TFTP
 * server as a child, on its own address, port 69, and serves once it
 * answers (CTL_ERR_NETWORK when it does not, its last log line said);
 * stopping the node stops it.  When it dies, the node stops too and
 * fails with CTL_ERR_NETWORK: a node whose phones cannot download is
 * not serving, and its supervisor (systemd) restarts the whole node.
 */
int pub_run_node(const char *dir, const char *node,
    const char *const *listen, size_t nlisten, const char *tftpd,
    volatile sig_atomic_t *stop, struct ctl_diag *d);

#endif
