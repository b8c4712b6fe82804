#include "json_out.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

void
json_init(struct json_out *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void
put_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n;

	fputc('"', f);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			fputc('\\', f);
			fputc(*p++, f);
		} else if (*p < 0x20) {
			fprintf(f, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			fputc(*p++, f);
		} else {
			/* Copy one UTF-8 sequence if it is well-formed. */
			n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
			    (*p & 0xf8) == 0xf0 ? 4 : 0;
			for (i = 1; i < n; i++)
				if ((p[i] & 0xc0) != 0x80)
					break;
			if (n == 0 || i < n) {
				fputs("\\ufffd", f);
				p++;
			} else {
				fwrite(p, 1, n, f);
				p += n;
			}
		}
	}
	fputc('"', f);
}

/* Separator, indentation and key before a value at the current level. */
static void
member(struct json_out *j, const char *key)
{
	int i;

	if (j->depth > 0) {
		if (j->count[j->depth - 1]++ > 0)
			fputc(',', j->f);
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	if (key != NULL) {
		put_escaped(j->f, key);
		fputs(": ", j->f);
	}
}

static void
open_level(struct json_out *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->count[j->depth] = 0;
	j->depth++;
}

static void
close_level(struct json_out *j, char c)
{
	int i, had = j->depth <= JSON_MAX_DEPTH && j->count[j->depth - 1] > 0;

	j->depth--;
	if (had) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
}

void json_object_begin(struct json_out *j, const char *k) { open_level(j, k, '{'); }
void json_object_end(struct json_out *j) { close_level(j, '}'); }
void json_array_begin(struct json_out *j, const char *k) { open_level(j, k, '['); }
void json_array_end(struct json_out *j) { close_level(j, ']'); }

void
json_string(struct json_out *j, const char *key, const char *v)
{
	member(j, key);
	if (v == NULL)
		fputs("null", j->f);
	else
		put_escaped(j->f, v);
}

void
json_int(struct json_out *j, const char *key, long long v)
{
	member(j, key);
	fprintf(j->f, "%lld", v);
}

void
json_bool(struct json_out *j, const char *key, int v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
json_null(struct json_out *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void
json_error(struct json_out *j, const char *key, int code,
    const char *message)
{
	if (code == 0) {
		json_null(j, key);
		return;
	}
	json_object_begin(j, key);
	json_int(j, "code", code);
	json_string(j, "message", message);
	json_object_end(j);
}

void
json_finish(struct json_out *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
