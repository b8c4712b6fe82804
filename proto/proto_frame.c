/* Building and parsing protocol frames. */
#include "proto_frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "rbuf.h"

static const char *const tag_names[PT_MAX_TAG + 1] = {
	[PT_USER] = "USER", [PT_PASSWORD] = "PASSWORD", [PT_FILE] = "FILE",
	[PT_SHA1] = "SHA1", [PT_BASE_SHA1] = "BASE_SHA1", [PT_MODE] = "MODE",
	[PT_ACTION] = "ACTION", [PT_PURPOSE] = "PURPOSE", [PT_CERT] = "CERT",
	[PT_LIMIT] = "LIMIT", [PT_MESSAGE] = "MESSAGE", [PT_ERROR] = "ERROR",
	[PT_SECURITY_MODE] = "SECURITY_MODE", [PT_CTL_MODE] = "CTL_MODE",
	[PT_NODE] = "NODE", [PT_NAME] = "NAME", [PT_IP] = "IP",
	[PT_PORT] = "PORT", [PT_PUBLISHER] = "PUBLISHER",
	[PT_REACHABLE] = "REACHABLE", [PT_STATE] = "STATE",
	[PT_RESULT] = "RESULT", [PT_TIME] = "TIME", [PT_AUDIT] = "AUDIT",
	[PT_OPERATION] = "OPERATION", [PT_OLD_SHA1] = "OLD_SHA1",
	[PT_NEW_SHA1] = "NEW_SHA1", [PT_TRUST] = "TRUST",
	[PT_FILENAME] = "FILENAME", [PT_STATUS] = "STATUS",
	[PT_NODE_CERT] = "NODE_CERT", [PT_TVS_PORT] = "TVS_PORT",
	[PT_TFTP_PORT] = "TFTP_PORT", [PT_FORCE] = "FORCE",
	[PT_ROLLBACK] = "ROLLBACK",
	[PT_SFTP_HOST] = "SFTP_HOST", [PT_SFTP_DIR] = "SFTP_DIR",
	[PT_SFTP_KEY] = "SFTP_KEY", [PT_HOSTKEY] = "HOSTKEY",
	[PT_OLD_HOSTKEY] = "OLD_HOSTKEY", [PT_CLUSTER] = "CLUSTER",
	[PT_BULK_TYPE] = "BULK_TYPE", [PT_BULK_FILE] = "BULK_FILE",
	[PT_BULK_CERT] = "BULK_CERT", [PT_STORE] = "STORE",
	[PT_CERT_TYPE] = "CERT_TYPE", [PT_KEY_TYPE] = "KEY_TYPE",
	[PT_SERIAL] = "SERIAL", [PT_ITL_REBUILT] = "ITL_REBUILT",
	[PT_RESTART] = "RESTART",
	[PT_WARNING] = "WARNING", [PT_SERVICES] = "SERVICES",
	[PT_CSR] = "CSR", [PT_MULTI_SAN] = "MULTI_SAN",
};

const char *
proto_tag_name(unsigned tag)
{
	return tag <= PT_MAX_TAG ? tag_names[tag] : NULL;
}

/* A tag's name for a message; never NULL, as printf's %s needs. */
static const char *
tag_label(unsigned tag)
{
	const char *n = proto_tag_name(tag);

	return n != NULL ? n : "an unknown tag";
}

