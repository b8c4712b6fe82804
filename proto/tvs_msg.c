/* Trust Verification Service messages: see tvs_msg.h and docs/tvs.md. */
#include "tvs_msg.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "rbuf.h"
#include "wbuf.h"

static bool is_request(uint8_t cmd)
{
	return cmd == TVS_CMD_VERIFY_REQ || cmd == TVS_CMD_QUERY_REQ;
}

static bool is_response(uint8_t cmd)
{
	return cmd == TVS_CMD_VERIFY_RESP || cmd == TVS_CMD_QUERY_RESP;
}

uint8_t tvs_answer_command(uint8_t cmd)
{
	return cmd == TVS_CMD_QUERY_REQ ? TVS_CMD_QUERY_RESP
	    : TVS_CMD_VERIFY_RESP;
}

int tvs_header_parse(const uint8_t *p, size_t len, struct tvs_header *h,
    struct ctl_diag *d)
{
	struct rbuf r;
	uint8_t proto = 0, version = 0, reserved = 0;
	int rc;

	if (len < TVS_HEADER_LEN)
		return ctl_diag_set(d, CTL_ERR_TRUNCATED,
		    "TVS header: %zu of %d bytes", len, TVS_HEADER_LEN);
	rb_init(&r, p, TVS_HEADER_LEN);
	if ((rc = rb_get_u8(&r, &proto)) != CTL_OK ||
	    (rc = rb_get_u8(&r, &version)) != CTL_OK ||
	    (rc = rb_get_u8(&r, &h->command)) != CTL_OK ||
	    (rc = rb_get_u8(&r, &reserved)) != CTL_OK ||
	    (rc = rb_get_u32(&r, &h->session)) != CTL_OK ||
	    (rc = rb_get_u16(&r, &h->length)) != CTL_OK)
		return ctl_diag_set(d, rc, "TVS header: %zu bytes are not "
		    "enough for its fields", len);
	if (proto != TVS_PROTOCOL_ID)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "not a TVS message: protocol id %u, expected %d",
		    proto, TVS_PROTOCOL_ID);
	if (version != TVS_VERSION)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS version %u is not supported (only %d)", version,
		    TVS_VERSION);
	if (reserved != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS header: reserved byte is %u, must be 0", reserved);
	if (!is_request(h->command) && !is_response(h->command))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "unknown TVS command %u", h->command);
	return CTL_OK;
}

/* Checks the header of a whole message P/LEN and returns its body. */
static int open_message(const uint8_t *p, size_t len, struct tvs_header *h,
    struct rbuf *body, struct ctl_diag *d)
{
	int rc = tvs_header_parse(p, len, h, d);

	if (rc)
		return rc;
	if (len - TVS_HEADER_LEN != h->length)
		return ctl_diag_set(d, h->length > len - TVS_HEADER_LEN ?
		    CTL_ERR_TRUNCATED : CTL_ERR_PROTOCOL,
		    "TVS message: header says %u bytes of elements, %zu "
		    "follow", h->length, len - TVS_HEADER_LEN);
	rb_init(body, p + TVS_HEADER_LEN, h->length);
	return CTL_OK;
}

/* Reads one element's tag and value. */
static int next_element(struct rbuf *body, uint8_t *tag, struct rbuf *value,
    struct ctl_diag *d)
{
	uint16_t vlen = 0;
	int rc;

	if ((rc = rb_get_u8(body, tag)) != CTL_OK ||
	    (rc = rb_get_u16(body, &vlen)) != CTL_OK)
		return ctl_diag_set(d, rc,
		    "TVS element header cut short at byte %zu",
		    TVS_HEADER_LEN + rb_pos(body));
	if ((rc = rb_get_sub(body, vlen, value)) != CTL_OK)
		return ctl_diag_set(d, rc,
		    "TVS element %u: %u bytes declared, %zu left", *tag,
		    vlen, rb_avail(body));
	return CTL_OK;
}

/* The name of element TAG, for messages. */
static const char *element_name(uint8_t tag)
{
	switch (tag) {
	case TVS_TAG_DEVICE_NAME: return "DEVICE_NAME";
	case TVS_TAG_CERTIFICATE: return "CERTIFICATE";
	case TVS_TAG_STATUS: return "STATUS";
	case TVS_TAG_ROLES: return "ROLES";
	case TVS_TAG_TTL: return "TTL";
	}
	return "unknown";
}

#define BIT(tag) (1u << (tag))

