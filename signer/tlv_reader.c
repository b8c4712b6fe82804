#include "tlv_reader.h"

#include <stdio.h>
#include <string.h>

#include "ctl_err.h"

static const char *
tag_label(tlv_namer namer, unsigned tag, char *buf, size_t bufsz)
{
	const char *n = namer != NULL ? namer(tag) : NULL;

	if (n != NULL)
		return n;
	snprintf(buf, bufsz, "tag %u", tag);
	return buf;
}

int
tlv_next(struct rbuf *r, bool padding, tlv_namer namer, const char *where,
    struct tlv *t, struct ctl_diag *d)
{
	struct rbuf save = *r;
	uint8_t tag;
	uint16_t len;
	const uint8_t *val;
	char nb[16];
	size_t off = rb_pos(r);

	if (rb_get_u8(r, &tag) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_TRUNCATED,
		    "%s: byte %zu: expected a field, found the end", where, off);
	if (padding && tag == TLV_PADDING) {
		t->tag = tag;
		t->off = off;
		t->len = 0;
		t->val = NULL;
		return CTL_OK;
	}
	if (rb_get_u16(r, &len) != CTL_OK) {
		*r = save;
		return ctl_diag_set(d, CTL_ERR_TRUNCATED,
		    "%s: %s at byte %zu: the 2-byte length runs past the end "
		    "(%zu byte%s left)", where,
		    tag_label(namer, tag, nb, sizeof(nb)), off,
		    rb_avail(&save) - 1, rb_avail(&save) == 2 ? "" : "s");
	}
	if (rb_get_bytes(r, len, &val) != CTL_OK) {
		size_t left = rb_avail(r);

		*r = save;
		return ctl_diag_set(d, CTL_ERR_TRUNCATED,
		    "%s: %s at byte %zu: length %u runs past the end "
		    "(%zu byte%s left)", where,
		    tag_label(namer, tag, nb, sizeof(nb)), off, len, left,
		    left == 1 ? "" : "s");
	}
	t->tag = tag;
	t->off = off;
	t->len = len;
	t->val = val;
	return CTL_OK;
}

int
tlv_check_string(const struct tlv *t, tlv_namer namer, const char *where,
    struct ctl_diag *d)
{
	char nb[16];
	const char *name = tag_label(namer, t->tag, nb, sizeof(nb));
	const void *nul;

	if (t->len == 0 || t->val[t->len - 1] != '\0')
		return ctl_diag_set(d, CTL_ERR_FORMAT,
		    "%s: %s at byte %zu: string is not NUL-terminated",
		    where, name, t->off);
	nul = memchr(t->val, '\0', t->len);
	if (nul != (const void *)(t->val + t->len - 1))
		return ctl_diag_set(d, CTL_ERR_FORMAT,
		    "%s: %s at byte %zu: string holds a NUL before its end",
		    where, name, t->off);
	return CTL_OK;
}

int
tlv_check_len(const struct tlv *t, size_t want, tlv_namer namer,
    const char *where, struct ctl_diag *d)
{
	char nb[16];

	if (t->len != want)
		return ctl_diag_set(d, CTL_ERR_FORMAT,
		    "%s: %s at byte %zu: length %zu, expected %zu", where,
		    tag_label(namer, t->tag, nb, sizeof(nb)), t->off, t->len,
		    want);
	return CTL_OK;
}

uint16_t
tlv_u16(const struct tlv *t)
{
	return (uint16_t)((t->val[0] << 8) | t->val[1]);
}

uint32_t
tlv_u32(const struct tlv *t)
{
	return ((uint32_t)t->val[0] << 24) | ((uint32_t)t->val[1] << 16) |
	    ((uint32_t)t->val[2] << 8) | t->val[3];
}