const char *
proto_type_name(unsigned type)
{
	switch (type) {
	case PROTO_LOGIN: return "LOGIN";
	case PROTO_CLUSTER_INFO: return "CLUSTER_INFO";
	case PROTO_FETCH_CTL: return "FETCH_CTL";
	case PROTO_UPLOAD_CTL: return "UPLOAD_CTL";
	case PROTO_SET_SECURITY_MODE: return "SET_SECURITY_MODE";
	case PROTO_TOKENLESS: return "TOKENLESS";
	case PROTO_DELETE_CTL: return "DELETE_CTL";
	case PROTO_TRUST_LIST: return "TRUST_LIST";
	case PROTO_TRUST_UPLOAD: return "TRUST_UPLOAD";
	case PROTO_TRUST_DELETE: return "TRUST_DELETE";
	case PROTO_AUDIT: return "AUDIT";
	case PROTO_ROLLBACK_PRE8: return "ROLLBACK_PRE8";
	case PROTO_BULK_SFTP: return "BULK_SFTP";
	case PROTO_BULK_EXPORT: return "BULK_EXPORT";
	case PROTO_BULK_CONSOLIDATE: return "BULK_CONSOLIDATE";
	case PROTO_BULK_IMPORT: return "BULK_IMPORT";
	case PROTO_BULK_LIST: return "BULK_LIST";
	case PROTO_CERT_REGENERATE: return "CERT_REGENERATE";
	case PROTO_CERT_CSR: return "CERT_CSR";
	case PROTO_CERT_UPLOAD: return "CERT_UPLOAD";
	case PROTO_CERT_LIST: return "CERT_LIST";
	case PROTO_ITL_RESET: return "ITL_RESET";
	case PROTO_CTL_RESET: return "CTL_RESET";
	case PROTO_ITL_BACKUP: return "ITL_BACKUP";
	case PROTO_NODE_PUSH: return "NODE_PUSH";
	case PROTO_NODE_DELETE: return "NODE_DELETE";
	case PROTO_NODE_STATUS: return "NODE_STATUS";
	case PROTO_OK: return "OK";
	case PROTO_ERROR: return "ERROR";
	}
	return NULL;
}

static bool
is_group(unsigned tag)
{
	return tag == PT_NODE || tag == PT_RESULT || tag == PT_AUDIT ||
	    tag == PT_TRUST || tag == PT_NODE_CERT || tag == PT_BULK_FILE ||
	    tag == PT_BULK_CERT;
}

/* --- building --- */

void
proto_out_init(struct proto_out *o, uint8_t type, uint32_t id)
{
	o->type = type;
	o->id = id;
	wb_init(&o->payload, PROTO_MAX_PAYLOAD);
	o->group_at = 0;
	o->err = CTL_OK;
}

void
proto_out_free(struct proto_out *o)
{
	wb_free(&o->payload);
}

static void
put_head(struct proto_out *o, uint16_t tag, size_t n)
{
	int rc;

	if (o->err != CTL_OK)
		return;
	if (n > PROTO_MAX_PAYLOAD) {
		o->err = CTL_ERR_TOO_BIG;
		return;
	}
	if ((rc = wb_put_u16(&o->payload, tag)) != CTL_OK ||
	    (rc = wb_put_u32(&o->payload, (uint32_t)n)) != CTL_OK)
		o->err = rc;
}

void
proto_put_bytes(struct proto_out *o, uint16_t tag, const void *p, size_t n)
{
	int rc;

	put_head(o, tag, n);
	if (o->err == CTL_OK && (rc = wb_put_bytes(&o->payload, p, n)))
		o->err = rc;
}

void
proto_put_str(struct proto_out *o, uint16_t tag, const char *s)
{
	proto_put_bytes(o, tag, s, strlen(s));
}

void
proto_put_u8(struct proto_out *o, uint16_t tag, uint8_t v)
{
	proto_put_bytes(o, tag, &v, 1);
}

void
proto_put_u16(struct proto_out *o, uint16_t tag, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	proto_put_bytes(o, tag, b, sizeof(b));
}

void
proto_put_u32(struct proto_out *o, uint16_t tag, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	proto_put_bytes(o, tag, b, sizeof(b));
}

void
proto_put_u64(struct proto_out *o, uint16_t tag, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	proto_put_bytes(o, tag, b, sizeof(b));
}

void
proto_group_begin(struct proto_out *o, uint16_t tag)
{
	if (o->err == CTL_OK && o->group_at != 0)
		o->err = CTL_ERR_INTERNAL;      /* groups do not nest */
	put_head(o, tag, 0);
	if (o->err == CTL_OK)
		o->group_at = o->payload.len - 4;
}

void
proto_group_end(struct proto_out *o)
{
	int rc;

	if (o->err == CTL_OK && o->group_at == 0)
		o->err = CTL_ERR_INTERNAL;
	if (o->err == CTL_OK && (rc = wb_set_u32(&o->payload, o->group_at,
	    (uint32_t)(o->payload.len - o->group_at - 4))) != CTL_OK)
		o->err = rc;
	o->group_at = 0;
}

