/*
 * What the CTL Provider's request files share (pub_provider.c answers
 * the requests that read, pub_ctl_change.c those that change the CTL).
 * Not for callers outside provider/.
 */
#ifndef PUB_PROVIDER_INT_H
#define PUB_PROVIDER_INT_H

#include <stdint.h>

#include "proto_frame.h"
#include "pub_node.h"
#include "pub_provider.h"
#include "pub_tokenless.h"

#define CTL_NAME PUB_CTL_FILENAME

struct ctl_diag;

/* Puts the 20 bytes that the 40 hex digits HEX spell under TAG; an
 * empty field when HEX is NULL or not such a string. */
void pub_put_sha1_hex(struct proto_out *o, uint16_t tag, const char *hex);

/* The SHA1 of the publisher's CTL, "" when it has none. */
void pub_current_ctl_sha1(struct pub_node_srv *srv, char out[41]);

/*
 * The requests that change the CTL: UPLOAD_CTL (checked as the phones
 * would check it, unless forced), TOKENLESS and DELETE_CTL.  Each takes
 * SRV's change lock, records the change in the audit log before any
 * node is written, distributes it and answers with the per-node results
 * in REPLY; a failure is a negative CTL_ERR_* code with the message for
 * the client in D.
 */
int pub_do_upload(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d);
int pub_do_tokenless(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d);
int pub_do_delete(struct pub_node_srv *srv, struct pub_session *s,
    struct proto_out *reply, struct ctl_diag *d);

/*
 * ROLLBACK_PRE8: sets "Prepare Cluster for Rollback to pre-8.0" to the
 * value of ROLLBACK (0 or 1) under SRV's change lock, rebuilds the
 * publisher's ITL and puts it on every node at once, and answers with
 * ROLLBACK, the SHA1 of the publisher's ITL and one RESULT per node
 * saying whether it now serves that ITL (pub_rollback_req.c).
 */
int pub_do_rollback(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d);

/*
 * Puts the publisher's ITL on every node now rather than at the next
 * catch-up, and answers with SHA1 (the publisher's ITL) and one RESULT
 * per node saying whether it serves that ITL.  Called under SRV's change
 * lock (pub_rollback_req.c).
 */
int pub_itl_spread(struct pub_node_srv *srv, struct pub_state *st,
    const char *user, struct proto_out *reply, struct ctl_diag *d);

/*
 * CERT_REGENERATE (pub_cert_req.c): regenerates one certificate of a
 * node under SRV's change lock, and when the publisher's ITL changed,
 * puts it on every node before the answer.  A type the node does not
 * have, an unknown node or key type changes nothing.
 */
int pub_do_cert_regenerate(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d);

/*
 * The node (NAME, into NODE) and certificate type (CERT_TYPE, into *P)
 * of a certificate request (pub_cert_req.c).  CTL_ERR_USAGE for an
 * unknown type or the internal client certificate.
 */
int pub_cert_target(const struct proto_fields *fs,
    char node[PUB_NODE_NAME_MAX], enum pub_cert_purpose *p,
    struct ctl_diag *d);

struct pub_regen_result;

/*
 * The answer to a replaced certificate (CERT_REGENERATE, CERT_UPLOAD):
 * logged as S's user having DONE ("regenerated") it, what R says, the
 * restart hint, and when the ITL changed, the rebuilt ITL put on every
 * node first (pub_itl_spread).  Under SRV's change lock.
 */
int pub_cert_reply(struct pub_node_srv *srv, struct pub_session *s,
    const char *done, const char *node, enum pub_cert_purpose p,
    const struct pub_regen_result *r, struct proto_out *reply,
    struct ctl_diag *d);

/*
 * CERT_CSR and CERT_UPLOAD (pub_csr_req.c): a request for a CA-signed
 * certificate from a new pending key, and the signed certificate put in
 * place (answered as CERT_REGENERATE), both under SRV's change lock.  A
 * refused upload changes nothing.
 */
int pub_do_cert_csr(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d);
int pub_do_cert_upload(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d);

/*
 * The bulk certificate requests (BULK_SFTP to BULK_LIST, pub_bulk_req.c):
 * the SFTP server's settings, export, consolidate, import and list.
 * One runs at a time; a failure is a negative CTL_ERR_* code with the
 * message for the client in D.
 */
int pub_do_bulk(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_header *h, const struct proto_fields *fs,
    struct proto_out *reply, struct ctl_diag *d);

/*
 * The recovery requests (pub_reset_req.c): ITL_RESET, CTL_RESET (both
 * under SRV's change lock, spread to every node before the answer) and
 * ITL_BACKUP.  Passwords and keys are wiped once used.
 */
int pub_do_itl_reset(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d);
int pub_do_ctl_reset(struct pub_node_srv *srv, struct pub_session *s,
    struct proto_out *reply, struct ctl_diag *d);
int pub_do_itl_backup(struct pub_session *s, const struct proto_fields *fs,
    struct proto_out *reply, struct ctl_diag *d);

/*
 * The trust store requests (pub_trust_req.c): TRUST_LIST, TRUST_UPLOAD
 * (with a WARNING for a certificate outside its validity) and
 * TRUST_DELETE, which refuses a node's own certificate and answers with
 * the deleted CERT, the SERVICES of its store and a WARNING for each
 * certificate it issued.
 */
int pub_do_trust(struct pub_session *s, const struct proto_header *h,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d);

/* One certificate of one node (pub_certlist_req.c). */
struct pub_node_cert {
	char node[PUB_NODE_NAME_MAX];
	enum pub_cert_purpose purpose;
	uint8_t *der;           /* owned (OPENSSL_free) */
	size_t der_len;
	char sha1[41];          /* of DER, lowercase hex */
};

/*
 * Every certificate of every node, of every type the state records, in
 * *OUT (*N entries, freed with pub_node_certs_free()).  A certificate
 * whose file cannot be read is left out.  Fails with CTL_ERR_IO,
 * CTL_ERR_NOMEM.
 */
int pub_node_certs_collect(struct pub_state *st, struct pub_node_cert **out,
    size_t *n, struct ctl_diag *d);
void pub_node_certs_free(struct pub_node_cert *v, size_t n);

/* CERT_LIST: one NODE_CERT (NAME, PURPOSE, CERT) per certificate. */
int pub_do_cert_list(struct pub_session *s, struct proto_out *reply,
    struct ctl_diag *d);

#endif
