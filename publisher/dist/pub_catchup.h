/*
 * Catching the nodes up: what the nodes hold decides, not what the
 * state recorded (a publisher killed in the middle of a push recorded
 * nothing about it).  Each subscriber is asked which version of a file
 * it holds, and the publisher's own copy is pushed to (or, when the
 * publisher has none, removed from) every one that holds another.
 */
#ifndef PUB_CATCHUP_H
#define PUB_CATCHUP_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "pub_dist.h"

struct pub_state;

/* Who the audit log names for what the catch-up records by itself. */
#define PUB_CATCHUP_ACTOR "ctlpublisherd"

/*
 * Records in ST what each of the N nodes of R holds after OP on the CTL
 * (its distribution state), and logs one line per node.
 */
void pub_dist_record_ctl(struct pub_state *st, const struct pub_dist_result *r,
    size_t n, enum pub_dist_op op);

/*
 * Brings every subscriber's CTL in line with the one in TFTP_DIR (the
 * publisher's own directory) and records the outcome in ST; a node that
 * cannot be reached is marked stale.  A CTL no audit entry names is
 * first reported and recorded as found ("ctl-found"); when that cannot
 * be done, nothing is pushed.  CLIENT reaches the nodes (mutual
 * TLS).  The caller holds the lock that serialises changes to the CTL.
 * Failures are logged.
 */
void pub_catch_up_ctl(SSL_CTX *client, struct pub_state *st,
    const char *tftp_dir);

/*
 * The same for the ITL, which is first rebuilt in TFTP_DIR when the
 * certificates it holds changed (pub_itl_refresh(), audited as ACTOR).
 * The ITL has no distribution state of its own: the log says what
 * happened.  The caller holds the same lock, which also guards the
 * last rebuild failure kept here to log each new reason once.
 */
void pub_catch_up_itl(SSL_CTX *client, struct pub_state *st,
    const char *tftp_dir, const char *actor);

#endif