typedef int element_fn(void *ctx, uint8_t tag, struct rbuf *v,
    struct ctl_diag *d);

/*
 * Reads every element of BODY and hands each to FN.  Every element of a
 * TVS message is a singleton: one seen a second time, or one whose tag
 * is not in ALLOWED (a mask of BIT(tag)), is a protocol error.  *SEEN
 * gets the mask of the tags read.  WHAT is "request" or "response".
 */
static int each_element(struct rbuf *body, const char *what,
    unsigned allowed, element_fn *fn, void *ctx, unsigned *seen,
    struct ctl_diag *d)
{
	struct rbuf v;
	uint8_t tag = 0;
	int rc;

	*seen = 0;
	while (rb_avail(body) > 0) {
		if ((rc = next_element(body, &tag, &v, d)) != CTL_OK)
			return rc;
		if (tag >= 32 || (allowed & BIT(tag)) == 0)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL,
			    "TVS %s has an unknown element, tag %u", what, tag);
		if (*seen & BIT(tag))
			return ctl_diag_set(d, CTL_ERR_PROTOCOL,
			    "TVS %s has two %s elements", what,
			    element_name(tag));
		*seen |= BIT(tag);
		if ((rc = fn(ctx, tag, &v, d)) != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

/* Fails when element TAG is not among SEEN. */
static int require(unsigned seen, const char *what, uint8_t tag,
    struct ctl_diag *d)
{
	if ((seen & BIT(tag)) == 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "TVS %s has no %s",
		    what, element_name(tag));
	return CTL_OK;
}

/* Checks that element TAG's value V holds MIN to MAX bytes. */
static int sized(const struct rbuf *v, size_t min, size_t max, uint8_t tag,
    struct ctl_diag *d)
{
	size_t n = rb_avail(v);

	if (n < min || n > max)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS %s of %zu bytes, expected %zu to %zu",
		    element_name(tag), n, min, max);
	return CTL_OK;
}

/* RC from reading element TAG's value, with a message when it failed. */
static int value_read(int rc, uint8_t tag, struct ctl_diag *d)
{
	if (rc != CTL_OK)
		return ctl_diag_set(d, rc, "TVS %s: value cut short",
		    element_name(tag));
	return CTL_OK;
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return false;
	return true;
}

static int read_device(struct rbuf *v, char *out, struct ctl_diag *d)
{
	uint8_t kind = 0;
	size_t n;
	const uint8_t *name = NULL;
	int rc;

	if (rb_avail(v) == 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS DEVICE_NAME is empty");
	if ((rc = rb_get_u8(v, &kind)) != CTL_OK)
		return ctl_diag_set(d, rc, "TVS DEVICE_NAME kind byte");
	if (kind != TVS_DEVICE_NAME_KIND)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS DEVICE_NAME starts with %u, expected %d", kind,
		    TVS_DEVICE_NAME_KIND);
	n = rb_avail(v);
	if (n == 0 || n > TVS_DEVICE_NAME_MAX)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS DEVICE_NAME has %zu characters, expected 1 to %d", n,
		    TVS_DEVICE_NAME_MAX);
	if ((rc = rb_get_bytes(v, n, &name)) != CTL_OK)
		return ctl_diag_set(d, rc, "TVS DEVICE_NAME of %zu bytes", n);
	if (!printable(name, n))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS DEVICE_NAME holds a character that is not printable "
		    "ASCII");
	memcpy(out, name, n);
	out[n] = '\0';
	return CTL_OK;
}

/* One element of a request into the struct tvs_request at CTX. */
static int request_element(void *ctx, uint8_t tag, struct rbuf *v,
    struct ctl_diag *d)
{
	struct tvs_request *out = ctx;

	if (tag == TVS_TAG_DEVICE_NAME)
		return read_device(v, out->device, d);
	out->cert_len = rb_avail(v);
	if (out->cert_len == 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS CERTIFICATE is empty");
	return value_read(rb_get_bytes(v, out->cert_len, &out->cert), tag, d);
}

static int parse_request(const uint8_t *p, size_t len,
    struct tvs_request *out, struct ctl_diag *d)
{
	struct tvs_header h;
	struct rbuf body;
	unsigned seen = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	/* What the header says is judged before the body is looked at:
	 * an oversized request is refused as such even when cut short. */
	if ((rc = tvs_header_parse(p, len, &h, d)))
		return rc;
	if (!is_request(h.command))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS command %u is not a request", h.command);
	if (h.length > TVS_REQUEST_MAX)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG,
		    "TVS request of %u bytes; at most %d are accepted",
		    h.length, TVS_REQUEST_MAX);
	if ((rc = open_message(p, len, &h, &body, d)))
		return rc;
	out->command = h.command;
	out->session = h.session;
	if ((rc = each_element(&body, "request", BIT(TVS_TAG_DEVICE_NAME) |
	    BIT(TVS_TAG_CERTIFICATE), request_element, out, &seen, d)) !=
	    CTL_OK ||
	    (rc = require(seen, "request", TVS_TAG_DEVICE_NAME, d)) != CTL_OK)
		return rc;
	return require(seen, "request", TVS_TAG_CERTIFICATE, d);
}

