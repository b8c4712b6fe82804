/*
 * The direct part of the phone trust model, on Cisco's scenarios: a
 * phone accepts a new file when its signer is a SAST of the file it holds
 * and the signature verifies with the key it holds; every migration that
 * changes the signer needs TVS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "ctl_err.h"
#include "ctl_trust.h"
#include "testbuild.h"

static struct seed_certs seed;
static struct tg_cert pub_regen;   /* new serial, new key, same name */
static struct tg_cert pub_twin;    /* same issuer and serial, new key */

static int
setup(void **state)
{
	struct tg_spec regen = { "/L=Krakow/ST=Malopolska/CN=cucm-1051-a-pub"
	    "/OU=TAC/O=Cisco/C=PL", 2048, 16, NULL, 0, NULL, NULL };

	(void)state;
	if (seed_certs_make(&seed) != 0 || tg_make(&regen, &pub_regen) != 0)
		return -1;
	/* A certificate with the publisher's issuer and serial but a new
	 * key: made by copying and re-keying. */
	pub_twin.cert = X509_dup(seed.pub.cert);
	pub_twin.key = EVP_RSA_gen(1024);
	if (pub_twin.cert == NULL || pub_twin.key == NULL ||
	    !X509_set_pubkey(pub_twin.cert, pub_twin.key) ||
	    !X509_sign(pub_twin.cert, pub_twin.key, EVP_sha1()))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tg_free(&pub_regen);
	tg_free(&pub_twin);
	seed_certs_free(&seed);
	return 0;
}

static struct ctl_file *
parsed(uint8_t *b, size_t len)
{
	struct ctl_file *f = NULL;

	assert_int_equal(ctl_parse(b, len, &f, NULL), CTL_OK);
	free(b);
	return f;
}

static struct ctl_file *
tokenless_by(const struct tg_cert *signer)
{
	struct ctl_entry e[2];
	uint8_t *b;
	size_t len;

	memset(e, 0, sizeof(e));
	e[0].role = CTL_ROLE_SAST;
	e[0].cert = signer->cert;
	e[0].dns_name = "cucm-1051-a-pub";
	e[1].role = CTL_ROLE_CCM_TFTP;
	e[1].cert = signer->cert;
	e[1].dns_name = "cucm-1051-a-pub";
	assert_int_equal(tb_build(e, 2, signer, CTL_DIGEST_SHA1, NULL, &b,
	    &len), CTL_OK);
	return parsed(b, len);
}

static struct ctl_file *
tokens_by(const struct tg_cert *signer)
{
	uint8_t *b;
	size_t len;

	assert_int_equal(tb_seed_tokens(&seed, signer, &b, &len), CTL_OK);
	return parsed(b, len);
}

static void
expect(const struct ctl_file *old, const struct ctl_file *newf, bool accept,
    bool tvs, const char *words)
{
	struct ctl_trust t;

	assert_int_equal(ctl_trust_direct(old, newf, &t, NULL), CTL_OK);
	print_message("%s: %s\n", accept ? "accept" : "reject", t.reason);
	assert_int_equal(t.accept, accept);
	assert_int_equal(t.tvs_could_help, tvs);
	if (strstr(t.reason, words) == NULL)
		fail_msg("'%s' lacks '%s'", t.reason, words);
}

static void
test_scenarios(void **state)
{
	struct ctl_file *tokenless = tokenless_by(&seed.pub);
	struct ctl_file *tokens1 = tokens_by(&seed.token1);
	struct ctl_file *tokens2 = tokens_by(&seed.token2);
	struct ctl_file *regen = tokenless_by(&pub_regen);
	struct ctl_file *twin = tokenless_by(&pub_twin);

	(void)state;
	/* Non-secure to mixed mode: the first CTL is taken as it is. */
	expect(NULL, tokenless, true, false, "accepts the first one");
	/* utils ctl update CTLFile with the same publisher certificate. */
	expect(tokenless, tokenless, true, false, "a SAST in the installed CTL");
	/* Update with the spare token: it is in the installed CTL. */
	expect(tokens2, tokens1, true, false, "SAST-ADN0054f509");
	/* Tokens to tokenless: the publisher's certificate is in the old
	 * CTL only as CCM+TFTP, not as a SAST. */
	expect(tokens1, tokenless, false, true, "not a SAST in the installed");
	/* Tokenless back to tokens (seed: "does not exist in the CTL"). */
	expect(tokenless, tokens1, false, true, "SAST-ADN0054f509");
	/* CallManager certificate regenerated: a new signer. */
	expect(tokenless, regen, false, true, "needs its CTL deleted by hand");
	/* Same issuer and serial, another key: the old key decides. */
	expect(tokenless, twin, false, true, "another key");
	ctl_free(tokenless);
	ctl_free(tokens1);
	ctl_free(tokens2);
	ctl_free(regen);
	ctl_free(twin);
}

static void
test_new_file_that_does_not_verify(void **state)
{
	struct ctl_file *old = tokenless_by(&seed.pub), *bad;
	uint8_t *b;
	size_t len;

	(void)state;
	assert_int_equal(tb_seed_tokenless(&seed, &b, &len), CTL_OK);
	b[len - 100] ^= 0x01;   /* inside the last certificate */
	bad = parsed(b, len);
	expect(old, bad, false, false, "does not verify");
	ctl_free(bad);
	ctl_free(old);
}

static void
test_kinds_must_match(void **state)
{
	struct ctl_file *ctl = tokenless_by(&seed.pub), *itl;
	struct ctl_entry e;
	struct ctl_trust t;
	struct ctl_diag d;
	uint8_t *b;
	size_t len;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.role = CTL_ROLE_TVS;
	e.cert = seed.capf.cert;
	assert_int_equal(tb_build(&e, 1, &seed.pub, CTL_DIGEST_SHA1,
	    "ITLFile.tlv", &b, &len), CTL_OK);
	itl = parsed(b, len);
	ctl_diag_clear(&d);
	assert_int_equal(ctl_trust_direct(itl, ctl, &t, &d), CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "installed one is an ITL"));
	expect(itl, itl, true, false, "installed ITL");
	ctl_free(ctl);
	ctl_free(itl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_new_file_that_does_not_verify),
		cmocka_unit_test(test_kinds_must_match),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
