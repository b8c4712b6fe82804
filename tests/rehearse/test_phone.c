/*
 * The phone model on the scenarios of Cisco's documents, one row per case: which
 * files a phone of a model holds, what the server offers, what a fake
 * TVS knows and which certificate it presents, and how the phone must
 * judge the CTL and then the ITL.  No network: TVS is a callback.
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
#include "phone.h"
#include "testbuild.h"

/* Certificates of a small cluster and of its changes. */
static struct seed_certs seed;          /* token1, token2 used */
static struct tg_cert cm, cm_new;       /* publisher CallManager, regenerated */
static struct tg_cert tvs, tvs_new;     /* TVS, regenerated */
static struct tg_cert itlrec, stranger;
static struct tg_cert otherrec;         /* another cluster's ITLRecovery */

/* The files, as bytes (downloads) and parsed (installed). */
enum file_id {
	F_NONE,
	F_CTL_CM,        /* tokenless CTL signed by CallManager */
	F_CTL_CM_NEW,    /* ... by the regenerated CallManager */
	F_CTL_TOKENS,    /* token CTL signed by token1 */
	F_CTL_STRANGER,  /* signed by a certificate nobody knows */
	F_ITL_REC,       /* ITL signed by ITLRecovery: CM, TVS */
	F_ITL_REC_NEW,   /* ITL signed by ITLRecovery: CM new, TVS */
	F_ITL_CM,        /* ITL signed by CallManager: CM, TVS */
	F_ITL_CM_NEW,    /* ITL signed by CM new: CM new, TVS (old) */
	F_ITL_BOTH_NEW,  /* ITL signed by CM new: CM new, TVS new */
	F_ITL_NO_TVS,    /* ITL signed by ITLRecovery without a TVS record */
	F_ITL_ROLLBACK,  /* rollback ITL: signed by ITLRecovery, SAST only */
	F_ITL_OTHER,     /* another cluster's ITL: its ITLRecovery, CM new,
	                  * TVS new */
	F_ITL_BY_TVS,    /* ITL signed by the TVS certificate: CM, TVS */
	F_GARBAGE,       /* not a .tlv file */
	F_TAMPERED,      /* F_CTL_CM with one signature byte flipped */
	F_N,
};
static uint8_t *bytes[F_N];
static size_t lens[F_N];
static struct ctl_file *parsed[F_N];

static void
entry(struct ctl_entry *e, uint16_t role, const struct tg_cert *c)
{
	memset(e, 0, sizeof(*e));
	e->role = role;
	e->cert = c->cert;
	e->dns_name = "cucm-pub";
}

static int
make_file(enum file_id id, const struct tg_cert *signer,
    const struct tg_cert *ccm, const struct tg_cert *tvs_cert, bool itl)
{
	struct ctl_entry e[3];
	size_t n = 0;

	entry(&e[n++], CTL_ROLE_SAST, signer);
	entry(&e[n++], CTL_ROLE_CCM_TFTP, ccm);
	if (tvs_cert != NULL)
		entry(&e[n++], CTL_ROLE_TVS, tvs_cert);
	return tb_build(e, n, signer, CTL_DIGEST_SHA256, itl ? "ITLFile.tlv" :
	    "CTLFile.tlv", &bytes[id], &lens[id]);
}

/* The rollback ITL of "Prepare Cluster for Rollback to pre-8.0": the
 * signer's SAST record alone. */
static int
make_rollback_itl(enum file_id id, const struct tg_cert *signer)
{
	struct ctl_entry e;

	entry(&e, CTL_ROLE_SAST, signer);
	return tb_build(&e, 1, signer, CTL_DIGEST_SHA256, "ITLFile.tlv",
	    &bytes[id], &lens[id]);
}

static int
cert(const char *cn, struct tg_cert *out)
{
	struct tg_spec s = { cn, 2048, 16, NULL, 0, NULL, NULL };

	return tg_make(&s, out);
}