int tvs_request_parse(const uint8_t *p, size_t len, struct tvs_request *out,
    struct ctl_diag *d)
{
	struct tvs_request r;
	int rc = parse_request(p, len, &r, d);

	/* a failed parse leaves nothing half-filled behind */
	if (rc == CTL_OK)
		*out = r;
	else
		memset(out, 0, sizeof(*out));
	return rc;
}

int tvs_request_cert(const struct tvs_request *r, X509 **out,
    struct ctl_diag *d)
{
	const unsigned char *q = r->cert;
	X509 *x;

	*out = NULL;
	if (r->cert_len > (size_t)TVS_REQUEST_MAX)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG, "TVS certificate too big");
	x = d2i_X509(NULL, &q, (long)r->cert_len);
	if (!x)
		return ctl_diag_set(d, CTL_ERR_FORMAT,
		    "TVS CERTIFICATE is not a DER X.509 certificate");
	if ((size_t)(q - r->cert) != r->cert_len) {
		X509_free(x);
		return ctl_diag_set(d, CTL_ERR_FORMAT,
		    "TVS CERTIFICATE has %zu bytes after the certificate",
		    r->cert_len - (size_t)(q - r->cert));
	}
	*out = x;
	return CTL_OK;
}

/* The writers below return the wbuf's code: CTL_ERR_TOO_BIG past its
 * maximum, CTL_ERR_NOMEM. */
static int put_header(struct wbuf *w, uint8_t cmd, uint32_t session)
{
	const uint8_t head[] = { TVS_PROTOCOL_ID, TVS_VERSION, cmd, 0 };
	int rc;

	if ((rc = wb_put_bytes(w, head, sizeof(head))) != CTL_OK ||
	    (rc = wb_put_u32(w, session)) != CTL_OK)
		return rc;
	return wb_put_u16(w, 0);   /* the length, set at the end */
}

static int put_element(struct wbuf *w, uint8_t tag, const void *v, size_t n)
{
	int rc;

	if (n > UINT16_MAX)
		return CTL_ERR_TOO_BIG;
	if ((rc = wb_put_u8(w, tag)) != CTL_OK ||
	    (rc = wb_put_u16(w, (uint16_t)n)) != CTL_OK)
		return rc;
	return wb_put_bytes(w, v, n);
}

/* Sets the header's length to what follows it. */
static int finish(struct wbuf *w)
{
	return wb_set_u16(w, 8, (uint16_t)(w->len - TVS_HEADER_LEN));
}

int tvs_request_build(uint8_t command, uint32_t session, const char *device,
    const uint8_t *cert, size_t cert_len, uint8_t **out, size_t *out_len,
    struct ctl_diag *d)
{
	struct wbuf w;
	size_t n = strlen(device);
	uint8_t name[1 + TVS_DEVICE_NAME_MAX];
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!is_request(command))
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "TVS command %u is not a request", command);
	if (n == 0 || n > TVS_DEVICE_NAME_MAX ||
	    !printable((const uint8_t *)device, n))
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "device name \"%s\": use 1 to %d printable characters",
		    device, TVS_DEVICE_NAME_MAX);
	/* elements: 3 + 1 + n for the name, 3 + cert_len for the
	 * certificate; compared on the limit side so no sum can wrap */
	if (cert_len == 0 || cert_len > (size_t)TVS_REQUEST_MAX - 7 - n)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG,
		    "a %zu-byte certificate does not fit a TVS request",
		    cert_len);
	name[0] = TVS_DEVICE_NAME_KIND;
	memcpy(name + 1, device, n);
	wb_init(&w, TVS_HEADER_LEN + TVS_REQUEST_MAX);
	if ((rc = put_header(&w, command, session)) != CTL_OK ||
	    (rc = put_element(&w, TVS_TAG_DEVICE_NAME, name, n + 1)) !=
	    CTL_OK ||
	    (rc = put_element(&w, TVS_TAG_CERTIFICATE, cert, cert_len)) !=
	    CTL_OK ||
	    (rc = finish(&w)) != CTL_OK) {
		wb_free(&w);
		return ctl_diag_set(d, rc, "building a TVS request of a "
		    "%zu-byte certificate", cert_len);
	}
	*out = w.p;
	*out_len = w.len;
	return CTL_OK;
}

