/*
 * Files built from sample-shaped certificates have Cisco's byte counts:
 * a 336-byte header, 1156/1156/1138/1161-byte records and a 4947-byte
 * tokenless CTL, and 1186-byte token SAST records.  Expected sizes are
 * computed from the real certificates and names, then compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_verify.h"
#include "seedfixture.h"
#include "testbuild.h"

static size_t
name_len(X509_NAME *n)
{
	char *s = NULL;
	size_t len;

	assert_int_equal(ctl_name_format(n, &s), CTL_OK);
	len = strlen(s) + 1;
	free(s);
	return len;
}

/* Bytes GET reads from X: the serial or the public key as written. */
static size_t
part_len(int (*get)(const X509 *, uint8_t **, size_t *), X509 *x)
{
	uint8_t *p;
	size_t len;

	assert_int_equal(get(x, &p, &len), CTL_OK);
	free(p);
	return len;
}

static size_t
serial_len(X509 *x)
{
	return part_len(ctl_cert_serial, x);
}

static size_t
pubkey_len(X509 *x)
{
	return part_len(ctl_cert_pubkey, x);
}

/* RECORDLENGTH from the parts, as docs/ctl-format.md adds them up. */
static size_t
expected_record(X509 *x, const char *dns, bool token)
{
	const uint8_t *sig;
	size_t siglen;

	ctl_cert_signature(x, &sig, &siglen);
	return 5 + (3 + (dns ? strlen(dns) + 1 : 1)) +
	    (3 + name_len(X509_get_subject_name(x))) + (3 + 2) +
	    (3 + name_len(X509_get_issuer_name(x))) + (3 + serial_len(x)) +
	    (3 + pubkey_len(x)) + (token ? 0 : 3 + siglen) +
	    (3 + (size_t)i2d_X509(x, NULL)) + (3 + 4);
}

static size_t
expected_header(X509 *signer)
{
	size_t n = 5 + 5 +
	    3 + (3 + name_len(X509_get_subject_name(signer))) +
	    (3 + serial_len(signer)) +
	    (3 + name_len(X509_get_issuer_name(signer))) +
	    3 + (3 + 1) + (3 + (3 + 1) + (3 + 1)) +
	    3 + (size_t)ctl_cert_key_bits(signer) / 8 +
	    (3 + sizeof("CTLFile.tlv")) + (3 + 4);

	return (n + 3) / 4 * 4;
}

static void
test_seed_certificate_sizes(void **state)
{
	(void)state;
	assert_int_equal(tg_der_len(&seed.pub), 694);
	assert_int_equal(tg_der_len(&seed.capf), 680);
	assert_int_equal(tg_der_len(&seed.sub1), 696);
	assert_int_equal(tg_der_len(&seed.token1), 902);
	assert_int_equal(name_len(X509_get_subject_name(seed.pub.cert)), 62);
	assert_int_equal(name_len(X509_get_subject_name(seed.token1.cert)), 56);
	assert_int_equal(name_len(X509_get_issuer_name(seed.token1.cert)), 42);
}

static void
test_tokenless_ctl_matches_seed(void **state)
{
	static const size_t seed_records[] = { 1156, 1156, 1138, 1161 };
	X509 *certs[] = { seed.pub.cert, seed.pub.cert, seed.capf.cert,
	    seed.sub1.cert };
	const char *dns[] = { "cucm-1051-a-pub", "cucm-1051-a-pub",
	    "cucm-1051-a-pub", "cucm-1051-a-sub1" };
	struct ctl_file *f = NULL;
	uint8_t *buf;
	size_t len, i;
	int signer;

	(void)state;
	assert_int_equal(tb_seed_tokenless(&seed, &buf, &len), CTL_OK);
	assert_int_equal(ctl_parse(buf, len, &f, NULL), CTL_OK);
	assert_int_equal(f->hdr.header_length, expected_header(seed.pub.cert));
	assert_int_equal(f->hdr.header_length, 336);
	assert_int_equal(f->nrecords, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(f->records[i].length,
		    expected_record(certs[i], dns[i], false));
		assert_int_equal(f->records[i].length, seed_records[i]);
	}
	assert_int_equal(len, 4947);   /* Cisco's "Length of CTL file" */
	assert_int_equal(ctl_verify(f, &signer, NULL), CTL_OK);
	assert_int_equal(signer, 0);
	ctl_free(f);
	free(buf);
}

static void
test_token_ctl_sast_records(void **state)
{
	struct ctl_file *f = NULL;
	const struct ctl_record *r;
	uint8_t *buf;
	size_t len, i;
	int signer;

	(void)state;
	assert_int_equal(tb_seed_tokens(&seed, &seed.token2, &buf, &len),
	    CTL_OK);
	assert_int_equal(ctl_parse(buf, len, &f, NULL), CTL_OK);
	assert_int_equal(f->hdr.header_length,
	    expected_header(seed.token2.cert));
	assert_int_equal(f->nrecords, 5);
	for (i = 0; i < 5; i += 4) {
		r = &f->records[i];
		assert_int_equal(r->length,
		    expected_record(r->cert, NULL, true));
		assert_int_equal(r->length, 1186);
		assert_int_equal(r->role, CTL_ROLE_SAST);
		assert_string_equal(r->dns_name, "");
		assert_null(r->cert_sig.p);       /* no SIGNATURE field */
	}
	/* The second token signed: the header names it, not the first. */
	assert_int_equal(ctl_verify(f, &signer, NULL), CTL_OK);
	assert_int_equal(signer, 4);
	ctl_free(f);
	free(buf);
}

