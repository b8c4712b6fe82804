/*
 * Frames of the CTL Provider protocol (docs/protocol.md): a 16-byte
 * header and a payload of tag-length-value fields.  Building writes into
 * a capped buffer; parsing goes through the bounds-checked reader and
 * never trusts a length it has not checked against what is left.
 */
#ifndef PROTO_FRAME_H
#define PROTO_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wbuf.h"

struct ctl_diag;

#define PROTO_MAGIC        "CTLP"
#define PROTO_VERSION      1
#define PROTO_HEADER_LEN   16
#define PROTO_MAX_PAYLOAD  (2u * 1024 * 1024)
#define PROTO_MAX_FIELDS   4096
#define PROTO_MAX_FILE     (1024u * 1024)

/* Message types. */
enum proto_type {
	PROTO_LOGIN = 0x01, PROTO_CLUSTER_INFO = 0x02, PROTO_FETCH_CTL = 0x03,
	PROTO_UPLOAD_CTL = 0x04, PROTO_SET_SECURITY_MODE = 0x05,
	PROTO_TOKENLESS = 0x06, PROTO_DELETE_CTL = 0x07,
	PROTO_TRUST_LIST = 0x08, PROTO_TRUST_UPLOAD = 0x09,
	PROTO_TRUST_DELETE = 0x0a, PROTO_AUDIT = 0x0b,
	PROTO_ROLLBACK_PRE8 = 0x0c,
	PROTO_ITL_RESET = 0x0d, PROTO_CTL_RESET = 0x0e, PROTO_ITL_BACKUP = 0x0f,
	PROTO_BULK_SFTP = 0x10, PROTO_BULK_EXPORT = 0x11,
	PROTO_BULK_CONSOLIDATE = 0x12, PROTO_BULK_IMPORT = 0x13,
	PROTO_BULK_LIST = 0x14, PROTO_CERT_LIST = 0x15,
	PROTO_CERT_REGENERATE = 0x16, PROTO_CERT_CSR = 0x17,
	PROTO_CERT_UPLOAD = 0x18,
	PROTO_NODE_PUSH = 0x20, PROTO_NODE_DELETE = 0x21,
	PROTO_NODE_STATUS = 0x22,
	PROTO_OK = 0x80, PROTO_ERROR = 0x81,
};

/* Field tags. */
enum proto_tag {
	PT_USER = 1, PT_PASSWORD = 2, PT_FILE = 3, PT_SHA1 = 4,
	PT_BASE_SHA1 = 5, PT_MODE = 6, PT_ACTION = 7, PT_PURPOSE = 8,
	PT_CERT = 9, PT_LIMIT = 10, PT_MESSAGE = 11, PT_ERROR = 12,
	PT_SECURITY_MODE = 13, PT_CTL_MODE = 14, PT_NODE = 15, PT_NAME = 16,
	PT_IP = 17, PT_PORT = 18, PT_PUBLISHER = 19, PT_REACHABLE = 20,
	PT_STATE = 21, PT_RESULT = 22, PT_TIME = 23, PT_AUDIT = 24,
	PT_OPERATION = 25, PT_OLD_SHA1 = 26, PT_NEW_SHA1 = 27, PT_TRUST = 28,
	PT_FILENAME = 29, PT_STATUS = 30, PT_NODE_CERT = 31,
	PT_TVS_PORT = 32, PT_TFTP_PORT = 33, PT_FORCE = 34,
	PT_ROLLBACK = 35,
	/* bulk certificate management (docs/bulk.md) */
	PT_SFTP_HOST = 40, PT_SFTP_DIR = 41, PT_SFTP_KEY = 42,
	PT_HOSTKEY = 43, PT_OLD_HOSTKEY = 44, PT_CLUSTER = 45,
	PT_BULK_TYPE = 46, PT_BULK_FILE = 47, PT_BULK_CERT = 48,
	PT_STORE = 49,
	/* certificate regeneration (docs/certificates.md) */
	PT_CERT_TYPE = 50, PT_KEY_TYPE = 51, PT_SERIAL = 52,
	PT_ITL_REBUILT = 53, PT_RESTART = 54,
	/* certificate care (docs/protocol.md) */
	PT_WARNING = 55, PT_SERVICES = 56,
	/* CA-signed certificates (docs/certificates.md) */
	PT_CSR = 57, PT_MULTI_SAN = 58,
	PT_MAX_TAG = 58,
};

/* ACTION of ITL_RESET. */
enum proto_itl_reset {
	PROTO_ITL_RESET_LOCALKEY = 1, PROTO_ITL_RESET_REMOTEKEY = 2,
	PROTO_ITL_RESET_DONE = 3,
};

/* The shortest password of an ITLRecovery backup (PKCS12). */
#define PROTO_P12_PASSWORD_MIN 8

/* FORCE carries why the sender overrides the publisher's upload check. */
#define PROTO_MAX_REASON   200

