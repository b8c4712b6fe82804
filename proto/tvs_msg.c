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

	if (len < TVS_HEADER_LEN)
		return ctl_diag_set(d, CTL_ERR_TRUNCATED,
		    "TVS header: %zu of %d bytes", len, TVS_HEADER_LEN);
	rb_init(&r, p, TVS_HEADER_LEN);
	if (rb_get_u8(&r, &proto) || rb_get_u8(&r, &version) ||
	    rb_get_u8(&r, &h->command) || rb_get_u8(&r, &reserved) ||
	    rb_get_u32(&r, &h->session) || rb_get_u16(&r, &h->length))
		return ctl_diag_set(d, CTL_ERR_INTERNAL, "TVS header reader");
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

	if (rb_get_u8(body, tag) || rb_get_u16(body, &vlen))
		return ctl_diag_set(d, CTL_ERR_TRUNCATED,
		    "TVS element header cut short at byte %zu",
		    TVS_HEADER_LEN + rb_pos(body));
	if (rb_get_sub(body, vlen, value))
		return ctl_diag_set(d, CTL_ERR_TRUNCATED,
		    "TVS element %u: %u bytes declared, %zu left", *tag,
		    vlen, rb_avail(body));
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

	if (rb_get_u8(v, &kind))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS DEVICE_NAME is empty");
	if (kind != TVS_DEVICE_NAME_KIND)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS DEVICE_NAME starts with %u, expected %d", kind,
		    TVS_DEVICE_NAME_KIND);
	n = rb_avail(v);
	if (n == 0 || n > TVS_DEVICE_NAME_MAX)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS DEVICE_NAME has %zu characters, expected 1 to %d", n,
		    TVS_DEVICE_NAME_MAX);
	if (rb_get_bytes(v, n, &name) || !printable(name, n))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS DEVICE_NAME holds a character that is not printable "
		    "ASCII");
	memcpy(out, name, n);
	out[n] = '\0';
	return CTL_OK;
}

static int parse_request(const uint8_t *p, size_t len,
    struct tvs_request *out, struct ctl_diag *d)
{
	struct tvs_header h;
	struct rbuf body, v;
	bool have_device = false;
	uint8_t tag = 0;
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
	while (rb_avail(&body) > 0) {
		if ((rc = next_element(&body, &tag, &v, d)))
			return rc;
		switch (tag) {
		case TVS_TAG_DEVICE_NAME:
			if (have_device)
				return ctl_diag_set(d, CTL_ERR_PROTOCOL,
				    "TVS request has two DEVICE_NAME elements");
			if ((rc = read_device(&v, out->device, d)))
				return rc;
			have_device = true;
			break;
		case TVS_TAG_CERTIFICATE:
			if (out->cert)
				return ctl_diag_set(d, CTL_ERR_PROTOCOL,
				    "TVS request has two CERTIFICATE elements");
			out->cert_len = rb_avail(&v);
			if (out->cert_len == 0 ||
			    rb_get_bytes(&v, out->cert_len, &out->cert))
				return ctl_diag_set(d, CTL_ERR_PROTOCOL,
				    "TVS CERTIFICATE is empty");
			break;
		default:
			return ctl_diag_set(d, CTL_ERR_PROTOCOL,
			    "TVS request has an unknown element, tag %u", tag);
		}
	}
	if (!have_device)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS request has no DEVICE_NAME");
	if (!out->cert)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS request has no CERTIFICATE");
	return CTL_OK;
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

static int put_header(struct wbuf *w, uint8_t cmd, uint32_t session)
{
	return wb_put_u8(w, TVS_PROTOCOL_ID) || wb_put_u8(w, TVS_VERSION) ||
	    wb_put_u8(w, cmd) || wb_put_u8(w, 0) || wb_put_u32(w, session) ||
	    wb_put_u16(w, 0);   /* the length, set at the end */
}

static int put_element(struct wbuf *w, uint8_t tag, const void *v, size_t n)
{
	if (n > UINT16_MAX)
		return -1;
	return wb_put_u8(w, tag) || wb_put_u16(w, (uint16_t)n) ||
	    wb_put_bytes(w, v, n);
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
	if (put_header(&w, command, session) ||
	    put_element(&w, TVS_TAG_DEVICE_NAME, name, n + 1) ||
	    put_element(&w, TVS_TAG_CERTIFICATE, cert, cert_len) ||
	    finish(&w)) {
		wb_free(&w);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "building a TVS request");
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
	int rc = CTL_OK;

	*out_len = 0;
	if (!is_response(r->command) || r->nroles > TVS_ROLES_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "bad TVS response");
	wb_init(&w, cap);
	if (put_header(&w, r->command, r->session) ||
	    put_element(&w, TVS_TAG_STATUS, &status, 1) ||
	    (r->valid && (put_element(&w, TVS_TAG_ROLES, r->roles,
	    r->nroles) || put_element(&w, TVS_TAG_TTL, ttl, 4))) ||
	    finish(&w)) {
		rc = ctl_diag_set(d, CTL_ERR_TOO_BIG,
		    "a TVS response does not fit %zu bytes", cap);
		goto out;
	}
	memcpy(out, w.p, w.len);
	*out_len = w.len;
out:
	wb_free(&w);
	return rc;
}

int tvs_response_parse(const uint8_t *p, size_t len, struct tvs_response *out,
    struct ctl_diag *d)
{
	struct tvs_header h;
	struct rbuf body, v;
	bool have_status = false, have_roles = false, have_ttl = false;
	uint8_t tag = 0, status = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = open_message(p, len, &h, &body, d)))
		return rc;
	if (!is_response(h.command))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS command %u is not a response", h.command);
	out->command = h.command;
	out->session = h.session;
	while (rb_avail(&body) > 0) {
		if ((rc = next_element(&body, &tag, &v, d)))
			return rc;
		switch (tag) {
		case TVS_TAG_STATUS:
			if (have_status || rb_avail(&v) != 1 ||
			    rb_get_u8(&v, &status) ||
			    status > TVS_STATUS_INVALID)
				return ctl_diag_set(d, CTL_ERR_PROTOCOL,
				    "TVS response: bad or repeated STATUS");
			have_status = true;
			break;
		case TVS_TAG_ROLES: {
			const uint8_t *roles = NULL;

			out->nroles = rb_avail(&v);
			if (have_roles || out->nroles > TVS_ROLES_MAX ||
			    rb_get_bytes(&v, out->nroles, &roles))
				return ctl_diag_set(d, CTL_ERR_PROTOCOL,
				    "TVS response: bad or repeated ROLES");
			if (out->nroles)
				memcpy(out->roles, roles, out->nroles);
			have_roles = true;
			break;
		}
		case TVS_TAG_TTL:
			if (have_ttl || rb_avail(&v) != 4 ||
			    rb_get_u32(&v, &out->ttl))
				return ctl_diag_set(d, CTL_ERR_PROTOCOL,
				    "TVS response: bad or repeated TTL");
			have_ttl = true;
			break;
		default:
			return ctl_diag_set(d, CTL_ERR_PROTOCOL,
			    "TVS response has an unknown element, tag %u", tag);
		}
	}
	if (!have_status)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS response has no STATUS");
	out->valid = status == TVS_STATUS_VALID;
	if (out->valid && (!have_roles || !have_ttl))
		return ctl_diag_set(d, CTL_ERR_PROTOCOL,
		    "TVS response says valid but lacks ROLES or TTL");
	return CTL_OK;
}