static int
setup(void **state)
{
	int i;

	(void)state;
	if (seed_certs_make(&seed) || cert("/CN=cucm-pub", &cm) ||
	    cert("/CN=cucm-pub", &cm_new) || cert("/CN=TVS-cucm-pub", &tvs) ||
	    cert("/CN=TVS-cucm-pub", &tvs_new) ||
	    cert("/CN=ITLRECOVERY_cucm-pub", &itlrec) ||
	    cert("/CN=intruder", &stranger) ||
	    cert("/CN=ITLRECOVERY_lab-b-pub", &otherrec))
		return -1;
	if (make_file(F_CTL_CM, &cm, &cm, NULL, false) ||
	    make_file(F_CTL_CM_NEW, &cm_new, &cm_new, NULL, false) ||
	    tb_seed_tokens(&seed, &seed.token1, &bytes[F_CTL_TOKENS],
	    &lens[F_CTL_TOKENS]) ||
	    make_file(F_CTL_STRANGER, &stranger, &cm, NULL, false) ||
	    make_file(F_ITL_REC, &itlrec, &cm, &tvs, true) ||
	    make_file(F_ITL_REC_NEW, &itlrec, &cm_new, &tvs, true) ||
	    make_file(F_ITL_CM, &cm, &cm, &tvs, true) ||
	    make_file(F_ITL_CM_NEW, &cm_new, &cm_new, &tvs, true) ||
	    make_file(F_ITL_BOTH_NEW, &cm_new, &cm_new, &tvs_new, true) ||
	    make_file(F_ITL_NO_TVS, &itlrec, &cm, NULL, true) ||
	    make_rollback_itl(F_ITL_ROLLBACK, &itlrec) ||
	    make_file(F_ITL_OTHER, &otherrec, &cm_new, &tvs_new, true) ||
	    make_file(F_ITL_BY_TVS, &tvs, &cm, &tvs, true))
		return -1;
	bytes[F_GARBAGE] = (uint8_t *)strdup("not a trust list");
	lens[F_GARBAGE] = strlen("not a trust list");
	bytes[F_TAMPERED] = malloc(lens[F_CTL_CM]);
	memcpy(bytes[F_TAMPERED], bytes[F_CTL_CM], lens[F_CTL_CM]);
	lens[F_TAMPERED] = lens[F_CTL_CM];
	for (i = 1; i < F_GARBAGE; i++)
		if (ctl_parse(bytes[i], lens[i], &parsed[i], NULL) != CTL_OK)
			return -1;
	/* Flip a byte inside the signature: still parses, no longer
	 * verifies. */
	bytes[F_TAMPERED][parsed[F_CTL_CM]->hdr.signature_off + 10] ^= 0x55;
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < F_N; i++) {
		ctl_free(parsed[i]);
		free(bytes[i]);
	}
	tg_free(&cm);
	tg_free(&cm_new);
	tg_free(&tvs);
	tg_free(&tvs_new);
	tg_free(&itlrec);
	tg_free(&stranger);
	tg_free(&otherrec);
	seed_certs_free(&seed);
	return 0;
}

/* A fake TVS: presents one certificate, knows some, or fails. */
enum { T_NONE, T_CM_NEW, T_TOKEN1, T_CM_NEW_AND_TOKEN1 };
struct fake_tvs {
	const struct tg_cert *presents;
	int knows;               /* T_* */
	int fail;                /* CTL_ERR_* to return, or 0 */
	int calls;
	bool tls10;              /* the last caller's model speaks TLS 1.0 */
};

static int
fake_ask(void *arg, const struct phone *ph, X509 *const *pinned,
    size_t npinned, X509 *c, bool *valid, struct ctl_diag *d)
{
	struct fake_tvs *f = arg;
	size_t i;
	bool pinned_ok = false;

	f->calls++;
	f->tls10 = ph->model->tvs == PHONE_TVS_TLS10;
	if (f->fail != 0)
		return ctl_diag_set(d, f->fail, "fake TVS fails with %s",
		    ctl_strerror(f->fail));
	for (i = 0; i < npinned; i++)
		if (X509_cmp(pinned[i], f->presents->cert) == 0)
			pinned_ok = true;
	if (!pinned_ok)
		return ctl_diag_set(d, CTL_ERR_TLS, "fake TVS presents a "
		    "certificate that is not among the TVS certificates of "
		    "the installed ITL");
	*valid = ((f->knows == T_CM_NEW || f->knows == T_CM_NEW_AND_TOKEN1) &&
	    X509_cmp(c, cm_new.cert) == 0) ||
	    ((f->knows == T_TOKEN1 || f->knows == T_CM_NEW_AND_TOKEN1) &&
	    X509_cmp(c, seed.token1.cert) == 0);
	return CTL_OK;
}

