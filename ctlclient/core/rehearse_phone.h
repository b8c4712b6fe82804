/*
 * One phone of the rehearsal at a time, on the event loop, in a slot:
 * the CTL download, the ITL download (with the phone's retries), the
 * phone model's verdict and, when the model asks TVS, the question over
 * a non-blocking TLS connection, down the --tvs list in order.
 *
 * The phone model (phone_reset) asks TVS through a blocking callback.
 * Here the callback answers from the answers already in hand; the first
 * question without one is recorded and the verdict thrown away, and once
 * the loop brings its answer the model runs again from the start.  The
 * model is deterministic, so the last run gives the verdict a blocking
 * question would have given; and the outcome of each run is remembered
 * for the phones after it (rehearse_memo.h).
 */
#ifndef CTLCLIENT_REHEARSE_PHONE_H
#define CTLCLIENT_REHEARSE_PHONE_H

#include <stddef.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#include "ctl_err.h"
#include "progress.h"
#include "rehearse.h"
#include "rehearse_memo.h"
#include "tftp_multi.h"

/* What the slots share: the loop, the options, the tally. */
struct rehearse_loop {
	const struct rehearse_opts *o;
	struct rehearse_result *r;
	struct event_base *base;
	struct tftp_multi *tftp;
	SSL_CTX *ctx10, *ctx12;     /* one per TLS flavour */
	size_t next;                /* the next phone to reset */
	size_t done;                /* phones finished */
	struct progress progress;
	struct rehearse_memo memo;  /* cases already judged */
	int failed;                 /* the run cannot go on: the code */
	struct ctl_diag fail;
};

struct rehearse_slot;

/* A slot on loop L into *OUT (freed with rehearse_slot_free()).
 * CTL_ERR_NOMEM. */
int rehearse_slot_new(struct rehearse_loop *l, struct rehearse_slot **out,
    struct ctl_diag *d);

/*
 * Resets the phones L->next, ... in S, one after another, until none is
 * left; each finished phone is counted in L->r and L->done.  When the
 * run cannot go on (no memory), L->failed and L->fail say why and the
 * loop is told to stop.
 */
void rehearse_slot_start(struct rehearse_slot *s);

/* Frees S, ending whatever it has in flight. */
void rehearse_slot_free(struct rehearse_slot *s);

#endif
