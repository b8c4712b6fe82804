/*
 * Failed logins per client address.  After PUB_LOGIN_MAX_FAILS failures
 * from one address within PUB_LOGIN_WINDOW seconds, that address must
 * wait PUB_LOGIN_WAIT seconds before any login from it is even checked.
 * A successful login clears the address's count.  Thread-safe.
 */
#ifndef PUB_RATELIMIT_H
#define PUB_RATELIMIT_H

#include <stdbool.h>
#include <time.h>

#define PUB_LOGIN_MAX_FAILS 5
#define PUB_LOGIN_WINDOW    600
#define PUB_LOGIN_WAIT      60
#define PUB_RATELIMIT_SLOTS 256   /* addresses tracked; the oldest is reused */

/* Seconds ADDR must still wait before a login is checked (0: go ahead). */
unsigned pub_login_wait(const char *addr, time_t now);

/* Records the outcome of a login from ADDR. */
void pub_login_result(const char *addr, bool ok, time_t now);

#endif
