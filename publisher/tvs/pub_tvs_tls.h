/*
 * The certificate TVS presents: an OpenSSL server context made from the
 * node's TVS key file, made anew when that file changes (a regenerated
 * certificate reaches new connections without a restart).
 */
#ifndef PUB_TVS_TLS_H
#define PUB_TVS_TLS_H

#include <openssl/ssl.h>

#include "pub_state.h"

struct ctl_diag;

/* The TVS key file and the context made from it. */
struct pub_tvs_cert;

/*
 * Makes the context from KEY_PEM (the key, then the certificate, PEM),
 * TLS 1.2 and later or, with PUB_TVS_TLS10, 1.0 and later.  *OUT is
 * freed with pub_tvs_cert_close().  Fails with CTL_ERR_TLS (the file
 * cannot be used) or CTL_ERR_NOMEM.
 */
int pub_tvs_cert_open(const char *key_pem, enum pub_tvs_tls floor,
    struct pub_tvs_cert **out, struct ctl_diag *d);

/* A new server-side SSL on the current context, or NULL (out of
 * memory).  Safe from any thread. */
SSL *pub_tvs_cert_ssl(struct pub_tvs_cert *c);

/*
 * Makes a new context when the key file changed since the last one and
 * swaps it in; connections made before keep theirs.  A file that cannot
 * be used is logged and tried again at the next call.  Call it from one
 * thread.
 */
void pub_tvs_cert_reload(struct pub_tvs_cert *c);

/* The SHA1 of the certificate presented now, for the log ("?" when it
 * cannot be read). */
void pub_tvs_cert_sha1(struct pub_tvs_cert *c, char hex[41]);

/* Frees C (NULL is allowed). */
void pub_tvs_cert_close(struct pub_tvs_cert *c);

#endif