int tvs_response_build(const struct tvs_response *r, uint8_t *out,
    size_t cap, size_t *out_len, struct ctl_diag *d)
{
	struct wbuf w;
	uint8_t status = r->valid ? TVS_STATUS_VALID : TVS_STATUS_INVALID;
	uint8_t ttl[4] = {
		(uint8_t)(r->ttl >> 24), (uint8_t)(r->ttl >> 16),
		(uint8_t)(r->ttl >> 8), (uint8_t)r->ttl,
	};
	int rc;

	*out_len = 0;
	if (!is_response(r->command) || r->nroles > TVS_ROLES_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "bad TVS response");
	wb_init(&w, cap);
	if ((rc = put_header(&w, r->command, r->session)) != CTL_OK ||
	    (rc = put_element(&w, TVS_TAG_STATUS, &status, 1)) != CTL_OK)
		goto fail;
	/* an invalid answer carries STATUS only */
	if (r->valid &&
	    ((rc = put_element(&w, TVS_TAG_ROLES, r->roles, r->nroles)) !=
	    CTL_OK ||
	    (rc = put_element(&w, TVS_TAG_TTL, ttl, 4)) != CTL_OK))
		goto fail;
	if ((rc = finish(&w)) != CTL_OK)
		goto fail;
	memcpy(out, w.p, w.len);
	*out_len = w.len;
	goto out;
fail:
	rc = ctl_diag_set(d, rc, "a TVS response does not fit %zu bytes",
	    cap);
out:
	wb_free(&w);
	return rc;
}

/* One element of a response into the struct tvs_response at CTX. */
static int response_element(void *ctx, uint8_t tag, struct rbuf *v,
    struct ctl_diag *d)
{
	struct tvs_response *out = ctx;
	const uint8_t *roles = NULL;
	uint8_t status = 0;
	int rc;

	switch (tag) {
	case TVS_TAG_STATUS:
		if ((rc = sized(v, 1, 1, tag, d)) != CTL_OK ||
		    (rc = value_read(rb_get_u8(v, &status), tag, d)) != CTL_OK)
			return rc;
		if (status > TVS_STATUS_INVALID)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL,
			    "TVS response: STATUS %u is neither valid (0) nor "
			    "invalid (1)", status);
		out->valid = status == TVS_STATUS_VALID;
		return CTL_OK;
	case TVS_TAG_ROLES:
		if ((rc = sized(v, 0, TVS_ROLES_MAX, tag, d)) != CTL_OK)
			return rc;
		out->nroles = rb_avail(v);
		if ((rc = value_read(rb_get_bytes(v, out->nroles, &roles), tag,
		    d)) != CTL_OK)
			return rc;
		if (out->nroles)
			memcpy(out->roles, roles, out->nroles);
		return CTL_OK;
	default:        /* TTL */
		if ((rc = sized(v, 4, 4, tag, d)) != CTL_OK)
			return rc;
		return value_read(rb_get_u32(v, &out->ttl), tag, d);
	}
}

int tvs_response_parse(const uint8_t *p, size_t len, struct tvs_response *out,
    struct ctl_diag *d)
{
	struct tvs_header h;
	struct rbuf body;
	unsigned seen = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = open_message(p, len, &h, &body, d)))
		return rc;
	if (!is_response(h.command))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS command %u is not a response", h.command);
	out->command = h.command;
	out->session = h.session;
	if ((rc = each_element(&body, "response", BIT(TVS_TAG_STATUS) |
	    BIT(TVS_TAG_ROLES) | BIT(TVS_TAG_TTL), response_element, out,
	    &seen, d)) != CTL_OK ||
	    (rc = require(seen, "response", TVS_TAG_STATUS, d)) != CTL_OK)
		return rc;
	if (out->valid && ((seen & BIT(TVS_TAG_ROLES)) == 0 ||
	    (seen & BIT(TVS_TAG_TTL)) == 0))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS response says valid but lacks ROLES or TTL");
	return CTL_OK;
}
