/*
 * The parsers of bulk certificate management, one row per case: the SFTP
 * URL a person types (ctlclient), and the file names and friendly names
 * read from the SFTP server (the publisher), including names no export
 * of ours writes.  A bad row also checks the outputs stay untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bulk_names.h"
#include "bulk_url.h"
#include "ctl_err.h"

struct url_case {
	const char *in;
	int rc;
	const char *user, *host;
	uint16_t port;
	const char *dir;
	const char *msg;        /* words of the message, for bad rows */
};

static const struct url_case url_cases[] = {
	{ "sftp://bob@sftp.example.com/exchange", CTL_OK, "bob",
	  "sftp.example.com", 22, "/exchange", NULL },
	{ "sftp://bob@10.0.0.5:2222/a/b", CTL_OK, "bob", "10.0.0.5", 2222,
	  "/a/b", NULL },
	{ "sftp://bob@[fd00::1]:22/x", CTL_OK, "bob", "fd00::1", 22, "/x",
	  NULL },
	{ "sftp://bob@host/", CTL_OK, "bob", "host", 22, "/", NULL },
	{ "sftp://bob@host/dir///", CTL_OK, "bob", "host", 22, "/dir", NULL },
	{ "sftp://b.o_b-1@h/d", CTL_OK, "b.o_b-1", "h", 22, "/d", NULL },
	{ "sftp://bob@h:65535/d", CTL_OK, "bob", "h", 65535, "/d", NULL },
	{ "ftp://bob@host/x", CTL_ERR_USAGE, 0, 0, 0, 0, "not sftp://" },
	{ "sftp://host/x", CTL_ERR_USAGE, 0, 0, 0, 0, "no user" },
	{ "sftp://bob@host", CTL_ERR_USAGE, 0, 0, 0, 0, "no directory" },
	{ "sftp://@host/x", CTL_ERR_USAGE, 0, 0, 0, 0, "the user" },
	{ "sftp://-o@host/x", CTL_ERR_USAGE, 0, 0, 0, 0, "the user" },
	{ "sftp://bob:secret@host/x", CTL_ERR_USAGE, 0, 0, 0, 0,
	  "no password in the URL" },
	{ "sftp://bob@/x", CTL_ERR_USAGE, 0, 0, 0, 0, "the host" },
	{ "sftp://bob@-host/x", CTL_ERR_USAGE, 0, 0, 0, 0, "the host" },
	{ "sftp://bob@ho st/x", CTL_ERR_USAGE, 0, 0, 0, 0, "the host" },
	{ "sftp://bob@host:0/x", CTL_ERR_USAGE, 0, 0, 0, 0, "port" },
	{ "sftp://bob@host:65536/x", CTL_ERR_USAGE, 0, 0, 0, 0, "port" },
	{ "sftp://bob@host:99999999999/x", CTL_ERR_USAGE, 0, 0, 0, 0, "port" },
	{ "sftp://bob@host:/x", CTL_ERR_USAGE, 0, 0, 0, 0, "port" },
	{ "sftp://bob@host:2a/x", CTL_ERR_USAGE, 0, 0, 0, 0, "port" },
	{ "sftp://bob@[fd00::1/x", CTL_ERR_USAGE, 0, 0, 0, 0, "IPv6" },
	{ "sftp://bob@[1.2.3.4]/x", CTL_ERR_USAGE, 0, 0, 0, 0, "IPv6" },
	{ "sftp://bob@[::1]x/y", CTL_ERR_USAGE, 0, 0, 0, 0, "after the ]" },
	{ "sftp://bob@host/a/../etc", CTL_ERR_USAGE, 0, 0, 0, 0, "\"..\"" },
	{ "sftp://bob@host/..", CTL_ERR_USAGE, 0, 0, 0, 0, "\"..\"" },
	{ "sftp://bob@host/a%2f", CTL_ERR_USAGE, 0, 0, 0, 0, "control" },
	{ "sftp://bob@host/a\nb", CTL_ERR_USAGE, 0, 0, 0, 0, "control" },
	{ "sftp://bob@host/a..b", CTL_OK, "bob", "host", 22, "/a..b", NULL },
};

static void
test_url(void **state)
{
	struct bulk_url u;
	struct ctl_diag d;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		const struct url_case *c = &url_cases[i];

		ctl_diag_clear(&d);
		rc = bulk_url_parse(c->in, &u, &d);
		if (rc != c->rc)
			fail_msg("%s: rc %d, want %d (%s)", c->in, rc, c->rc,
			    d.msg);
		if (rc != CTL_OK) {
			if (strstr(d.msg, c->msg) == NULL)
				fail_msg("%s: message '%s' lacks '%s'", c->in,
				    d.msg, c->msg);
			if (strstr(c->in, "secret") && strstr(d.msg, "secret"))
				fail_msg("%s: the password is echoed", c->in);
			continue;
		}
		assert_string_equal(u.user, c->user);
		assert_string_equal(u.host, c->host);
		assert_int_equal(u.port, c->port);
		assert_string_equal(u.dir, c->dir);
	}
}

