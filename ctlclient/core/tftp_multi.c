/* libcurl transfers on a libevent loop: see tftp_multi.h. */
#include "tftp_multi.h"

#include <stdint.h>
#include <stdlib.h>

#include "ctl_err.h"

struct tftp_multi {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;    /* libcurl's own timeouts */
};

/* Hands every finished transfer back to its owner. */
static void
reap(struct tftp_multi *m)
{
	const struct tftp_multi_owner *who;
	CURLMsg *msg;
	CURLcode c;
	CURL *h;
	char *p;
	int left;

	while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		h = msg->easy_handle;
		c = msg->data.result;
		p = NULL;
		curl_easy_getinfo(h, CURLINFO_PRIVATE, &p);
		who = (const struct tftp_multi_owner *)(void *)p;
		curl_multi_remove_handle(m->multi, h);
		curl_easy_setopt(h, CURLOPT_PRIVATE, NULL);
		if (who != NULL)
			who->done(who->arg, h, c);
	}
}

static void
on_socket(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_multi *m = arg;
	int flags = 0, running;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(m->multi, fd, flags, &running);
	reap(m);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct tftp_multi *m = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	reap(m);
}

/* libcurl's wish for socket S: wait for WHAT, or stop watching it. */
static int
want_socket(CURL *h, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct tftp_multi *m = arg;
	struct event *ev = sockp;
	short events = EV_PERSIST;

	(void)h;
	if (what == CURL_POLL_REMOVE) {
		if (ev != NULL)
			event_free(ev);
		curl_multi_assign(m->multi, s, NULL);
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	if (ev != NULL) {
		event_del(ev);
		event_assign(ev, m->base, s, events, on_socket, m);
	} else {
		if ((ev = event_new(m->base, s, events, on_socket, m)) == NULL)
			return -1;
		curl_multi_assign(m->multi, s, ev);
	}
	return event_add(ev, NULL) == 0 ? 0 : -1;
}

/* libcurl's wish for a timeout in MS (-1: none). */
static int
want_timer(CURLM *multi, long ms, void *arg)
{
	struct tftp_multi *m = arg;
	struct timeval tv;

	(void)multi;
	if (ms < 0)
		return event_del(m->timer) == 0 ? 0 : -1;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return event_add(m->timer, &tv) == 0 ? 0 : -1;
}

int
tftp_multi_new(struct event_base *base, struct tftp_multi **out,
    struct ctl_diag *d)
{
	struct tftp_multi *m;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "cannot set up the TFTP "
		    "downloads: out of memory");
	m->base = base;
	if ((m->multi = curl_multi_init()) == NULL ||
	    (m->timer = evtimer_new(base, on_timer, m)) == NULL) {
		tftp_multi_free(m);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "cannot set up the TFTP "
		    "downloads (libcurl multi handle or timer)");
	}
	curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, want_socket);
	curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
	curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, want_timer);
	curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
	*out = m;
	return CTL_OK;
}

int
tftp_multi_add(struct tftp_multi *m, CURL *h,
    const struct tftp_multi_owner *who, struct ctl_diag *d)
{
	CURLMcode c;

	curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)(uintptr_t)who);
	if ((c = curl_multi_add_handle(m->multi, h)) != CURLM_OK) {
		curl_easy_setopt(h, CURLOPT_PRIVATE, NULL);
		return ctl_diag_set(d, CTL_ERR_INTERNAL, "cannot start a TFTP "
		    "download: %s", curl_multi_strerror(c));
	}
	return CTL_OK;
}

void
tftp_multi_free(struct tftp_multi *m)
{
	if (m == NULL)
		return;
	if (m->multi != NULL)
		curl_multi_cleanup(m->multi);
	if (m->timer != NULL)
		event_free(m->timer);
	free(m);
}
