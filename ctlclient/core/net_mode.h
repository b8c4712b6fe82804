/*
 * The requests of the token commands besides the upload: reading the
 * cluster's CTL (FETCH_CTL), switching the cluster's security mode
 * (SET_SECURITY_MODE), adding to a trust store, deleting the CTL.
 */
#ifndef CTLCLIENT_NET_MODE_H
#define CTLCLIENT_NET_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

struct ctl_diag;
struct net_session;

/*
 * Sets the cluster's security mode: MODE 0 non-secure, 1 mixed.  Fails
 * with the session's errors (the server's message in D).
 */
int net_set_security_mode(struct net_session *s, int mode,
    struct ctl_diag *d);

/*
 * Downloads the cluster's CTL and checks it against the SHA-1 the server
 * announces.  *OUT (freed by the caller) gets *LEN bytes and SHA1 its
 * SHA-1 in lowercase hex.  Fails with CTL_ERR_NOT_FOUND when the cluster
 * has no CTL, CTL_ERR_PROTOCOL for a malformed or mismatched answer.
 */
int net_fetch_ctl(struct net_session *s, uint8_t **out, size_t *len,
    char sha1[41], struct ctl_diag *d);

/*
 * Adds CERT to trust store PURPOSE ("Phone-SAST-trust", ...).  *ALREADY
 * is set when the store held it before (not an error: this is what a
 * migration resumed after a failure meets).
 */
int net_trust_add(struct net_session *s, const char *purpose, X509 *cert,
    bool *already, struct ctl_diag *d);

/*
 * Deletes CTLFile.tlv from every node (DELETE_CTL), printing one line per
 * node.  Fails when the request fails or a node did not delete it.
 */
int net_delete_ctl(struct net_session *s, struct ctl_diag *d);

#endif
