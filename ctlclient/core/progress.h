/*
 * A progress line on a terminal: "done of total, rate, time left",
 * rewritten in place (carriage return, clear to end of line) at most a
 * few times a second, and wiped at the end so the report starts on a
 * clean line.  Disabled, it prints nothing.
 */
#ifndef CTLCLIENT_PROGRESS_H
#define CTLCLIENT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PROGRESS_INTERVAL_MS 250

struct progress {
	FILE *out;              /* NULL: disabled */
	const char *what;       /* "phones" */
	size_t total;
	long long start_ms, last_ms;
	bool shown;
};

/* Starts P for TOTAL items named WHAT, printing on OUT when ENABLED. */
void progress_start(struct progress *p, FILE *out, bool enabled,
    const char *what, size_t total);

/* DONE items of the total are finished: rewrites the line unless it
 * was written less than PROGRESS_INTERVAL_MS ago. */
void progress_update(struct progress *p, size_t done);

/* Wipes the line, if one was shown. */
void progress_end(struct progress *p);

#endif
