/*
 * Malformed files: each row damages a valid seed-shaped CTL (or crafts
 * bytes) and names the error code and the words the message must hold
 * (the byte offset and the field).  Valid odd shapes (flat containers,
 * padding, any record field order, unknown tags) parse.
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
#include "testbuild.h"

static struct seed_certs seed;
static uint8_t *good;
static size_t good_len;
static struct ctl_file *gf;   /* good, parsed: for offsets */

static int
setup(void **state)
{
	(void)state;
	if (seed_certs_make(&seed) != 0 ||
	    tb_seed_tokenless(&seed, &good, &good_len) != CTL_OK ||
	    ctl_parse(good, good_len, &gf, NULL) != CTL_OK)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ctl_free(gf);
	free(good);
	seed_certs_free(&seed);
	return 0;
}

static const struct ctl_field *
hfield(unsigned tag)
{
	size_t i;

	for (i = 0; i < gf->hdr.nfields; i++)
		if (gf->hdr.fields[i].tag == tag)
			return &gf->hdr.fields[i];
	fail_msg("no header tag %u", tag);
	return NULL;
}

static const struct ctl_field *
rfield(size_t rec, unsigned tag)
{
	size_t i;

	for (i = 0; i < gf->records[rec].nfields; i++)
		if (gf->records[rec].fields[i].tag == tag)
			return &gf->records[rec].fields[i];
	fail_msg("no tag %u in record %zu", tag, rec);
	return NULL;
}

static void
set_len(uint8_t *b, size_t tag_off, uint16_t len)
{
	b[tag_off + 1] = (uint8_t)(len >> 8);
	b[tag_off + 2] = (uint8_t)len;
}

/* Each mutator edits B (a copy of the good file) and returns its length. */
static size_t m_empty(uint8_t *b) { (void)b; return 0; }
static size_t m_cut_last(uint8_t *b) { (void)b; return good_len - 1; }
static size_t m_cut_header(uint8_t *b) { (void)b; return 100; }
static size_t m_cut_tag_only(uint8_t *b) { (void)b; return 336 + 1; }
static size_t m_cut_in_length(uint8_t *b) { (void)b; return 336 + 2; }

static size_t
m_hdrlen_long(uint8_t *b)
{
	b[8] = 0x01;
	b[9] = 0x55;              /* 341: record 1's RECORDLENGTH joins it */
	return good_len;
}

static size_t
m_hdrlen_short(uint8_t *b)
{
	b[8] = 0;
	b[9] = 2;
	return good_len;
}

static size_t
m_hdrlen_past_end(uint8_t *b)
{
	b[8] = 0xff;
	b[9] = 0xff;
	return good_len;
}

static size_t
m_dup_header(uint8_t *b)
{
	/* SIGNERNAME becomes a second CANAME. */
	b[hfield(CTL_H_SIGNERNAME)->off] = CTL_H_CANAME;
	return good_len;
}

static size_t
m_past_container(uint8_t *b)
{
	const struct ctl_field *f = hfield(CTL_H_CANAME);

	set_len(b, f->off, (uint16_t)(f->len + 1));
	return good_len;
}

static size_t
m_past_record(uint8_t *b)
{
	set_len(b, rfield(0, CTL_R_CERTIFICATE)->off, 2000);
	return good_len;
}

static size_t
m_recordlength_short(uint8_t *b)
{
	const struct ctl_field *f = rfield(1, CTL_R_RECORDLENGTH);

	b[f->off + 3] = 0;
	b[f->off + 4] = 2;
	return good_len;
}

static size_t
m_recordlength_past_end(uint8_t *b)
{
	const struct ctl_field *f = rfield(3, CTL_R_RECORDLENGTH);

	b[f->off + 4] += 1;
	return good_len;
}

static size_t
m_dup_record_field(uint8_t *b)
{
	b[rfield(0, CTL_R_ISSUERNAME)->off] = CTL_R_SUBJECTNAME;
	return good_len;
}

static size_t
m_no_function(uint8_t *b)
{
	b[rfield(2, CTL_R_FUNCTION)->off] = 99;
	return good_len;
}

static size_t
m_version2(uint8_t *b)
{
	b[3] = 2;
	return good_len;
}

