/* Verifying a parsed .tlv file. */
#include "ctl_verify.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"

static bool
bytes_eq(struct ctl_bytes a, const uint8_t *p, size_t n)
{
	return a.len == n && (n == 0 || memcmp(a.p, p, n) == 0);
}

/* The Windows CTL client writes token serials least significant byte
 * first; such a record still names the certificate it carries. */
static bool
bytes_eq_reversed(struct ctl_bytes a, const uint8_t *p, size_t n)
{
	size_t i;

	if (a.len != n)
		return false;
	for (i = 0; i < n; i++)
		if (a.p[i] != p[n - 1 - i])
			return false;
	return true;
}

int
ctl_find_signer(const struct ctl_file *f)
{
	const struct ctl_header *h = &f->hdr;
	const struct ctl_record *r;
	size_t i;

	if (h->ca_name == NULL || h->serial.p == NULL)
		return -1;
	for (i = 0; i < f->nrecords; i++) {
		r = &f->records[i];
		if (r->role == CTL_ROLE_SAST && r->issuer != NULL &&
		    strcmp(r->issuer, h->ca_name) == 0 &&
		    bytes_eq(r->serial, h->serial.p, h->serial.len))
			return (int)i;
	}
	return -1;
}

int
ctl_tbs(const struct ctl_file *f, uint8_t **out, size_t *len)
{
	const struct ctl_header *h = &f->hdr;
	size_t cut, after;

	*out = NULL;
	*len = 0;
	if (h->signature.p == NULL)
		return CTL_ERR_UNTRUSTED;
	cut = 3 + h->signature.len;
	after = h->signature_off + cut;
	if ((*out = malloc(f->len - cut)) == NULL)
		return CTL_ERR_NOMEM;
	memcpy(*out, f->raw, h->signature_off);
	memcpy(*out + h->signature_off, f->raw + after, f->len - after);
	*len = f->len - cut;
	return CTL_OK;
}

int
ctl_signature_check(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg,
    size_t len, const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int rc = CTL_ERR_BAD_SIGNATURE;

	if (ctx == NULL)
		return CTL_ERR_NOMEM;
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1)
		rc = CTL_OK;
	EVP_MD_CTX_free(ctx);
	/* A failed check leaves errors on OpenSSL's queue; they are ours to
	 * drop, not the next caller's to trip over. */
	ERR_clear_error();
	return rc;
}

int
ctl_verify_with_key(const struct ctl_file *f, EVP_PKEY *key,
    struct ctl_diag *d)
{
	const struct ctl_header *h = &f->hdr;
	const EVP_MD *md = ctl_digest_md(h->digest);
	uint8_t *tbs = NULL;
	size_t tbs_len;
	int code, rc;

	if (h->signature.p == NULL)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "the header has no "
		    "SIGNATURE");
	if (h->sig_algorithm != 0)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "SIGNATUREALGORITHM "
		    "is %d, not RSA (0)", h->sig_algorithm);
	if (md == NULL)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "DIGESTALGORITHM %d "
		    "is not SHA-1 (1), SHA-256 (2) or SHA-512 (3)", h->digest);
	if (key == NULL)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "the signer's "
		    "certificate holds no public key this program can read");
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "the signer's key is "
		    "not RSA");
	if (ctl_modulus_bits(h->sig_modulus) != EVP_PKEY_get_bits(key))
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "SIGNATUREMODULUS "
		    "%d names a %d-bit key, but the signer's key has %d bits",
		    h->sig_modulus, ctl_modulus_bits(h->sig_modulus),
		    EVP_PKEY_get_bits(key));
	if ((rc = ctl_tbs(f, &tbs, &tbs_len)) != CTL_OK)
		return rc;
	rc = ctl_signature_check(key, md, tbs, tbs_len, h->signature.p,
	    h->signature.len);
	if (rc == CTL_ERR_BAD_SIGNATURE) {
		/* Say so when only the digest code is wrong. */
		for (code = CTL_DIGEST_SHA1; code <= CTL_DIGEST_SHA512; code++)
			if (code != h->digest && ctl_signature_check(key,
			    ctl_digest_md(code), tbs, tbs_len, h->signature.p,
			    h->signature.len) == CTL_OK)
				break;
		if (code <= CTL_DIGEST_SHA512)
			rc = ctl_diag_set(d, rc, "the signature is over %s, but "
			    "DIGESTALGORITHM says %s", ctl_digest_name(code),
			    ctl_digest_name(h->digest));
		else
			rc = ctl_diag_set(d, rc, "the signature does not "
			    "verify: the file was changed after it was signed, "
			    "or signed by another key");
	}
	free(tbs);
	return rc;
}

