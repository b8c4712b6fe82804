/*
 * Trust Verification Service messages (docs/tvs.md): the 10-byte header
 * and the tag/length/value elements that follow it.  Parsing reads
 * untrusted bytes from phones, so it goes through struct rbuf only and
 * refuses anything it does not fully understand.
 */
#ifndef TVS_MSG_H
#define TVS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

struct ctl_diag;

#define TVS_PROTOCOL_ID    87
#define TVS_VERSION        1
#define TVS_HEADER_LEN     10

enum tvs_command {
	TVS_CMD_VERIFY_REQ = 1,
	TVS_CMD_VERIFY_RESP = 2,
	TVS_CMD_QUERY_REQ = 3,
	TVS_CMD_QUERY_RESP = 4,
};

enum tvs_tag {
	TVS_TAG_DEVICE_NAME = 1,
	TVS_TAG_CERTIFICATE = 2,
	TVS_TAG_STATUS = 7,
	TVS_TAG_ROLES = 8,
	TVS_TAG_TTL = 9,
};

enum tvs_status { TVS_STATUS_VALID = 0, TVS_STATUS_INVALID = 1 };

/* Limits.  A request body is at most TVS_REQUEST_MAX bytes: a device name
 * and one certificate need far less, and a larger length in a header is
 * refused before the body is read. */
#define TVS_REQUEST_MAX      16384
#define TVS_DEVICE_NAME_MAX  64      /* bytes, without the NUL */
#define TVS_ROLES_MAX        16

/* The device name element starts with this byte, then the name. */
#define TVS_DEVICE_NAME_KIND 0x01

struct tvs_header {
	uint8_t command;     /* enum tvs_command */
	uint32_t session;    /* chosen by the client, echoed by the server */
	uint16_t length;     /* bytes of elements after the header */
};

/* A verify or query request.  CERT points into the parsed message. */
struct tvs_request {
	uint8_t command;                            /* 1 or 3 */
	uint32_t session;
	char device[TVS_DEVICE_NAME_MAX + 1];       /* printable ASCII */
	const uint8_t *cert;                        /* DER, as received */
	size_t cert_len;
};

/* A verify or query response. */
struct tvs_response {
	uint8_t command;                            /* 2 or 4 */
	uint32_t session;
	bool valid;                                 /* STATUS 0 */
	uint8_t roles[TVS_ROLES_MAX];               /* only when valid */
	size_t nroles;
	uint32_t ttl;                               /* seconds, when valid */
};

/*
 * Parses the first TVS_HEADER_LEN bytes of P.  Fails with CTL_ERR_PROTOCOL
 * on a wrong protocol id, version or reserved byte, or an unknown
 * command; with CTL_ERR_TRUNCATED when LEN is below TVS_HEADER_LEN.  The
 * length is returned as sent: the caller decides what is too big.
 */
int tvs_header_parse(const uint8_t *p, size_t len, struct tvs_header *h,
    struct ctl_diag *d);

/*
 * Parses a whole request (header and body, exactly LEN bytes).  It must
 * be a verify or query request no larger than TVS_HEADER_LEN +
 * TVS_REQUEST_MAX, whose header length matches the body, holding exactly
 * one DEVICE_NAME (kind byte, then 1..TVS_DEVICE_NAME_MAX printable
 * characters) and exactly one non-empty CERTIFICATE, and nothing else.
 * The certificate is not decoded here; see tvs_request_cert().
 */
int tvs_request_parse(const uint8_t *p, size_t len, struct tvs_request *out,
    struct ctl_diag *d);

/*
 * Decodes R's certificate.  It must be one DER X.509 certificate with no
 * trailing bytes.  *OUT is freed by the caller.  CTL_ERR_FORMAT otherwise.
 */
int tvs_request_cert(const struct tvs_request *r, X509 **out,
    struct ctl_diag *d);

/*
 * Builds a request for COMMAND (verify or query) into *OUT (malloc'd,
 * freed by the caller).  DEVICE is 1..TVS_DEVICE_NAME_MAX printable
 * characters; the certificate must fit TVS_REQUEST_MAX.
 */
int tvs_request_build(uint8_t command, uint32_t session, const char *device,
    const uint8_t *cert, size_t cert_len, uint8_t **out, size_t *out_len,
    struct ctl_diag *d);

/*
 * Builds R into OUT (CAP bytes; 64 always suffice) and sets *OUT_LEN.  An
 * invalid answer carries STATUS only; a valid one STATUS, ROLES and TTL.
 */
int tvs_response_build(const struct tvs_response *r, uint8_t *out,
    size_t cap, size_t *out_len, struct ctl_diag *d);

/*
 * Parses a whole response (header and body, exactly LEN bytes): STATUS
 * exactly once, ROLES and TTL at most once each and both present when
 * valid.  Unknown elements are refused.
 */
int tvs_response_parse(const uint8_t *p, size_t len, struct tvs_response *out,
    struct ctl_diag *d);

/* The answer command for request command CMD (1 -> 2, 3 -> 4). */
uint8_t tvs_answer_command(uint8_t cmd);

#endif
