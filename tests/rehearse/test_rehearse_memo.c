/*
 * The rehearsal's memo, one row per lookup: a case is found only when
 * the model, both download states, the files (byte for byte) and every
 * TVS answer match; the tables stop growing at their bounds.  No
 * network.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_err.h"
#include "phone.h"
#include "rehearse_memo.h"

static const uint8_t ctl_a[] = "CTL bytes A", ctl_b[] = "CTL bytes B";
static const uint8_t itl_a[] = "ITL bytes A";

/* The case every row starts from: an 8845 that downloaded both files
 * and got one valid answer. */
static void
base_case(struct rehearse_memo *m, struct rehearse_case *c)
{
	memset(c, 0, sizeof(*c));
	c->model = phone_model_find("8845");
	c->state[0] = c->state[1] = PHONE_DL_OK;
	c->file[0] = rehearse_memo_file(m, 0, ctl_a, sizeof(ctl_a));
	c->file[1] = rehearse_memo_file(m, 1, itl_a, sizeof(itl_a));
	c->nans = 1;
	c->ans[0].rc = CTL_OK;
	c->ans[0].valid = true;
}

static void
test_files(void **state)
{
	struct rehearse_memo m;
	int k;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(rehearse_memo_file(&m, 0, ctl_a, sizeof(ctl_a)), -1);
	assert_int_equal(rehearse_memo_file_add(&m, 0, ctl_a, sizeof(ctl_a)),
	    0);
	assert_int_equal(rehearse_memo_file(&m, 0, ctl_a, sizeof(ctl_a)), 0);
	/* The same bytes as the other kind of file, other bytes of the
	 * same length, a prefix: not the same file. */
	assert_int_equal(rehearse_memo_file(&m, 1, ctl_a, sizeof(ctl_a)), -1);
	assert_int_equal(rehearse_memo_file(&m, 0, ctl_b, sizeof(ctl_b)), -1);
	assert_int_equal(rehearse_memo_file(&m, 0, ctl_a, sizeof(ctl_a) - 1),
	    -1);
	for (k = 1; k < REHEARSE_MEMO_FILES; k++)
		assert_int_equal(rehearse_memo_file_add(&m, 1, ctl_a,
		    (size_t)k), k);
	assert_int_equal(rehearse_memo_file_add(&m, 0, ctl_b, sizeof(ctl_b)),
	    -1);
	rehearse_memo_free(&m);
}

/* How a row changes the base case's key. */
enum change {
	SAME, OTHER_MODEL, CTL_ABSENT, OTHER_CTL, INVALID, NO_ANSWER,
	OTHER_REASON, MORE_ANSWERS, ITL_ABSENT_BOTH,
};

static void
apply(struct rehearse_memo *m, struct rehearse_case *c, enum change ch)
{
	switch (ch) {
	case SAME:
		break;
	case OTHER_MODEL:
		c->model = phone_model_find("7975");
		break;
	case CTL_ABSENT:
		c->state[0] = PHONE_DL_ABSENT;
		break;
	case OTHER_CTL:
		c->file[0] = rehearse_memo_file(m, 0, ctl_b, sizeof(ctl_b));
		break;
	case INVALID:
		c->ans[0].valid = false;
		break;
	case NO_ANSWER:
		c->ans[0].rc = ctl_diag_set(&c->ans[0].d, CTL_ERR_TIMEOUT,
		    "TVS 127.0.0.2:2445: no answer");
		break;
	case OTHER_REASON:
		c->ans[0].rc = ctl_diag_set(&c->ans[0].d, CTL_ERR_TIMEOUT,
		    "TVS 127.0.0.3:2445: no answer");
		break;
	case MORE_ANSWERS:
		c->nans = 2;
		c->ans[1].rc = CTL_OK;
		break;
	case ITL_ABSENT_BOTH:
		/* An absent file matches whatever file index it carries. */
		c->state[1] = PHONE_DL_ABSENT;
		c->file[1] = 5;
		break;
	}
}

static void
test_cases(void **state)
{
	static const struct {
		enum change stored, looked_up;
		bool found;
	} rows[] = {
		{ SAME, SAME, true },
		{ SAME, OTHER_MODEL, false },
		{ SAME, CTL_ABSENT, false },
		{ SAME, OTHER_CTL, false },
		{ SAME, INVALID, false },
		{ SAME, NO_ANSWER, false },
		{ SAME, MORE_ANSWERS, false },
		{ NO_ANSWER, NO_ANSWER, true },
		{ NO_ANSWER, OTHER_REASON, false },
		{ CTL_ABSENT, CTL_ABSENT, true },
		{ ITL_ABSENT_BOTH, ITL_ABSENT_BOTH, true },
	};
	struct rehearse_memo m;
	struct rehearse_case c, key;
	const struct rehearse_case *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&m, 0, sizeof(m));
		rehearse_memo_file_add(&m, 0, ctl_a, sizeof(ctl_a));
		rehearse_memo_file_add(&m, 1, itl_a, sizeof(itl_a));
		rehearse_memo_file_add(&m, 0, ctl_b, sizeof(ctl_b));
		base_case(&m, &c);
		apply(&m, &c, rows[i].stored);
		c.asks = false;
		c.cv.how = PHONE_VIA_TVS;
		rehearse_memo_add(&m, &c);
		base_case(&m, &key);
		apply(&m, &key, rows[i].looked_up);
		if (rows[i].looked_up == ITL_ABSENT_BOTH)
			key.file[1] = -1;
		got = rehearse_memo_find(&m, &key);
		if ((got != NULL) != rows[i].found)
			fail_msg("row %zu: %s", i, got ? "found" : "not found");
		if (got != NULL)
			assert_int_equal(got->cv.how, PHONE_VIA_TVS);
		rehearse_memo_free(&m);
	}
}

static void
test_bounded(void **state)
{
	struct rehearse_memo m;
	struct rehearse_case c;
	size_t k;

	(void)state;
	memset(&m, 0, sizeof(m));
	rehearse_memo_file_add(&m, 0, ctl_a, sizeof(ctl_a));
	rehearse_memo_file_add(&m, 1, itl_a, sizeof(itl_a));
	for (k = 0; k < REHEARSE_MEMO_CASES + 5; k++) {
		base_case(&m, &c);
		snprintf(c.ans[0].d.msg, sizeof(c.ans[0].d.msg), "%zu", k);
		c.ans[0].rc = CTL_ERR_NETWORK;
		rehearse_memo_add(&m, &c);
	}
	assert_int_equal(m.ncases, REHEARSE_MEMO_CASES);
	/* The first cases stay; the ones past the bound were not kept. */
	base_case(&m, &c);
	c.ans[0].rc = CTL_ERR_NETWORK;
	snprintf(c.ans[0].d.msg, sizeof(c.ans[0].d.msg), "0");
	assert_non_null(rehearse_memo_find(&m, &c));
	snprintf(c.ans[0].d.msg, sizeof(c.ans[0].d.msg), "%d",
	    REHEARSE_MEMO_CASES);
	assert_null(rehearse_memo_find(&m, &c));
	rehearse_memo_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
