/*
 * Uploading a signed CTL to the publisher (UPLOAD_CTL, docs/protocol.md)
 * and reporting how every node took it: shared by `upload` and by the
 * token commands (set-mixed-mode, update, set-non-secure).
 */
#ifndef CTLCLIENT_NET_UPLOAD_H
#define CTLCLIENT_NET_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

struct ctl_diag;
struct net_session;

/* Which CTL the upload replaces (BASE_SHA1). */
struct net_upload_base {
	int given;              /* 0: read the cluster's CTL SHA1 now */
	int have;               /* when given: 1 a CTL (sha1), 0 none */
	uint8_t sha1[20];
};

/*
 * Uploads the LEN bytes at FILE (a signed CTL; NAME names it in messages)
 * over S, replacing the CTL BASE says (read with CLUSTER_INFO when
 * !BASE->given).  FORCE (NULL: none; 1 to PROTO_MAX_REASON bytes) is
 * sent as the reason to push a CTL the publisher's own phone-trust check
 * refuses; the publisher audits the upload as forced, with it.  Prints what is sent, one line per node and the stored
 * SHA1 on standard output.  Fails with CTL_ERR_CONFLICT when the cluster's
 * CTL is no longer the base, CTL_ERR_REFUSED when the publisher refused
 * the file (its checks) or a node did not take it (the publisher holds it then), CTL_ERR_PROTOCOL for a malformed
 * answer, or the session's errors; D says which.
 */
int net_upload_ctl(struct net_session *s, const char *name,
    const uint8_t *file, size_t len, const struct net_upload_base *base,
    const char *force, struct ctl_diag *d);

#endif
