/*
 * Checking the answers of a CTL Provider: pieces every answer reader
 * uses (only the fields expected, SHA-1 fields, text for a terminal) and
 * the per-node RESULT groups of a change.  They read parsed fields only,
 * so that the unit tests and the fuzz target run them without a server.
 */
#ifndef CTLCLIENT_NET_REPLY_H
#define CTLCLIENT_NET_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "net_opts.h"
#include "proto_frame.h"

struct ctl_diag;

/* Replaces control bytes (and DEL) of S by '?', so that a server's text
 * cannot drive the terminal. */
void net_clean_text(char *s);

/*
 * Fails with CTL_ERR_PROTOCOL when FS holds a field whose tag is not
 * among the N tags in ALLOWED.  WHAT names the answer in the message.
 */
int net_only_fields(const struct proto_fields *fs, const uint16_t *allowed,
    size_t n, const char *what, struct ctl_diag *d);

/*
 * Reads a SHA-1 field: exactly 20 bytes, or, when EMPTY_OK, 0 bytes
 * (then *HAVE is 0).  An absent field is an error when REQUIRED, else
 * *HAVE is 0.  OUT gets lowercase hex ("" when there is none).
 */
int net_get_sha1(const struct proto_fields *fs, uint16_t tag, int required,
    int empty_ok, char out[41], int *have, struct ctl_diag *d);

/* One RESULT group of a change: how one node took it. */
struct net_result {
	char name[65];
	char filename[16];
	int passed;
	char message[NET_MAX_MESSAGE + 1];  /* "" when none */
};

/*
 * Reads and checks every RESULT group of A (at least one) into *OUT
 * (freed by the caller) and *N.
 */
int net_results_parse(const struct proto_fields *fs,
    struct net_result **out, size_t *n, struct ctl_diag *d);

/* Prints RESULTS as the CTL client's server list; returns how many
 * nodes failed. */
size_t net_results_print(FILE *f, const struct net_result *r, size_t n);

#endif