static size_t
m_string_unterminated(uint8_t *b)
{
	const struct ctl_field *f = rfield(1, CTL_R_DNSNAME);

	b[f->off + 3 + f->len - 1] = 'x';
	return good_len;
}

static size_t
m_string_inner_nul(uint8_t *b)
{
	b[rfield(1, CTL_R_SUBJECTNAME)->off + 5] = '\0';
	return good_len;
}

static size_t
m_digest_len(uint8_t *b)
{
	/* DIGESTALGORITHM claims 2 bytes, eating the next field's tag. */
	const struct ctl_field *f = hfield(CTL_H_DIGESTALGORITHM);

	set_len(b, f->off, 2);
	return good_len;
}

static size_t
m_garbage(uint8_t *b)
{
	size_t i;

	for (i = 0; i < 64; i++)
		b[i] = (uint8_t)(i * 37 + 11);
	return 64;
}

static size_t
m_no_hdrlen_first(uint8_t *b)
{
	static const uint8_t x[] = { 14, 0, 2, 'a', 0, 1, 0, 2, 1, 2 };

	memcpy(b, x, sizeof(x));
	return sizeof(x);
}

struct bad_case {
	const char *name;
	size_t (*mutate)(uint8_t *);
	int want_rc;
	const char *want1, *want2;
};

static const struct bad_case bad[] = {
	{ "empty file", m_empty, CTL_ERR_FORMAT, "empty", NULL },
	{ "last byte cut", m_cut_last, CTL_ERR_TRUNCATED,
	  "record 4 at byte 3786", "RECORDLENGTH" },
	{ "header cut", m_cut_header, CTL_ERR_TRUNCATED, "HEADERLENGTH",
	  "past the end of the file (100 bytes)" },
	{ "record is one tag byte", m_cut_tag_only, CTL_ERR_TRUNCATED,
	  "record 1 at byte 336", "2-byte length" },
	{ "record cut inside a length", m_cut_in_length, CTL_ERR_TRUNCATED,
	  "record 1 at byte 336", "runs past the end" },
	{ "HEADERLENGTH too long", m_hdrlen_long, CTL_ERR_FORMAT,
	  "VERSION at byte 336", "twice" },
	{ "HEADERLENGTH too short", m_hdrlen_short, CTL_ERR_FORMAT,
	  "HEADERLENGTH at byte 5", "already take 10 bytes" },
	{ "HEADERLENGTH past the end", m_hdrlen_past_end, CTL_ERR_TRUNCATED,
	  "HEADERLENGTH at byte 5 is 65535", "4947 bytes" },
	{ "duplicate header field", m_dup_header, CTL_ERR_FORMAT,
	  "CANAME at byte", "twice" },
	{ "field past its container", m_past_container, CTL_ERR_TRUNCATED,
	  "CANAME at byte", "length 63 runs past the end" },
	{ "field past its record", m_past_record, CTL_ERR_TRUNCATED,
	  "record 1 at byte 336: CERTIFICATE at byte", "length 2000" },
	{ "RECORDLENGTH shorter than its fields", m_recordlength_short,
	  CTL_ERR_FORMAT, "record 2 at byte 1492", "already take" },
	{ "RECORDLENGTH past the end", m_recordlength_past_end,
	  CTL_ERR_TRUNCATED, "record 4 at byte 3786", "past the end" },
	{ "duplicate record field", m_dup_record_field, CTL_ERR_FORMAT,
	  "record 1 at byte 336: SUBJECTNAME", "twice" },
	{ "record without FUNCTION", m_no_function, CTL_ERR_FORMAT,
	  "record 3 at byte 2648", "no FUNCTION" },
	{ "newer major version", m_version2, CTL_ERR_FORMAT,
	  "version 2.2", "version 1 files only" },
	{ "string not terminated", m_string_unterminated, CTL_ERR_FORMAT,
	  "record 2 at byte 1492: DNSNAME", "not NUL-terminated" },
	{ "string with inner NUL", m_string_inner_nul, CTL_ERR_FORMAT,
	  "SUBJECTNAME", "NUL before its end" },
	{ "fixed-size field of the wrong size", m_digest_len, CTL_ERR_FORMAT,
	  "DIGESTALGORTITHM at byte", "expected 1" },
	{ "garbage", m_garbage, 0, "byte", NULL },
	{ "HEADERLENGTH not first", m_no_hdrlen_first, CTL_ERR_FORMAT,
	  "expected HEADERLENGTH among the first two fields", "VERSION" },
};

