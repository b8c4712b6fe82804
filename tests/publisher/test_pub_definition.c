/*
 * Cluster definitions: one row per bad text, with the line number and
 * the words its message must hold, and the output left untouched; then
 * the good shapes (defaults, per-node ports, publisher not first,
 * comments, blank lines, CRLF).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_err.h"
#include "pub_definition.h"

struct bad_row {
	const char *text;
	const char *words[2];   /* in the message; NULL for none */
};

static const struct bad_row bad_rows[] = {
	{ "", { "no node", NULL } },
	{ "# only a comment\n\n", { "no node", NULL } },
	{ "node a 10.0.0.1\n", { "no node is the publisher", NULL } },
	{ "node a 10.0.0.1 publisher\nnode b 10.0.0.2 publisher\n",
	    { "line 2", "second publisher (the first is on line 1)" } },
	{ "node a 10.0.0.1 publisher publisher\n",
	    { "line 1", "written twice" } },
	{ "node a 10.0.0.1 publisher\nnode A 10.0.0.2\n",
	    { "line 2", "node name A is taken (line 1)" } },
	{ "node a 10.0.0.1 publisher\nnode b 10.0.0.1\n",
	    { "line 2", "address 10.0.0.1 is taken (line 1)" } },
	{ "node -a 10.0.0.1 publisher\n", { "line 1", "DNS label" } },
	{ "node a- 10.0.0.1 publisher\n", { "line 1", "DNS label" } },
	{ "node a_b 10.0.0.1 publisher\n", { "line 1", "DNS label" } },
	/* 53 characters: ITLRECOVERY_ and the name would not fit a CN */
	{ "node aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
	    "10.0.0.1 publisher\n", { "line 1", "1 to 52 letters" } },
	{ "node a 10.0.0.01 publisher\n", { "line 1", "not an IPv4 address" } },
	{ "node a 10.0.0 publisher\n", { "line 1", "not an IPv4 address" } },
	{ "node a 10.0.0.256 publisher\n", { "line 1", "not an IPv4" } },
	{ "node a 0.0.0.0 publisher\n", { "line 1", "not an IPv4" } },
	{ "node a 255.255.255.255 publisher\n", { "line 1", "not an IPv4" } },
	{ "node a 224.0.0.1 publisher\n", { "line 1", "not an IPv4" } },
	{ "node a host.example publisher\n", { "line 1", "not an IPv4" } },
	{ "node a\n", { "line 1", "node NAME ADDRESS" } },
	{ "node a 10.0.0.1 publisher ctl-port=0\n", { "line 1", "1 to 65535" } },
	{ "node a 10.0.0.1 publisher ctl-port=65536\n", { "line 1", "1 to 65535" } },
	{ "node a 10.0.0.1 publisher ctl-port=02444\n", { "line 1", "1 to 65535" } },
	{ "node a 10.0.0.1 publisher ctl-port=\n", { "line 1", "1 to 65535" } },
	{ "node a 10.0.0.1 publisher ctl-port=1 ctl-port=2\n",
	    { "line 1", "ctl-port is set twice" } },
	{ "node a 10.0.0.1 publisher http-port=80\n",
	    { "line 1", "http-port=80: a node line takes" } },
	{ "node a 10.0.0.1 subscriber\n", { "line 1", "subscriber: a node" } },
	{ "node a 10.0.0.1 publisher tvs-port=2444\n",
	    { "line 1", "port 2444 serves two" } },
	{ "\n\nnode a 10.0.0.1 publisher\ndist-port 2445\n",
	    { "line 3", "port 2445 serves two" } },
	{ "ctl-port 1\nctl-port 2\n", { "line 2", "set twice (first on line 1)" } },
	{ "ctl-port\n", { "line 1", "ctl-port PORT" } },
	{ "ctl-port 1 2\n", { "line 1", "ctl-port PORT" } },
	{ "tvs-port x\n", { "line 1", "1 to 65535" } },
	{ "nodes a 10.0.0.1\n", { "line 1", "nodes: unknown" } },
	{ "\x1b[31m 1\n", { "line 1", "\\x1b[31m: unknown" } },
	{ "node a 10.0.0.1 publisher x x x x x x\n", { "line 1", "too many words" } },
};

static void
test_bad(void **state)
{
	struct pub_definition out;
	struct ctl_diag d;
	size_t i, k;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		const struct bad_row *r = &bad_rows[i];

		memset(&out, 0x5a, sizeof(out));
		ctl_diag_clear(&d);
		rc = pub_definition_parse(r->text, strlen(r->text), "def", &out,
		    &d);
		if (rc != CTL_ERR_USAGE)
			fail_msg("row %zu: code %d, expected CTL_ERR_USAGE", i, rc);
		for (k = 0; k < 2; k++)
			if (r->words[k] != NULL && strstr(d.msg, r->words[k]) ==
			    NULL)
				fail_msg("row %zu: \"%s\" not in \"%s\"", i,
				    r->words[k], d.msg);
		if (strncmp(d.msg, "def", 3) != 0)
			fail_msg("row %zu: the message does not name the file: %s",
			    i, d.msg);
		/* nothing written on failure */
		if (out.n != (size_t)0x5a5a5a5a5a5a5a5aULL)
			fail_msg("row %zu: the output was touched", i);
	}
}

