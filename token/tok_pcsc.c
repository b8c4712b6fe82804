/* Readers and cards through pcsc-lite. */
#include "tok_pcsc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winscard.h>

#include "clock.h"
#include "ctl_err.h"

/* Bounded so that a misbehaving service cannot make us loop or allocate. */
#define READERS_MAX 32
#define PNP_READER "\\\\?PnP?\\Notification"

void
tok_readers_free(struct tok_reader *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free(r[i].name);
	free(r);
}

/* pcscd not running, or gone: reported as "no PC/SC" rather than failure. */
static int
no_service(LONG rv)
{
	return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED;
}

/*
 * The current reader names as a multi-string (freed with free) and their
 * states in ST (the PnP reader last when PNP is set).  *NST is the number
 * of entries used.
 */
static LONG
list_states(SCARDCONTEXT sc, char **names, SCARD_READERSTATE *st,
    size_t *nst, int pnp)
{
	DWORD len = 0;
	LONG rv;
	char *p;
	size_t n = 0;

	*names = NULL;
	rv = SCardListReaders(sc, NULL, NULL, &len);
	if (rv == SCARD_S_SUCCESS && len > 0) {
		if ((*names = calloc(1, len + 1)) == NULL)
			return SCARD_E_NO_MEMORY;
		rv = SCardListReaders(sc, NULL, *names, &len);
	}
	if (rv == SCARD_E_NO_READERS_AVAILABLE)
		rv = SCARD_S_SUCCESS;
	if (rv != SCARD_S_SUCCESS)
		return rv;
	for (p = *names; p != NULL && *p != '\0' && n < READERS_MAX;
	    p += strlen(p) + 1) {
		memset(&st[n], 0, sizeof(st[n]));
		st[n].szReader = p;
		st[n].dwCurrentState = SCARD_STATE_UNAWARE;
		n++;
	}
	if (pnp) {
		memset(&st[n], 0, sizeof(st[n]));
		st[n].szReader = PNP_READER;
		st[n].dwCurrentState = SCARD_STATE_UNAWARE;
		n++;
	}
	*nst = n;
	return SCARD_S_SUCCESS;
}

int
tok_pcsc_readers(struct tok_reader **out, size_t *n, int *running,
    struct ctl_diag *d)
{
	SCARD_READERSTATE st[READERS_MAX + 1];
	SCARDCONTEXT sc = 0;
	struct tok_reader *r = NULL;
	char *names = NULL;
	size_t nst = 0, i;
	LONG rv;
	int ret = CTL_ERR_INTERNAL, have_ctx = 0;

	*out = NULL;
	*n = 0;
	*running = 0;
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &sc);
	if (no_service(rv))
		return CTL_OK;
	if (rv != SCARD_S_SUCCESS)
		goto pcsc_err;
	have_ctx = 1;
	*running = 1;
	if ((rv = list_states(sc, &names, st, &nst, 0)) != SCARD_S_SUCCESS)
		goto pcsc_err;
	if (nst == 0) {
		ret = CTL_OK;
		goto out;
	}
	/* Timeout 0 with UNAWARE states: just the current state of each. */
	rv = SCardGetStatusChange(sc, 0, st, (DWORD)nst);
	if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
		goto pcsc_err;
	if ((r = calloc(nst, sizeof(*r))) == NULL) {
		ret = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nst; i++) {
		if ((r[i].name = strdup(st[i].szReader)) == NULL) {
			ret = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
			tok_readers_free(r, i);
			r = NULL;
			goto out;
		}
		r[i].card = (st[i].dwEventState & SCARD_STATE_PRESENT) != 0;
		if (r[i].card && st[i].cbAtr <= TOK_ATR_MAX) {
			memcpy(r[i].atr, st[i].rgbAtr, st[i].cbAtr);
			r[i].atr_len = st[i].cbAtr;
		}
	}
	*out = r;
	*n = nst;
	ret = CTL_OK;
	goto out;
pcsc_err:
	ret = ctl_diag_set(d, CTL_ERR_IO, "PC/SC: %s",
	    pcsc_stringify_error(rv));
out:
	free(names);
	if (have_ctx)
		SCardReleaseContext(sc);
	return ret;
}

/* The first reader in ST[0..N) whose event state shows a card. */
static const char *
card_in(const SCARD_READERSTATE *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(st[i].szReader, PNP_READER) != 0 &&
		    (st[i].dwEventState & SCARD_STATE_PRESENT) != 0)
			return st[i].szReader;
	return NULL;
}

/*
 * The time left before DEADLINE as a SCardGetStatusChange() timeout:
 * INFINITE is a DWORD's largest value, so a longer wait is cut just below
 * it rather than turned into "forever" or wrapped into a short one.
 */
static DWORD
pcsc_timeout(long long deadline)
{
	unsigned long left = ctl_ms_left(deadline);

	return left >= (unsigned long)INFINITE ? INFINITE - 1 : (DWORD)left;
}

int
tok_pcsc_wait_card(unsigned long timeout_ms, char *reader, size_t readersz,
    struct ctl_diag *d)
{
	long long deadline = ctl_deadline_ms(timeout_ms);
	SCARD_READERSTATE st[READERS_MAX + 1];
	SCARDCONTEXT sc = 0;
	char *names = NULL;
	const char *hit = NULL;
	size_t nst = 0, i;
	LONG rv;
	int ret = CTL_ERR_INTERNAL;

	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &sc);
	if (no_service(rv)) {
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND,
		    "PC/SC: pcscd does not run");
	}
	if (rv != SCARD_S_SUCCESS) {
		return ctl_diag_set(d, CTL_ERR_IO, "PC/SC: %s",
		    pcsc_stringify_error(rv));
	}
	for (;;) {
		free(names);
		if ((rv = list_states(sc, &names, st, &nst, 1)) !=
		    SCARD_S_SUCCESS)
			break;
		/* First the state as it is now... */
		rv = SCardGetStatusChange(sc, 0, st, (DWORD)nst);
		if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
			break;
		if ((hit = card_in(st, nst)) != NULL)
			break;
		for (i = 0; i < nst; i++)
			st[i].dwCurrentState = st[i].dwEventState &
			    ~(DWORD)SCARD_STATE_CHANGED;
		/* ...then wait for a change: a card, or a reader (PnP). */
		rv = SCardGetStatusChange(sc, pcsc_timeout(deadline), st,
		    (DWORD)nst);
		if (rv != SCARD_S_SUCCESS)
			break;
		if ((hit = card_in(st, nst)) != NULL)
			break;
		/* A reader came or went, or a card left: list them again. */
	}
	if (rv == SCARD_S_SUCCESS) {
		snprintf(reader, readersz, "%s", hit);
		ret = CTL_OK;
	} else if (rv == SCARD_E_TIMEOUT) {
		ret = ctl_diag_set(d, CTL_ERR_TIMEOUT,
		    "PC/SC: no card appeared");
	} else if (no_service(rv)) {
		ret = ctl_diag_set(d, CTL_ERR_NOT_FOUND,
		    "PC/SC: pcscd stopped");
	} else {
		ret = ctl_diag_set(d, CTL_ERR_IO, "PC/SC: %s",
		    pcsc_stringify_error(rv));
	}
	free(names);
	SCardReleaseContext(sc);
	return ret;
}
