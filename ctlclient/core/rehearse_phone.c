/* One phone at a time in a slot of the rehearsal: see rehearse_phone.h. */
#include "rehearse_phone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "rehearse_count.h"
#include "rehearse_memo.h"
#include "tftp_xfer.h"
#include "tvs_client.h"

struct rehearse_slot {
	struct rehearse_loop *l;
	size_t i;                          /* the phone in the slot */
	struct phone ph;
	const struct rehearse_node *node;

	/* Downloads: FILE 0 is the CTL, 1 the ITL. */
	CURL *h;
	struct tftp_multi_owner owner;
	struct tftp_xfer x;
	int file, tries;
	struct phone_download dl[2];
	uint8_t *data[2];
	int fid[2];                /* the memo's file equal to data, or -1 */
	char err[2][CTL_DIAG_MAX];

	/* The model's questions: answered ones, and the one asked now. */
	struct rehearse_answer ans[REHEARSE_MEMO_ASKED];
	size_t nans, replayed;
	bool waiting;              /* the model asked one without answer */
	bool nomem;                /* and it could not be recorded */
	X509 *cert;                /* the question: the signer, */
	X509 **pins;               /* the TVS certificates of the ITL */
	size_t npins;
	struct tvs_client_opts qo;
	size_t k;                  /* which server of the --tvs list */
	char tried[CTL_DIAG_MAX];  /* the servers tried, and why not */
	size_t tried_used;
	struct tvs_query *q;
	struct event *ev;
};

static const char *const slot_files[2] = { REHEARSE_CTL_FILE,
    REHEARSE_ITL_FILE };

static void next_phone(struct rehearse_slot *s);
static void judge(struct rehearse_slot *s);
static void ask_try(struct rehearse_slot *s);

/* The run cannot go on: keeps the first reason and stops the loop. */
static void
fail_run(struct rehearse_slot *s, int rc, const struct ctl_diag *d)
{
	struct rehearse_loop *l = s->l;

	if (!l->failed) {
		l->failed = rc;
		l->fail = *d;
	}
	event_base_loopbreak(l->base);
}

static void on_download(void *arg, CURL *h, CURLcode c);

/* Starts (again) the download of file S->file. */
static void
download(struct rehearse_slot *s)
{
	struct ctl_diag d;
	int rc;

	tftp_xfer_setup(s->h, &s->x, s->node->tftp_host, s->node->tftp_port,
	    slot_files[s->file], s->l->o->timeout_ms,
	    tftp_xfer_blksize(s->ph.model));
	ctl_diag_clear(&d);
	if ((rc = tftp_multi_add(s->l->tftp, s->h, &s->owner, &d)) != CTL_OK)
		fail_run(s, rc, &d);
}

/* A phone's download: a failed transfer is tried again, as phones do, up
 * to REHEARSE_TFTP_TRIES times; a file that names another file counts
 * as failed (tftp_xfer_stray). */
static void
on_download(void *arg, CURL *h, CURLcode c)
{
	struct rehearse_slot *s = arg;
	struct phone_download *dl = &s->dl[s->file];
	uint8_t **data = &s->data[s->file];
	char *err = s->err[s->file];

	(void)h;
	free(*data);
	dl->state = tftp_xfer_result(&s->x, c, data, &dl->len, err,
	    CTL_DIAG_MAX);
	s->fid[s->file] = -1;
	if (dl->state == PHONE_DL_OK && (s->fid[s->file] = rehearse_memo_file(
	    &s->l->memo, s->file, *data, dl->len)) < 0) {
		if (tftp_xfer_stray(*data, dl->len, slot_files[s->file],
		    s->x.url, err, CTL_DIAG_MAX)) {
			free(*data);
			*data = NULL;
			dl->len = 0;
			dl->state = PHONE_DL_FAILED;
		} else {
			s->fid[s->file] = rehearse_memo_file_add(&s->l->memo,
			    s->file, *data, dl->len);
		}
	}
	if (dl->state != PHONE_DL_OK && ++s->tries < REHEARSE_TFTP_TRIES) {
		download(s);
		return;
	}
	dl->data = *data;
	dl->error = err;
	s->l->r->tftp_downloads++;
	if (s->file == 0 && s->ph.model->tvs != PHONE_TVS_NONE) {
		/* Phones without Security by Default never ask for it. */
		s->file = 1;
		s->tries = 0;
		download(s);
		return;
	}
	judge(s);
}

