/*
 * The node file store: write keeps the previous version as .bak, read,
 * delete, SHA1, bad names, and a writer killed at random moments never
 * leaves a torn file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl_err.h"
#include "pub_store.h"
#include "pubtest.h"

#define F "CTLFile.tlv"

static char *dir;

static int
setup(void **state)
{
	(void)state;
	return (dir = pt_tempdir("store")) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	pt_rmtree(dir);
	dir = NULL;
	return 0;
}

static void
assert_stored(const char *name, const char *want)
{
	struct ctl_diag d;
	uint8_t *got = NULL;
	size_t len = 0;

	assert_int_equal(pub_store_read(dir, name, &got, &len, &d), CTL_OK);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	free(got);
}

static void
test_write_keeps_backup(void **state)
{
	static const char *const versions[] = { "first", "second", "third!" };
	struct ctl_diag d;
	char hex[41], want[41];
	uint8_t *got;
	size_t len, i;

	(void)state;
	assert_int_equal(pub_store_read(dir, F, &got, &len, &d),
	    CTL_ERR_NOT_FOUND);
	assert_int_equal(pub_store_sha1(dir, F, hex, &d), CTL_ERR_NOT_FOUND);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pub_store_write(dir, F,
		    (const uint8_t *)versions[i], strlen(versions[i]), &d),
		    CTL_OK);
		assert_stored(F, versions[i]);
		if (i == 0)
			assert_int_equal(pub_store_read(dir, F ".bak", &got,
			    &len, &d), CTL_ERR_NOT_FOUND);
		else
			assert_stored(F ".bak", versions[i - 1]);
		/* No temporary file is left beside them. */
		assert_int_equal(pt_count_prefix(dir, "."), 2);
	}
	assert_int_equal(pub_store_sha1(dir, F, hex, &d), CTL_OK);
	pub_sha1_hex((const uint8_t *)"third!", 6, want);
	assert_string_equal(hex, want);
	/* SHA1("abc"), the FIPS 180 example. */
	pub_sha1_hex((const uint8_t *)"abc", 3, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	{
		char *p = pt_path(dir, F, NULL);

		assert_int_equal(pt_mode(p), 0644);
		free(p);
	}
}

static void
test_delete(void **state)
{
	struct ctl_diag d;
	uint8_t *got;
	size_t len;

	(void)state;
	assert_int_equal(pub_store_delete(dir, F, &d), CTL_ERR_NOT_FOUND);
	assert_int_equal(pub_store_write(dir, F, (const uint8_t *)"v1", 2, &d),
	    CTL_OK);
	assert_int_equal(pub_store_delete(dir, F, &d), CTL_OK);
	assert_int_equal(pub_store_read(dir, F, &got, &len, &d),
	    CTL_ERR_NOT_FOUND);
	assert_stored(F ".bak", "v1");
	assert_int_equal(pub_store_delete(dir, F, &d), CTL_ERR_NOT_FOUND);
	assert_stored(F ".bak", "v1");
	/* Written again after a delete: the deleted one stays the backup. */
	assert_int_equal(pub_store_write(dir, F, (const uint8_t *)"v2", 2, &d),
	    CTL_OK);
	assert_stored(F, "v2");
	assert_stored(F ".bak", "v1");
}

static void
test_bad_names_and_sizes(void **state)
{
	static const char *const names[] = {
		"", ".hidden", "../CTLFile.tlv", "a/b", "/etc/passwd", ".",
		"..",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct ctl_diag d;
	uint8_t *big, *got;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(pub_store_write(dir, names[i],
		    (const uint8_t *)"x", 1, &d), CTL_ERR_USAGE);
		assert_int_equal(pub_store_read(dir, names[i], &got, &len, &d),
		    CTL_ERR_USAGE);
		assert_int_equal(pub_store_delete(dir, names[i], &d),
		    CTL_ERR_USAGE);
	}
	assert_int_equal(pub_store_write(dir, "ITLFile.tlv",
	    (const uint8_t *)"x", 1, &d), CTL_OK);
	/* One byte over the maximum: refused, the old file kept. */
	big = calloc(1, PUB_STORE_MAX + 1);
	assert_non_null(big);
	assert_int_equal(pub_store_write(dir, "ITLFile.tlv", big,
	    PUB_STORE_MAX + 1, &d), CTL_ERR_TOO_BIG);
	assert_stored("ITLFile.tlv", "x");
	assert_int_equal(pub_store_write(dir, "ITLFile.tlv", big,
	    PUB_STORE_MAX, &d), CTL_OK);
	free(big);
	assert_int_equal(pub_store_write("/nonexistent/dir", F,
	    (const uint8_t *)"x", 1, &d), CTL_ERR_NOT_FOUND);
}

