#include "wbuf.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"

void
wb_init(struct wbuf *w, size_t max)
{
	w->p = NULL;
	w->len = 0;
	w->cap = 0;
	w->max = max;
}

static int
wb_reserve(struct wbuf *w, size_t n)
{
	size_t want;
	uint8_t *np;

	if (n > w->max - w->len)
		return CTL_ERR_TOO_BIG;
	if (n <= w->cap - w->len)
		return CTL_OK;
	want = w->cap ? w->cap : 256;
	while (want - w->len < n)
		want = want > w->max / 2 ? w->max : want * 2;
	if ((np = realloc(w->p, want)) == NULL)
		return CTL_ERR_NOMEM;
	w->p = np;
	w->cap = want;
	return CTL_OK;
}

int
wb_put_bytes(struct wbuf *w, const void *p, size_t n)
{
	int rc;

	if ((rc = wb_reserve(w, n)) != CTL_OK)
		return rc;
	if (n > 0)
		memcpy(w->p + w->len, p, n);
	w->len += n;
	return CTL_OK;
}

int
wb_put_u8(struct wbuf *w, uint8_t v)
{
	return wb_put_bytes(w, &v, 1);
}

int
wb_put_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return wb_put_bytes(w, b, sizeof(b));
}

int
wb_put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return wb_put_bytes(w, b, sizeof(b));
}

int
wb_set_u16(struct wbuf *w, size_t at, uint16_t v)
{
	if (at > w->len || w->len - at < 2)
		return CTL_ERR_INTERNAL;
	w->p[at] = (uint8_t)(v >> 8);
	w->p[at + 1] = (uint8_t)v;
	return CTL_OK;
}

int
wb_set_u32(struct wbuf *w, size_t at, uint32_t v)
{
	if (at > w->len || w->len - at < 4)
		return CTL_ERR_INTERNAL;
	w->p[at] = (uint8_t)(v >> 24);
	w->p[at + 1] = (uint8_t)(v >> 16);
	w->p[at + 2] = (uint8_t)(v >> 8);
	w->p[at + 3] = (uint8_t)v;
	return CTL_OK;
}

uint8_t *
wb_steal(struct wbuf *w, size_t *len)
{
	uint8_t *p = w->p;

	*len = w->len;
	wb_init(w, w->max);
	return p;
}

void
wb_free(struct wbuf *w)
{
	free(w->p);
	wb_init(w, w->max);
}