struct name_case {
	const char *in;
	size_t len;             /* 0: strlen(in) */
	int rc;
	bool consolidated;
	const char *cluster, *node;
	enum bulk_type type;
};

static const struct name_case name_cases[] = {
	{ "cucm-pub-1a2b3c4d_cucm-pub_all.p12", 0, CTL_OK, false,
	  "cucm-pub-1a2b3c4d", "cucm-pub", BULK_TYPE_ALL },
	{ "A.b-1_node.x_tftp.p12", 0, CTL_OK, false, "A.b-1", "node.x",
	  BULK_TYPE_TFTP },
	{ "consolidated_all.p12", 0, CTL_OK, true, "", "", BULK_TYPE_ALL },
	{ "consolidated_tftp.p12", 0, CTL_OK, true, "", "", BULK_TYPE_TFTP },
	{ "consolidated_x.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "other_all.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ ".c_n_all.p12.part", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ ".c_n_all.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c_n_all.P12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c_n_all", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ ".p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c_n_ALL.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c_n_all_x.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c__all.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "_n_all.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c_-n_all.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c_n/x_all.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c_n\n_all.p12", 0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	{ "c_n\0x_all.p12", 13, CTL_ERR_FORMAT, 0, 0, 0, 0 },
	/* a node name as long as a node name can be, and one byte more */
	{ "c_nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn_all.p12",
	  0, CTL_OK, false, "c",
	  "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
	  BULK_TYPE_ALL },
	{ "c_nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn_all.p12",
	  0, CTL_ERR_FORMAT, 0, 0, 0, 0 },
};

static void
test_file_names(void **state)
{
	struct bulk_file_name f, untouched;
	size_t i, len;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		const struct name_case *c = &name_cases[i];

		memset(&f, 0x5a, sizeof(f));
		untouched = f;
		len = c->len ? c->len : strlen(c->in);
		rc = bulk_file_name_parse(c->in, len, &f);
		if (rc != c->rc)
			fail_msg("row %zu '%s': rc %d, want %d", i, c->in, rc,
			    c->rc);
		if (rc != CTL_OK) {
			assert_memory_equal(&f, &untouched, sizeof(f));
			continue;
		}
		assert_int_equal(f.consolidated, c->consolidated);
		assert_string_equal(f.cluster, c->cluster);
		assert_string_equal(f.node, c->node);
		assert_int_equal(f.type, c->type);
	}
}

/* What bulk_node_file_name() writes, bulk_file_name_parse() reads back. */
static void
test_file_name_round_trip(void **state)
{
	struct bulk_file_name f;
	struct ctl_diag d;
	char name[BULK_NAME_MAX];

	(void)state;
	assert_int_equal(bulk_node_file_name("cucm-pub-00ff00ff", "cucm-sub2",
	    BULK_TYPE_TFTP, name, &d), CTL_OK);
	assert_string_equal(name, "cucm-pub-00ff00ff_cucm-sub2_tftp.p12");
	assert_int_equal(bulk_file_name_parse(name, strlen(name), &f), CTL_OK);
	assert_string_equal(f.node, "cucm-sub2");
	assert_int_equal(bulk_node_file_name("c", "bad_name", BULK_TYPE_ALL,
	    name, &d), CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "bad_name"));
	bulk_consolidated_name(BULK_TYPE_ALL, name);
	assert_string_equal(name, "consolidated_all.p12");
}

