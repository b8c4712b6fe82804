/* The rehearsal of a phone reset: see rehearse.h and docs/rehearsal.md. */
#include "rehearse.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ctl.h"
#include "clock.h"
#include "ctl_err.h"
#include "tvs_client.h"

int
rehearse_mix_parse(const char *s, struct rehearse_mix *mix, size_t *n,
    struct ctl_diag *d)
{
	char buf[1024], *save = NULL, *item, *colon, *stop;
	unsigned long w;
	size_t i;

	*n = 0;
	if (strlen(s) >= sizeof(buf))
		return ctl_diag_set(d, CTL_ERR_USAGE, "--models: longer than "
		    "%zu characters", sizeof(buf) - 1);
	snprintf(buf, sizeof(buf), "%s", s);
	for (item = strtok_r(buf, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		w = 1;
		if ((colon = strchr(item, ':')) != NULL) {
			*colon = '\0';
			errno = 0;
			w = strtoul(colon + 1, &stop, 10);
			if (colon[1] < '0' || colon[1] > '9' || *stop != '\0' ||
			    errno != 0 || w == 0 || w > 1000000)
				return ctl_diag_set(d, CTL_ERR_USAGE, "--models: "
				    "weight of %s: a number from 1 to 1000000",
				    item);
		}
		if (*n == REHEARSE_MAX_MODELS)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--models: at "
			    "most %d models", REHEARSE_MAX_MODELS);
		if ((mix[*n].model = phone_model_find(item)) == NULL)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--models: "
			    "unknown model '%s' (known: 7940 7960 Jabber 7942 "
			    "7945 7962 7965 7975 7841 8811 8841 8845 8865)",
			    item);
		for (i = 0; i < *n; i++)
			if (mix[i].model == mix[*n].model)
				return ctl_diag_set(d, CTL_ERR_USAGE, "--models: "
				    "%s given twice", item);
		mix[(*n)++].weight = (unsigned)w;
	}
	if (*n == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--models: no model "
		    "given (e.g. 8845:40,7975:30,7960:30)");
	return CTL_OK;
}

const struct phone_model *
rehearse_model_of(const struct rehearse_mix *mix, size_t nmix, size_t i)
{
	unsigned long long total = 0, slot, cum = 0;
	size_t k;

	for (k = 0; k < nmix; k++)
		total += mix[k].weight;
	/* Phones take the slots 0..total-1 in turn, so any run of `total`
	 * phones holds the mix exactly and every node gets every model. */
	slot = (unsigned long long)i % total;
	for (k = 0; k < nmix; k++) {
		cum += mix[k].weight;
		if (slot < cum)
			return mix[k].model;
	}
	return mix[nmix - 1].model;
}

int
rehearse_global_init(struct ctl_diag *d)
{
	CURLcode c = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (c != CURLE_OK)
		return ctl_diag_set(d, CTL_ERR_INTERNAL, "cannot set up libcurl: "
		    "%s", curl_easy_strerror(c));
	return CTL_OK;
}

/* A download buffer with a cap: a server that sends more is cut off. */
struct dl_buf {
	uint8_t *p;
	size_t len, cap;
	bool too_big;
};

static size_t
dl_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct dl_buf *b = arg;
	size_t n = size * nmemb;
	uint8_t *np;

	if (n > REHEARSE_FILE_MAX - b->len) {
		b->too_big = true;
		return 0;   /* libcurl stops with CURLE_WRITE_ERROR */
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		if (cap > REHEARSE_FILE_MAX)
			cap = REHEARSE_FILE_MAX;
		if ((np = realloc(b->p, cap)) == NULL)
			return 0;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return n;
}