/* Error codes carried in PT_ERROR. */
enum proto_error {
	PE_MALFORMED = 1, PE_UNSUPPORTED = 2, PE_LOGIN_REQUIRED = 3,
	PE_LOGIN_REFUSED = 4, PE_RATE_LIMITED = 5, PE_NOT_FOUND = 6,
	PE_CONFLICT = 7, PE_REJECTED = 8, PE_BUSY = 9, PE_INTERNAL = 10,
	PE_NOT_ALLOWED = 11,
};

/* Name of a tag or a type for messages ("FILE", "UPLOAD_CTL"), or NULL. */
const char *proto_tag_name(unsigned tag);
const char *proto_type_name(unsigned type);

/* --- building --- */

/* A frame being built.  The payload buffer is capped at the maximum. */
struct proto_out {
	uint8_t type;
	uint32_t id;
	struct wbuf payload;
	size_t group_at;        /* where the open group's length goes, or 0 */
	int err;                /* first error of a put, reported at the end */
};

void proto_out_init(struct proto_out *o, uint8_t type, uint32_t id);
void proto_out_free(struct proto_out *o);

/* Appends one field.  Errors are remembered in O and returned by
 * proto_out_finish(), so a series of puts needs one check. */
void proto_put_bytes(struct proto_out *o, uint16_t tag, const void *p,
    size_t n);
void proto_put_str(struct proto_out *o, uint16_t tag, const char *s);
void proto_put_u8(struct proto_out *o, uint16_t tag, uint8_t v);
void proto_put_u16(struct proto_out *o, uint16_t tag, uint16_t v);
void proto_put_u32(struct proto_out *o, uint16_t tag, uint32_t v);
void proto_put_u64(struct proto_out *o, uint16_t tag, uint64_t v);

/* Opens and closes a group field; fields put in between go inside it. */
void proto_group_begin(struct proto_out *o, uint16_t tag);
void proto_group_end(struct proto_out *o);

/* The whole frame, header and payload (*OUT freed by the caller).
 * Returns the first error of the puts, CTL_ERR_TOO_BIG when the payload
 * passed its maximum. */
int proto_out_finish(struct proto_out *o, uint8_t **out, size_t *len);

/* --- parsing --- */

struct proto_header {
	uint8_t type;
	uint32_t id;
	uint32_t length;        /* payload bytes that follow */
};

/* Checks the 16 header bytes at P: magic, version, reserved bits, the
 * payload limit.  Fails with CTL_ERR_PROTOCOL and the reason in D. */
int proto_header_parse(const uint8_t p[PROTO_HEADER_LEN],
    struct proto_header *h, struct ctl_diag *d);

struct proto_field {
	uint16_t tag;
	uint32_t len;
	const uint8_t *val;     /* inside the parsed buffer */
};

/* The fields of one level (a payload or a group), in order. */
struct proto_fields {
	struct proto_field *f;
	size_t n;
};

/*
 * Splits LEN bytes at P into fields.  Known tags only; at most
 * PROTO_MAX_FIELDS; every length inside what is left.  Values stay in P.
 * When GROUP is true, group fields are refused (a group holds no group).
 * Free with proto_fields_free().
 */
int proto_fields_parse(const uint8_t *p, size_t len, bool group,
    struct proto_fields *out, struct ctl_diag *d);
void proto_fields_free(struct proto_fields *fs);

/* How many fields carry TAG. */
size_t proto_count(const struct proto_fields *fs, uint16_t tag);

/*
 * Getters for fields that may appear once.  Each fails with
 * CTL_ERR_PROTOCOL when the field appears twice or has the wrong size,
 * and, when REQUIRED, when it is absent; an absent optional field leaves
 * the output alone and returns CTL_ERR_NOT_FOUND.
 */
int proto_get_bytes(const struct proto_fields *fs, uint16_t tag,
    bool required, size_t max, const uint8_t **p, size_t *n,
    struct ctl_diag *d);
/* A string of 1..MAX bytes without NUL, copied into OUT (MAX + 1 bytes). */
int proto_get_str(const struct proto_fields *fs, uint16_t tag, bool required,
    char *out, size_t max, struct ctl_diag *d);
int proto_get_u8(const struct proto_fields *fs, uint16_t tag, bool required,
    uint8_t *v, struct ctl_diag *d);
int proto_get_u16(const struct proto_fields *fs, uint16_t tag,
    bool required, uint16_t *v, struct ctl_diag *d);
int proto_get_u32(const struct proto_fields *fs, uint16_t tag,
    bool required, uint32_t *v, struct ctl_diag *d);
int proto_get_u64(const struct proto_fields *fs, uint16_t tag,
    bool required, uint64_t *v, struct ctl_diag *d);

/* The fields inside the Nth field carrying group tag TAG. */
int proto_group_at(const struct proto_fields *fs, uint16_t tag, size_t nth,
    struct proto_fields *out, struct ctl_diag *d);

#endif
