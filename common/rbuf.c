#include "rbuf.h"

#include "ctl_err.h"

void
rb_init(struct rbuf *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->base = 0;
}

size_t
rb_avail(const struct rbuf *r)
{
	return r->len - r->off;
}

size_t
rb_pos(const struct rbuf *r)
{
	return r->base + r->off;
}

int
rb_peek_u8(const struct rbuf *r, uint8_t *v)
{
	if (rb_avail(r) < 1)
		return CTL_ERR_TRUNCATED;
	*v = r->p[r->off];
	return CTL_OK;
}

int
rb_get_u8(struct rbuf *r, uint8_t *v)
{
	int rc = rb_peek_u8(r, v);

	if (rc == CTL_OK)
		r->off++;
	return rc;
}

int
rb_get_u16(struct rbuf *r, uint16_t *v)
{
	const uint8_t *b;

	if (rb_get_bytes(r, 2, &b) != CTL_OK)
		return CTL_ERR_TRUNCATED;
	*v = (uint16_t)((b[0] << 8) | b[1]);
	return CTL_OK;
}

int
rb_get_u32(struct rbuf *r, uint32_t *v)
{
	const uint8_t *b;

	if (rb_get_bytes(r, 4, &b) != CTL_OK)
		return CTL_ERR_TRUNCATED;
	*v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | b[3];
	return CTL_OK;
}

int
rb_get_bytes(struct rbuf *r, size_t n, const uint8_t **out)
{
	if (n > rb_avail(r))
		return CTL_ERR_TRUNCATED;
	*out = r->p + r->off;
	r->off += n;
	return CTL_OK;
}

int
rb_get_sub(struct rbuf *r, size_t n, struct rbuf *sub)
{
	size_t start = rb_pos(r);
	const uint8_t *b;

	if (rb_get_bytes(r, n, &b) != CTL_OK)
		return CTL_ERR_TRUNCATED;
	sub->p = b;
	sub->len = n;
	sub->off = 0;
	sub->base = start;
	return CTL_OK;
}
