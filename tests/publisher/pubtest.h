/* Helpers for the publisher tests: temporary directories that are
 * removed afterwards, file modes, whole-file reads, a whole cluster. */
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

struct pub_state;

/* A cluster made by pub_init() in a temporary directory, its state open. */
struct pt_cluster {
	char *top;               /* the temporary directory */
	char *dir;               /* the cluster: TOP/c */
	struct pub_state *st;
};

/*
 * Makes a cluster of NODES nodes (ITL signed by ITLRecovery, TVS on TLS
 * 1.2) under a new temporary directory named for TAG, and opens its
 * state.  Returns 0, or -1 with the reason on standard error; C is then
 * empty and pt_cluster_free() may still be called.
 */
int pt_cluster_make(const char *tag, unsigned nodes, struct pt_cluster *c);

/* Closes the state and removes the whole directory. */
void pt_cluster_free(struct pt_cluster *c);

#endif
