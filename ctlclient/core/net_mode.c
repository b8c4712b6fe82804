/* FETCH_CTL and SET_SECURITY_MODE for the token commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "change_json.h"
#include "ctl_err.h"
#include "hex.h"
#include "net_mode.h"
#include "net_reply.h"
#include "net_session.h"

int
net_set_security_mode(struct net_session *s, int mode, struct ctl_diag *d)
{
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	struct ctl_diag pd;
	int rc;

	if (mode != 0 && mode != 1)
		return ctl_diag_set(d, CTL_ERR_INTERNAL, "security mode %d: "
		    "out of range", mode);
	net_request(s, &o, PROTO_SET_SECURITY_MODE);
	proto_put_u8(&o, PT_MODE, (uint8_t)mode);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc == CTL_OK && a.fs.n != 0)
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: unexpected fields "
		    "in the answer to SET_SECURITY_MODE", s->peer);
	else if (rc != CTL_OK) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s: setting the security mode to %s "
		    "failed: %s", s->peer, mode ? "mixed" : "non-secure",
		    pd.msg);
	} else {
		change_json_security_mode(mode);
	}
	net_reply_free(&a);
	return rc;
}

int
net_fetch_ctl(struct net_session *s, uint8_t **out, size_t *len,
    char sha1[41], struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_FILE, PT_SHA1 };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	struct ctl_diag pd;
	const uint8_t *file = NULL;
	uint8_t sum[EVP_MAX_MD_SIZE], *copy = NULL;
	unsigned sumlen = 0;
	char want[41], got[41];
	size_t n = 0;
	int rc, have;

	net_request(s, &o, PROTO_FETCH_CTL);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc == CTL_ERR_NOT_FOUND) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s holds no CTL file: %s", s->peer,
		    pd.msg);
		goto out;
	}
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 2, "FETCH_CTL", &pd)) ||
	    (rc = proto_get_bytes(&a.fs, PT_FILE, true, PROTO_MAX_FILE, &file,
	    &n, &pd)) ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, 1, 0, want, &have, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to FETCH_CTL: %s",
		    s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	if (n == 0) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: the CTL sent is "
		    "empty", s->peer);
		goto out;
	}
	if (EVP_Digest(file, n, sum, &sumlen, EVP_sha1(), NULL) != 1) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot compute SHA-1");
		goto out;
	}
	hex_format(got, sizeof(got), sum, 20, '\0', 0);
	if (strcmp(got, want) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: the CTL received "
		    "has SHA-1 %s, but the server announced %s", s->peer, got,
		    want);
		goto out;
	}
	if ((copy = malloc(n)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(copy, file, n);
	*out = copy;
	*len = n;
	memcpy(sha1, got, 41);
	rc = CTL_OK;
out:
	net_reply_free(&a);
	return rc;
}

int
net_trust_add(struct net_session *s, const char *purpose, X509 *cert,
    bool *already, struct ctl_diag *d)
{
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_out o;
	unsigned char *der = NULL;
	int len, rc;

	*already = false;
	if ((len = i2d_X509(cert, &der)) <= 0)
		return ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot encode the "
		    "certificate");
	net_request(s, &o, PROTO_TRUST_UPLOAD);
	proto_put_str(&o, PT_PURPOSE, purpose);
	proto_put_bytes(&o, PT_CERT, der, (size_t)len);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	OPENSSL_free(der);
	/* The server refuses a certificate its store holds already. */
	if (rc == CTL_ERR_REFUSED && strstr(ctl_diag_msg(d, rc),
	    "already") != NULL) {
		*already = true;
		rc = CTL_OK;
	}
	net_reply_free(&a);
	return rc;
}

int
net_delete_ctl(struct net_session *s, struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_RESULT };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct net_result *res = NULL;
	struct proto_out o;
	struct ctl_diag pd;
	size_t nres = 0, failed;
	int rc;

	net_request(s, &o, PROTO_DELETE_CTL);
	if ((rc = net_change(s, &o, &a, "deleting the CTL failed", d)) !=
	    CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 1, "DELETE_CTL", &pd)) ||
	    (rc = net_results_parse(&a.fs, &res, &nres, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to DELETE_CTL: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	failed = change_json_results("delete_ctl", res, nres);
	rc = failed == 0 ? CTL_OK : ctl_diag_set(d, CTL_ERR_REFUSED,
	    "%zu of %zu nodes still hold CTLFile.tlv", failed, nres);
out:
	free(res);
	net_reply_free(&a);
	return rc;
}
