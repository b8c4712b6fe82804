/*
 * Where ctlclient takes keys and certificates from: a file, or (for the
 * arguments that allow it) a PKCS#11 URI naming an object on a token.
 */
#ifndef CTLCLIENT_SOURCES_H
#define CTLCLIENT_SOURCES_H

#include <openssl/x509.h>

#include "ctl_signer.h"

struct ctl_diag;

/* An open signer and whatever backs it. */
struct cli_signer {
	struct ctl_signer s;
};

/* Opens SPEC (a PEM file holding a key and its certificate) as a signer.
 * Release with cli_signer_close(). */
int cli_signer_open(const char *spec, struct cli_signer *cs,
    struct ctl_diag *d);
void cli_signer_close(struct cli_signer *cs);

/* Loads the certificate SPEC names (a PEM or DER file).  *OUT is freed by
 * the caller. */
int cli_cert_open(const char *spec, X509 **out, struct ctl_diag *d);

#endif