/* Download states beside the files. */
#define ABSENT  (-1)
#define FAILED  (-2)

struct row {
	const char *what;
	const char *model;
	int ctl, itl;             /* installed: enum file_id (F_NONE none) */
	int new_ctl, new_itl;     /* offered: file id, ABSENT or FAILED */
	bool nonsecure;
	int knows;                /* fake TVS */
	int presents_new_tvs;     /* 1: TVS presents tvs_new */
	int fail;
	enum phone_how ctl_how;
	enum phone_why ctl_why;
	enum phone_how itl_how;
	enum phone_why itl_why;
	int tvs_calls;
};

static const struct row rows[] = {
	{ "steady state", "8845", F_CTL_CM, F_ITL_REC, F_CTL_CM, F_ITL_REC,
	  false, T_NONE, 0, 0, PHONE_DIRECT, 0, PHONE_DIRECT, 0, 0 },
	{ "a new phone takes what it finds", "8845", F_NONE, F_NONE,
	  F_CTL_CM, F_ITL_REC, false, T_NONE, 0, 0,
	  PHONE_FIRST, 0, PHONE_FIRST, 0, 0 },
	{ "tokenless, CallManager regenerated: TVS vouches", "8845",
	  F_CTL_CM, F_ITL_REC, F_CTL_CM_NEW, F_ITL_REC_NEW, false, T_CM_NEW,
	  0, 0, PHONE_VIA_TVS, 0, PHONE_DIRECT, 0, 1 },
	{ "the same on a 7975 (TLS 1.0)", "7975",
	  F_CTL_CM, F_ITL_REC, F_CTL_CM_NEW, F_ITL_REC_NEW, false, T_CM_NEW,
	  0, 0, PHONE_VIA_TVS, 0, PHONE_DIRECT, 0, 1 },
	{ "the same on a 7960: no TVS, no ITL", "7960",
	  F_CTL_CM, F_ITL_REC, F_CTL_CM_NEW, F_ITL_REC_NEW, false, T_CM_NEW,
	  0, 0, PHONE_REJECTED, PHONE_WHY_NO_TVS, PHONE_NOT_USED, 0, 0 },
	{ "to tokens without Phone-SAST-trust", "8841",
	  F_CTL_CM, F_ITL_REC, F_CTL_TOKENS, F_ITL_REC, false, T_NONE, 0, 0,
	  PHONE_REJECTED, PHONE_WHY_TVS_INVALID, PHONE_DIRECT, 0, 1 },
	{ "to tokens with Phone-SAST-trust", "8841",
	  F_CTL_CM, F_ITL_REC, F_CTL_TOKENS, F_ITL_REC, false, T_TOKEN1, 0, 0,
	  PHONE_VIA_TVS, 0, PHONE_DIRECT, 0, 1 },
	{ "Cisco's procedure: CallManager and TVS regenerated together", "8845",
	  F_NONE, F_ITL_CM, ABSENT, F_ITL_BOTH_NEW, true, T_CM_NEW, 1, 0,
	  PHONE_KEPT, 0, PHONE_REJECTED, PHONE_WHY_TVS_TLS, 1 },
	{ "Cisco's procedure: only CallManager regenerated", "8845",
	  F_NONE, F_ITL_CM, ABSENT, F_ITL_CM_NEW, true, T_CM_NEW, 0, 0,
	  PHONE_KEPT, 0, PHONE_VIA_TVS, 0, 1 },
	{ "Cisco's procedure, step 9: the ITL checked against the new CTL", "8865",
	  F_CTL_CM, F_ITL_CM, F_CTL_CM_NEW, F_ITL_CM_NEW, false, T_CM_NEW, 0,
	  0, PHONE_VIA_TVS, 0, PHONE_VIA_CTL, 0, 1 },
	{ "a rejected CTL: the ITL is judged against the old CTL", "8865",
	  F_CTL_CM, F_ITL_REC, F_CTL_STRANGER, F_ITL_CM, false, T_NONE, 0,
	  0, PHONE_REJECTED, PHONE_WHY_TVS_INVALID, PHONE_VIA_CTL, 0, 1 },
	{ "neither file known to anyone", "8865",
	  F_CTL_CM, F_ITL_CM, F_CTL_STRANGER, F_ITL_CM_NEW, false, T_NONE, 0,
	  0, PHONE_REJECTED, PHONE_WHY_TVS_INVALID, PHONE_REJECTED,
	  PHONE_WHY_TVS_INVALID, 2 },
	{ "no ITL: TVS cannot be authenticated", "8845",
	  F_CTL_CM, F_NONE, F_CTL_CM_NEW, F_ITL_REC, false, T_CM_NEW, 0, 0,
	  PHONE_REJECTED, PHONE_WHY_TVS_NO_PIN, PHONE_FIRST, 0, 0 },
	{ "an ITL without a TVS record", "7942",
	  F_CTL_CM, F_ITL_NO_TVS, F_CTL_CM_NEW, F_ITL_NO_TVS, false, T_CM_NEW,
	  0, 0, PHONE_REJECTED, PHONE_WHY_TVS_NO_PIN, PHONE_DIRECT, 0, 0 },
	{ "TVS times out", "8811", F_CTL_CM, F_ITL_REC, F_CTL_CM_NEW,
	  F_ITL_REC, false, T_CM_NEW, 0, CTL_ERR_TIMEOUT,
	  PHONE_REJECTED, PHONE_WHY_TVS_TIMEOUT, PHONE_DIRECT, 0, 1 },
	{ "TVS refuses connections", "8811", F_CTL_CM, F_ITL_REC,
	  F_CTL_CM_NEW, F_ITL_REC, false, T_CM_NEW, 0, CTL_ERR_NETWORK,
	  PHONE_REJECTED, PHONE_WHY_TVS_UNREACHABLE, PHONE_DIRECT, 0, 1 },
	{ "TVS answers garbage", "7841", F_CTL_CM, F_ITL_REC,
	  F_CTL_CM_NEW, F_ITL_REC, false, T_CM_NEW, 0, CTL_ERR_PROTOCOL,
	  PHONE_REJECTED, PHONE_WHY_TVS_GARBAGE, PHONE_DIRECT, 0, 1 },
	{ "TFTP fails for both files", "8845", F_CTL_CM, F_ITL_REC,
	  FAILED, FAILED, false, T_NONE, 0, 0,
	  PHONE_REJECTED, PHONE_WHY_TFTP, PHONE_REJECTED, PHONE_WHY_TFTP, 0 },
	{ "no files on a secure cluster: kept", "8845", F_CTL_CM, F_ITL_REC,
	  ABSENT, ABSENT, false, T_NONE, 0, 0, PHONE_KEPT, 0, PHONE_KEPT, 0, 0 },
	{ "no CTL on a non-secure cluster: dropped", "7960", F_CTL_CM,
	  F_ITL_REC, ABSENT, F_ITL_REC, true, T_NONE, 0, 0,
	  PHONE_DROPPED, 0, PHONE_NOT_USED, 0, 0 },
	{ "garbage and a tampered signature", "8845", F_CTL_CM, F_ITL_REC,
	  F_TAMPERED, F_GARBAGE, false, T_CM_NEW, 0, 0,
	  PHONE_REJECTED, PHONE_WHY_BAD_SIGNATURE, PHONE_REJECTED,
	  PHONE_WHY_BAD_FILE, 0 },
	/* "Prepare Cluster for Rollback to pre-8.0": the rollback ITL
	 * comes from the phone's own cluster (direct); once held, it is
	 * blank, and another cluster's ITL is taken as the first. */
	{ "rollback ITL from its own cluster: taken directly", "8845",
	  F_NONE, F_ITL_REC, ABSENT, F_ITL_ROLLBACK, true, T_NONE, 0, 0,
	  PHONE_KEPT, 0, PHONE_DIRECT, 0, 0 },
	{ "holding the rollback ITL: another cluster's ITL is the first",
	  "8845", F_NONE, F_ITL_ROLLBACK, ABSENT, F_ITL_OTHER, true, T_NONE,
	  0, 0, PHONE_KEPT, 0, PHONE_FIRST, 0, 0 },
	{ "the same on a 7975 (TLS 1.0)", "7975", F_NONE, F_ITL_ROLLBACK,
	  ABSENT, F_ITL_OTHER, true, T_NONE, 0, 0, PHONE_KEPT, 0,
	  PHONE_FIRST, 0, 0 },
	{ "holding the normal ITL: another cluster's ITL is rejected",
	  "8845", F_NONE, F_ITL_REC, ABSENT, F_ITL_OTHER, true, T_NONE, 0, 0,
	  PHONE_KEPT, 0, PHONE_REJECTED, PHONE_WHY_TVS_INVALID, 1 },
	{ "the rollback ITL does not blank the CTL: mixed to mixed", "8845",
	  F_CTL_CM, F_ITL_ROLLBACK, F_CTL_STRANGER, F_ITL_OTHER, false,
	  T_NONE, 0, 0, PHONE_REJECTED, PHONE_WHY_TVS_NO_PIN, PHONE_FIRST, 0,
	  0 },
	{ "reset ITL signed by the installed ITL's CCM+TFTP: direct", "8845",
	  F_NONE, F_ITL_REC, ABSENT, F_ITL_CM, true, T_NONE, 0, 0,
	  PHONE_KEPT, 0, PHONE_DIRECT, 0, 0 },
	{ "the same on a 7975", "7975",
	  F_NONE, F_ITL_REC, ABSENT, F_ITL_CM, true, T_NONE, 0, 0,
	  PHONE_KEPT, 0, PHONE_DIRECT, 0, 0 },
	{ "signed by a CallManager the installed ITL does not hold", "8845",
	  F_NONE, F_ITL_REC, ABSENT, F_ITL_CM_NEW, true, T_NONE, 0, 0,
	  PHONE_KEPT, 0, PHONE_REJECTED, PHONE_WHY_TVS_INVALID, 1 },
	{ "signed by the installed ITL's TVS certificate: not direct", "8845",
	  F_NONE, F_ITL_REC, ABSENT, F_ITL_BY_TVS, true, T_NONE, 0, 0,
	  PHONE_KEPT, 0, PHONE_REJECTED, PHONE_WHY_TVS_INVALID, 1 },
	{ "an ITL served as the CTL", "8845", F_CTL_CM, F_ITL_REC,
	  F_ITL_REC, F_CTL_CM, false, T_NONE, 0, 0,
	  PHONE_REJECTED, PHONE_WHY_BAD_FILE, PHONE_REJECTED,
	  PHONE_WHY_BAD_FILE, 0 },
};

