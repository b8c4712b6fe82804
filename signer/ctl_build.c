/* Building and signing a .tlv file. */
#include "ctl_build.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_verify.h"
#include "wbuf.h"

#define SIG_MAX 512     /* bytes in a 4096-bit RSA signature */

static int
put_tlv(struct wbuf *w, uint8_t tag, const void *p, size_t n)
{
	int rc;

	if (n > 0xffff)
		return CTL_ERR_TOO_BIG;
	if ((rc = wb_put_u8(w, tag)) != CTL_OK ||
	    (rc = wb_put_u16(w, (uint16_t)n)) != CTL_OK)
		return rc;
	return wb_put_bytes(w, p, n);
}

static int
put_str(struct wbuf *w, uint8_t tag, const char *s)
{
	return put_tlv(w, tag, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}

static int
put_u8(struct wbuf *w, uint8_t tag, uint8_t v)
{
	return put_tlv(w, tag, &v, 1);
}

static int
put_u16(struct wbuf *w, uint8_t tag, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return put_tlv(w, tag, b, 2);
}

static int
put_record(struct wbuf *w, size_t idx, const struct ctl_entry *e,
    struct ctl_diag *d)
{
	char *subject = NULL, *issuer = NULL;
	uint8_t *serial = NULL, *pub = NULL;
	size_t serial_len, pub_len, start = w->len, der_len;
	const uint8_t *sig;
	size_t sig_len;
	unsigned char *der = NULL;
	int n, rc;

	if ((rc = ctl_name_format(X509_get_subject_name(e->cert), &subject)) ||
	    (rc = ctl_name_format(X509_get_issuer_name(e->cert), &issuer)) ||
	    (rc = ctl_cert_serial(e->cert, &serial, &serial_len)) ||
	    (rc = ctl_cert_pubkey(e->cert, &pub, &pub_len))) {
		rc = ctl_diag_set(d, rc, "entry %zu: cannot read the "
		    "certificate's names, serial or public key", idx + 1);
		goto out;
	}
	if ((n = i2d_X509(e->cert, &der)) <= 0) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "entry %zu: cannot encode "
		    "the certificate", idx + 1);
		goto out;
	}
	der_len = (size_t)n;
	ctl_cert_signature(e->cert, &sig, &sig_len);
	if ((rc = put_u16(w, CTL_R_RECORDLENGTH, 0)) ||
	    (rc = put_str(w, CTL_R_DNSNAME,
	        e->token_style ? "" : e->dns_name)) ||
	    (rc = put_str(w, CTL_R_SUBJECTNAME, subject)) ||
	    (rc = put_u16(w, CTL_R_FUNCTION, e->role)) ||
	    (rc = put_str(w, CTL_R_ISSUERNAME, issuer)) ||
	    (rc = put_tlv(w, CTL_R_SERIALNUMBER, serial, serial_len)) ||
	    (rc = put_tlv(w, CTL_R_PUBLICKEY, pub, pub_len)) ||
	    (!e->token_style &&
	     (rc = put_tlv(w, CTL_R_SIGNATURE, sig, sig_len))) ||
	    (rc = put_tlv(w, CTL_R_CERTIFICATE, der, der_len)) ||
	    (rc = put_tlv(w, CTL_R_IPADDRESS, e->ip, 4)))
		goto toobig;
	if (w->len - start > 0xffff) {
		rc = CTL_ERR_TOO_BIG;
		goto toobig;
	}
	rc = wb_set_u16(w, start + 3, (uint16_t)(w->len - start));
	goto out;
toobig:
	if (rc == CTL_ERR_TOO_BIG)
		rc = ctl_diag_set(d, rc, "entry %zu: the record or the file "
		    "grows past its maximum (65535 bytes a record, %u a "
		    "file)", idx + 1, CTL_MAX_FILE);
out:
	free(subject);
	free(issuer);
	free(serial);
	free(pub);
	OPENSSL_free(der);
	return rc;
}

/* The header with a zero-filled signature of SIGLEN bytes; *SIG_AT is
 * where the SIGNATURE field's tag byte lands. */
