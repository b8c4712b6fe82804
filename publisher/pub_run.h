/*
 * Running one node of a cluster in the foreground: its distribution port
 * (mutual TLS, every node) and, on the publisher, the CTL Provider port
 * and the loop that brings nodes that were down up to date.
 */
#ifndef PUB_RUN_H
#define PUB_RUN_H

#include <signal.h>

struct ctl_diag;

#define PUB_CATCH_UP_MS 2000    /* how often stale nodes are retried */

/*
 * Runs node NODE of the cluster in DIR until *STOP is set.  Fails with
 * CTL_ERR_NOT_FOUND (no such node or cluster), CTL_ERR_TLS (certificates
 * that cannot be loaded), CTL_ERR_NETWORK (a port in use).
 */
int pub_run_node(const char *dir, const char *node,
    volatile sig_atomic_t *stop, struct ctl_diag *d);

#endif