static void
test_line_limits(void **state)
{
	struct pub_definition out;
	struct ctl_diag d;
	char *text;
	size_t i, len;

	(void)state;
	/* a line one byte too long */
	text = malloc(PUB_DEF_LINE_MAX + 2);
	assert_non_null(text);
	memset(text, '#', PUB_DEF_LINE_MAX + 1);
	text[PUB_DEF_LINE_MAX + 1] = '\n';
	assert_int_equal(pub_definition_parse(text, PUB_DEF_LINE_MAX + 2, "def",
	    &out, &d), CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "line 1: longer than"));
	free(text);
	/* a NUL byte */
	assert_int_equal(pub_definition_parse("node a\0 10.0.0.1\n", 17, "def",
	    &out, &d), CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "NUL"));
	/* seventeen nodes */
	text = malloc(17 * 40 + 1);
	assert_non_null(text);
	for (i = 0, len = 0; i < 17; i++)
		len += (size_t)sprintf(text + len, "node n%zu 10.0.0.%zu%s\n", i,
		    i + 1, i == 0 ? " publisher" : "");
	assert_int_equal(pub_definition_parse(text, len, "def", &out, &d),
	    CTL_ERR_USAGE);
	assert_non_null(strstr(d.msg, "line 17: a cluster has at most 16"));
	/* sixteen are fine */
	len = (size_t)(strstr(text, "node n16") - text);
	assert_int_equal(pub_definition_parse(text, len, "def", &out, &d),
	    CTL_OK);
	assert_int_equal(out.n, 16);
	free(text);
}

static void
test_good(void **state)
{
	static const char text[] =
	    "# the lab\r\n"
	    "tvs-port 3445\n"
	    "node sub-1 10.1.0.2 ctl-port=2500   # first subscriber\n"
	    "\n"
	    "  node PUB 192.168.7.1\tpublisher tftp-port=6969\n"
	    "node sub2 10.1.0.3 dist-port=4000 tvs-port=4001\n"
	    "ctl-port 2555\n";
	struct pub_definition out;
	struct ctl_diag d;

	(void)state;
	ctl_diag_clear(&d);
	assert_int_equal(pub_definition_parse(text, sizeof(text) - 1, "def",
	    &out, &d), CTL_OK);
	assert_int_equal(out.n, 3);
	/* the publisher first, then the subscribers in file order */
	assert_string_equal(out.nodes[0].name, "PUB");
	assert_string_equal(out.nodes[0].ip, "192.168.7.1");
	assert_true(out.nodes[0].publisher);
	assert_int_equal(out.nodes[0].ports.ctl, 2555);
	assert_int_equal(out.nodes[0].ports.tvs, 3445);
	assert_int_equal(out.nodes[0].ports.dist, PUB_STD_PORT_DIST);
	assert_int_equal(out.nodes[0].ports.tftp, 6969);
	assert_string_equal(out.nodes[1].name, "sub-1");
	assert_false(out.nodes[1].publisher);
	assert_int_equal(out.nodes[1].ports.ctl, 2500);
	assert_int_equal(out.nodes[1].ports.tftp, PUB_STD_PORT_TFTP);
	assert_string_equal(out.nodes[2].name, "sub2");
	assert_int_equal(out.nodes[2].ports.dist, 4000);
	assert_int_equal(out.nodes[2].ports.tvs, 4001);
	assert_int_equal(out.nodes[2].ports.ctl, 2555);
}

static void
test_standard_ports(void **state)
{
	static const char text[] = "node a 10.0.0.1 publisher";
	struct pub_definition out;

	(void)state;
	assert_int_equal(pub_definition_parse(text, sizeof(text) - 1, "def",
	    &out, NULL), CTL_OK);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.nodes[0].ports.ctl, 2444);
	assert_int_equal(out.nodes[0].ports.tvs, 2445);
	assert_int_equal(out.nodes[0].ports.dist, 2446);
	assert_int_equal(out.nodes[0].ports.tftp, 69);
}

static void
test_longest_name(void **state)
{
	static const char text[] = "node "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 10.0.0.1 "
	    "publisher\n";
	struct pub_definition out;

	(void)state;
	assert_int_equal(pub_definition_parse(text, sizeof(text) - 1, "def",
	    &out, NULL), CTL_OK);
	assert_int_equal(strlen(out.nodes[0].name), PUB_DEF_LABEL_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_line_limits),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_standard_ports),
		cmocka_unit_test(test_longest_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
