/*
 * What the rehearsal remembers between phones, so that the phone model
 * judges each distinct case once.  A verdict depends only on the model,
 * on what the phone holds and downloads and on the TVS answers it gets
 * (phone.h; not on the device name), and every phone of a run holds the
 * same files, so phones of one model that download the same bytes and
 * get the same answers get the same verdicts, or ask the same next
 * question.  Downloaded files are compared byte for byte, never hashed.
 * Both tables are bounded: a case past them is judged afresh, so the
 * memory stays flat whatever the number of phones.
 */
#ifndef CTLCLIENT_REHEARSE_MEMO_H
#define CTLCLIENT_REHEARSE_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ctl_err.h"
#include "phone.h"

#define REHEARSE_MEMO_FILES   8    /* distinct downloaded files */
#define REHEARSE_MEMO_CASES   64   /* distinct cases judged */
#define REHEARSE_MEMO_ASKED   2    /* TVS questions per reset: CTL, ITL */

/* A TVS answer given to the model, or why none came. */
struct rehearse_answer {
	int rc;                 /* CTL_OK: VALID holds the answer */
	bool valid;
	struct ctl_diag d;      /* otherwise: why there was none */
};

/* One case: its key (model, downloads, answers) and the outcome. */
struct rehearse_case {
	const struct phone_model *model;
	enum phone_dl state[2];        /* CTL, ITL */
	int file[2];                   /* PHONE_DL_OK: the remembered file */
	size_t nans;
	struct rehearse_answer ans[REHEARSE_MEMO_ASKED];
	/* The outcome: the next question (ASKS, about CERT, authenticating
	 * TVS by PINS) or the verdicts. */
	bool asks;
	X509 *cert;
	X509 **pins;
	size_t npins;
	struct phone_verdict cv, iv;
};

struct rehearse_memo {
	struct {
		int which;              /* 0: CTL, 1: ITL */
		uint8_t *data;
		size_t len;
	} files[REHEARSE_MEMO_FILES];
	size_t nfiles;
	struct rehearse_case *cases[REHEARSE_MEMO_CASES];
	size_t ncases;
};

/* The remembered file WHICH (0: CTL, 1: ITL) equal to DATA (LEN bytes),
 * or -1. */
int rehearse_memo_file(const struct rehearse_memo *m, int which,
    const uint8_t *data, size_t len);

/* Remembers DATA (LEN bytes, copied) as file WHICH, known to be the file
 * it claims to be; its index, or -1 when the table is full or memory
 * short. */
int rehearse_memo_file_add(struct rehearse_memo *m, int which,
    const uint8_t *data, size_t len);

/* The case whose key is that of KEY (its outcome ignored), or NULL. */
const struct rehearse_case *rehearse_memo_find(const struct rehearse_memo *m,
    const struct rehearse_case *key);

/* Remembers C, copied (the certificate and pins referenced, not
 * copied); nothing when the table is full or memory short. */
void rehearse_memo_add(struct rehearse_memo *m, const struct rehearse_case *c);

/* Frees what M remembers. */
void rehearse_memo_free(struct rehearse_memo *m);

#endif
