/*
 * A signed file changed anywhere never verifies.  Every byte of a
 * seed-shaped CTL is flipped in turn: a change inside a value leaves a
 * well-formed file that fails verification (show's exit 1); a change to
 * the structure (a tag, a length, a string's final NUL, VERSION) makes a
 * file that does not parse (exit 2).  Well-formed but untrustworthy files
 * fail with the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "ctl_err.h"
#include "ctl_verify.h"
#include "seedfixture.h"
#include "testbuild.h"

/* Is byte I inside a value whose change keeps the file well-formed? */
static bool
is_value_byte(const struct ctl_field *fl, size_t n, size_t i, bool header)
{
	size_t k;

	for (k = 0; k < n; k++) {
		const struct ctl_field *f = &fl[k];

		if (f->tag == 13 || i < f->off + 3 || i >= f->off + 3 + f->len)
			continue;
		if (header && (f->tag == CTL_H_VERSION ||
		    f->tag == CTL_H_HEADERLENGTH || f->tag == CTL_H_SIGNERID ||
		    f->tag == CTL_H_SIGNATUREINFO ||
		    f->tag == CTL_H_SIGNATUREALGOINFO))
			return false;
		if (!header && f->tag == CTL_R_RECORDLENGTH)
			return false;
		/* A string's final NUL is structure. */
		if ((header ? (f->tag == CTL_H_SIGNERNAME ||
		    f->tag == CTL_H_CANAME || f->tag == CTL_H_FILENAME) :
		    (f->tag == CTL_R_DNSNAME || f->tag == CTL_R_SUBJECTNAME ||
		    f->tag == CTL_R_ISSUERNAME)) && i == f->off + 3 + f->len - 1)
			return false;
		return true;
	}
	return false;
}

static void
flip_every_byte(const uint8_t *good, size_t len)
{
	struct ctl_file *gf = NULL, *f;
	uint8_t *b = malloc(len);
	size_t i, r, values = 0, unparsed = 0;
	bool value;
	int rc;

	assert_non_null(b);
	assert_int_equal(ctl_parse(good, len, &gf, NULL), CTL_OK);
	assert_int_equal(ctl_verify(gf, NULL, NULL), CTL_OK);
	for (i = 0; i < len; i++) {
		value = is_value_byte(gf->hdr.fields, gf->hdr.nfields, i, true);
		for (r = 0; r < gf->nrecords && !value; r++)
			value = is_value_byte(gf->records[r].fields,
			    gf->records[r].nfields, i, false);
		memcpy(b, good, len);
		b[i] ^= 0x01;
		f = NULL;
		rc = ctl_parse(b, len, &f, NULL);
		if (rc == CTL_OK) {
			rc = ctl_verify(f, NULL, NULL);
			if (rc == CTL_OK)
				fail_msg("byte %zu flipped: still verifies", i);
			ctl_free(f);
		} else {
			unparsed++;
			if (value)
				fail_msg("byte %zu (inside a value) flipped: "
				    "does not parse (%d)", i, rc);
		}
		values += value;
	}
	print_message("%zu bytes: %zu in values (verify fails), %zu "
	    "structural (%zu of them unparseable)\n", len, values,
	    len - values, unparsed);
	assert_true(values > len * 9 / 10);
	ctl_free(gf);
	free(b);
}

static void
test_flip_every_byte_tokenless(void **state)
{
	uint8_t *good;
	size_t len;

	(void)state;
	assert_int_equal(tb_seed_tokenless(&seed, &good, &len), CTL_OK);
	flip_every_byte(good, len);
	free(good);
}

static void
test_flip_every_byte_token_signed(void **state)
{
	uint8_t *good;
	size_t len;

	(void)state;
	assert_int_equal(tb_seed_tokens(&seed, &seed.token1, &good, &len),
	    CTL_OK);
	flip_every_byte(good, len);
	free(good);
}

/* Untrustworthy rows: damage, expected code, words of the reason. */
enum damage { NO_SIGNER, PUBKEY_MISMATCH, WRONG_DIGEST, BAD_CERT,
    NO_SIGNATURE_ALG, MODULUS };

