/* Helpers for the publisher tests: temporary directories that are
 * removed afterwards, file modes, whole-file reads. */
#ifndef PUBTEST_H
#define PUBTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A new directory under $TMPDIR (or /tmp), as a new string; NULL on
 * failure. */
char *pt_tempdir(const char *tag);

/* Removes the tree at PATH and frees PATH (NULL is allowed). */
void pt_rmtree(char *path);

/* The permission bits of PATH, or -1 when it does not exist. */
int pt_mode(const char *path);

/* Does PATH exist? */
int pt_exists(const char *path);

/* "A/B" or "A/B/C" as a new string (C may be NULL). */
char *pt_path(const char *a, const char *b, const char *c);

/* How many entries of DIR start with PREFIX. */
int pt_count_prefix(const char *dir, const char *prefix);

#endif
