/*
 * The move check, one row per case: what the phones of cluster A hold,
 * what cluster B serves, what A's TVS vouches for and which TVS
 * certificate it presents, and the verdict expected for each class of
 * phone, in the order move_check_run() gives them.  No network.
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
#include "move_check.h"
#include "testbuild.h"

/* The certificates of two clusters, and A's TVS regenerated. */
enum cert_id { A_CM, A_REC, A_TVS, A_TVS_NEW, B_CM, B_REC, B_TVS, C_N };
static struct tg_cert certs[C_N];

enum file_id {
	F_NONE,
	F_A_CTL,        /* A's tokenless CTL, signed by A's CallManager */
	F_A_ITL,        /* A's ITL, signed by ITLRecovery, A's TVS */
	F_B_CTL,        /* B's tokenless CTL, signed by B's CallManager */
	F_B_ITL_CM,     /* B's ITL signed by its CallManager (CUCM 8-11.5) */
	F_B_ITL_REC,    /* B's ITL signed by its ITLRecovery (CUCM 12+) */
	F_N,
};
static struct ctl_file *files[F_N];

static int
make_file(enum file_id id, enum cert_id signer, enum cert_id ccm, int tvs,
    bool itl)
{
	struct ctl_entry e[3];
	uint8_t *raw = NULL;
	size_t n = 0, len;
	int rc;

	tb_entry(&e[n++], CTL_ROLE_SAST, &certs[signer], "cucm-pub", 2, false);
	if (ccm != signer)
		tb_entry(&e[n++], CTL_ROLE_CCM_TFTP, &certs[ccm], "cucm-pub",
		    2, false);
	if (tvs >= 0)
		tb_entry(&e[n++], CTL_ROLE_TVS, &certs[tvs], "cucm-pub", 2,
		    false);
	if (tb_build(e, n, &certs[signer], CTL_DIGEST_SHA256, itl ?
	    "ITLFile.tlv" : "CTLFile.tlv", &raw, &len) != CTL_OK)
		return -1;
	rc = ctl_parse(raw, len, &files[id], NULL);
	free(raw);
	return rc;
}

static int
setup(void **state)
{
	static const char *const cn[C_N] = { "/CN=cucm-pub",
	    "/CN=ITLRECOVERY_cucm-pub", "/CN=TVS-cucm-pub", "/CN=TVS-cucm-pub",
	    "/CN=cucm-pub", "/CN=ITLRECOVERY_cucm-pub", "/CN=TVS-cucm-pub" };
	size_t i;

	(void)state;
	for (i = 0; i < C_N; i++) {
		struct tg_spec s = { cn[i], 2048, 16, NULL, 0, NULL, NULL };

		if (tg_make(&s, &certs[i]) != 0)
			return -1;
	}
	return make_file(F_A_CTL, A_CM, A_CM, -1, false) ||
	    make_file(F_A_ITL, A_REC, A_CM, A_TVS, true) ||
	    make_file(F_B_CTL, B_CM, B_CM, -1, false) ||
	    make_file(F_B_ITL_CM, B_CM, B_CM, B_TVS, true) ||
	    make_file(F_B_ITL_REC, B_REC, B_CM, B_TVS, true) ? -1 : 0;
}

static int
teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < F_N; i++)
		ctl_free(files[i]);
	for (i = 0; i < C_N; i++)
		tg_free(&certs[i]);
	return 0;
}

/* A's TVS: vouches for the certificates of the mask KNOWS. */
static unsigned knows;

static const char *
vouches(void *arg, X509 *cert)
{
	size_t i;

	(void)arg;
	for (i = 0; i < C_N; i++)
		if ((knows & (1u << i)) && X509_cmp(certs[i].cert, cert) == 0)
			return "in Phone-SAST-trust";
	return NULL;
}

#define K(c) (1u << (c))
#define IMPORTED (K(B_CM) | K(B_REC))

struct row {
	const char *name;
	enum file_id a_ctl, a_itl, b_ctl, b_itl;
	unsigned knows;
	enum cert_id presented;    /* the TVS certificate A's TVS presents */
	/* Per class, "CTL/ITL": how each file is taken, or why it is
	 * rejected; space-separated, classes in order. */
	const char *want;
	size_t tvs_rejecting, warnings;
};

