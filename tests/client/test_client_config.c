/*
 * The configuration file of named servers: a table of files, each with
 * the name looked up, what must be found, or the code and the words of
 * the message (file and line); then the checks of who may write the
 * file and its directory, on real files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client_config.h"
#include "ctl_err.h"

struct row {
	const char *what;
	const char *text;
	const char *name;
	int rc;
	int found;
	const char *server, *user, *pwfile, *cafile;  /* when found */
	const char *msg;                              /* when rc != 0 */
};

static const struct row rows[] = {
	{ "empty file", "", "a", CTL_OK, 0, NULL, NULL, NULL, NULL, NULL },
	{ "comments and blank lines only", "# x\n\n   \t\n  # y\n", "a",
	  CTL_OK, 0, NULL, NULL, NULL, NULL, NULL },
	{ "every keyword, indented",
	  "Host a\n  Server 10.0.0.5:2500\n  User sec\n"
	  "  PasswordFile /p\n  CAFile /c\n", "a",
	  CTL_OK, 1, "10.0.0.5:2500", "sec", "/p", "/c", NULL },
	{ "keywords in any case, not indented, CRLF, =",
	  "host a\r\nSERVER=h1\r\nuser\tsec\r\n", "a",
	  CTL_OK, 1, "h1", "sec", "", "", NULL },
	{ "the name in any case", "Host LabA\nServer h1\n", "laba",
	  CTL_OK, 1, "h1", "", "", "", NULL },
	{ "the right block of several",
	  "Host a\nServer h1\nHost b\nServer h2\nUser u2\nHost c\nServer h3\n",
	  "b", CTL_OK, 1, "h2", "u2", "", "", NULL },
	{ "the last block", "Host a\nServer h1\nHost b\nServer h2", "b",
	  CTL_OK, 1, "h2", "", "", "", NULL },
	{ "a block without Server", "Host a\nUser u\n", "a",
	  CTL_OK, 1, "", "u", "", "", NULL },
	{ "a name not there", "Host a\nServer h1\n", "b",
	  CTL_OK, 0, NULL, NULL, NULL, NULL, NULL },
	{ "IPv6 server", "Host a\nServer [::1]:2444\n", "a",
	  CTL_OK, 1, "[::1]:2444", "", "", "", NULL },
	{ "unknown keyword", "Host a\nServer h\n  Port 2444\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL,
	  "f:3: unknown keyword 'Port'" },
	{ "an unknown keyword in another block is an error too",
	  "Host a\nServer h\nHost b\nHostName x\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL,
	  "f:4: unknown keyword 'HostName'" },
	{ "a keyword outside a Host block", "# c\nServer h\nHost a\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL,
	  "f:2: Server outside a Host block" },
	{ "a keyword without value", "Host a\nUser\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL, "f:2: User needs a value" },
	{ "Host without a name", "Host\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL, "f:1: Host needs a value" },
	{ "Host with two names", "Host a b\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL, "f:1: Host 'a b': one name" },
	{ "a bad server", "Host a\nServer h:99999\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL,
	  "f:2: Server: the port must be" },
	{ "a keyword twice in a block", "Host a\nUser u\nUser v\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL,
	  "f:3: User given twice in Host a" },
	{ "a Host twice", "Host a\nUser u\nHost b\nHost A\n", "b",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL,
	  "f:4: Host A is already defined" },
	{ "a user too long",
	  "Host a\nUser 12345678901234567890123456789012345678901234567890"
	  "123456789012345\n", "a", CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL,
	  "f:2: User: a name of 1 to 64 bytes" },
	{ "a user of 64 bytes",
	  "Host a\nUser 12345678901234567890123456789012345678901234567890"
	  "12345678901234\n", "a", CTL_OK, 1, "",
	  "1234567890123456789012345678901234567890123456789012345678901234",
	  "", "", NULL },
	{ "a control byte is escaped in the message", "Ho\033st a\n", "a",
	  CTL_ERR_FORMAT, 0, NULL, NULL, NULL, NULL,
	  "f:1: unknown keyword 'Ho\\x1bst'" },
};

static void
test_rows(void **state)
{
	struct client_host h;
	struct ctl_diag d;
	size_t i;
	int rc, found;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *t = &rows[i];

		memset(&h, 0x5a, sizeof(h));
		ctl_diag_clear(&d);
		found = -1;
		rc = client_config_parse(t->text, strlen(t->text), "f",
		    t->name, &h, &found, &d);
		if (rc != t->rc)
			fail_msg("%s: rc %d, want %d (%s)", t->what, rc, t->rc,
			    d.msg);
		if (rc != CTL_OK) {
			if (strstr(d.msg, t->msg) == NULL)
				fail_msg("%s: message '%s' lacks '%s'", t->what,
				    d.msg, t->msg);
			continue;
		}
		if (found != t->found)
			fail_msg("%s: found %d, want %d", t->what, found,
			    t->found);
		if (!found) {
			/* OUT untouched when nothing is found. */
			assert_int_equal((unsigned char)h.server[0], 0x5a);
			continue;
		}
		assert_string_equal(h.server, t->server);
		assert_string_equal(h.user, t->user);
		assert_string_equal(h.password_file, t->pwfile);
		assert_string_equal(h.cafile, t->cafile);
	}
}

static void
test_tilde(void **state)
{
	static const char text[] = "Host a\nPasswordFile ~/pw\n";
	struct client_host h;
	struct ctl_diag d;
	int found;

	(void)state;
	setenv("HOME", "/home/sec", 1);
	ctl_diag_clear(&d);
	assert_int_equal(client_config_parse(text, strlen(text), "f", "a", &h,
	    &found, &d), CTL_OK);
	assert_string_equal(h.password_file, "/home/sec/pw");
}

static void
test_nul(void **state)
{
	static const char text[] = "Host a\0\n";
	struct client_host h;
	struct ctl_diag d;
	int found;

	(void)state;
	ctl_diag_clear(&d);
	assert_int_equal(client_config_parse(text, sizeof(text) - 1, "f", "a",
	    &h, &found, &d), CTL_ERR_FORMAT);
	assert_non_null(strstr(d.msg, "NUL"));
}

/* Writes TEXT to DIR/config with MODE, DIR with DMODE. */
static void
put(const char *dir, mode_t dmode, const char *text, mode_t mode,
    char *path, size_t pathsz)
{
	FILE *f;

	snprintf(path, pathsz, "%s/config", dir);
	assert_int_equal(chmod(dir, dmode), 0);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_permissions(void **state)
{
	static const char text[] = "Host a\nServer h1\n";
	char dir[] = "/tmp/ctlcfg.XXXXXX", path[256];
	struct client_host h;
	struct ctl_diag d;
	int found;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	ctl_diag_clear(&d);
	found = -1;
	assert_int_equal(client_config_lookup_file(path, "a", &h, &found, &d),
	    CTL_OK);
	assert_int_equal(found, 0);     /* a missing file is no error */

	put(dir, 0755, text, 0644, path, sizeof(path));
	assert_int_equal(client_config_lookup_file(path, "a", &h, &found, &d),
	    CTL_OK);
	assert_int_equal(found, 1);
	assert_string_equal(h.server, "h1");

	put(dir, 0755, text, 0664, path, sizeof(path));
	ctl_diag_clear(&d);
	assert_int_equal(client_config_lookup_file(path, "a", &h, &found, &d),
	    CTL_ERR_UNTRUSTED);
	assert_non_null(strstr(d.msg, "chmod go-w"));
	assert_non_null(strstr(d.msg, "mode 0664"));

	put(dir, 0757, text, 0600, path, sizeof(path));
	ctl_diag_clear(&d);
	assert_int_equal(client_config_lookup_file(path, "a", &h, &found, &d),
	    CTL_ERR_UNTRUSTED);
	assert_non_null(strstr(d.msg, "directory of the configuration"));

	put(dir, 0700, "Host a\nBogus 1\n", 0600, path, sizeof(path));
	ctl_diag_clear(&d);
	assert_int_equal(client_config_lookup_file(path, "a", &h, &found, &d),
	    CTL_ERR_FORMAT);
	assert_non_null(strstr(d.msg, ":2: unknown keyword 'Bogus'"));

	unlink(path);
	rmdir(dir);
}

/* $CTLCLIENT_CONFIG names the only file read. */
static void
test_env(void **state)
{
	char dir[] = "/tmp/ctlcfg.XXXXXX", path[256], from[256];
	struct client_host h;
	struct ctl_diag d;
	int found;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, 0700, "Host envhost\nServer h9:7\n", 0600, path, sizeof(path));
	setenv(CLIENT_CONFIG_ENV, path, 1);
	ctl_diag_clear(&d);
	assert_int_equal(client_config_lookup("envhost", &h, &found, from,
	    sizeof(from), &d), CTL_OK);
	assert_int_equal(found, 1);
	assert_string_equal(h.server, "h9:7");
	assert_string_equal(from, path);
	unsetenv(CLIENT_CONFIG_ENV);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_tilde),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