/*
 * Does field HAVE of record I (R) hold what GET reads from its
 * certificate?  A field the record lacks is not checked.  A certificate
 * the value cannot be read from is untrustworthy, unless memory ran out.
 * BACKWARDS also accepts the bytes in reverse order.
 */
static int
field_matches(const struct ctl_record *r, size_t i, const char *field,
    struct ctl_bytes have, int (*get)(const X509 *, uint8_t **, size_t *),
    bool backwards, struct ctl_diag *d)
{
	uint8_t *want = NULL;
	size_t want_len;
	int rc;

	if (have.p == NULL)
		return CTL_OK;
	if ((rc = get(r->cert, &want, &want_len)) != CTL_OK)
		return ctl_diag_set(d, rc == CTL_ERR_NOMEM ? rc :
		    CTL_ERR_UNTRUSTED, "record %zu: the %s of its certificate "
		    "cannot be read", i + 1, field);
	rc = bytes_eq(have, want, want_len) ||
	    (backwards && bytes_eq_reversed(have, want, want_len)) ? CTL_OK :
	    ctl_diag_set(d, CTL_ERR_UNTRUSTED, "record %zu at byte %zu: %s "
	    "does not match its CERTIFICATE", i + 1, r->off, field);
	free(want);
	return rc;
}

/* Does record R say what its certificate says? */
static int
check_record(const struct ctl_file *f, size_t i, struct ctl_diag *d)
{
	const struct ctl_record *r = &f->records[i];
	int rc;

	if (r->cert_der.p != NULL && r->cert == NULL)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "record %zu at byte "
		    "%zu: CERTIFICATE is not one DER X.509 certificate", i + 1,
		    r->off);
	if (r->cert == NULL)
		return CTL_OK;
	if ((rc = field_matches(r, i, "PUBLICKEY", r->public_key,
	    ctl_cert_pubkey, false, d)) != CTL_OK)
		return rc;
	return field_matches(r, i, "SERIALNUMBER", r->serial, ctl_cert_serial,
	    true, d);
}

int
ctl_verify(const struct ctl_file *f, int *signer, struct ctl_diag *d)
{
	const struct ctl_header *h = &f->hdr;
	const struct ctl_record *r;
	char serial[HEX_SIZE(64)];
	size_t i;
	int idx, rc;

	if (signer != NULL)
		*signer = -1;
	if (h->ca_name == NULL || h->serial.p == NULL)
		return ctl_diag_set(d, CTL_ERR_NO_SIGNER, "the header does not "
		    "name its signer (CANAME and SERIALNUMBER)");
	if ((idx = ctl_find_signer(f)) < 0)
		return ctl_diag_set(d, CTL_ERR_NO_SIGNER, "no SAST record "
		    "matches the header's signer (issuer %s, serial %s)",
		    h->ca_name, hex_format(serial, sizeof(serial), h->serial.p,
		    h->serial.len, ':', 1));
	if (signer != NULL)
		*signer = idx;
	r = &f->records[idx];
	for (i = 0; i < f->nrecords; i++)
		if ((rc = check_record(f, i, d)) != CTL_OK)
			return rc;
	if (r->cert == NULL)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "the signer record "
		    "(record %d) has no CERTIFICATE", idx + 1);
	return ctl_verify_with_key(f, X509_get0_pubkey(r->cert), d);
}