static const struct row rows[] = {
	{ "non-secure to non-secure, imported", F_NONE, F_A_ITL, F_NONE,
	  F_B_ITL_CM, IMPORTED, A_TVS,
	  "kept/not-used kept/via-tvs kept/via-tvs", 0, 0 },
	{ "non-secure to non-secure, not imported", F_NONE, F_A_ITL, F_NONE,
	  F_B_ITL_CM, 0, A_TVS,
	  "kept/not-used kept/tvs-invalid kept/tvs-invalid", 2, 0 },
	{ "mixed to mixed, imported: the ITL via the new CTL", F_A_CTL,
	  F_A_ITL, F_B_CTL, F_B_ITL_CM, IMPORTED, A_TVS,
	  "unknown-signer-no-tvs/not-used first/not-used "
	  "via-tvs/via-ctl first/via-ctl via-tvs/via-ctl first/via-ctl", 0, 1 },
	{ "mixed to mixed, imported, ITL by ITLRecovery", F_A_CTL, F_A_ITL,
	  F_B_CTL, F_B_ITL_REC, IMPORTED, A_TVS,
	  "unknown-signer-no-tvs/not-used first/not-used "
	  "via-tvs/via-tvs first/via-tvs via-tvs/via-tvs first/via-tvs", 0, 1 },
	{ "mixed to mixed, only CallManager imported", F_A_CTL, F_A_ITL,
	  F_B_CTL, F_B_ITL_REC, K(B_CM), A_TVS,
	  "unknown-signer-no-tvs/not-used first/not-used "
	  "via-tvs/tvs-invalid first/tvs-invalid via-tvs/tvs-invalid "
	  "first/tvs-invalid", 4, 1 },
	{ "mixed to mixed, not imported", F_A_CTL, F_A_ITL, F_B_CTL,
	  F_B_ITL_CM, 0, A_TVS,
	  "unknown-signer-no-tvs/not-used first/not-used "
	  "tvs-invalid/tvs-invalid first/via-ctl tvs-invalid/tvs-invalid "
	  "first/via-ctl", 2, 1 },
	{ "A's TVS certificate regenerated since the phones reset", F_A_CTL,
	  F_A_ITL, F_B_CTL, F_B_ITL_CM, IMPORTED, A_TVS_NEW,
	  "unknown-signer-no-tvs/not-used first/not-used "
	  "tvs-tls/tvs-tls first/via-ctl tvs-tls/tvs-tls first/via-ctl", 2, 1 },
	{ "B serves no ITL", F_NONE, F_A_ITL, F_NONE, F_NONE, 0, A_TVS,
	  "kept/not-used kept/kept kept/kept", 0, 0 },
};

/* "how" when taken, else "why", for one file. */
static const char *
word(const struct phone_verdict *v)
{
	return v->accepted ? phone_how_name(v->how) : phone_why_name(v->why);
}

static void
test_rows(void **state)
{
	size_t i, k, used;
	char got[512];

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		X509 *presented[1] = { certs[w->presented].cert };
		struct move_files f = { files[w->a_ctl], files[w->a_itl],
		    files[w->b_ctl], files[w->b_itl] };
		struct move_tvs t = { vouches, NULL, presented, 1 };
		struct move_result r;
		struct ctl_diag d;

		knows = w->knows;
		ctl_diag_clear(&d);
		assert_int_equal(move_check_run(&f, &t, &r, &d), CTL_OK);
		for (k = 0, used = 0; k < r.nclasses; k++)
			used += (size_t)snprintf(got + used, sizeof(got) - used,
			    "%s%s/%s", k ? " " : "", word(&r.classes[k].ctl),
			    word(&r.classes[k].itl));
		if (strcmp(got, w->want) != 0 ||
		    r.tvs_rejecting != w->tvs_rejecting ||
		    r.warnings != w->warnings)
			fail_msg("%s:\n  got  %s (%zu rejecting, %zu warnings)\n"
			    "  want %s (%zu, %zu)", w->name, got,
			    r.tvs_rejecting, r.warnings, w->want,
			    w->tvs_rejecting, w->warnings);
	}
}

/* The reasons say what to do. */
static void
test_reasons(void **state)
{
	X509 *presented[1] = { certs[A_TVS_NEW].cert };
	struct move_files f = { files[F_A_CTL], files[F_A_ITL], files[F_B_CTL],
	    files[F_B_ITL_CM] };
	struct move_tvs t = { vouches, NULL, presented, 1 };
	struct move_result r;
	struct ctl_diag d;

	(void)state;
	knows = IMPORTED;
	ctl_diag_clear(&d);
	assert_int_equal(move_check_run(&f, &t, &r, &d), CTL_OK);
	assert_non_null(strstr(r.classes[0].ctl.reason, "delete the CTL"));
	assert_string_equal(move_holds_name(&r.classes[2]), "CTL+ITL");
	assert_string_equal(move_holds_name(&r.classes[3]), "ITL");
	assert_string_equal(r.classes[4].models, "7841 8811 8841 8845 8865");
	assert_non_null(strstr(r.classes[2].ctl.reason,
	    "cannot authenticate its TVS"));
	presented[0] = certs[A_TVS].cert;
	assert_int_equal(move_check_run(&f, &t, &r, &d), CTL_OK);
	assert_string_equal(r.classes[2].tvs_where, "in Phone-SAST-trust");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