static void
offer(int id, struct phone_download *dl)
{
	memset(dl, 0, sizeof(*dl));
	if (id == ABSENT) {
		dl->state = PHONE_DL_ABSENT;
	} else if (id == FAILED) {
		dl->state = PHONE_DL_FAILED;
		dl->error = "tftp://127.0.0.2:20003: timeout";
	} else {
		dl->state = PHONE_DL_OK;
		dl->data = bytes[id];
		dl->len = lens[id];
	}
}

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct fake_tvs f = { r->presents_new_tvs ? &tvs_new : &tvs,
		    r->knows, r->fail, 0, false };
		struct phone ph;
		struct phone_download c, t;
		struct phone_verdict cv, iv;
		/* Snapshot the installed files: judging must not touch them. */
		uint8_t *before_ctl = r->ctl ? bytes[r->ctl] : NULL;

		memset(&ph, 0, sizeof(ph));
		ph.model = phone_model_find(r->model);
		assert_non_null(ph.model);
		snprintf(ph.device, sizeof(ph.device), "CP-%s-SEP0A0000000001",
		    r->model);
		ph.ctl = parsed[r->ctl];
		ph.itl = parsed[r->itl];
		offer(r->new_ctl, &c);
		offer(r->new_itl, &t);
		assert_int_equal(phone_reset(&ph, &c, &t, r->nonsecure,
		    fake_ask, &f, &cv, &iv), CTL_OK);
		print_message("%s\n  CTL %s/%s: %s\n  ITL %s/%s: %s\n", r->what,
		    phone_how_name(cv.how), phone_why_name(cv.why), cv.reason,
		    phone_how_name(iv.how), phone_why_name(iv.why), iv.reason);
		if (cv.how != r->ctl_how || cv.why != r->ctl_why ||
		    iv.how != r->itl_how || iv.why != r->itl_why ||
		    f.calls != r->tvs_calls)
			fail_msg("%s: CTL %s/%s ITL %s/%s, %d TVS calls; expected "
			    "CTL %s/%s ITL %s/%s, %d", r->what,
			    phone_how_name(cv.how), phone_why_name(cv.why),
			    phone_how_name(iv.how), phone_why_name(iv.why),
			    f.calls, phone_how_name(r->ctl_how),
			    phone_why_name(r->ctl_why),
			    phone_how_name(r->itl_how),
			    phone_why_name(r->itl_why), r->tvs_calls);
		assert_int_equal(cv.accepted, cv.how != PHONE_REJECTED);
		assert_int_equal(iv.accepted, iv.how != PHONE_REJECTED);
		assert_true(cv.reason[0] != '\0' && iv.reason[0] != '\0');
		if (f.calls > 0)
			assert_int_equal(f.tls10, ph.model->tvs ==
			    PHONE_TVS_TLS10);
		if (r->ctl)
			assert_ptr_equal(before_ctl, bytes[r->ctl]);
	}
}

