/* cert_plan_make(), one row per case: the order of the steps, the
 * refusals of the CUCM certificate regeneration procedure, --force, bad
 * input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cert_plan.h"
#include "ctl_err.h"

#define B(t) (1u << (t))
#define ALL_SUB (B(CP_TOMCAT) | B(CP_TOMCAT_ECDSA) | B(CP_IPSEC) | \
	B(CP_CALLMANAGER) | B(CP_CALLMANAGER_ECDSA) | B(CP_TVS))
#define ALL_PUB (ALL_SUB | B(CP_CAPF) | B(CP_ITLRECOVERY))

/* Subscriber first in the list: the plan puts the publisher first. */
static const struct cert_plan_node nodes[] = {
	{ "cucm-sub1", false, ALL_SUB },
	{ "cucm-pub", true, ALL_PUB },
};

struct row {
	const char *what;
	const char *types;
	int mode;                       /* security mode */
	enum cert_plan_signer signer;
	int recovery_bits, server_bits;
	const char *node;               /* --node, or NULL */
	int force;
	int rc;                         /* of parse, else of make */
	const char *msg;                /* in the message, or NULL */
	/* The steps: R regenerate, U CTL update, S restart, P phones;
	 * each followed by the node's initial (p, s) or '-'. */
	const char *steps;
	const char *forced;             /* one char per step: f or . */
};

static const struct row rows[] = {
	{ "Tomcat: every node, publisher first, no phones", "tomcat", 1,
	  CP_SIGNER_ITLRECOVERY, 2048, 2048, NULL, 0, CTL_OK, NULL,
	  "RpRsSpSs", "...." },
	{ "CallManager in mixed mode: CTL update before the restarts",
	  "CallManager", 1, CP_SIGNER_ITLRECOVERY, 2048, 2048, NULL, 0,
	  CTL_OK, NULL, "RpRsU-SpSsP-", "......" },
	{ "CallManager in non-secure mode: no CTL update", "CallManager", 0,
	  CP_SIGNER_ITLRECOVERY, 2048, 2048, NULL, 0, CTL_OK, NULL,
	  "RpRsSpSsP-", "....." },
	{ "TVS last, whatever the order asked", "TVS,CAPF,Tomcat", 0,
	  CP_SIGNER_CALLMANAGER, 2048, 2048, NULL, 0, CTL_OK, NULL,
	  "RpRsSpSsRpSpP-RpRsSpSsP-", "............" },
	{ "CallManager and TVS with an ITLRecovery-signed ITL",
	  "CallManager,TVS", 0, CP_SIGNER_ITLRECOVERY, 2048, 2048, NULL, 0,
	  CTL_OK, NULL, "RpRsSpSsP-RpRsSpSsP-", ".........." },
	{ "one node only", "CallManager,TVS", 1, CP_SIGNER_ITLRECOVERY, 2048,
	  2048, "cucm-sub1", 0, CTL_OK, NULL, "RsU-SsP-RsSsP-", "......." },
	{ "(a) CallManager and TVS while CallManager signs the ITL",
	  "CallManager,TVS", 1, CP_SIGNER_CALLMANAGER, 2048, 2048, NULL, 0,
	  CTL_ERR_REFUSED, "CallManager and TVS together while the ITL is "
	  "signed by CallManager", NULL, NULL },
	{ "(a) forced: the TVS regenerations carry FORCE", "CallManager,TVS",
	  1, CP_SIGNER_CALLMANAGER, 2048, 2048, NULL, 1, CTL_OK, NULL,
	  "RpRsU-SpSsP-RpRsSpSsP-", "......ff..." },
	{ "(a) with ITLRecovery as the signer", "ITLRecovery,TVS", 0,
	  CP_SIGNER_ITLRECOVERY, 2048, 2048, NULL, 0, CTL_ERR_REFUSED,
	  "ITLRecovery and TVS together", NULL, NULL },
	{ "(a) the signer not known: both refused", "CallManager,TVS", 0,
	  CP_SIGNER_UNKNOWN, 2048, 2048, NULL, 0, CTL_ERR_REFUSED,
	  "the signer is not known", NULL, NULL },
	{ "(b) CAPF while ITLRecovery is shorter", "CAPF", 1,
	  CP_SIGNER_ITLRECOVERY, 2048, 3072, NULL, 0, CTL_ERR_REFUSED,
	  "ITLRecovery key (2048 bits) is shorter", NULL, NULL },
	{ "(b) boundary: equal keys pass", "CAPF", 0, CP_SIGNER_ITLRECOVERY,
	  3072, 3072, NULL, 0, CTL_OK, NULL, "RpSpP-", "..." },
	{ "(b) Tomcat does not depend on recovery", "Tomcat,IPsec", 0,
	  CP_SIGNER_ITLRECOVERY, 1024, 2048, NULL, 0, CTL_OK, NULL,
	  "RpRsSpSsRpRsSpSs", "........" },
	{ "(b) with ITLRecovery in the plan: regenerated first, long enough",
	  "CallManager,ITLRecovery", 0, CP_SIGNER_CALLMANAGER, 1024, 4096,
	  NULL, 0, CTL_OK, NULL, "RpSpP-RpRsSpSsP-", "........" },
	{ "(b) forced", "CallManager", 0, CP_SIGNER_ITLRECOVERY, 1024, 2048,
	  NULL, 1, CTL_OK, NULL, "RpRsSpSsP-", "ff..." },
	{ "both rules, forced", "CallManager,TVS", 0, CP_SIGNER_CALLMANAGER,
	  1024, 2048, NULL, 1, CTL_OK, NULL, "RpRsSpSsP-RpRsSpSsP-",
	  "ff...ff..." },
	{ "unknown type", "CallManager,Foo", 0, CP_SIGNER_ITLRECOVERY, 2048,
	  2048, NULL, 0, CTL_ERR_USAGE, "unknown certificate type 'Foo'",
	  NULL, NULL },
	{ "empty list", "", 0, CP_SIGNER_ITLRECOVERY, 2048, 2048, NULL, 0,
	  CTL_ERR_USAGE, "empty type", NULL, NULL },
	{ "empty item", "TVS,,CAPF", 0, CP_SIGNER_ITLRECOVERY, 2048, 2048,
	  NULL, 0, CTL_ERR_USAGE, "empty type", NULL, NULL },
	{ "unknown node", "TVS", 0, CP_SIGNER_ITLRECOVERY, 2048, 2048,
	  "cucm-sub9", 0, CTL_ERR_USAGE, "--node cucm-sub9: the cluster has "
	  "no such node", NULL, NULL },
	{ "a type the node lacks", "CAPF", 0, CP_SIGNER_ITLRECOVERY, 2048,
	  2048, "cucm-sub1", 0, CTL_ERR_USAGE, "cucm-sub1 has no CAPF",
	  NULL, NULL },
};

