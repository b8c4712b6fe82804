/*
 * A small streaming JSON writer for machine-readable output.  Strings are
 * escaped; bytes that are not valid UTF-8 are written as U+FFFD, so the
 * output always parses.  KEY is the member name inside objects and must be
 * NULL inside arrays and at the top level.
 */
#ifndef CTL_JSON_OUT_H
#define CTL_JSON_OUT_H

#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_out {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH]; /* members written at each open level */
};

void json_init(struct json_out *j, FILE *f);
void json_object_begin(struct json_out *j, const char *key);
void json_object_end(struct json_out *j);
void json_array_begin(struct json_out *j, const char *key);
void json_array_end(struct json_out *j);
/* Writes V, or null when V is NULL. */
void json_string(struct json_out *j, const char *key, const char *v);
void json_int(struct json_out *j, const char *key, long long v);
void json_bool(struct json_out *j, const char *key, int v);
void json_null(struct json_out *j, const char *key);
/* The outcome of an operation: null for CODE 0 (CTL_OK), else
 * {"code": CODE, "message": MESSAGE}, CODE a negative CTL_ERR_*. */
void json_error(struct json_out *j, const char *key, int code,
    const char *message);
/* Ends the document with a newline. */
void json_finish(struct json_out *j);

#endif