static void
test_bad_files(void **state)
{
	uint8_t *b = malloc(good_len);
	size_t i, len;

	(void)state;
	assert_non_null(b);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ctl_file *f = (struct ctl_file *)&f; /* not NULL */
		struct ctl_diag d;
		int rc;

		memcpy(b, good, good_len);
		len = bad[i].mutate(b);
		ctl_diag_clear(&d);
		rc = ctl_parse(b, len, &f, &d);
		print_message("%-40s -> %d %s\n", bad[i].name, rc, d.msg);
		if (bad[i].want_rc != 0)
			assert_int_equal(rc, bad[i].want_rc);
		else
			assert_true(rc < 0);
		assert_null(f);
		if (strstr(d.msg, bad[i].want1) == NULL)
			fail_msg("%s: '%s' lacks '%s'", bad[i].name, d.msg,
			    bad[i].want1);
		if (bad[i].want2 != NULL && strstr(d.msg, bad[i].want2) == NULL)
			fail_msg("%s: '%s' lacks '%s'", bad[i].name, d.msg,
			    bad[i].want2);
	}
	free(b);
}

static void
test_record_count_limit(void **state)
{
	struct ctl_file *f = NULL;
	struct ctl_diag d;
	uint8_t *b;
	size_t len;

	(void)state;
	b = tb_tiny_records(CTL_MAX_RECORDS, &len);
	assert_non_null(b);
	assert_int_equal(ctl_parse(b, len, &f, NULL), CTL_OK);
	assert_int_equal(f->nrecords, CTL_MAX_RECORDS);
	ctl_free(f);
	free(b);
	b = tb_tiny_records(CTL_MAX_RECORDS + 1, &len);
	assert_non_null(b);
	assert_int_equal(ctl_parse(b, len, &f, &d), CTL_ERR_TOO_BIG);
	assert_non_null(strstr(d.msg, "more than 256 records"));
	assert_null(f);
	free(b);
}

static void
test_file_size_limit(void **state)
{
	struct ctl_file *f = NULL;
	struct ctl_diag d;
	uint8_t *b = calloc(1, CTL_MAX_FILE + 1);

	(void)state;
	assert_non_null(b);
	assert_int_equal(ctl_parse(b, CTL_MAX_FILE + 1, &f, &d),
	    CTL_ERR_TOO_BIG);
	assert_non_null(strstr(d.msg, "maximum"));
	assert_null(f);
	free(b);
}

/* Shapes other writers use: all of them parse. */
static void
test_valid_odd_shapes(void **state)
{
	size_t len;
	const uint8_t *odd = tb_odd_shapes(&len);
	struct ctl_file *f = NULL;
	struct ctl_diag d;

	(void)state;
	ctl_diag_clear(&d);
	assert_int_equal(len, 70);
	if (ctl_parse(odd, len, &f, &d) != CTL_OK)
		fail_msg("odd shapes: %s", d.msg);
	assert_int_equal(f->hdr.header_length, 48);
	assert_string_equal(f->hdr.signer_name, "S");
	assert_string_equal(f->hdr.ca_name, "C");
	assert_int_equal(f->hdr.digest, CTL_DIGEST_SHA256);
	assert_int_equal(f->nrecords, 1);
	assert_int_equal(f->records[0].role, CTL_ROLE_TVS);
	assert_int_equal(f->records[0].length, 22);
	assert_memory_equal(f->records[0].ip, "\x0a\x00\x00\x01", 4);
	/* Unknown tags are kept and reported, not dropped. */
	assert_int_equal(f->nunknown, 2);
	assert_int_equal(f->unknown[0].tag, 99);
	assert_int_equal(f->unknown[0].record, -1);
	assert_int_equal(f->unknown[1].tag, 77);
	assert_int_equal(f->unknown[1].record, 0);
	assert_int_equal(f->unknown[1].off, 53);
	ctl_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_record_count_limit),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_valid_odd_shapes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
