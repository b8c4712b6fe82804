/* Waiting for a token or card to be plugged in. */
#ifndef CTL_TOK_WAIT_H
#define CTL_TOK_WAIT_H

#include <stddef.h>

struct ctl_diag;

/*
 * Waits up to TIMEOUT_MS milliseconds until a token is present: a card
 * in a PC/SC reader (pcsc-lite's plug-and-play notification) or an
 * initialised token in a slot of the PKCS#11 module chosen as by
 * tok_module_find(MODULE) (its slot list is read again every second:
 * libp11 0.4.12 has no call for C_WaitForSlotEvent).  Returns at once
 * when one is already there.  Either source may be missing, not both.
 * On success WHAT (WHATSZ bytes) says what was found.  Fails with
 * CTL_ERR_TIMEOUT, or CTL_ERR_MODULE when neither pcscd nor a module can
 * be watched.
 */
int tok_wait_present(const char *module, unsigned long timeout_ms,
    char *what, size_t whatsz, struct ctl_diag *d);

#endif
