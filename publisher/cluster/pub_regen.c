#include "pub_regen.h"

#include <stdio.h>
#include <stdlib.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_itl.h"
#include "pub_state.h"

static void
cert_sha1_hex(X509 *x, char hex[41])
{
	uint8_t md[20] = { 0 };

	(void)ctl_cert_sha1(x, md);
	hex_format(hex, 41, md, sizeof(md), '\0', 0);
}

int
pub_cert_regenerate(struct pub_state *st, const char *actor, const char *node,
    enum pub_cert_purpose p, struct ctl_diag *d)
{
	struct pub_certgen g = { 0 };
	struct pub_node n, pub;
	struct ctl_diag id;
	char *cpath = NULL, *kpath = NULL;
	char old_sha1[41], new_sha1[41], detail[160];
	X509 *old = NULL, *cert = NULL;
	EVP_PKEY *key = NULL;
	int rc, itl_rc;

	if (p != PUB_CERT_CALLMANAGER && p != PUB_CERT_CAPF &&
	    p != PUB_CERT_TVS && p != PUB_CERT_ITLRECOVERY)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: only the CallManager, "
		    "CAPF, TVS and ITLRecovery certificates are regenerated "
		    "(the %s certificate is issued by the cluster CA)",
		    node != NULL ? node : "", pub_cert_purpose_name(p));
	if ((rc = pub_node_get(st, node, &n, d)) != CTL_OK ||
	    (rc = pub_node_cert_paths(st, node, p, &cpath, &kpath, d)) !=
	    CTL_OK ||
	    (rc = pub_certgen_load(cpath, NULL, &old, NULL, d)) != CTL_OK)
		goto out;
	g.kind = p == PUB_CERT_CAPF ? PUB_CERT_SELF_CA : PUB_CERT_SELF_SIGNED;
	g.subject = X509_get_subject_name(old);
	g.cn = n.name;
	if ((rc = pub_certgen_make(&g, &cert, &key, d)) != CTL_OK ||
	    (rc = pub_certgen_write(cert, key, cpath, kpath, d)) != CTL_OK)
		goto out;
	cert_sha1_hex(old, old_sha1);
	cert_sha1_hex(cert, new_sha1);
	snprintf(detail, sizeof(detail), "%s %s", n.name,
	    pub_cert_purpose_name(p));
	/* The ITL holds the publisher's signer and every node's CallManager
	 * and TVS certificate: rebuild it now, in the publisher's TFTP
	 * directory, from which the running publisher pushes it to the
	 * subscribers.  A certificate it does not hold changes nothing.
	 * The certificate is new whatever happens here, so its audit entry
	 * is written either way, and last. */
	ctl_diag_clear(&id);
	if ((itl_rc = pub_node_publisher(st, &pub, &id)) == CTL_OK)
		itl_rc = pub_itl_refresh(st, actor, pub.tftp_dir, NULL, &id);
	if ((rc = pub_audit_add(st, actor, "cert-regenerate", old_sha1,
	    new_sha1, detail, d)) != CTL_OK)
		goto out;
	if (itl_rc != CTL_OK)
		rc = ctl_diag_set(d, itl_rc, "the %s certificate of %s was "
		    "regenerated, but the ITL could not be rebuilt: %s (the "
		    "running publisher retries every few seconds)",
		    pub_cert_purpose_name(p), n.name, ctl_diag_msg(&id, itl_rc));
out:
	X509_free(old);
	X509_free(cert);
	EVP_PKEY_free(key);
	free(cpath);
	free(kpath);
	return rc;
}
