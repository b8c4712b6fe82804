#include "ctl_trust.h"

#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "ctl_verify.h"
#include "hex.h"

/* The same certificate identity: issuer and serial, as phones match. */
static bool
same_identity(X509 *a, X509 *b)
{
	return X509_NAME_cmp(X509_get_issuer_name(a),
	    X509_get_issuer_name(b)) == 0 &&
	    ASN1_INTEGER_cmp(X509_get0_serialNumber(a),
	    X509_get0_serialNumber(b)) == 0;
}

int
ctl_trust_direct(const struct ctl_file *installed,
    const struct ctl_file *newf, struct ctl_trust *t, struct ctl_diag *d)
{
	const struct ctl_record *ns, *r;
	struct ctl_diag vd;
	char serial[HEX_SIZE(64)];
	size_t i;
	bool same_id_other_key = false;
	int rc;

	memset(t, 0, sizeof(*t));
	t->new_signer = t->installed_match = -1;
	ctl_diag_clear(&vd);
	if (installed != NULL && ctl_is_itl(installed) != ctl_is_itl(newf))
		return ctl_diag_set(d, CTL_ERR_USAGE, "the new file is a%s %s "
		    "file but the installed one is a%s %s file: a phone checks "
		    "a new %s against the %s it holds",
		    ctl_is_itl(newf) ? "n" : "", ctl_kind(newf),
		    ctl_is_itl(installed) ? "n" : "", ctl_kind(installed),
		    ctl_kind(newf), ctl_kind(newf));

	rc = ctl_verify(newf, &t->new_signer, &vd);
	if (rc != CTL_OK) {
		snprintf(t->reason, sizeof(t->reason), "the new %s does not "
		    "verify: %s", ctl_kind(newf), ctl_diag_msg(&vd, rc));
		return CTL_OK;
	}
	ns = &newf->records[t->new_signer];
	if (installed == NULL) {
		t->accept = true;
		snprintf(t->reason, sizeof(t->reason), "a phone with no %s "
		    "accepts the first one it downloads", ctl_kind(newf));
		return CTL_OK;
	}
	for (i = 0; i < installed->nrecords; i++) {
		r = &installed->records[i];
		if (r->role != CTL_ROLE_SAST || r->cert == NULL ||
		    !same_identity(r->cert, ns->cert))
			continue;
		/* The phone checks with the key it already holds. */
		if (ctl_verify_with_key(newf, X509_get0_pubkey(r->cert),
		    NULL) != CTL_OK) {
			same_id_other_key = true;
			continue;
		}
		t->accept = true;
		t->installed_match = (int)i;
		snprintf(t->reason, sizeof(t->reason), "signed by %s (serial "
		    "%s), a SAST in the installed %s (record %zu)",
		    ns->subject != NULL ? ns->subject : "(no subject)",
		    hex_format(serial, sizeof(serial), ns->serial.p,
		    ns->serial.len, ':', 1), ctl_kind(installed), i + 1);
		return CTL_OK;
	}
	t->tvs_could_help = true;
	if (same_id_other_key)
		snprintf(t->reason, sizeof(t->reason), "the installed %s holds "
		    "a SAST with the signer's issuer and serial but another "
		    "key, so the signature does not verify with it",
		    ctl_kind(installed));
	else
		snprintf(t->reason, sizeof(t->reason), "the signer %s (serial "
		    "%s) is not a SAST in the installed %s: a phone without "
		    "TVS rejects the file and needs its %s deleted by hand; a "
		    "phone with TVS asks TVS", ns->subject != NULL ?
		    ns->subject : "(no subject)", hex_format(serial,
		    sizeof(serial), ns->serial.p, ns->serial.len, ':', 1),
		    ctl_kind(installed), ctl_kind(installed));
	return CTL_OK;
}