/* Makes the question about CERT, authenticating TVS by the NPINS in
 * PINS (both referenced, not copied), the one asked now.  CTL_OK, or
 * CTL_ERR_NOMEM. */
static int
question_set(struct rehearse_slot *s, X509 *cert, X509 *const *pins,
    size_t npins)
{
	if ((s->pins = calloc(npins, sizeof(*s->pins))) == NULL)
		return CTL_ERR_NOMEM;
	memcpy(s->pins, pins, npins * sizeof(*s->pins));
	s->npins = npins;
	X509_up_ref(cert);
	s->cert = cert;
	s->waiting = true;
	return CTL_OK;
}

/* Forgets the question asked now. */
static void
question_clear(struct rehearse_slot *s)
{
	X509_free(s->cert);
	s->cert = NULL;
	free(s->pins);
	s->pins = NULL;
	s->npins = 0;
	s->waiting = false;
}

/*
 * The model's TVS callback: the answers in hand in the order the model
 * asked, then the first new question recorded; an answer-less error
 * until it comes (that verdict is thrown away).
 */
static int
ask_replay(void *arg, const struct phone *ph, X509 *const *pinned,
    size_t npinned, X509 *cert, bool *valid, struct ctl_diag *d)
{
	struct rehearse_slot *s = arg;
	const struct rehearse_answer *a;

	(void)ph;
	if (s->replayed < s->nans) {
		a = &s->ans[s->replayed++];
		if (a->rc == CTL_OK)
			*valid = a->valid;
		else
			*d = a->d;
		return a->rc;
	}
	if (!s->waiting && s->nans < REHEARSE_MEMO_ASKED &&
	    question_set(s, cert, pinned, npinned) != CTL_OK) {
		s->nomem = true;
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	}
	return ctl_diag_set(d, CTL_ERR_NETWORK, "TVS not asked yet");
}

/* The memo's key for the phone in S as it stands; false when its case
 * cannot be remembered (a failed download's reason names its node). */
static bool
case_key(const struct rehearse_slot *s, struct rehearse_case *key)
{
	size_t k;

	memset(key, 0, sizeof(*key));
	key->model = s->ph.model;
	for (k = 0; k < 2; k++) {
		key->state[k] = s->dl[k].state;
		key->file[k] = s->fid[k];
		if (key->state[k] == PHONE_DL_FAILED ||
		    (key->state[k] == PHONE_DL_OK && key->file[k] < 0))
			return false;
	}
	key->nans = s->nans;
	memcpy(key->ans, s->ans, s->nans * sizeof(key->ans[0]));
	return true;
}

/* The phone's verdicts (CV, ITL IV) are in: counted, and on to the next
 * phone. */
static void
verdict(struct rehearse_slot *s, const struct phone_verdict *cv,
    const struct phone_verdict *iv)
{
	rehearse_count_phone(s->l->r, s->l->o, &s->ph, cv, iv);
	s->l->done++;
	progress_update(&s->l->progress, s->l->done);
	next_phone(s);
}

/* Starts the question asked now down its servers. */
static void
ask(struct rehearse_slot *s)
{
	s->k = 0;
	s->tried[0] = '\0';
	s->tried_used = 0;
	ask_try(s);
}

/* The model's verdict with the answers in hand, remembered or judged
 * now; asks TVS when it needs one more, else counts the phone and moves
 * on. */