int
proto_out_finish(struct proto_out *o, uint8_t **out, size_t *len)
{
	uint8_t *f;

	*out = NULL;
	*len = 0;
	if (o->err == CTL_OK && o->group_at != 0)
		o->err = CTL_ERR_INTERNAL;
	if (o->err != CTL_OK)
		return o->err;
	if ((f = malloc(PROTO_HEADER_LEN + o->payload.len)) == NULL)
		return CTL_ERR_NOMEM;
	memcpy(f, PROTO_MAGIC, 4);
	f[4] = PROTO_VERSION;
	f[5] = o->type;
	f[6] = f[7] = 0;
	f[8] = (uint8_t)(o->id >> 24);
	f[9] = (uint8_t)(o->id >> 16);
	f[10] = (uint8_t)(o->id >> 8);
	f[11] = (uint8_t)o->id;
	f[12] = (uint8_t)(o->payload.len >> 24);
	f[13] = (uint8_t)(o->payload.len >> 16);
	f[14] = (uint8_t)(o->payload.len >> 8);
	f[15] = (uint8_t)o->payload.len;
	if (o->payload.len > 0)
		memcpy(f + PROTO_HEADER_LEN, o->payload.p, o->payload.len);
	*out = f;
	*len = PROTO_HEADER_LEN + o->payload.len;
	return CTL_OK;
}

/* --- parsing --- */

int
proto_header_parse(const uint8_t p[PROTO_HEADER_LEN], struct proto_header *h,
    struct ctl_diag *d)
{
	struct rbuf r;
	const uint8_t *magic;
	uint8_t version, type;
	uint16_t reserved;
	uint32_t id, len;

	rb_init(&r, p, PROTO_HEADER_LEN);
	if (rb_get_bytes(&r, 4, &magic) != CTL_OK ||
	    rb_get_u8(&r, &version) != CTL_OK || rb_get_u8(&r, &type) ||
	    rb_get_u16(&r, &reserved) || rb_get_u32(&r, &id) ||
	    rb_get_u32(&r, &len))
		return ctl_diag_set(d, CTL_ERR_INTERNAL, "short header");
	if (memcmp(magic, PROTO_MAGIC, 4) != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "not a CTL Provider "
		    "frame (bad magic %02x%02x%02x%02x)", magic[0], magic[1],
		    magic[2], magic[3]);
	if (version != PROTO_VERSION)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "protocol version %u; "
		    "this program speaks version %u only", version,
		    PROTO_VERSION);
	if (reserved != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "reserved header bits "
		    "set (0x%04x)", reserved);
	if (len > PROTO_MAX_PAYLOAD)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "frame of %u bytes, "
		    "more than the %u-byte maximum", len, PROTO_MAX_PAYLOAD);
	h->type = type;
	h->id = id;
	h->length = len;
	return CTL_OK;
}

int
proto_fields_parse(const uint8_t *p, size_t len, bool group,
    struct proto_fields *out, struct ctl_diag *d)
{
	struct rbuf r;
	struct proto_field *f = NULL, *nf;
	size_t n = 0, cap = 0, at;
	uint16_t tag;
	uint32_t flen;
	const uint8_t *val;
	int rc = CTL_ERR_INTERNAL;

	out->f = NULL;
	out->n = 0;
	rb_init(&r, p, len);
	while (rb_avail(&r) > 0) {
		at = rb_pos(&r);
		if (rb_get_u16(&r, &tag) != CTL_OK ||
		    rb_get_u32(&r, &flen) != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "byte %zu: a "
			    "field header is cut short", at);
			goto out;
		}
		if (tag == 0 || tag > PT_MAX_TAG || tag_names[tag] == NULL) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "byte %zu: "
			    "unknown field tag %u", at, tag);
			goto out;
		}
		if (group && is_group(tag)) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "byte %zu: %s "
			    "inside a group", at, tag_label(tag));
			goto out;
		}
		if (rb_get_bytes(&r, flen, &val) != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "byte %zu: %s "
			    "of %u bytes runs past the end (%zu left)", at,
			    tag_label(tag), flen, rb_avail(&r));
			goto out;
		}
		if (n == PROTO_MAX_FIELDS) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "more than %d "
			    "fields", PROTO_MAX_FIELDS);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nf = realloc(f, cap * sizeof(*f))) == NULL) {
				rc = CTL_ERR_NOMEM;
				goto out;
			}
			f = nf;
		}
		f[n].tag = tag;
		f[n].len = flen;
		f[n].val = val;
		n++;
	}
	out->f = f;
	out->n = n;
	f = NULL; /* transferred */
	rc = CTL_OK;
