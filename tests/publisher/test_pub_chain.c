/*
 * pub_chain_check, the check a CA-signed identity certificate passes
 * before it replaces a node's own: one row per chain, the good ones,
 * each missing link, forged links (the right name, another key), dates
 * on both sides of each validity, and the depth limit on both sides.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ctl_err.h"
#include "pub_chain.h"

#define DAY (24L * 3600L)

/* The certificates of the rows, made once. */
enum {
	ROOT, INT, LEAF, FAKE_INT, FAKE_ROOT, INT_BY_FAKE_ROOT, SELF, NOCA,
	LEAF_BY_NOCA, SHORT_INT, LEAF_BY_SHORT, LEAF_BY_ROOT,
	CA1, CA2, CA3, CA4, CA5, CA6, CA7, LEAF_DEPTH8, LEAF_DEPTH9,
	NCERTS
};

static X509 *c[NCERTS];
static EVP_PKEY *k[NCERTS];
static int64_t now0;

/* A certificate for CN, its own key, signed by ISSUER (or itself when
 * ISSUER < 0), valid FROM to TO days from now0. */
static void
make(int i, const char *cn, int issuer, bool ca, long from, long to)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	time_t t0 = (time_t)now0;

	k[i] = EVP_EC_gen("P-256");
	assert_non_null(x);
	assert_non_null(k[i]);
	assert_true(X509_set_version(x, 2));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), i + 1));
	assert_true(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0));
	assert_true(X509_set_subject_name(x, nm));
	assert_true(X509_set_issuer_name(x, issuer < 0 ? nm :
	    X509_get_subject_name(c[issuer])));
	assert_non_null(X509_time_adj_ex(X509_getm_notBefore(x), (int)from, 0,
	    &t0));
	assert_non_null(X509_time_adj_ex(X509_getm_notAfter(x), (int)to, 0,
	    &t0));
	assert_true(X509_set_pubkey(x, k[i]));
	X509V3_set_ctx(&ctx, issuer < 0 ? x : c[issuer], x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	assert_non_null(ext);
	assert_true(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, issuer < 0 ? k[i] : k[issuer], EVP_sha256()) >
	    0);
	X509_NAME_free(nm);
	c[i] = x;
}

static int
setup(void **state)
{
	char cn[16];
	int i;

	(void)state;
	now0 = (int64_t)time(NULL);
	make(ROOT, "Root", -1, true, -10, 3650);
	make(INT, "Int", ROOT, true, -10, 1825);
	make(LEAF, "leaf", INT, false, -1, 365);
	make(FAKE_INT, "Int", ROOT, true, -10, 1825);   /* same name, other key */
	make(FAKE_ROOT, "Root", -1, true, -10, 3650);
	make(INT_BY_FAKE_ROOT, "Int", FAKE_ROOT, true, -10, 1825);
	make(SELF, "leaf", -1, false, -1, 365);
	make(NOCA, "NoCA", -1, false, -10, 3650);
	make(LEAF_BY_NOCA, "leaf", NOCA, false, -1, 365);
	make(SHORT_INT, "Short", ROOT, true, -10, 30);
	make(LEAF_BY_SHORT, "leaf", SHORT_INT, false, -1, 365);
	make(LEAF_BY_ROOT, "leaf", ROOT, false, -1, 365);
	/* ROOT <- CA1 <- ... <- CA7: a leaf under CA6 is 8 deep, under CA7 9 */
	for (i = CA1; i <= CA7; i++) {
		snprintf(cn, sizeof(cn), "CA%d", i - CA1 + 1);
		make(i, cn, i == CA1 ? ROOT : i - 1, true, -10, 1825);
	}
	make(LEAF_DEPTH8, "leaf", CA6, false, -1, 365);
	make(LEAF_DEPTH9, "leaf", CA7, false, -1, 365);
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NCERTS; i++) {
		X509_free(c[i]);
		EVP_PKEY_free(k[i]);
	}
	return 0;
}

#define END -1

struct row {
	const char *what;
	int leaf;
	int store[10];          /* ending with END */
	long at_days;           /* checked at now0 + this */
	int rc;
	const char *words;      /* in the message; NULL for success */
};