static const struct {
	const char *name;
	enum damage what;
	int want_rc;
	const char *want;
} untrusted[] = {
	{ "header serial names no record", NO_SIGNER, CTL_ERR_NO_SIGNER,
	  "no SAST record matches the header's signer" },
	{ "signer's PUBLICKEY is not its certificate's", PUBKEY_MISMATCH,
	  CTL_ERR_UNTRUSTED, "record 1 at byte 336: PUBLICKEY does not match" },
	{ "digest code the signature does not match", WRONG_DIGEST,
	  CTL_ERR_BAD_SIGNATURE, "over sha1, but DIGESTALGORITHM says sha256" },
	{ "certificate field is not DER", BAD_CERT, CTL_ERR_UNTRUSTED,
	  "CERTIFICATE is not one DER X.509 certificate" },
	{ "signature algorithm is not RSA", NO_SIGNATURE_ALG,
	  CTL_ERR_UNTRUSTED, "not RSA" },
	{ "modulus code disagrees with the key", MODULUS, CTL_ERR_UNTRUSTED,
	  "SIGNATUREMODULUS 2 names a 2048-bit key" },
};

static void
resign_sha1(const struct ctl_file *t, uint8_t *b)
{
	struct ctl_signer s;
	uint8_t *tbs, sig[512];
	size_t tbs_len, siglen = sizeof(sig);

	ctl_signer_key(&s, seed.pub.key, seed.pub.cert, "test");
	assert_int_equal(ctl_tbs(t, &tbs, &tbs_len), CTL_OK);
	assert_int_equal(s.sign(s.ctx, EVP_sha1(), tbs, tbs_len, sig, &siglen,
	    NULL), CTL_OK);
	assert_int_equal(siglen, t->hdr.signature.len);
	memcpy(b + t->hdr.signature_off + 3, sig, siglen);
	free(tbs);
}

static void
test_untrustworthy(void **state)
{
	struct ctl_file *f;
	struct ctl_diag d;
	uint8_t *good, *b;
	size_t len, i, k;
	int rc;

	(void)state;
	assert_int_equal(tb_seed_tokenless(&seed, &good, &len), CTL_OK);
	assert_int_equal(ctl_parse(good, len, &f, NULL), CTL_OK);
	b = malloc(len);
	assert_non_null(b);
	for (i = 0; i < sizeof(untrusted) / sizeof(untrusted[0]); i++) {
		const struct ctl_header *h = &f->hdr;
		const struct ctl_record *r0 = &f->records[0];
		struct ctl_file *t = NULL;

		memcpy(b, good, len);
		switch (untrusted[i].what) {
		case NO_SIGNER:
			b[h->serial.p - f->raw] ^= 0x01;
			break;
		case PUBKEY_MISMATCH:
			b[r0->public_key.p - f->raw + 20] ^= 0x01;
			break;
		case WRONG_DIGEST:
			for (k = 0; k < h->nfields; k++)
				if (h->fields[k].tag == CTL_H_DIGESTALGORITHM)
					b[h->fields[k].off + 3] =
					    CTL_DIGEST_SHA256;
			break;
		case BAD_CERT:
			b[r0->cert_der.p - f->raw] = 0x31; /* SET, not SEQUENCE */
			break;
		case NO_SIGNATURE_ALG:
		case MODULUS:
			for (k = 0; k < h->nfields; k++)
				if (h->fields[k].tag == (untrusted[i].what ==
				    MODULUS ? CTL_H_SIGNATUREMODULUS :
				    CTL_H_SIGNATUREALGORITHM))
					b[h->fields[k].off + 3] = untrusted[i].what
					    == MODULUS ? 2 : 1;
			break;
		}
		assert_int_equal(ctl_parse(b, len, &t, NULL), CTL_OK);
		if (untrusted[i].what == WRONG_DIGEST) {
			/* A writer that declares SHA-256 but signs SHA-1: the
			 * digest code is inside the signed bytes, so re-sign. */
			resign_sha1(t, b);
			ctl_free(t);
			assert_int_equal(ctl_parse(b, len, &t, NULL), CTL_OK);
		}
		ctl_diag_clear(&d);
		rc = ctl_verify(t, NULL, &d);
		print_message("%-45s -> %d %s\n", untrusted[i].name, rc, d.msg);
		assert_int_equal(rc, untrusted[i].want_rc);
		if (strstr(d.msg, untrusted[i].want) == NULL)
			fail_msg("%s: '%s' lacks '%s'", untrusted[i].name,
			    d.msg, untrusted[i].want);
		ctl_free(t);
	}
	free(b);
	ctl_free(f);
	free(good);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flip_every_byte_tokenless),
		cmocka_unit_test(test_flip_every_byte_token_signed),
		cmocka_unit_test(test_untrustworthy),
	};

	return cmocka_run_group_tests(tests, seed_setup, seed_teardown);
}
