/*
 * Bounds-checked reading of untrusted bytes.  A struct rbuf is a view of
 * memory it does not own.  Every getter returns CTL_OK or
 * CTL_ERR_TRUNCATED; on failure its outputs and the read position are left
 * untouched.  Positions are reported as absolute offsets (base + off) so
 * that a reader carved out of a larger buffer still names the byte of the
 * whole file in error messages.
 */
#ifndef CTL_RBUF_H
#define CTL_RBUF_H

#include <stddef.h>
#include <stdint.h>

struct rbuf {
	const uint8_t *p;
	size_t len;   /* bytes in the view */
	size_t off;   /* next byte to read, 0 <= off <= len */
	size_t base;  /* absolute offset of p[0] in the outermost buffer */
};

/* Makes R a view of LEN bytes at P, with absolute offset 0. */
void rb_init(struct rbuf *r, const void *p, size_t len);

/* Bytes left to read. */
size_t rb_avail(const struct rbuf *r);

/* Absolute offset of the next byte to read. */
size_t rb_pos(const struct rbuf *r);

int rb_get_u8(struct rbuf *r, uint8_t *v);
int rb_get_u16(struct rbuf *r, uint16_t *v);   /* big-endian */
int rb_get_u32(struct rbuf *r, uint32_t *v);   /* big-endian */

/* Points *OUT at the next N bytes (inside R's memory) and skips them. */
int rb_get_bytes(struct rbuf *r, size_t n, const uint8_t **out);

/* Carves the next N bytes out as their own reader SUB and skips them in R. */
int rb_get_sub(struct rbuf *r, size_t n, struct rbuf *sub);

/* Looks at the next byte without consuming it. */
int rb_peek_u8(const struct rbuf *r, uint8_t *v);

#endif