static const struct row rows[] = {
	{ "root then intermediate", LEAF, { ROOT, INT, END }, 0, CTL_OK, NULL },
	{ "intermediate then root", LEAF, { INT, ROOT, END }, 0, CTL_OK, NULL },
	{ "signed by the root itself", LEAF_BY_ROOT, { ROOT, END }, 0, CTL_OK,
	  NULL },
	{ "other certificates around", LEAF, { NOCA, SHORT_INT, INT, ROOT, END },
	  0, CTL_OK, NULL },
	{ "the root missing", LEAF, { INT, END }, 0, CTL_ERR_UNTRUSTED,
	  "\"CN=Root\", the issuer of \"CN=Int\", is not in CallManager-trust" },
	{ "the intermediate missing", LEAF, { ROOT, END }, 0, CTL_ERR_UNTRUSTED,
	  "\"CN=Int\", the issuer of \"CN=leaf\", is not in CallManager-trust" },
	{ "an empty store", LEAF, { END }, 0, CTL_ERR_UNTRUSTED,
	  "\"CN=Int\", the issuer of \"CN=leaf\"" },
	{ "a forged intermediate (right name, other key)", LEAF,
	  { ROOT, FAKE_INT, END }, 0, CTL_ERR_UNTRUSTED,
	  "the signature of \"CN=leaf\" does not verify with the key of "
	  "\"CN=Int\"" },
	{ "the forged one beside the real one", LEAF,
	  { ROOT, FAKE_INT, INT, END }, 0, CTL_OK, NULL },
	{ "a forged root", LEAF, { FAKE_ROOT, INT, END }, 0, CTL_ERR_UNTRUSTED,
	  "the signature of \"CN=Int\" does not verify" },
	{ "an intermediate under the forged root", LEAF,
	  { ROOT, INT_BY_FAKE_ROOT, END }, 0, CTL_ERR_UNTRUSTED,
	  "the signature of \"CN=leaf\" does not verify" },
	{ "the leaf on its first day", LEAF, { ROOT, INT, END }, -1, CTL_OK,
	  NULL },
	{ "the leaf not valid yet", LEAF, { ROOT, INT, END }, -2, CTL_ERR_KEY,
	  "is not valid yet" },
	{ "the leaf on its last day", LEAF, { ROOT, INT, END }, 364, CTL_OK,
	  NULL },
	{ "the leaf expired", LEAF, { ROOT, INT, END }, 366, CTL_ERR_KEY,
	  "\"CN=leaf\" is expired" },
	{ "a self-signed leaf", SELF, { SELF, ROOT, END }, 0, CTL_ERR_KEY,
	  "is self-signed" },
	{ "an issuer that is not a CA", LEAF_BY_NOCA, { NOCA, END }, 0,
	  CTL_ERR_UNTRUSTED, "is not a certificate authority" },
	{ "an intermediate still valid", LEAF_BY_SHORT, { ROOT, SHORT_INT, END },
	  29, CTL_OK, NULL },
	{ "an intermediate expired", LEAF_BY_SHORT, { ROOT, SHORT_INT, END },
	  31, CTL_ERR_UNTRUSTED, "\"CN=Short\" in CallManager-trust is expired" },
	{ "8 deep (the most)", LEAF_DEPTH8,
	  { ROOT, CA1, CA2, CA3, CA4, CA5, CA6, END }, 0, CTL_OK, NULL },
	{ "9 deep", LEAF_DEPTH9,
	  { ROOT, CA1, CA2, CA3, CA4, CA5, CA6, CA7, END }, 0, CTL_ERR_TOO_BIG,
	  "longer than 8 certificates" },
};

static void
test_rows(void **state)
{
	struct ctl_diag d;
	X509 *store[10];
	size_t i, n;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		for (n = 0; r->store[n] != END; n++)
			store[n] = c[r->store[n]];
		ctl_diag_clear(&d);
		rc = pub_chain_check(c[r->leaf], store, n, now0 +
		    r->at_days * DAY, "CallManager-trust", &d);
		if (rc != r->rc || (r->words != NULL &&
		    strstr(ctl_diag_msg(&d, rc), r->words) == NULL))
			fail_msg("%s: rc %d (want %d): %s", r->what, rc, r->rc,
			    ctl_diag_msg(&d, rc));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