static int
put_header(struct wbuf *w, const struct ctl_signer *s,
    const struct ctl_build_opts *o, int modulus, size_t siglen,
    size_t *sig_at, struct ctl_diag *d)
{
	struct wbuf sid, sinfo, salgo;
	char *signer = NULL, *ca = NULL;
	uint8_t *serial = NULL, zero[SIG_MAX] = { 0 };
	uint8_t ts[4] = { (uint8_t)(o->timestamp >> 24),
	    (uint8_t)(o->timestamp >> 16), (uint8_t)(o->timestamp >> 8),
	    (uint8_t)o->timestamp };
	size_t serial_len;
	int rc;

	wb_init(&sid, 0xffff);
	wb_init(&sinfo, 0xffff);
	wb_init(&salgo, 0xffff);
	if ((rc = ctl_name_format(X509_get_subject_name(s->cert), &signer)) ||
	    (rc = ctl_name_format(X509_get_issuer_name(s->cert), &ca)) ||
	    (rc = ctl_cert_serial(s->cert, &serial, &serial_len))) {
		rc = ctl_diag_set(d, rc, "%s: cannot read the signer "
		    "certificate's names or serial", s->label);
		goto out;
	}
	if ((rc = put_str(&sid, CTL_H_SIGNERNAME, signer)) ||
	    (rc = put_tlv(&sid, CTL_H_SERIALNUMBER, serial, serial_len)) ||
	    (rc = put_str(&sid, CTL_H_CANAME, ca)) ||
	    (rc = put_u8(&salgo, CTL_H_SIGNATUREALGORITHM, 0)) ||
	    (rc = put_u8(&salgo, CTL_H_SIGNATUREMODULUS, (uint8_t)modulus)) ||
	    (rc = put_u8(&sinfo, CTL_H_DIGESTALGORITHM, (uint8_t)o->digest)) ||
	    (rc = put_tlv(&sinfo, CTL_H_SIGNATUREALGOINFO, salgo.p,
	        salgo.len)))
		goto out;
	if ((rc = put_tlv(w, CTL_H_VERSION, "\x01\x02", 2)) ||
	    (rc = put_u16(w, CTL_H_HEADERLENGTH, 0)) ||
	    (rc = put_tlv(w, CTL_H_SIGNERID, sid.p, sid.len)) ||
	    (rc = put_tlv(w, CTL_H_SIGNATUREINFO, sinfo.p, sinfo.len)))
		goto out;
	*sig_at = w->len;
	if ((rc = put_tlv(w, CTL_H_SIGNATURE, zero, siglen)) ||
	    (rc = put_str(w, CTL_H_FILENAME, o->filename)) ||
	    (rc = put_tlv(w, CTL_H_TIMESTAMP, ts, 4)))
		goto out;
	while (w->len % 4 != 0)
		if ((rc = wb_put_u8(w, CTL_H_PADDING)) != CTL_OK)
			goto out;
	rc = wb_set_u16(w, 5 + 3, (uint16_t)w->len);
out:
	if (rc == CTL_ERR_TOO_BIG)
		rc = ctl_diag_set(d, rc, "%s: the header grows past 65535 "
		    "bytes", s->label);
	wb_free(&sid);
	wb_free(&sinfo);
	wb_free(&salgo);
	free(signer);
	free(ca);
	free(serial);
	return rc;
}

static bool
names_signer(const struct ctl_entry *e, const X509 *signer)
{
	return e->role == CTL_ROLE_SAST && X509_cmp(e->cert, signer) == 0;
}

int
ctl_build(const struct ctl_entry *entries, size_t n,
    const struct ctl_signer *s, const struct ctl_build_opts *o,
    uint8_t **out, size_t *len, size_t *nrecords, struct ctl_diag *d)
{
	struct wbuf w;
	struct ctl_entry self;
	EVP_PKEY *pk = X509_get0_pubkey(s->cert);
	const EVP_MD *md = ctl_digest_md(o->digest);
	uint8_t *tbs = NULL, sig[SIG_MAX];
	size_t i, sig_at = 0, siglen, tbs_len, keybytes, nrec = n;
	bool have_self = false;
	int bits, modulus, rc = CTL_ERR_INTERNAL;

	*out = NULL;
	*len = 0;
	wb_init(&w, CTL_MAX_FILE);
	if (md == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "digest code %d is not "
		    "one of SHA-1, SHA-256, SHA-512", o->digest);
		goto out;
	}
	if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: the signer's key is not "
		    "RSA; .tlv files are signed with RSA only", s->label);
		goto out;
	}
	bits = EVP_PKEY_get_bits(pk);
	if ((modulus = ctl_modulus_code(bits)) < 0) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: a %d-bit key cannot be "
		    "named in SIGNATUREMODULUS (512, 1024, 2048 or 4096 bits)",
		    s->label, bits);
		goto out;
	}
	keybytes = (size_t)(bits + 7) / 8;
	for (i = 0; i < n; i++)
		have_self = have_self || names_signer(&entries[i], s->cert);
	if (!have_self)
		nrec++;
	if (nrec > CTL_MAX_RECORDS) {
		rc = ctl_diag_set(d, CTL_ERR_TOO_BIG, "%zu records, more than "
		    "the %d a file may hold", nrec, CTL_MAX_RECORDS);
		goto out;
	}

	if ((rc = put_header(&w, s, o, modulus, keybytes, &sig_at, d)))
		goto out;
	if (!have_self) {
		memset(&self, 0, sizeof(self));
		self.role = CTL_ROLE_SAST;
		self.cert = s->cert;
		self.token_style = true;
		if ((rc = put_record(&w, 0, &self, d)) != CTL_OK)
			goto out;
	}
	for (i = 0; i < n; i++)
		if ((rc = put_record(&w, i, &entries[i], d)) != CTL_OK)
			goto out;

	/* The signature covers everything but the SIGNATURE field itself. */
	tbs_len = w.len - (3 + keybytes);
	if ((tbs = malloc(tbs_len)) == NULL) {
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	memcpy(tbs, w.p, sig_at);
	memcpy(tbs + sig_at, w.p + sig_at + 3 + keybytes,
	    w.len - sig_at - 3 - keybytes);
	siglen = sizeof(sig);
	if ((rc = s->sign(s->ctx, md, tbs, tbs_len, sig, &siglen, d)))
		goto out;
	if (siglen != keybytes) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "%s: the signature is %zu "
		    "bytes, expected %zu for a %d-bit key", s->label, siglen,
		    keybytes, bits);
		goto out;
	}
	memcpy(w.p + sig_at + 3, sig, siglen);
	/* A key that does not belong to its certificate would make a file
	 * no phone accepts: check before anyone installs it. */
	if (ctl_signature_check(pk, md, tbs, tbs_len, sig, siglen) != CTL_OK) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: the new signature does "
		    "not verify with the signer's certificate: the key and the "
		    "certificate do not belong together", s->label);
		goto out;
	}
	*out = wb_steal(&w, len);
	if (nrecords != NULL)
		*nrecords = nrec;
	rc = CTL_OK;
out:
	free(tbs);
	wb_free(&w);
	return rc;
}
