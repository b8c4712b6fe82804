/*
 * The certificate a TVS server presents in its TLS handshake: what the
 * health check compares with the ITL, and what `cert plan --run` waits
 * for after a TVS certificate was regenerated (TVS reloads within
 * seconds).
 */
#ifndef CTLCLIENT_TVS_PEER_H
#define CTLCLIENT_TVS_PEER_H

#include <stdint.h>

#include <openssl/ssl.h>

struct ctl_diag;

/*
 * Connects to the TVS at IP:PORT with CTX (one that does not check the
 * server: the certificate is what is asked for) within TIMEOUT_MS and
 * writes the SHA-1 of the certificate it presents into SHA1 (hex,
 * lowercase).  Fails with the errors of proto_connect(), CTL_ERR_PROTOCOL
 * when it presents none.
 */
int tvs_peer_sha1(SSL_CTX *ctx, const char *ip, uint16_t port, int timeout_ms,
    char sha1[41], struct ctl_diag *d);

#endif