/* The reasons people read: Cisco's words. */
static void
test_reasons(void **state)
{
	struct fake_tvs f = { &tvs, T_NONE, 0, 0, false };
	struct phone ph = { phone_model_find("7960"), "CP-7960-SEP0A0000000002",
	    NULL, NULL };
	struct phone_download c, t;
	struct phone_verdict cv, iv;

	(void)state;
	ph.ctl = parsed[F_CTL_CM];
	ph.itl = parsed[F_ITL_REC];
	offer(F_CTL_CM_NEW, &c);
	offer(F_ITL_REC, &t);
	assert_int_equal(phone_reset(&ph, &c, &t, false, fake_ask, &f, &cv,
	    &iv), CTL_OK);
	assert_non_null(strstr(cv.reason, "delete the CTL on the phone by "
	    "hand"));
	ph.model = phone_model_find("8845");
	ph.itl = NULL;
	assert_int_equal(phone_reset(&ph, &c, &t, false, fake_ask, &f, &cv,
	    &iv), CTL_OK);
	assert_non_null(strstr(cv.reason, "cannot authenticate TVS: no TVS "
	    "certificate in the installed ITL"));
	/* No asker at all: unreachable, not a crash. */
	ph.itl = parsed[F_ITL_REC];
	assert_int_equal(phone_reset(&ph, &c, &t, false, NULL, NULL, &cv,
	    &iv), CTL_OK);
	assert_int_equal(cv.why, PHONE_WHY_TVS_UNREACHABLE);
	/* The blank rule says why the next ITL was taken. */
	ph.ctl = NULL;
	ph.itl = parsed[F_ITL_ROLLBACK];
	offer(ABSENT, &c);
	offer(F_ITL_OTHER, &t);
	assert_int_equal(phone_reset(&ph, &c, &t, true, fake_ask, &f, &cv,
	    &iv), CTL_OK);
	assert_int_equal(iv.how, PHONE_FIRST);
	assert_non_null(strstr(iv.reason, "no TVS and no CCM+TFTP record (a "
	    "rollback ITL): the phone treats it as blank"));
}

