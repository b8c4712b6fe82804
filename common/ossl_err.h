/*
 * OpenSSL's error queue as text for messages.  OpenSSL may have no text
 * for an error (ERR_reason_error_string() returns NULL then), and the
 * queue may hold several entries for one failure; these never return
 * NULL and never leave a message empty.
 */
#ifndef OSSL_ERR_H
#define OSSL_ERR_H

#include <stddef.h>

/* The reason of the most recent error in the queue, which stays as it
 * is; "no detail" when there is none.  A static string. */
const char *ossl_err_reason(void);

/*
 * Appends the text of error E to OUT (CAP bytes, a string), after "; "
 * when OUT holds something already; cut to fit.  Entries of no library
 * (libevent's errno entries) have no text and are skipped.
 */
void ossl_err_append(char *out, size_t cap, unsigned long e);

/* Empties the queue into OUT (CAP bytes), oldest first, or writes "no
 * detail from OpenSSL" when the queue is empty. */
void ossl_err_drain(char *out, size_t cap);

#endif
