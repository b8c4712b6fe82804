/*
 * Records whose certificate has an EC key (CUCM's CallManager-ECDSA and
 * Tomcat-ECDSA, P-256 and P-384) in a CTL and an ITL the RSA signer
 * signs: built, parsed, verified, and shown with their key type and
 * size by both renderings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_render.h"
#include "ctl_verify.h"
#include "testbuild.h"

/* The text of rendering F with RENDER. */
static char *
rendered(void (*render)(FILE *, const struct ctl_view *),
    const struct ctl_file *f)
{
	struct ctl_view v = { f, CTL_OK, 0, NULL, NULL };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	render(out, &v);
	fclose(out);
	return text;
}

static void
round_trip(const char *filename)
{
	struct tg_spec rsa_spec = { "/CN=cucm-pub/O=Test", 2048, 16, NULL, 0,
	    NULL, NULL };
	struct tg_spec ec_spec = { "/CN=cucm-pub-EC/O=Test", 0, 16, NULL, 0,
	    NULL, NULL };
	struct tg_cert signer, p256, p384;
	struct ctl_entry e[3];
	struct ctl_file *f;
	EVP_PKEY *k384;
	uint8_t *buf;
	size_t len;
	char *text;

	assert_int_equal(tg_make(&rsa_spec, &signer), 0);
	assert_int_equal(tg_make(&ec_spec, &p256), 0);
	assert_non_null(k384 = EVP_EC_gen("P-384"));
	ec_spec.subject = "/CN=cucm-sub1-EC/O=Test";
	ec_spec.reuse_key = k384;
	assert_int_equal(tg_make(&ec_spec, &p384), 0);
	memset(e, 0, sizeof(e));
	e[0].role = CTL_ROLE_CCM_TFTP;
	e[0].cert = signer.cert;
	e[0].dns_name = "cucm-pub";
	e[1].role = CTL_ROLE_CCM;
	e[1].cert = p256.cert;
	e[1].dns_name = "cucm-pub";
	e[2].role = CTL_ROLE_CCM;
	e[2].cert = p384.cert;
	e[2].dns_name = "cucm-sub1";
	assert_int_equal(tb_build(e, 3, &signer, CTL_DIGEST_SHA256, filename,
	    &buf, &len), CTL_OK);
	assert_int_equal(ctl_parse(buf, len, &f, NULL), CTL_OK);
	/* The signer comes first in an ITL's records; find ours by key. */
	{
		size_t i, n256 = 0, n384 = 0;

		for (i = 0; i < f->nrecords; i++) {
			const struct ctl_record *r = &f->records[i];

			assert_non_null(r->cert);
			if (ctl_cert_key_bits(r->cert) == 256) {
				/* an uncompressed P-256 point */
				assert_int_equal(r->public_key.len, 65);
				assert_string_equal(ctl_cert_key_type(r->cert),
				    "EC");
				n256++;
			} else if (ctl_cert_key_bits(r->cert) == 384) {
				assert_int_equal(r->public_key.len, 97);
				n384++;
			}
		}
		assert_int_equal(n256, 1);
		assert_int_equal(n384, 1);
	}
	assert_int_equal(ctl_verify(f, NULL, NULL), CTL_OK);
	text = rendered(ctl_render_text, f);
	assert_non_null(strstr(text, "EC P-256 (256 bits)"));
	assert_non_null(strstr(text, "EC P-384 (384 bits)"));
	assert_non_null(strstr(text, "RSA 2048 bits"));
	free(text);
	text = rendered(ctl_render_json, f);
	assert_non_null(strstr(text, "\"key_type\": \"EC\""));
	assert_non_null(strstr(text, "\"key_bits\": 384"));
	assert_non_null(strstr(text, "\"key_type\": \"RSA\""));
	free(text);
	ctl_free(f);
	free(buf);
	EVP_PKEY_free(k384);
	tg_free(&signer);
	tg_free(&p256);
	tg_free(&p384);
}

static void
test_ctl_with_ec_records(void **state)
{
	(void)state;
	round_trip(NULL);
}

static void
test_itl_with_ec_records(void **state)
{
	(void)state;
	round_trip("ITLFile.tlv");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctl_with_ec_records),
		cmocka_unit_test(test_itl_with_ec_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
