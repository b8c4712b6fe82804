/*
 * Smart card readers and cards through pcsc-lite (pcscd).  A host without
 * pcscd running is not an error: it simply shows no readers.
 */
#ifndef CTL_TOK_PCSC_H
#define CTL_TOK_PCSC_H

#include <stddef.h>
#include <stdint.h>

struct ctl_diag;

#define TOK_ATR_MAX 33

struct tok_reader {
	char *name;
	int card;                  /* a card (token) is in the reader */
	uint8_t atr[TOK_ATR_MAX];  /* its ATR, when there is a card */
	size_t atr_len;
};

/*
 * Lists the PC/SC readers and whether each holds a card.  *OUT (freed
 * with tok_readers_free) holds *N entries.  *RUNNING is 0 when pcscd does
 * not run (then CTL_OK with no readers).  Fails with CTL_ERR_IO on any
 * other PC/SC failure.
 */
int tok_pcsc_readers(struct tok_reader **out, size_t *n, int *running,
    struct ctl_diag *d);

void tok_readers_free(struct tok_reader *r, size_t n);

/*
 * Waits up to TIMEOUT_MS milliseconds for a card to be present in any
 * reader, readers plugged in meanwhile included (through pcsc-lite's
 * \\?PnP?\Notification reader); returns at once when one already is.
 * On success the reader's name is copied to READER.  Fails with
 * CTL_ERR_TIMEOUT when none appeared in time, CTL_ERR_NOT_FOUND when pcscd
 * does not run, CTL_ERR_IO on other PC/SC failures.
 */
int tok_pcsc_wait_card(unsigned long timeout_ms, char *reader,
    size_t readersz, struct ctl_diag *d);

#endif