static void
test_friendly(void **state)
{
	char cluster[BULK_ID_MAX] = "x", node[PUB_NODE_NAME_MAX] = "y";
	char name[BULK_NAME_MAX];
	enum bulk_cert c = BULK_CERT_CAPF;

	(void)state;
	assert_int_equal(bulk_friendly_parse("CallManager", 11, false,
	    cluster, node, &c), CTL_OK);
	assert_int_equal(c, BULK_CERT_CALLMANAGER);
	assert_string_equal(cluster, "x");      /* untouched */
	assert_int_equal(bulk_friendly_parse("tomcat", 6, false, cluster,
	    node, &c), CTL_OK);
	assert_int_equal(c, BULK_CERT_TOMCAT);
	assert_int_equal(bulk_friendly_parse("cl-1_n1_ITLRecovery", 19, true,
	    cluster, node, &c), CTL_OK);
	assert_string_equal(cluster, "cl-1");
	assert_string_equal(node, "n1");
	assert_int_equal(c, BULK_CERT_ITLRECOVERY);
	c = BULK_CERT_CAPF;
	assert_int_equal(bulk_friendly_parse("TVS", 3, false, cluster, node,
	    &c), CTL_ERR_FORMAT);
	assert_int_equal(bulk_friendly_parse("CallManager", 11, true, cluster,
	    node, &c), CTL_ERR_FORMAT);
	assert_int_equal(bulk_friendly_parse("a_b_CallManager", 15, false,
	    cluster, node, &c), CTL_ERR_FORMAT);
	assert_int_equal(bulk_friendly_parse("a_b_c_CAPF", 10, true, cluster,
	    node, &c), CTL_ERR_FORMAT);
	assert_int_equal(bulk_friendly_parse("CAPF\0", 5, false, cluster,
	    node, &c), CTL_ERR_FORMAT);
	assert_int_equal(bulk_friendly_parse("CAP", 3, false, cluster, node,
	    &c), CTL_ERR_FORMAT);
	assert_int_equal(bulk_friendly_parse("", 0, false, cluster, node, &c),
	    CTL_ERR_FORMAT);
	assert_int_equal(c, BULK_CERT_CAPF);
	assert_string_equal(cluster, "cl-1");
	bulk_friendly_name("cl-1", "n1", BULK_CERT_CAPF, true, name);
	assert_string_equal(name, "cl-1_n1_CAPF");
	bulk_friendly_name("cl-1", "n1", BULK_CERT_CAPF, false, name);
	assert_string_equal(name, "CAPF");
}

/* Cisco's mapping of certificate types to trust stores. */
static void
test_stores(void **state)
{
	enum pub_trust_purpose s[2];

	(void)state;
	assert_int_equal(bulk_cert_stores(BULK_CERT_CAPF, s), 1);
	assert_int_equal(s[0], PUB_TRUST_CALLMANAGER);
	assert_int_equal(bulk_cert_stores(BULK_CERT_TOMCAT, s), 1);
	assert_int_equal(s[0], PUB_TRUST_TOMCAT);
	assert_int_equal(bulk_cert_stores(BULK_CERT_CALLMANAGER, s), 2);
	assert_int_equal(s[0], PUB_TRUST_PHONE_SAST);
	assert_int_equal(s[1], PUB_TRUST_CALLMANAGER);
	assert_int_equal(bulk_cert_stores(BULK_CERT_ITLRECOVERY, s), 2);
	assert_int_equal(s[0], PUB_TRUST_PHONE_SAST);
	assert_int_equal(s[1], PUB_TRUST_CALLMANAGER);
	assert_true(bulk_cert_in_type(BULK_CERT_CALLMANAGER, BULK_TYPE_TFTP));
	assert_true(bulk_cert_in_type(BULK_CERT_ITLRECOVERY, BULK_TYPE_TFTP));
	assert_false(bulk_cert_in_type(BULK_CERT_CAPF, BULK_TYPE_TFTP));
	assert_false(bulk_cert_in_type(BULK_CERT_TOMCAT, BULK_TYPE_TFTP));
	assert_true(bulk_cert_in_type(BULK_CERT_TOMCAT, BULK_TYPE_ALL));
}

static void
test_settings_checks(void **state)
{
	struct ctl_diag d;

	(void)state;
	assert_int_equal(bulk_dir_check("/exchange", &d), CTL_OK);
	assert_int_equal(bulk_dir_check("/", &d), CTL_OK);
	assert_int_equal(bulk_dir_check("exchange", &d), CTL_ERR_USAGE);
	assert_int_equal(bulk_dir_check("/a/", &d), CTL_ERR_USAGE);
	assert_int_equal(bulk_dir_check("/a/../b", &d), CTL_ERR_USAGE);
	assert_int_equal(bulk_dir_check("/a\x1b", &d), CTL_ERR_USAGE);
	assert_int_equal(bulk_host_check("sftp.example.com", &d), CTL_OK);
	assert_int_equal(bulk_host_check("-oProxyCommand=x", &d),
	    CTL_ERR_USAGE);
	assert_int_equal(bulk_host_check("a b", &d), CTL_ERR_USAGE);
	assert_int_equal(bulk_user_check("bob_1", &d), CTL_OK);
	assert_int_equal(bulk_user_check("-l", &d), CTL_ERR_USAGE);
	assert_int_equal(bulk_user_check("", &d), CTL_ERR_USAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_file_name_round_trip),
		cmocka_unit_test(test_friendly),
		cmocka_unit_test(test_stores),
		cmocka_unit_test(test_settings_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
