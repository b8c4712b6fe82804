/*
 * The rehearsal of a phone reset: N simulated phones of a model mix, each
 * downloading CTLFile.tlv and ITLFile.tlv from its node over TFTP
 * (libcurl), judging them with the phone model (phone.h) and asking its
 * node's TVS (tvs_client.h) where the model says, C at a time, all on
 * one event loop (rehearse_phone.h).  Every network step has a timeout,
 * so a rehearsal always ends.  This file checks the options and runs the
 * loop; cmd_rehearse.c finds the cluster and prints the report.
 */
#ifndef CTLCLIENT_REHEARSE_H
#define CTLCLIENT_REHEARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"
#include "phone.h"
#include "tvs_ask.h"

struct ctl_diag;

#define REHEARSE_MAX_PHONES      1000000
#define REHEARSE_MAX_CONCURRENCY 1024
#define REHEARSE_MAX_MODELS      32
#define REHEARSE_FILE_MAX        (1024u * 1024)  /* one downloaded file */
#define REHEARSE_TFTP_TRIES      3       /* transfers per file, as phones retry */
#define REHEARSE_MAX_TVS         8       /* servers in the --tvs list */
#define REHEARSE_EXAMPLE_MAX     (2 * CTL_DIAG_MAX)  /* a verdict's reason */

/* Where the phones of one node download from and ask. */
struct rehearse_node {
	char name[65];
	char tftp_host[256];
	uint16_t tftp_port;
	char tvs_host[256];
	uint16_t tvs_port;
};

/* One entry of the model mix: MODEL for WEIGHT parts of the phones. */
struct rehearse_mix {
	const struct phone_model *model;
	unsigned weight;
};

struct rehearse_opts {
	const struct rehearse_node *nodes;   /* phone i is on node i % n */
	size_t nnodes;
	const struct rehearse_mix *mix;
	size_t nmix;
	size_t phones;
	int concurrency;
	int timeout_ms;                      /* each TFTP download, each TVS step */
	const struct ctl_file *ctl;          /* what every phone holds; NULL */
	const struct ctl_file *itl;          /* for none */
	bool nonsecure;                      /* the cluster is non-secure */
	/* When NTVS > 0, every phone asks these TVS servers instead of its
	 * node's, in order, as a phone tries the TVS servers of its
	 * CallManager group: it moves to the next when one cannot be
	 * reached, times out, fails the TLS check or answers garbage; an
	 * answer, valid or invalid, ends the search. */
	const struct tvs_target *tvs;
	size_t ntvs;
	bool progress;                       /* a progress line on stderr */
};

/* What one TVS server of the list did. */
struct rehearse_tvs_count {
	size_t valid, invalid;  /* answers */
	size_t failed;          /* tries without an answer: the phone moved on */
};

/* The verdicts on one kind of file (CTL or ITL) for a set of phones. */
struct rehearse_file_count {
	size_t how[PHONE_HOW_N];
	size_t why[PHONE_WHY_N];
	char example[PHONE_WHY_N][REHEARSE_EXAMPLE_MAX];  /* first reason */
};

/* The phones of one model. */
struct rehearse_count {
	const struct phone_model *model;
	size_t phones;
	size_t accepted;        /* took (or kept) both files */
	size_t rejecting;       /* rejected at least one */
	struct rehearse_file_count ctl, itl;
};

struct rehearse_result {
	struct rehearse_count models[REHEARSE_MAX_MODELS]; /* as in the mix */
	size_t nmodels;
	struct rehearse_count total;
	size_t tftp_downloads, tvs_queries;
	size_t errors;          /* TFTP and TVS failures (any model) */
	size_t tvs_rejecting;   /* phones with TVS that reject a file */
	size_t warnings;        /* phones without TVS that reject a file */
	struct rehearse_tvs_count tvs[REHEARSE_MAX_TVS];  /* as in the list */
	long long elapsed_ms;
};

/*
 * Parses a model mix "8845:40,7975:30,7960:30" (weights 1..1000000; a
 * model without a weight counts 1) into MIX (room for
 * REHEARSE_MAX_MODELS), setting *N.  CTL_ERR_USAGE with D on an unknown
 * model or a bad weight.
 */
int rehearse_mix_parse(const char *s, struct rehearse_mix *mix, size_t *n,
    struct ctl_diag *d);

/* The model of phone I: deterministic, in proportion to the weights. */
const struct phone_model *rehearse_model_of(const struct rehearse_mix *mix,
    size_t nmix, size_t i);

/* Sets up libcurl for the process; call once, first. */
int rehearse_global_init(struct ctl_diag *d);

/*
 * Downloads tftp://HOST:PORT/FILE within TIMEOUT_MS into *DATA (freed by
 * the caller) and *LEN, at most REHEARSE_FILE_MAX bytes.  Returns
 * PHONE_DL_OK, PHONE_DL_ABSENT (the server has no such file), or
 * PHONE_DL_FAILED with the reason in ERR (ERRSZ bytes).
 */
enum phone_dl rehearse_tftp_get(const char *host, uint16_t port,
    const char *file, int timeout_ms, uint8_t **data, size_t *len,
    char *err, size_t errsz);

/* The files of a snapshot directory, in this order. */
#define REHEARSE_CTL_FILE "CTLFile.tlv"
#define REHEARSE_ITL_FILE "ITLFile.tlv"

/*
 * Reads the snapshot directory DIR (given with OPTION, for messages)
 * made by rehearse --snapshot: OUT[0] gets its CTLFile.tlv, OUT[1] its
 * ITLFile.tlv, each NULL when absent (the cluster served none); the
 * caller frees them, also after a failure.  CTL_ERR_USAGE when DIR is
 * not a directory; the errors of ctl_load() for a file that cannot be
 * read or is not a valid .tlv file.
 */
int rehearse_snapshot_read(const char *dir, const char *option,
    struct ctl_file *out[2], struct ctl_diag *d);

/*
 * Runs the rehearsal O describes and fills *R.  Fails only when it
 * cannot start (CTL_ERR_USAGE for bad options, CTL_ERR_CRYPTO for the
 * TLS contexts, CTL_ERR_NOMEM); what the phones meet is in *R.
 */
int rehearse_run(const struct rehearse_opts *o, struct rehearse_result *r,
    struct ctl_diag *d);

#endif
