/*
 * One TFTP download as a phone makes it, on a libcurl easy handle: the
 * request (block size, timeouts, the size cap) and what its outcome
 * means for the phone.  The handle is run by the caller, blocking
 * (rehearse_tftp_get) or on the rehearsal's event loop (tftp_multi.h).
 */
#ifndef CTLCLIENT_TFTP_XFER_H
#define CTLCLIENT_TFTP_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "phone.h"

/*
 * The block size a phone with Security by Default asks for (RFC 2348):
 * the largest that fits one 1500-byte Ethernet frame (1500 minus the
 * IPv4, UDP and TFTP headers), so a trust list comes in a few packets.
 * Models without it send plain requests and get 512-byte blocks.
 */
#define TFTP_XFER_BLKSIZE 1468

struct tftp_xfer {
	char url[400];
	char cerr[CURL_ERROR_SIZE];
	int timeout_ms;
	uint8_t *data;          /* what came so far; the caller frees it */
	size_t len, cap;
	bool too_big;           /* the server sent more than the cap */
};

/*
 * Prepares H to download tftp://HOST:PORT/FILE into X within TIMEOUT_MS
 * (X must stay put until the transfer ends), asking for BLKSIZE-byte
 * blocks, or sending no options when BLKSIZE is 0.  Whatever X held
 * before is freed.
 */
void tftp_xfer_setup(CURL *h, struct tftp_xfer *x, const char *host,
    uint16_t port, const char *file, int timeout_ms, long blksize);

/*
 * What the transfer of X that ended with C means: PHONE_DL_OK (*DATA
 * and *LEN take X's bytes, the caller frees them), PHONE_DL_ABSENT, or
 * PHONE_DL_FAILED with the reason in ERR (ERRSZ bytes).
 */
enum phone_dl tftp_xfer_result(struct tftp_xfer *x, CURLcode c,
    uint8_t **data, size_t *len, char *err, size_t errsz);

/*
 * Is the trust list DATA (LEN bytes) that a download of FILE brought
 * another file's?  TFTP has no connection, and late packets of an
 * abandoned transfer can reach a new one that got the same local port.
 * True with the reason in ERR (ERRSZ bytes, naming URL); a file that
 * is not a trust list at all is the phone model's to judge (false).
 */
bool tftp_xfer_stray(const uint8_t *data, size_t len, const char *file,
    const char *url, char *err, size_t errsz);

/* The block size phones of model M ask for (0: no options). */
long tftp_xfer_blksize(const struct phone_model *m);

#endif