static void
judge(struct rehearse_slot *s)
{
	const struct rehearse_opts *o = s->l->o;
	const struct rehearse_case *known;
	struct rehearse_case c;
	struct phone_verdict cv, iv;
	struct ctl_diag d;
	bool memo = case_key(s, &c);
	int rc = CTL_OK;

	if (memo && (known = rehearse_memo_find(&s->l->memo, &c)) != NULL) {
		if (!known->asks) {
			verdict(s, &known->cv, &known->iv);
			return;
		}
		if ((rc = question_set(s, known->cert, known->pins,
		    known->npins)) == CTL_OK) {
			ask(s);
			return;
		}
	}
	s->replayed = 0;
	if (rc == CTL_OK)
		rc = phone_reset(&s->ph, &s->dl[0], &s->dl[1], o->nonsecure,
		    ask_replay, s, &cv, &iv);
	if (rc != CTL_OK || s->nomem) {
		ctl_diag_clear(&d);
		fail_run(s, ctl_diag_set(&d, CTL_ERR_NOMEM, "phone %zu: out of "
		    "memory", s->i), &d);
		return;
	}
	if (memo) {
		c.asks = s->waiting;
		c.cert = s->cert;
		c.pins = s->pins;
		c.npins = s->npins;
		c.cv = cv;
		c.iv = iv;
		rehearse_memo_add(&s->l->memo, &c);
	}
	if (s->waiting)
		ask(s);
	else
		verdict(s, &cv, &iv);
}

/* The answer (or its absence, RC and D) to the question asked now: kept
 * for the model, which runs again. */
static void
answered(struct rehearse_slot *s, int rc, bool valid,
    const struct ctl_diag *d)
{
	struct rehearse_answer *a = &s->ans[s->nans++];

	a->rc = rc;
	a->valid = valid;
	a->d = *d;
	question_clear(s);
	judge(s);
}

/* Try K of the question ended with RC (RESP when CTL_OK, else D): the
 * answer, or the next server of the --tvs list. */
static void
tried(struct rehearse_slot *s, int rc, const struct tvs_response *resp,
    const struct ctl_diag *d)
{
	const struct rehearse_opts *o = s->l->o;
	struct rehearse_tvs_count *c;
	struct ctl_diag all;
	char name[TVS_ASK_MAX_HOST + 10];
	size_t room;
	int wr;

	if (o->ntvs == 0) {
		answered(s, rc, rc == CTL_OK && resp->valid, d);
		return;
	}
	/* An answer, valid or invalid, ends the search; anything else
	 * moves on to the next server. */
	c = &s->l->r->tvs[s->k];
	if (rc == CTL_OK) {
		if (resp->valid)
			c->valid++;
		else
			c->invalid++;
		answered(s, rc, resp->valid, d);
		return;
	}
	c->failed++;
	tvs_target_format(&o->tvs[s->k], name, sizeof(name));
	room = sizeof(s->tried) - s->tried_used;
	wr = snprintf(s->tried + s->tried_used, room, "%s%s: %s",
	    s->k > 0 ? "; " : "", name, ctl_diag_msg(d, rc));
	if (wr > 0)
		s->tried_used = (size_t)wr < room ? s->tried_used +
		    (size_t)wr : sizeof(s->tried) - 1;
	if (++s->k < o->ntvs) {
		ask_try(s);
		return;
	}
	ctl_diag_clear(&all);
	rc = ctl_diag_set(&all, rc, "no TVS of the %zu tried answered: %s",
	    o->ntvs, s->tried);
	answered(s, rc, false, &all);
}

static void on_tvs(evutil_socket_t fd, short what, void *arg);

/* Waits for the question's socket as W says, or its deadline. */
static void
ask_wait(struct rehearse_slot *s, enum tvs_wait w)
{
	unsigned long left = ctl_ms_left(tvs_query_deadline(s->q));
	struct timeval tv;
	struct ctl_diag d;

	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	if (event_assign(s->ev, s->l->base, tvs_query_fd(s->q),
	    w == TVS_WAIT_READ ? EV_READ : EV_WRITE, on_tvs, s) != 0 ||
	    event_add(s->ev, &tv) != 0) {
		ctl_diag_clear(&d);
		fail_run(s, ctl_diag_set(&d, CTL_ERR_INTERNAL, "cannot wait "
		    "for TVS: the event loop refused the socket"), &d);
	}
}