static void
test_record_field_order_and_values(void **state)
{
	static const uint8_t order[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct ctl_file *f = NULL;
	const struct ctl_record *r;
	uint8_t *buf;
	size_t len, i;

	(void)state;
	assert_int_equal(tb_seed_tokenless(&seed, &buf, &len), CTL_OK);
	assert_int_equal(ctl_parse(buf, len, &f, NULL), CTL_OK);
	r = &f->records[3];
	assert_int_equal(r->nfields, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(r->fields[i].tag, order[i]);
	assert_string_equal(r->subject,
	    "CN=cucm-1051-a-sub1;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL");
	assert_string_equal(r->dns_name, "cucm-1051-a-sub1");
	assert_int_equal(r->role, CTL_ROLE_CCM_TFTP);
	assert_memory_equal(r->ip, "\x7f\x00\x00\x03", 4);
	assert_string_equal(f->hdr.filename, "CTLFile.tlv");
	assert_int_equal(f->hdr.version_major, 1);
	assert_int_equal(f->hdr.version_minor, 2);
	assert_int_equal(f->hdr.timestamp, 1425667513);
	assert_int_equal(f->hdr.digest, CTL_DIGEST_SHA1);
	assert_int_equal(f->hdr.sig_modulus, 1);
	/* The header is padded to 4 bytes with tag 13. */
	assert_int_equal(f->hdr.header_length % 4, 0);
	assert_int_equal(buf[f->hdr.header_length - 1], 13);
	assert_int_equal(f->nunknown, 0);
	ctl_free(f);
	free(buf);
}

static void
test_digests_and_key_sizes(void **state)
{
	static const int digests[] = { CTL_DIGEST_SHA1, CTL_DIGEST_SHA256,
	    CTL_DIGEST_SHA512 };
	static const int bits[] = { 1024, 2048, 4096 };
	struct ctl_file *f;
	struct ctl_entry e;
	struct tg_cert c;
	uint8_t *buf;
	size_t len, i, k;

	(void)state;
	for (k = 0; k < 3; k++) {
		struct tg_spec spec = { "/CN=signer/O=Test", bits[k], 16, NULL,
		    0, NULL, NULL };

		assert_int_equal(tg_make(&spec, &c), 0);
		memset(&e, 0, sizeof(e));
		e.role = CTL_ROLE_CCM_TFTP;
		e.cert = c.cert;
		e.dns_name = "node";
		for (i = 0; i < 3; i++) {
			assert_int_equal(tb_build(&e, 1, &c, digests[i], NULL,
			    &buf, &len), CTL_OK);
			assert_int_equal(ctl_parse(buf, len, &f, NULL), CTL_OK);
			assert_int_equal(f->hdr.digest, digests[i]);
			assert_int_equal(ctl_modulus_bits(f->hdr.sig_modulus),
			    bits[k]);
			assert_int_equal(f->hdr.signature.len, bits[k] / 8);
			/* The signer was added as a SAST record, first. */
			assert_int_equal(f->nrecords, 2);
			assert_int_equal(f->records[0].role, CTL_ROLE_SAST);
			assert_int_equal(ctl_verify(f, NULL, NULL), CTL_OK);
			ctl_free(f);
			free(buf);
		}
		tg_free(&c);
	}
}

static void
test_ec_certificate_record_and_itl(void **state)
{
	struct tg_spec spec = { "/CN=ec-node/O=Test", 0, 8, NULL, 0, NULL,
	    NULL };
	struct ctl_file *f;
	struct ctl_entry e;
	struct tg_cert ec;
	uint8_t *buf;
	size_t len;

	(void)state;
	assert_int_equal(tg_make(&spec, &ec), 0);
	memset(&e, 0, sizeof(e));
	e.role = CTL_ROLE_TVS;
	e.cert = ec.cert;
	e.dns_name = "ec-node";
	assert_int_equal(tb_build(&e, 1, &seed.pub, CTL_DIGEST_SHA256,
	    "ITLFile.tlv", &buf, &len), CTL_OK);
	assert_int_equal(ctl_parse(buf, len, &f, NULL), CTL_OK);
	assert_true(ctl_is_itl(f));
	/* An uncompressed P-256 point: 65 bytes. */
	assert_int_equal(f->records[1].public_key.len, 65);
	assert_int_equal(ctl_verify(f, NULL, NULL), CTL_OK);
	ctl_free(f);
	free(buf);
	/* An EC key cannot sign: the format carries RSA signatures only. */
	assert_int_equal(tb_build(&e, 1, &ec, CTL_DIGEST_SHA256, NULL, &buf,
	    &len), CTL_ERR_KEY);
	tg_free(&ec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_certificate_sizes),
		cmocka_unit_test(test_tokenless_ctl_matches_seed),
		cmocka_unit_test(test_token_ctl_sast_records),
		cmocka_unit_test(test_record_field_order_and_values),
		cmocka_unit_test(test_digests_and_key_sizes),
		cmocka_unit_test(test_ec_certificate_record_and_itl),
	};

	return cmocka_run_group_tests(tests, seed_setup, seed_teardown);
}
