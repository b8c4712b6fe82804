/* What TVS answers from a snapshot (publisher/pub_tvs_cache.c): the
 * database part first, then the CTL part, the union of roles, and a
 * certificate forged under a known issuer and serial. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "certgen.h"
#include "ctl.h"
#include "ctl_err.h"
#include "pub_tvs_cache.h"

struct der {
	X509 *x;
	uint8_t *p;
	size_t len;
};

static struct der cm, sast, ctlonly, stranger, forged;

static int
to_der(X509 *x, struct der *out)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);

	if (n <= 0)
		return -1;
	out->x = x;
	out->p = malloc((size_t)n);
	memcpy(out->p, p, (size_t)n);
	out->len = (size_t)n;
	OPENSSL_free(p);
	return 0;
}

static int
make(const char *subject, struct der *out)
{
	struct tg_spec spec = { subject, 0, 16, NULL, 0, NULL, NULL };
	struct tg_cert c;

	if (tg_make(&spec, &c) != 0)
		return -1;
	EVP_PKEY_free(c.key);
	return to_der(c.cert, out);
}

static int
setup(void **state)
{
	EVP_PKEY *k = NULL;
	X509 *x;

	(void)state;
	if (make("/CN=cucm-pub/O=Open CTL", &cm) || make("/CN=SAST1", &sast) ||
	    make("/CN=tftp-only", &ctlonly) || make("/CN=stranger", &stranger))
		return -1;
	/* the same issuer and serial as cm, another key and signature */
	if ((k = EVP_EC_gen("P-256")) == NULL || (x = X509_dup(cm.x)) == NULL)
		return -1;
	if (X509_set_pubkey(x, k) != 1 || X509_sign(x, k, EVP_sha256()) <= 0)
		return -1;
	EVP_PKEY_free(k);
	return to_der(x, &forged);
}

static int
teardown(void **state)
{
	struct der *all[] = { &cm, &sast, &ctlonly, &stranger, &forged };

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		X509_free(all[i]->x);
		free(all[i]->p);
	}
	return 0;
}

static struct pub_tvs_snap *
fixed_snap(void)
{
	struct pub_tvs_snap *s = pub_tvs_snap_new();

	assert_non_null(s);
	assert_int_equal(pub_tvs_snap_add(s, false, cm.p, cm.len,
	    CTL_ROLE_CCM_TFTP, "CallManager of cucm-pub", NULL), CTL_OK);
	assert_int_equal(pub_tvs_snap_add(s, false, sast.p, sast.len,
	    CTL_ROLE_SAST, "Phone-SAST-trust", NULL), CTL_OK);
	assert_int_equal(pub_tvs_snap_add(s, false, sast.p, sast.len,
	    CTL_ROLE_CAPF, "CAPF-trust", NULL), CTL_OK);
	/* the CTL names cm as SAST too: the database answers first */
	assert_int_equal(pub_tvs_snap_add(s, true, cm.p, cm.len,
	    CTL_ROLE_SAST, "CTL", NULL), CTL_OK);
	assert_int_equal(pub_tvs_snap_add(s, true, ctlonly.p, ctlonly.len,
	    CTL_ROLE_TFTP, "CTL", NULL), CTL_OK);
	pub_tvs_snap_seal(s);
	return s;
}

struct lookup_case {
	const char *name;
	struct der *cert;
	bool valid;
	const char *roles;      /* role codes as bytes */
	size_t nroles;
	const char *where;      /* a substring of the answer's where */
};

static const struct lookup_case cases[] = {
	{ "database", &cm, true, "\x02", 1, "CallManager of cucm-pub" },
	{ "two stores: the union", &sast, true, "\x00\x04", 2,
	    "Phone-SAST-trust, CAPF-trust" },
	{ "CTL only", &ctlonly, true, "\x03", 1, "CTL" },
	{ "unknown", &stranger, false, "", 0,
	    "not in the database nor the CTL" },
	{ "forged under a known issuer and serial", &forged, false, "", 0,
	    "same issuer and serial as CallManager of cucm-pub but a "
	    "different certificate" },
};