/* One download with handle H (reused across a worker's phones). */
static enum phone_dl
tftp_get(CURL *h, const char *host, uint16_t port, const char *file,
    int timeout_ms, uint8_t **data, size_t *len, char *err, size_t errsz)
{
	struct dl_buf b = { NULL, 0, 0, false };
	char url[400], cerr[CURL_ERROR_SIZE];
	CURLcode c;

	*data = NULL;
	*len = 0;
	snprintf(url, sizeof(url), strchr(host, ':') ? "tftp://[%s]:%u/%s" :
	    "tftp://%s:%u/%s", host, port, file);
	cerr[0] = '\0';
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);   /* threads */
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE, (long)REHEARSE_FILE_MAX);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, dl_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	c = curl_easy_perform(h);
	if (c == CURLE_OK) {
		*data = b.p;
		*len = b.len;
		return PHONE_DL_OK;
	}
	free(b.p);
	if (c == CURLE_TFTP_NOTFOUND)
		return PHONE_DL_ABSENT;
	if (b.too_big || c == CURLE_FILESIZE_EXCEEDED)
		snprintf(err, errsz, "%s: larger than %u bytes, no trust list "
		    "is that big", url, REHEARSE_FILE_MAX);
	else if (c == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errsz, "%s: no answer within %d ms (is the "
		    "node's TFTP server running?)", url, timeout_ms);
	else
		snprintf(err, errsz, "%s: %s (check the node's TFTP server "
		    "and that the file is world-readable)", url,
		    cerr[0] ? cerr : curl_easy_strerror(c));
	return PHONE_DL_FAILED;
}

/*
 * A phone's download: a failed transfer is tried again, as phones do, up
 * to REHEARSE_TFTP_TRIES times.  A file whose header names another file
 * counts as failed too: TFTP has no connection, and late packets of an
 * abandoned transfer can reach a new one that got the same local port.
 */
static enum phone_dl
phone_get(CURL *h, const char *host, uint16_t port, const char *file,
    int timeout_ms, uint8_t **data, size_t *len, char *err, size_t errsz)
{
	enum phone_dl r = PHONE_DL_FAILED;
	struct ctl_file *f = NULL;
	int tries;

	for (tries = 0; tries < REHEARSE_TFTP_TRIES; tries++) {
		r = tftp_get(h, host, port, file, timeout_ms, data, len, err,
		    errsz);
		if (r != PHONE_DL_OK)
			continue;
		if (ctl_parse(*data, *len, &f, NULL) != CTL_OK ||
		    f->hdr.filename == NULL || strcmp(f->hdr.filename, file) == 0) {
			/* Ours, or not a trust list at all: the phone
			 * model judges it. */
			ctl_free(f);
			return r;
		}
		snprintf(err, errsz, "tftp://%s:%u/%s: the file received is "
		    "%s (stray packets of another transfer)", host, port, file,
		    f->hdr.filename);
		ctl_free(f);
		f = NULL;
		free(*data);
		*data = NULL;
		*len = 0;
		r = PHONE_DL_FAILED;
	}
	return r;
}

enum phone_dl
rehearse_tftp_get(const char *host, uint16_t port, const char *file,
    int timeout_ms, uint8_t **data, size_t *len, char *err, size_t errsz)
{
	CURL *h = curl_easy_init();
	enum phone_dl r;

	if (h == NULL) {
		snprintf(err, errsz, "cannot set up libcurl");
		*data = NULL;
		*len = 0;
		return PHONE_DL_FAILED;
	}
	r = tftp_get(h, host, port, file, timeout_ms, data, len, err, errsz);
	curl_easy_cleanup(h);
	return r;
}