static void
test_stale_temporaries_swept(void **state)
{
	struct ctl_diag d;
	char *p = pt_path(dir, "." F ".abc123", NULL);
	FILE *f;

	(void)state;
	assert_non_null(f = fopen(p, "w"));
	fputs("half a file", f);
	fclose(f);
	assert_int_equal(pub_store_write(dir, F, (const uint8_t *)"v3", 2, &d),
	    CTL_OK);
	assert_false(pt_exists(p));
	free(p);
}

/* Version V of the file: 200 KiB + V bytes, every byte V.  Whole when
 * its length and bytes agree. */
#define KILL_BASE (200u * 1024u)

static int
whole(const uint8_t *p, size_t len)
{
	size_t i;

	if (len < KILL_BASE || len > KILL_BASE + 255)
		return 0;
	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)(len - KILL_BASE))
			return 0;
	return 1;
}

/* Writes versions 1..250 over and over until killed; after its first
 * whole write it says so on fd READY. */
static void
writer(int ready)
{
	static uint8_t buf[KILL_BASE + 255];
	struct ctl_diag d;
	unsigned v;

	for (v = 1;; v = v % 250 + 1) {
		memset(buf, (int)v, KILL_BASE + v);
		if (pub_store_write(dir, F, buf, KILL_BASE + v, &d) != CTL_OK)
			_exit(3);
		if (ready >= 0) {
			if (write(ready, "w", 1) != 1)
				_exit(4);
			close(ready);
			ready = -1;
		}
	}
}

/* Reads NAME, which must be there and whole.  Returns the version read. */
static unsigned
read_whole(const char *name)
{
	struct ctl_diag d;
	uint8_t *got;
	size_t len;

	ctl_diag_clear(&d);
	if (pub_store_read(dir, name, &got, &len, &d) != CTL_OK)
		fail_msg("%s: %s", name, d.msg);
	if (!whole(got, len))
		fail_msg("%s: torn: %zu bytes, first byte %u", name, len,
		    len > 0 ? got[0] : 0);
	free(got);
	return (unsigned)(len - KILL_BASE);
}

#define KILL_ROUNDS 25

/*
 * A writer killed at a random moment never leaves a torn file: the file
 * and its backup are always there and whole.  Both exist before the first
 * round (version 0), so every round reads both; each writer is killed
 * only after one whole write of its own, so every round reads a version
 * a killed writer left.  The kill times come from srand(N), N being 1 or
 * PUB_STORE_KILL_SRAND, printed so a failure can be replayed.
 */
static void
test_kill_never_tears(void **state)
{
	static uint8_t zero[KILL_BASE];
	struct ctl_diag d;
	const char *env = getenv("PUB_STORE_KILL_SRAND");
	unsigned start = env != NULL ? (unsigned)strtoul(env, NULL, 10) : 1;
	int i, status, fds[2], kills = 0, reads = 0, fresh = 0;
	char c;
	pid_t pid;

	(void)state;
	print_message("srand(%u) (set PUB_STORE_KILL_SRAND to change)\n",
	    start);
	srand(start);
	for (i = 0; i < 2; i++)
		assert_int_equal(pub_store_write(dir, F, zero, sizeof(zero),
		    &d), CTL_OK);
	for (i = 0; i < KILL_ROUNDS; i++) {
		assert_int_equal(pipe(fds), 0);
		if ((pid = fork()) == 0) {
			close(fds[0]);
			writer(fds[1]);
		}
		assert_true(pid > 0);
		close(fds[1]);
		/* One whole write first, or the kill could test nothing. */
		assert_int_equal(read(fds[0], &c, 1), 1);
		close(fds[0]);
		usleep((useconds_t)(rand() % 20000));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		kills++;
		if (read_whole(F) != 0)
			fresh++;
		(void)read_whole(F ".bak");
		reads += 2;
	}
	print_message("%d writers killed, %d whole reads, %d of a version "
	    "a killed writer left\n", kills, reads, fresh);
	assert_int_equal(kills, KILL_ROUNDS);
	assert_int_equal(reads, 2 * KILL_ROUNDS);
	assert_int_equal(fresh, KILL_ROUNDS);
	/* The next write sweeps what the killed writers left. */
	assert_int_equal(pub_store_write(dir, F, (const uint8_t *)"ok", 2, &d),
	    CTL_OK);
	assert_int_equal(pt_count_prefix(dir, "." F), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_keeps_backup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_names_and_sizes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stale_temporaries_swept,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_never_tears, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