static void
test_lookup(void **state)
{
	struct pub_tvs_snap *s = fixed_snap();
	struct pub_tvs_answer a;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lookup_case *c = &cases[i];

		pub_tvs_lookup(s, c->cert->x, c->cert->p, c->cert->len, &a);
		if (a.valid != c->valid || a.nroles != c->nroles ||
		    memcmp(a.roles, c->roles, c->nroles) != 0 ||
		    strstr(a.where, c->where) == NULL)
			fail_msg("%s: got %s, %zu roles, \"%s\"", c->name,
			    a.valid ? "valid" : "invalid", a.nroles, a.where);
	}
	pub_tvs_snap_put(s);
}

/* Found by its bytes, a certificate gets the answer pub_tvs_lookup()
 * gives, and the names the log would make of it; a certificate not held
 * is left to pub_tvs_lookup(). */
static void
test_lookup_der(void **state)
{
	struct pub_tvs_snap *s = fixed_snap();
	struct pub_tvs_answer a, b;
	uint8_t md[SHA_DIGEST_LENGTH], other[SHA_DIGEST_LENGTH];
	const char *names;
	char *want = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lookup_case *c = &cases[i];

		SHA1(c->cert->p, c->cert->len, md);
		names = pub_tvs_lookup_der(s, c->cert->p, c->cert->len, md, &a);
		if (!c->valid) {
			if (names != NULL)
				fail_msg("%s: found by its bytes", c->name);
			continue;
		}
		pub_tvs_lookup(s, c->cert->x, c->cert->p, c->cert->len, &b);
		if (names == NULL || !a.valid || a.nroles != b.nroles ||
		    memcmp(a.roles, b.roles, b.nroles) != 0 ||
		    strcmp(a.where, b.where) != 0)
			fail_msg("%s: by its bytes: %s, %zu roles, \"%s\"",
			    c->name, names ? "found" : "not found", a.nroles,
			    a.where);
		assert_int_equal(pub_tvs_cert_names(c->cert->x, &want), CTL_OK);
		assert_string_equal(names, want);
		free(want);
	}
	/* the SHA1 finds, the bytes decide */
	SHA1(cm.p, cm.len, md);
	SHA1(forged.p, forged.len, other);
	assert_null(pub_tvs_lookup_der(s, forged.p, forged.len, md, &a));
	assert_null(pub_tvs_lookup_der(s, cm.p, cm.len, other, &a));
	assert_null(pub_tvs_lookup_der(s, cm.p, cm.len - 1, md, &a));
	pub_tvs_snap_put(s);
}

static void
test_has_and_refusals(void **state)
{
	struct pub_tvs_snap *s = fixed_snap();
	size_t ndb, nctl;
	uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };

	(void)state;
	assert_true(pub_tvs_snap_has(s, false, cm.p, cm.len, -1));
	assert_true(pub_tvs_snap_has(s, true, cm.p, cm.len, CTL_ROLE_SAST));
	assert_false(pub_tvs_snap_has(s, false, cm.p, cm.len, CTL_ROLE_SAST));
	assert_false(pub_tvs_snap_has(s, false, ctlonly.p, ctlonly.len, -1));
	assert_false(pub_tvs_snap_has(s, false, forged.p, forged.len, -1));
	pub_tvs_snap_counts(s, &ndb, &nctl);
	assert_int_equal(ndb, 2);
	assert_int_equal(nctl, 2);
	/* sealed: nothing more goes in */
	assert_int_equal(pub_tvs_snap_add(s, false, stranger.p, stranger.len,
	    0, "x", NULL), CTL_ERR_INTERNAL);
	pub_tvs_snap_put(s);

	s = pub_tvs_snap_new();
	assert_int_equal(pub_tvs_snap_add(s, false, junk, sizeof(junk), 0,
	    "junk", NULL), CTL_ERR_FORMAT);
	assert_int_equal(pub_tvs_snap_add(s, false, cm.p, cm.len - 1, 0,
	    "cut", NULL), CTL_ERR_FORMAT);
	pub_tvs_snap_seal(s);
	pub_tvs_snap_counts(s, &ndb, &nctl);
	assert_int_equal(ndb + nctl, 0);
	pub_tvs_snap_put(s);
	pub_tvs_snap_put(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lookup_der),
		cmocka_unit_test(test_has_and_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
