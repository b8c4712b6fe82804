#include "tvs_peer.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ctl_err.h"
#include "hex.h"
#include "proto_conn.h"

int
tvs_peer_sha1(SSL_CTX *ctx, const char *ip, uint16_t port, int timeout_ms,
    char sha1[41], struct ctl_diag *d)
{
	struct proto_conn *c = NULL;
	X509 *peer = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	int rc;

	if ((rc = proto_connect(ctx, ip, port, timeout_ms, &c, d)) != CTL_OK)
		return rc;
	if ((peer = SSL_get1_peer_certificate(c->ssl)) == NULL ||
	    X509_digest(peer, EVP_sha1(), md, &mdlen) != 1 || mdlen != 20) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s:%u presented no "
		    "certificate", ip, port);
	} else {
		hex_format(sha1, 41, md, 20, '\0', 0);
		rc = CTL_OK;
	}
	X509_free(peer);
	proto_close(c);
	ERR_clear_error();
	return rc;
}
