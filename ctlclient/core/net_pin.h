/*
 * Is this the server we meant?  With --cafile, the handshake checked the
 * chain and the certificate must name the host; without, its SHA-256
 * fingerprint must match the one pinned in the known-servers file
 * ($CTLCLIENT_KNOWN_SERVERS, else ~/.config/ctlclient/known_servers),
 * or be pinned now, on first contact, when the person agrees or
 * --accept-new says so.  A changed certificate is always refused.
 */
#ifndef CTLCLIENT_NET_PIN_H
#define CTLCLIENT_NET_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "net_session.h"

struct ctl_diag;

/* With --cafile: fails with CTL_ERR_TLS unless the server's certificate
 * names HOST (a DNS name, or an IP address for an address). */
int net_check_host_name(const struct net_session *s, const char *host,
    struct ctl_diag *d);

/*
 * Without --cafile: checks the server's certificate against its pin, or
 * pins it (asking at the terminal unless O says --accept-new).  Fails
 * with CTL_ERR_TLS (changed, malformed pin, unknown and no terminal),
 * CTL_ERR_CANCELLED (the person said no), CTL_ERR_IO.
 */
int net_pin_check(const struct net_session *s, const struct net_opts *o,
    struct ctl_diag *d);

/*
 * Looks PEER ("host:port") up in the known-servers TEXT (LEN bytes, read
 * from PATH, which messages name).  Returns CTL_OK when a line pins FP
 * (its number in *LINE); CTL_ERR_TLS when lines name PEER with other
 * fingerprints only (the first in *LINE, its fingerprint in OLD);
 * CTL_ERR_FORMAT when a line names PEER without a fingerprint (its
 * number in *LINE); CTL_ERR_NOT_FOUND when no line names PEER.
 */
int net_pin_lookup(const char *text, size_t len, const char *path,
    const char *peer, const uint8_t fp[32], size_t *line, uint8_t old[32],
    struct ctl_diag *d);

#endif