int
rehearse_snapshot_read(const char *dir, const char *option,
    struct ctl_file *out[2], struct ctl_diag *d)
{
	static const char *const names[2] = { REHEARSE_CTL_FILE,
	    REHEARSE_ITL_FILE };
	char path[4096];
	struct stat st;
	size_t i;
	int rc;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s %s: not a directory "
		    "(make one with rehearse --snapshot DIR)", option, dir);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (access(path, F_OK) != 0)
			continue;   /* the cluster served none */
		if ((rc = ctl_load(path, &out[i], d)) != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

/* What the workers share. */
struct run {
	const struct rehearse_opts *o;
	SSL_CTX *ctx10, *ctx12;     /* one per TLS flavour, shared */
	atomic_size_t next;         /* the next phone to reset */
	atomic_size_t tvs_queries, downloads;
	pthread_mutex_t lock;       /* merging into the result */
	struct rehearse_result *r;
	int failed;                 /* a worker could not run */
	struct ctl_diag fail;
};

/* What one worker counts before merging (no lock per phone). */
struct worker {
	struct run *run;
	const struct rehearse_node *node;  /* the phone being reset */
	struct rehearse_count *counts;     /* one per model of the mix */
	size_t errors, tvs_rejecting, warnings;
	struct rehearse_tvs_count tvs[REHEARSE_MAX_TVS];
};

/* One TVS try: HOST:PORT is asked about CERT as PH, authenticated by
 * PINNED. */
static int
ask_one(struct worker *w, const struct phone *ph, X509 *const *pinned,
    size_t npinned, const char *host, uint16_t port, X509 *cert,
    struct tvs_response *resp, struct ctl_diag *d)
{
	struct tvs_client_opts o;

	memset(&o, 0, sizeof(o));
	o.pinned = pinned;
	o.npinned = npinned;
	o.tls10_only = ph->model->tvs == PHONE_TVS_TLS10;
	o.timeout_ms = w->run->o->timeout_ms;
	atomic_fetch_add(&w->run->tvs_queries, 1);
	return tvs_client_query(o.tls10_only ? w->run->ctx10 : w->run->ctx12,
	    &o, host, port, ph->device, cert, resp, d);
}

/*
 * The phone model's TVS question, over the network: to the TVS of the
 * phone's node, or down the --tvs list.  Each try has the per-step
 * timeouts, so a phone spends at most the list's length times them.
 * With a list, the reason names every server tried; the code is the
 * last one's.
 */
static int
ask_tvs(void *arg, const struct phone *ph, X509 *const *pinned,
    size_t npinned, X509 *cert, bool *valid, struct ctl_diag *d)
{
	struct worker *w = arg;
	const struct rehearse_opts *ro = w->run->o;
	struct tvs_response resp;
	struct ctl_diag td;
	char tried[CTL_DIAG_MAX], name[TVS_ASK_MAX_HOST + 10];
	size_t k, used = 0;
	int rc = CTL_ERR_NETWORK, wr;

	if (ro->ntvs == 0) {
		rc = ask_one(w, ph, pinned, npinned, w->node->tvs_host,
		    w->node->tvs_port, cert, &resp, d);
		if (rc == CTL_OK)
			*valid = resp.valid;
		return rc;
	}
	tried[0] = '\0';
	for (k = 0; k < ro->ntvs; k++) {
		ctl_diag_clear(&td);
		rc = ask_one(w, ph, pinned, npinned, ro->tvs[k].host,
		    ro->tvs[k].port, cert, &resp, &td);
		if (rc == CTL_OK) {
			*valid = resp.valid;
			if (resp.valid)
				w->tvs[k].valid++;
			else
				w->tvs[k].invalid++;
			return CTL_OK;
		}
		w->tvs[k].failed++;
		tvs_target_format(&ro->tvs[k], name, sizeof(name));
		wr = snprintf(tried + used, sizeof(tried) - used, "%s%s: %s",
		    k > 0 ? "; " : "", name, ctl_diag_msg(&td, rc));
		if (wr > 0)
			used = (size_t)wr < sizeof(tried) - used ? used +
			    (size_t)wr : sizeof(tried) - 1;
	}
	return ctl_diag_set(d, rc, "no TVS of the %zu tried answered: %s",
	    ro->ntvs, tried);
}

static void
count_file(struct rehearse_file_count *c, const struct phone_verdict *v)
{
	c->how[v->how]++;
	c->why[v->why]++;
	if (!v->accepted && c->example[v->why][0] == '\0')
		snprintf(c->example[v->why], sizeof(c->example[v->why]), "%s",
		    v->reason);
}

static void
count_phone(struct worker *w, size_t m, const struct phone *ph,
    const struct phone_verdict *cv, const struct phone_verdict *iv)
{
	struct rehearse_count *c = &w->counts[m];
	bool rejects = !cv->accepted || !iv->accepted;

	c->phones++;
	count_file(&c->ctl, cv);
	count_file(&c->itl, iv);
	if (rejects)
		c->rejecting++;
	else
		c->accepted++;
	if (phone_why_is_error(cv->why) || phone_why_is_error(iv->why))
		w->errors++;
	if (rejects && ph->model->tvs != PHONE_TVS_NONE)
		w->tvs_rejecting++;
	else if (rejects)
		w->warnings++;
}

static size_t
mix_index(const struct rehearse_opts *o, const struct phone_model *m)
{
	size_t k;

	for (k = 0; k < o->nmix; k++)
		if (o->mix[k].model == m)
			break;
	return k;
}

/* Resets phone I: download CTL, then ITL, then judge. */
static int
reset_one(struct worker *w, CURL *h, size_t i)
{
	const struct rehearse_opts *o = w->run->o;
	const struct phone_model *m = rehearse_model_of(o->mix, o->nmix, i);
	struct phone ph;
	struct phone_download dc, di;
	struct phone_verdict cv, iv;
	uint8_t *ctl = NULL, *itl = NULL;
	char cerr[CTL_DIAG_MAX], ierr[CTL_DIAG_MAX];
	int rc;

	memset(&ph, 0, sizeof(ph));
	memset(&dc, 0, sizeof(dc));
	memset(&di, 0, sizeof(di));
	ph.model = m;
	ph.ctl = o->ctl;
	ph.itl = o->itl;
	/* A made-up MAC per phone: 0A (locally administered) and I. */
	snprintf(ph.device, sizeof(ph.device), "CP-%s-SEP0A%010llX", m->name,
	    (unsigned long long)i);
	w->node = &o->nodes[i % o->nnodes];
	dc.state = phone_get(h, w->node->tftp_host, w->node->tftp_port,
	    "CTLFile.tlv", o->timeout_ms, &ctl, &dc.len, cerr, sizeof(cerr));
	dc.data = ctl;
	dc.error = cerr;
	atomic_fetch_add(&w->run->downloads, 1);
	if (m->tvs != PHONE_TVS_NONE) {
		/* Phones without Security by Default never ask for it. */
		di.state = phone_get(h, w->node->tftp_host, w->node->tftp_port,
		    "ITLFile.tlv", o->timeout_ms, &itl, &di.len, ierr,
		    sizeof(ierr));
		di.data = itl;
		di.error = ierr;
		atomic_fetch_add(&w->run->downloads, 1);
	} else {
		di.state = PHONE_DL_ABSENT;
	}
	rc = phone_reset(&ph, &dc, &di, o->nonsecure, ask_tvs, w, &cv, &iv);
	if (rc == CTL_OK)
		count_phone(w, mix_index(o, m), &ph, &cv, &iv);
	free(ctl);
	free(itl);
	return rc;
}

static void
merge_file(struct rehearse_file_count *to,
    const struct rehearse_file_count *from)
{
	size_t k;

	for (k = 0; k < PHONE_HOW_N; k++)
		to->how[k] += from->how[k];
	for (k = 0; k < PHONE_WHY_N; k++) {
		to->why[k] += from->why[k];
		if (to->example[k][0] == '\0')
			memcpy(to->example[k], from->example[k],
			    sizeof(to->example[k]));
	}
}

static void
merge_count(struct rehearse_count *to, const struct rehearse_count *from)
{
	to->phones += from->phones;
	to->accepted += from->accepted;
	to->rejecting += from->rejecting;
	merge_file(&to->ctl, &from->ctl);
	merge_file(&to->itl, &from->itl);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	struct ctl_diag d;
	CURL *h = curl_easy_init();
	size_t i, k;
	int rc = CTL_OK;

	ctl_diag_clear(&d);
	if (h == NULL) {
		rc = ctl_diag_set(&d, CTL_ERR_NOMEM, "cannot set up libcurl");
		goto out;
	}
	while ((i = atomic_fetch_add(&run->next, 1)) < run->o->phones)
		if ((rc = reset_one(w, h, i)) != CTL_OK) {
			ctl_diag_set(&d, rc, "phone %zu: out of memory", i);
			break;
		}
out:
	curl_easy_cleanup(h);
	pthread_mutex_lock(&run->lock);
	for (k = 0; k < run->o->nmix; k++)
		merge_count(&run->r->models[k], &w->counts[k]);
	run->r->errors += w->errors;
	run->r->tvs_rejecting += w->tvs_rejecting;
	run->r->warnings += w->warnings;
	for (k = 0; k < run->o->ntvs; k++) {
		run->r->tvs[k].valid += w->tvs[k].valid;
		run->r->tvs[k].invalid += w->tvs[k].invalid;
		run->r->tvs[k].failed += w->tvs[k].failed;
	}
	if (rc != CTL_OK && !run->failed) {
		run->failed = rc;
		run->fail = d;
	}
	pthread_mutex_unlock(&run->lock);
	return NULL;
}


/* The TLS contexts: per flavour only, because the pinned set (the TVS
 * records of the one installed ITL all phones hold) is checked per
 * query against the certificate the server presented. */
static int
make_contexts(struct run *run, struct ctl_diag *d)
{
	static X509 *const placeholder[1] = { NULL };
	struct tvs_client_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.pinned = placeholder;
	o.npinned = 1;
	o.timeout_ms = run->o->timeout_ms;
	o.tls10_only = true;
	if ((rc = tvs_client_ctx(&o, &run->ctx10, d)) != CTL_OK)
		return rc;
	o.tls10_only = false;
	return tvs_client_ctx(&o, &run->ctx12, d);
}

int
rehearse_run(const struct rehearse_opts *o, struct rehearse_result *r,
    struct ctl_diag *d)
{
	struct run run;
	struct worker *ws = NULL;
	pthread_t *th = NULL;
	size_t k, nthreads = 0, started = 0;
	long long t0;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&run, 0, sizeof(run));
	if (o->nnodes == 0 || o->nmix == 0 || o->nmix > REHEARSE_MAX_MODELS ||
	    o->phones == 0 || o->phones > REHEARSE_MAX_PHONES ||
	    o->concurrency < 1 || o->concurrency > REHEARSE_MAX_CONCURRENCY ||
	    o->timeout_ms <= 0 || o->ntvs > REHEARSE_MAX_TVS ||
	    (o->ntvs > 0 && o->tvs == NULL))
		return ctl_diag_set(d, CTL_ERR_USAGE, "rehearsal: bad options "
		    "(nodes %zu, models %zu, phones %zu, concurrency %d, "
		    "timeout %d ms, TVS servers %zu)", o->nnodes, o->nmix,
		    o->phones, o->concurrency, o->timeout_ms, o->ntvs);
	run.o = o;
	run.r = r;
	atomic_init(&run.next, 0);
	atomic_init(&run.tvs_queries, 0);
	atomic_init(&run.downloads, 0);
	r->nmodels = o->nmix;
	for (k = 0; k < o->nmix; k++)
		r->models[k].model = o->mix[k].model;
	if ((rc = make_contexts(&run, d)) != CTL_OK)
		goto out;
	nthreads = (size_t)o->concurrency < o->phones ?
	    (size_t)o->concurrency : o->phones;
	if ((ws = calloc(nthreads, sizeof(*ws))) == NULL ||
	    (th = calloc(nthreads, sizeof(*th))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "rehearsal: no memory for "
		    "%zu workers", nthreads);
		goto out;
	}
	for (k = 0; k < nthreads; k++)
		if ((ws[k].counts = calloc(o->nmix,
		    sizeof(*ws[k].counts))) == NULL) {
			rc = ctl_diag_set(d, CTL_ERR_NOMEM, "rehearsal: no "
			    "memory for %zu workers", nthreads);
			goto out;
		}
	if (pthread_mutex_init(&run.lock, NULL) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_INTERNAL, "rehearsal: no mutex");
		goto out;
	}
	t0 = ctl_now_ms();
	for (started = 0; started < nthreads; started++) {
		ws[started].run = &run;
		if (pthread_create(&th[started], NULL, worker_main,
		    &ws[started]) != 0)
			break;   /* run with the workers there are */
	}
	if (started == 0) {
		/* Nothing can run; the phones would wait forever. */
		rc = ctl_diag_set(d, CTL_ERR_INTERNAL, "rehearsal: cannot "
		    "start a worker thread: %s", strerror(errno));
		pthread_mutex_destroy(&run.lock);
		goto out;
	}
	for (k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	pthread_mutex_destroy(&run.lock);
	r->elapsed_ms = ctl_now_ms() - t0;
	r->tvs_queries = atomic_load(&run.tvs_queries);
	r->tftp_downloads = atomic_load(&run.downloads);
	r->total.model = NULL;
	for (k = 0; k < r->nmodels; k++)
		merge_count(&r->total, &r->models[k]);
	if (run.failed) {
		rc = ctl_diag_set(d, run.failed, "%s",
		    ctl_diag_msg(&run.fail, run.failed));
		goto out;
	}
	rc = CTL_OK;
out:
	SSL_CTX_free(run.ctx10);
	SSL_CTX_free(run.ctx12);
	for (k = 0; ws != NULL && k < nthreads; k++)
		free(ws[k].counts);
	free(ws);
	free(th);
	return rc;
}