static char
initial(const char *node)
{
	return node[0] == '\0' ? '-' : strcmp(node, "cucm-pub") == 0 ? 'p' :
	    's';
}

static void
test_rows(void **state)
{
	static const char act[] = "RUSP";
	struct cert_plan *p = test_malloc(sizeof(*p));
	struct cert_plan_facts f;
	struct cert_plan_request rq;
	struct ctl_diag d;
	char got[256], forced[128];
	size_t i, k;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		const char *nl[1] = { r->node };

		print_message("%s\n", r->what);
		memset(&f, 0, sizeof(f));
		memset(&rq, 0, sizeof(rq));
		f.security_mode = r->mode;
		f.itl_signer = r->signer;
		f.recovery_bits = r->recovery_bits;
		f.server_bits = r->server_bits;
		f.nodes = nodes;
		f.nnodes = 2;
		rq.nodes = nl;
		rq.nnodes = r->node != NULL;
		rq.force = r->force;
		ctl_diag_clear(&d);
		rc = cert_plan_types_parse(r->types, &rq.types, &d);
		if (rc == CTL_OK)
			rc = cert_plan_make(&f, &rq, p, &d);
		assert_int_equal(rc, r->rc);
		if (r->msg != NULL) {
			print_message("  %s\n", d.msg);
			assert_non_null(strstr(d.msg, r->msg));
		}
		if (r->steps == NULL)
			continue;
		for (k = 0; k < p->n && k < 100; k++) {
			got[2 * k] = act[p->steps[k].action];
			got[2 * k + 1] = initial(p->steps[k].node);
			forced[k] = p->steps[k].forced != CP_RULE_NONE ? 'f' :
			    '.';
		}
		got[2 * k] = forced[k] = '\0';
		assert_string_equal(got, r->steps);
		assert_string_equal(forced, r->forced);
	}
	test_free(p);
}

/* The steps that change what phones download, and the keys asked. */
static void
test_details(void **state)
{
	struct cert_plan *p = test_malloc(sizeof(*p));
	const struct cert_plan_facts f = { 1, CP_SIGNER_CALLMANAGER, 2048,
	    3072, nodes, 2 };
	struct cert_plan_request rq = { 0, NULL, 0, false };
	struct ctl_diag d;

	(void)state;
	assert_int_equal(cert_plan_types_parse("itlrecovery,TOMCAT", &rq.types,
	    &d), CTL_OK);
	assert_int_equal(cert_plan_make(&f, &rq, p, &d), CTL_OK);
	/* Tomcat pub, sub, restarts; ITLRecovery, update, restart, phones */
	assert_int_equal(p->n, 8);
	assert_false(p->steps[0].phone_files);
	assert_int_equal(p->steps[4].type, CP_ITLRECOVERY);
	assert_true(p->steps[4].phone_files);
	/* 3072 bits cannot sign an ITL: the next size that can */
	assert_string_equal(p->steps[4].key, "rsa4096");
	assert_int_equal(p->steps[5].action, CP_STEP_CTL_UPDATE);
	assert_true(p->steps[5].phone_files);
	assert_non_null(strstr(p->steps[6].services, "Trust Verification"));
	assert_string_equal(cert_plan_rule_name(CP_RULE_RECOVERY_KEY),
	    "itlrecovery-key");
	test_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
