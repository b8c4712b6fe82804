/*
 * A growing output buffer with a hard maximum.  Appends past the maximum
 * fail with CTL_ERR_TOO_BIG instead of growing further.  The buffer owns its
 * memory; wb_free() releases it, wb_steal() hands it to the caller.
 */
#ifndef CTL_WBUF_H
#define CTL_WBUF_H

#include <stddef.h>
#include <stdint.h>

struct wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	size_t max;
};

/* Starts an empty buffer that may hold at most MAX bytes. */
void wb_init(struct wbuf *w, size_t max);

int wb_put_u8(struct wbuf *w, uint8_t v);
int wb_put_u16(struct wbuf *w, uint16_t v);   /* big-endian */
int wb_put_u32(struct wbuf *w, uint32_t v);   /* big-endian */
int wb_put_bytes(struct wbuf *w, const void *p, size_t n);

/* Overwrites 2 or 4 bytes at absolute offset AT (already written). */
int wb_set_u16(struct wbuf *w, size_t at, uint16_t v);
int wb_set_u32(struct wbuf *w, size_t at, uint32_t v);

/* Hands the bytes to the caller (who frees them) and resets W. */
uint8_t *wb_steal(struct wbuf *w, size_t *len);

void wb_free(struct wbuf *w);

#endif
