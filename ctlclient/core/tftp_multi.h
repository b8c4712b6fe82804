/*
 * Any number of libcurl transfers at once on one libevent loop, through
 * libcurl's multi socket interface: libcurl says which sockets and which
 * timeout to wait for, the loop waits, and each finished transfer is
 * handed back to its owner's callback.
 */
#ifndef CTLCLIENT_TFTP_MULTI_H
#define CTLCLIENT_TFTP_MULTI_H

#include <curl/curl.h>
#include <event2/event.h>

struct ctl_diag;
struct tftp_multi;

/* Called on the loop when the transfer on H ends with C; H is no longer
 * part of the multi handle and may be set up and added again. */
typedef void (*tftp_multi_done_fn)(void *arg, CURL *h, CURLcode c);

/*
 * A multi handle driven by BASE into *OUT (freed with
 * tftp_multi_free()).  CTL_ERR_NOMEM when libcurl or libevent cannot
 * set it up.
 */
int tftp_multi_new(struct event_base *base, struct tftp_multi **out,
    struct ctl_diag *d);

/* Who is told when a transfer ends; the caller's, kept until then. */
struct tftp_multi_owner {
	tftp_multi_done_fn done;
	void *arg;
};

/*
 * Starts the transfer set up on H; WHO->done(WHO->arg, H, code) runs
 * once it ends.  CTL_ERR_INTERNAL when libcurl refuses the handle (no
 * call then).
 */
int tftp_multi_add(struct tftp_multi *m, CURL *h,
    const struct tftp_multi_owner *who, struct ctl_diag *d);

/* Frees M; the handles still running must have been cleaned up first
 * (curl_easy_cleanup() takes a handle out of its multi handle). */
void tftp_multi_free(struct tftp_multi *m);

#endif
