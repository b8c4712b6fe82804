/* The rehearsal of a phone reset: see rehearse.h and docs/rehearsal.md. */
#include "rehearse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ctl.h"
#include "clock.h"
#include "ctl_err.h"
#include "rehearse_count.h"
#include "rehearse_phone.h"
#include "tftp_multi.h"
#include "tftp_xfer.h"
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

enum phone_dl
rehearse_tftp_get(const char *host, uint16_t port, const char *file,
    int timeout_ms, uint8_t **data, size_t *len, char *err, size_t errsz)
{
	struct tftp_xfer x;
	CURL *h = curl_easy_init();
	enum phone_dl r;

	if (h == NULL) {
		snprintf(err, errsz, "cannot set up libcurl");
		*data = NULL;
		*len = 0;
		return PHONE_DL_FAILED;
	}
	memset(&x, 0, sizeof(x));
	tftp_xfer_setup(h, &x, host, port, file, timeout_ms,
	    TFTP_XFER_BLKSIZE);
	r = tftp_xfer_result(&x, curl_easy_perform(h), data, len, err, errsz);
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

/* The TLS contexts: per flavour only, because the pinned set (the TVS
 * records of the one installed ITL all phones hold) is checked per
 * query against the certificate the server presented. */
static int
make_contexts(struct rehearse_loop *run, struct ctl_diag *d)
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
	struct rehearse_loop run;
	struct rehearse_slot **slots = NULL;
	size_t k, nslots = 0;
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
	r->nmodels = o->nmix;
	for (k = 0; k < o->nmix; k++)
		r->models[k].model = o->mix[k].model;
	if ((rc = make_contexts(&run, d)) != CTL_OK)
		goto out;
	if ((run.base = event_base_new()) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "rehearsal: cannot set up "
		    "the event loop");
		goto out;
	}
	if ((rc = tftp_multi_new(run.base, &run.tftp, d)) != CTL_OK)
		goto out;
	/* One slot per phone in flight: all phones on this one loop. */
	nslots = (size_t)o->concurrency < o->phones ?
	    (size_t)o->concurrency : o->phones;
	if ((slots = calloc(nslots, sizeof(*slots))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "rehearsal: no memory for "
		    "%zu phones in flight", nslots);
		goto out;
	}
	for (k = 0; k < nslots; k++)
		if ((rc = rehearse_slot_new(&run, &slots[k], d)) != CTL_OK)
			goto out;
	t0 = ctl_now_ms();
	progress_start(&run.progress, stderr, o->progress, "phones",
	    o->phones);
	for (k = 0; k < nslots && !run.failed; k++)
		rehearse_slot_start(slots[k]);
	if (!run.failed && run.done < o->phones)
		(void)event_base_dispatch(run.base);
	progress_end(&run.progress);
	if (!run.failed && run.done < o->phones) {
		/* The loop ran dry or failed with phones unfinished. */
		rc = ctl_diag_set(d, CTL_ERR_INTERNAL, "rehearsal: the event "
		    "loop stopped after %zu of %zu phones", run.done,
		    o->phones);
		goto out;
	}
	r->elapsed_ms = ctl_now_ms() - t0;
	rehearse_count_total(r);
	if (run.failed) {
		rc = ctl_diag_set(d, run.failed, "%s",
		    ctl_diag_msg(&run.fail, run.failed));
		goto out;
	}
	rc = CTL_OK;
out:
	for (k = 0; slots != NULL && k < nslots; k++)
		rehearse_slot_free(slots[k]);
	free(slots);
	rehearse_memo_free(&run.memo);
	tftp_multi_free(run.tftp);
	if (run.base != NULL)
		event_base_free(run.base);
	SSL_CTX_free(run.ctx10);
	SSL_CTX_free(run.ctx12);
	return rc;
}
