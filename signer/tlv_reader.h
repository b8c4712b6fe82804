/*
 * Reading one tag-length-value field of a .tlv file from a bounds-checked
 * reader.  All field access in the parser goes through tlv_next().
 */
#ifndef CTL_TLV_READER_H
#define CTL_TLV_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbuf.h"

struct ctl_diag;

#define TLV_PADDING 13

struct tlv {
	uint8_t tag;
	size_t off;          /* absolute offset of the tag byte */
	size_t len;          /* value length; 0 for a padding byte */
	const uint8_t *val;  /* NULL for a padding byte */
};

/* Names a tag for messages, or returns NULL for an unknown one. */
typedef const char *(*tlv_namer)(unsigned tag);

/*
 * Reads the next field from R into T.  When PADDING is true a tag-13 byte
 * is a one-byte padding field with no length.  On failure R is unchanged
 * and D says, for people, "WHERE: TAG at byte N ...", naming the container
 * (WHERE, e.g. "record 3 at byte 1492") and how much room it had.
 */
int tlv_next(struct rbuf *r, bool padding, tlv_namer namer, const char *where,
    struct tlv *t, struct ctl_diag *d);

/*
 * Checks that a string field is one NUL-terminated string filling its
 * value exactly (no embedded NUL, non-empty).  On failure D names WHERE
 * and the field.
 */
int tlv_check_string(const struct tlv *t, tlv_namer namer, const char *where,
    struct ctl_diag *d);

/* Checks that T's value is exactly WANT bytes long. */
int tlv_check_len(const struct tlv *t, size_t want, tlv_namer namer,
    const char *where, struct ctl_diag *d);

/* Big-endian integers from a value whose length was checked. */
uint16_t tlv_u16(const struct tlv *t);
uint32_t tlv_u32(const struct tlv *t);

#endif
