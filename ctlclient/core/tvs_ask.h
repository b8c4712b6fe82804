/*
 * One TVS question from the command line (tvs-query, verify --tvs): the
 * --tvs HOST[:PORT] option, the TVS CA file, and the answer in words.
 */
#ifndef CTLCLIENT_TVS_ASK_H
#define CTLCLIENT_TVS_ASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "tvs_client.h"

struct ctl_diag;

#define TVS_ASK_DEFAULT_DEVICE "CP-8845-SEP000000000001"
#define TVS_ASK_MAX_HOST 253

struct tvs_target {
	char host[TVS_ASK_MAX_HOST + 1];   /* IPv6 without brackets */
	uint16_t port;
};

/*
 * Parses HOST[:PORT] or [IPV6][:PORT] (port TVS_DEFAULT_PORT when none)
 * into *T with net_host_port_parse().  OPTION names the option in the
 * message.  Returns 0, or CTL_ERR_USAGE after printing why on standard
 * error.
 */
int tvs_target_parse(const char *arg, const char *option,
    struct tvs_target *t);

/*
 * Parses a comma-separated list of HOST[:PORT] (each as
 * tvs_target_parse()) into T, room for MAX, setting *N: the TVS servers
 * a phone tries in order.  An empty item, more than MAX items or a bad
 * one is CTL_ERR_USAGE, printed on standard error.
 */
int tvs_target_list_parse(const char *arg, const char *option,
    struct tvs_target *t, size_t max, size_t *n);

/* "HOST:PORT", "[IPV6]:PORT" for T, into OUT (N bytes). */
void tvs_target_format(const struct tvs_target *t, char *out, size_t n);

/* Parses a timeout in milliseconds (1..600000).  0, or CTL_ERR_USAGE
 * (printed). */
int tvs_timeout_parse(const char *arg, const char *option, int *ms);

/*
 * Asks the TVS at T, authenticated against CAFILE, whether CERT is
 * trusted, as DEVICE, speaking TLS 1.0 only when TLS10.  Errors as
 * tvs_client_query(), plus those of tvs_client_ctx().
 */
int tvs_ask_once(const struct tvs_target *t, const char *cafile, bool tls10,
    int timeout_ms, const char *device, X509 *cert, struct tvs_response *out,
    struct ctl_diag *d);

/* The roles of R by name ("SAST, CCM+TFTP"), "none" when there are none,
 * into OUT (N bytes). */
void tvs_roles_format(const struct tvs_response *r, char *out, size_t n);

#endif