out:
	free(f);
	return rc;
}

void
proto_fields_free(struct proto_fields *fs)
{
	free(fs->f);
	fs->f = NULL;
	fs->n = 0;
}

size_t
proto_count(const struct proto_fields *fs, uint16_t tag)
{
	size_t i, n = 0;

	for (i = 0; i < fs->n; i++)
		n += fs->f[i].tag == tag;
	return n;
}

/* The one field with TAG, or NULL when there is none. */
static int
find_one(const struct proto_fields *fs, uint16_t tag, bool required,
    const struct proto_field **out, struct ctl_diag *d)
{
	size_t i;

	*out = NULL;
	for (i = 0; i < fs->n; i++) {
		if (fs->f[i].tag != tag)
			continue;
		if (*out != NULL)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "field %s "
			    "appears twice", tag_label(tag));
		*out = &fs->f[i];
	}
	if (*out == NULL)
		return required ? ctl_diag_set(d, CTL_ERR_PROTOCOL, "field %s "
		    "is missing", tag_label(tag)) : CTL_ERR_NOT_FOUND;
	return CTL_OK;
}

int
proto_get_bytes(const struct proto_fields *fs, uint16_t tag, bool required,
    size_t max, const uint8_t **p, size_t *n, struct ctl_diag *d)
{
	const struct proto_field *f;
	int rc;

	if ((rc = find_one(fs, tag, required, &f, d)) != CTL_OK)
		return rc;
	if (f->len > max)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "field %s is %u "
		    "bytes, more than %zu", tag_label(tag), f->len, max);
	*p = f->val;
	*n = f->len;
	return CTL_OK;
}

int
proto_get_str(const struct proto_fields *fs, uint16_t tag, bool required,
    char *out, size_t max, struct ctl_diag *d)
{
	const uint8_t *p = NULL;
	size_t n = 0;
	int rc;

	if ((rc = proto_get_bytes(fs, tag, required, max, &p, &n, d)))
		return rc;
	if (n == 0 || memchr(p, '\0', n) != NULL)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "field %s is empty or "
		    "holds a NUL byte", tag_label(tag));
	memcpy(out, p, n);
	out[n] = '\0';
	return CTL_OK;
}

/*
 * The one field TAG as a big-endian unsigned integer of SIZE bytes (1, 2,
 * 4 or 8) into the integer of that size at V, untouched on failure.
 */
static int
get_uint(const struct proto_fields *fs, uint16_t tag, bool required,
    size_t size, void *v, struct ctl_diag *d)
{
	const struct proto_field *f;
	uint64_t x = 0;
	size_t i;
	int rc;

	if ((rc = find_one(fs, tag, required, &f, d)) != CTL_OK)
		return rc;
	if (f->len != size)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "field %s is %u bytes, "
		    "expected %zu", tag_label(tag), f->len, size);
	for (i = 0; i < size; i++)
		x = (x << 8) | f->val[i];
	switch (size) {
	case 1: *(uint8_t *)v = (uint8_t)x; break;
	case 2: *(uint16_t *)v = (uint16_t)x; break;
	case 4: *(uint32_t *)v = (uint32_t)x; break;
	default: *(uint64_t *)v = x; break;
	}
	return CTL_OK;
}

/* The typed getters of proto_frame.h, one per integer size. */
#define GET_UINT(name, type)						\
int									\
name(const struct proto_fields *fs, uint16_t tag, bool required,	\
    type *v, struct ctl_diag *d)					\
{									\
	return get_uint(fs, tag, required, sizeof(*v), v, d);		\
}

GET_UINT(proto_get_u8, uint8_t)
GET_UINT(proto_get_u16, uint16_t)
GET_UINT(proto_get_u32, uint32_t)
GET_UINT(proto_get_u64, uint64_t)

#undef GET_UINT

int
proto_group_at(const struct proto_fields *fs, uint16_t tag, size_t nth,
    struct proto_fields *out, struct ctl_diag *d)
{
	size_t i, k = 0;

	for (i = 0; i < fs->n; i++) {
		if (fs->f[i].tag != tag)
			continue;
		if (k++ == nth)
			return proto_fields_parse(fs->f[i].val, fs->f[i].len,
			    true, out, d);
	}
	return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "no %s number %zu",
	    tag_label(tag), nth + 1);
}