static void
test_models(void **state)
{
	static const struct { const char *name; int tvs; } want[] = {
		{ "7940", PHONE_TVS_NONE }, { "7960", PHONE_TVS_NONE },
		{ "jabber", PHONE_TVS_NONE }, { "7942", PHONE_TVS_TLS10 },
		{ "7945", PHONE_TVS_TLS10 }, { "7962", PHONE_TVS_TLS10 },
		{ "7965", PHONE_TVS_TLS10 }, { "7975", PHONE_TVS_TLS10 },
		{ "7841", PHONE_TVS_TLS12 }, { "8811", PHONE_TVS_TLS12 },
		{ "8841", PHONE_TVS_TLS12 }, { "8845", PHONE_TVS_TLS12 },
		{ "8865", PHONE_TVS_TLS12 },
	};
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct phone_model *m = phone_model_find(want[i].name);

		assert_non_null(m);
		assert_int_equal(m->tvs, want[i].tvs);
	}
	phone_models(&n);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_null(phone_model_find("9999"));
	assert_null(phone_model_find(""));
	assert_string_equal(phone_why_name(PHONE_WHY_TVS_TLS),
	    "tvs-tls");
	assert_string_equal(phone_why_name(PHONE_WHY_N), "?");
	assert_true(phone_why_is_error(PHONE_WHY_TFTP));
	assert_false(phone_why_is_error(PHONE_WHY_TVS_INVALID));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
