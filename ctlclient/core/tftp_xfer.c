/* One TFTP download as a phone makes it: see tftp_xfer.h. */
#include "tftp_xfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_err.h"
#include "rehearse.h"

/* A download buffer with a cap: a server that sends more is cut off. */
static size_t
xfer_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct tftp_xfer *x = arg;
	size_t n = size * nmemb;
	uint8_t *np;

	if (n > REHEARSE_FILE_MAX - x->len) {
		x->too_big = true;
		return 0;   /* libcurl stops with CURLE_WRITE_ERROR */
	}
	if (x->len + n > x->cap) {
		size_t cap = x->cap ? x->cap : 4096;

		while (cap < x->len + n)
			cap *= 2;
		if (cap > REHEARSE_FILE_MAX)
			cap = REHEARSE_FILE_MAX;
		if ((np = realloc(x->data, cap)) == NULL)
			return 0;
		x->data = np;
		x->cap = cap;
	}
	memcpy(x->data + x->len, data, n);
	x->len += n;
	return n;
}

void
tftp_xfer_setup(CURL *h, struct tftp_xfer *x, const char *host,
    uint16_t port, const char *file, int timeout_ms, long blksize)
{
	free(x->data);
	memset(x, 0, sizeof(*x));
	x->timeout_ms = timeout_ms;
	snprintf(x->url, sizeof(x->url), strchr(host, ':') ?
	    "tftp://[%s]:%u/%s" : "tftp://%s:%u/%s", host, port, file);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, x->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE, (long)REHEARSE_FILE_MAX);
	if (blksize > 0)
		curl_easy_setopt(h, CURLOPT_TFTP_BLKSIZE, blksize);
	else
		curl_easy_setopt(h, CURLOPT_TFTP_NO_OPTIONS, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, xfer_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->cerr);
}

enum phone_dl
tftp_xfer_result(struct tftp_xfer *x, CURLcode c, uint8_t **data,
    size_t *len, char *err, size_t errsz)
{
	*data = NULL;
	*len = 0;
	if (c == CURLE_OK) {
		*data = x->data;
		*len = x->len;
		x->data = NULL;   /* transferred */
		x->len = x->cap = 0;
		return PHONE_DL_OK;
	}
	free(x->data);
	x->data = NULL;
	x->len = x->cap = 0;
	if (c == CURLE_TFTP_NOTFOUND)
		return PHONE_DL_ABSENT;
	if (x->too_big || c == CURLE_FILESIZE_EXCEEDED)
		snprintf(err, errsz, "%s: larger than %u bytes, no trust list "
		    "is that big", x->url, REHEARSE_FILE_MAX);
	else if (c == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errsz, "%s: no answer within %d ms (is the "
		    "node's TFTP server running?)", x->url, x->timeout_ms);
	else
		snprintf(err, errsz, "%s: %s (check the node's TFTP server "
		    "and that the file is world-readable)", x->url,
		    x->cerr[0] ? x->cerr : curl_easy_strerror(c));
	return PHONE_DL_FAILED;
}

bool
tftp_xfer_stray(const uint8_t *data, size_t len, const char *file,
    const char *url, char *err, size_t errsz)
{
	struct ctl_file *f = NULL;
	bool stray = false;

	if (ctl_parse(data, len, &f, NULL) == CTL_OK &&
	    f->hdr.filename != NULL && strcmp(f->hdr.filename, file) != 0) {
		snprintf(err, errsz, "%s: the file received is %s (stray "
		    "packets of another transfer)", url, f->hdr.filename);
		stray = true;
	}
	ctl_free(f);
	return stray;
}

long
tftp_xfer_blksize(const struct phone_model *m)
{
	return m->tvs == PHONE_TVS_NONE ? 0 : TFTP_XFER_BLKSIZE;
}
