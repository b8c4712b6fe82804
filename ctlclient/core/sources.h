/*
 * Where ctlclient takes keys and certificates from: a file, or a PKCS#11
 * URI ("pkcs11:...") naming an object on a token.  One PKCS#11 module is
 * loaded per command, the first time a URI needs it.
 */
#ifndef CTLCLIENT_SOURCES_H
#define CTLCLIENT_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ctl_signer.h"
#include "tok.h"

struct ctl_diag;
struct ctl_file;

struct cli_sources {
	const char *module;            /* --module, or NULL for the default */
	struct tok_login_opts login;
	struct tok_ctx *tok;           /* loaded on first use */
};

/* An open signer and the token key or key file behind it. */
struct cli_signer {
	struct ctl_signer s;
	struct tok_key *key;           /* set when the key is on a token */
};

/* Is SPEC a PKCS#11 URI rather than a file name? */
bool cli_is_uri(const char *spec);

/*
 * Opens SPEC as a signer: a PEM file holding a key and its certificate,
 * or a PKCS#11 URI naming a token's key (logging in once).  Release with
 * cli_signer_close() before cli_sources_close().
 */
int cli_signer_open(struct cli_sources *src, const char *spec,
    struct cli_signer *cs, struct ctl_diag *d);
void cli_signer_close(struct cli_signer *cs);

/* Loads the certificate SPEC names (a PEM or DER file, or a PKCS#11 URI,
 * read without logging in).  *OUT is freed by the caller. */
int cli_cert_open(struct cli_sources *src, const char *spec, X509 **out,
    struct ctl_diag *d);

/* Unloads the PKCS#11 module if one was loaded. */
void cli_sources_close(struct cli_sources *src);

/*
 * The servers phones reach without the publisher: --tftp and --tvs take
 * them directly, so any cluster, ours or not, can be rehearsed.
 */
#define CLI_TFTP_DEFAULT_PORT 69
#define CLI_MAX_TFTP          64      /* --tftp servers, at most */
#define CLI_ENDPOINT_HOST     253

struct cli_endpoint {
	char host[CLI_ENDPOINT_HOST + 1];   /* IPv6 without brackets */
	uint16_t port;
};

/*
 * Parses ARG, HOST[:PORT] items separated by commas (PORT DEFAULT_PORT
 * when absent, IPv6 in brackets), into T (room for MAX), setting *N.
 * Fails with CTL_ERR_USAGE, D naming OPTION and the bad item.
 */
int cli_endpoints_parse(const char *arg, const char *option,
    uint16_t default_port, struct cli_endpoint *t, size_t max, size_t *n,
    struct ctl_diag *d);

/* "HOST:PORT", "[IPV6]:PORT" for T into OUT (N bytes); returns OUT. */
const char *cli_endpoint_format(const struct cli_endpoint *t, char *out,
    size_t n);

/*
 * The ITL phones hold now: ITLFile.tlv from the first of the N TFTP
 * servers at T that serves one (each tried with TIMEOUT_MS), parsed.
 * *OUT is freed by the caller; FROM (FROMSZ bytes) names the server.
 * Fails with CTL_ERR_NOT_FOUND when no server serves an ITL,
 * CTL_ERR_NETWORK when none answers, CTL_ERR_FORMAT when the file is
 * not an ITL; D says which and what to give instead.
 */
int cli_itl_fetch(const struct cli_endpoint *t, size_t n, int timeout_ms,
    struct ctl_file **out, char *from, size_t fromsz, struct ctl_diag *d);

/*
 * The TVS certificates of ITL, which are all a phone authenticates TVS
 * by, into PINS (room for MAX; owned by ITL).  Returns how many.
 */
size_t cli_itl_tvs_pins(const struct ctl_file *itl, X509 **pins,
    size_t max);

#endif