static void
on_tvs(evutil_socket_t fd, short what, void *arg)
{
	struct rehearse_slot *s = arg;
	struct tvs_response resp;
	struct ctl_diag d;
	enum tvs_wait w = TVS_WAIT_DONE;
	int rc;

	(void)fd;
	ctl_diag_clear(&d);
	rc = tvs_query_step(s->q, (what & EV_TIMEOUT) != 0, &w, &resp, &d);
	if (rc == CTL_OK && w != TVS_WAIT_DONE) {
		ask_wait(s, w);
		return;
	}
	tvs_query_free(s->q);
	s->q = NULL;
	tried(s, rc, &resp, &d);
}

/* Asks the question of the phone's node's TVS, or of server K of the
 * list, as the phone's model speaks TLS. */
static void
ask_try(struct rehearse_slot *s)
{
	struct rehearse_loop *l = s->l;
	const struct rehearse_opts *o = l->o;
	struct tvs_response none;
	struct ctl_diag d;
	const char *host = o->ntvs > 0 ? o->tvs[s->k].host :
	    s->node->tvs_host;
	uint16_t port = o->ntvs > 0 ? o->tvs[s->k].port : s->node->tvs_port;
	int rc;

	memset(&s->qo, 0, sizeof(s->qo));
	s->qo.pinned = s->pins;
	s->qo.npinned = s->npins;
	s->qo.tls10_only = s->ph.model->tvs == PHONE_TVS_TLS10;
	s->qo.timeout_ms = o->timeout_ms;
	l->r->tvs_queries++;
	ctl_diag_clear(&d);
	if ((rc = tvs_query_start(s->qo.tls10_only ? l->ctx10 : l->ctx12,
	    &s->qo, host, port, s->ph.device, s->cert, &s->q, &d)) !=
	    CTL_OK) {
		memset(&none, 0, sizeof(none));
		tried(s, rc, &none, &d);
		return;
	}
	ask_wait(s, TVS_WAIT_WRITE);
}

/* Frees what the phone in S left. */
static void
phone_clear(struct rehearse_slot *s)
{
	size_t k;

	for (k = 0; k < 2; k++) {
		free(s->data[k]);
		s->data[k] = NULL;
	}
	memset(s->dl, 0, sizeof(s->dl));
	question_clear(s);
	s->nans = 0;
	s->nomem = false;
}

/* Takes the next phone, if any is left. */
static void
next_phone(struct rehearse_slot *s)
{
	struct rehearse_loop *l = s->l;
	const struct rehearse_opts *o = l->o;

	phone_clear(s);
	if (l->failed || l->next >= o->phones) {
		if (l->done == o->phones)
			event_base_loopbreak(l->base);
		return;
	}
	s->i = l->next++;
	memset(&s->ph, 0, sizeof(s->ph));
	s->ph.model = rehearse_model_of(o->mix, o->nmix, s->i);
	s->ph.ctl = o->ctl;
	s->ph.itl = o->itl;
	/* A made-up MAC per phone: 0A (locally administered) and I. */
	snprintf(s->ph.device, sizeof(s->ph.device), "CP-%s-SEP0A%010llX",
	    s->ph.model->name, (unsigned long long)s->i);
	s->node = &o->nodes[s->i % o->nnodes];
	s->dl[1].state = PHONE_DL_ABSENT;
	s->fid[0] = s->fid[1] = -1;
	s->file = 0;
	s->tries = 0;
	download(s);
}

int
rehearse_slot_new(struct rehearse_loop *l, struct rehearse_slot **out,
    struct ctl_diag *d)
{
	struct rehearse_slot *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->h = curl_easy_init()) == NULL ||
	    (s->ev = event_new(l->base, -1, 0, on_tvs, s)) == NULL) {
		rehearse_slot_free(s);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "rehearsal: no memory "
		    "for the phones in flight");
	}
	s->l = l;
	s->owner.done = on_download;
	s->owner.arg = s;
	*out = s;
	return CTL_OK;
}

void
rehearse_slot_start(struct rehearse_slot *s)
{
	next_phone(s);
}

void
rehearse_slot_free(struct rehearse_slot *s)
{
	if (s == NULL)
		return;
	phone_clear(s);
	tvs_query_free(s->q);
	if (s->ev != NULL)
		event_free(s->ev);
	if (s->h != NULL)
		curl_easy_cleanup(s->h);   /* out of the multi handle too */
	free(s->x.data);
	free(s);
}
