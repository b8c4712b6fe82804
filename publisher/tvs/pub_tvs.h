/*
 * The Trust Verification Service of one node (docs/tvs.md): TLS on the
 * node's TVS port, presenting its TVS certificate, answering verify and
 * query requests (proto/tvs_msg.h) from the node's caches
 * (pub_tvs_cache.h).  Event-driven (libevent): one event loop per CPU,
 * each with its own listening socket on the same address and port.
 */
#ifndef PUB_TVS_H
#define PUB_TVS_H

#include <signal.h>

#include "ctl_err.h"
#include "pub_node.h"
#include "pub_state.h"

#define PUB_TVS_CONN_MAX     1024  /* connections at once, all loops */
#define PUB_TVS_TIMEOUT_S    10    /* handshake and a whole request; also
                                      the idle time between requests */
#define PUB_TVS_WORKERS_MAX  16    /* event loops, at most */
#define PUB_TVS_OUT_MAX      65536 /* answers queued for a client that
                                      does not read: stop reading its
                                      requests until it does */
#define PUB_TVS_RELOAD_MS    1000  /* how often the caches and the TVS
                                      certificate are checked */

/*
 * Serves TVS for node SELF of the cluster in DIR until *STOP is set.  A
 * new TVS certificate (pub_cert_regenerate) is presented to new
 * connections within PUB_TVS_RELOAD_MS.  Fails with CTL_ERR_TLS (the TVS
 * certificate cannot be used), CTL_ERR_NETWORK (cannot listen),
 * CTL_ERR_IO, CTL_ERR_NOMEM; never once it is serving.
 */
int pub_tvs_run(const char *dir, const struct pub_node *self,
    volatile sig_atomic_t *stop, struct ctl_diag *d);

/* What pub_tvs_thread() runs: pub_tvs_run() with these, its result in
 * RC and D. */
struct pub_tvs_job {
	const char *dir;
	const struct pub_node *self;
	volatile sig_atomic_t *stop;
	int rc;
	struct ctl_diag d;
};

/*
 * A pthread start routine for pub_tvs_run(JOB).  When TVS cannot serve
 * it logs why and sets *JOB->stop: a node without its TVS is no node.
 */
void *pub_tvs_thread(void *job);

#endif
