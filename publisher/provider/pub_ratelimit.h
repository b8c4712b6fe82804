/*
 * Limits per client address: failed logins, and connections held.
 *
 * Failed logins per client address.  After PUB_LOGIN_MAX_FAILS failures
 * from one address within PUB_LOGIN_WINDOW seconds, that address must
 * wait PUB_LOGIN_WAIT seconds before any login from it is even checked.
 * A successful login clears the address's count.  Thread-safe.
 */
#ifndef PUB_RATELIMIT_H
#define PUB_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define PUB_LOGIN_MAX_FAILS 5
#define PUB_LOGIN_WINDOW    600
#define PUB_LOGIN_WAIT      60
#define PUB_RATELIMIT_SLOTS 256   /* addresses tracked; the oldest is reused */

/* Seconds ADDR must still wait before a login is checked (0: go ahead). */
unsigned pub_login_wait(const char *addr, time_t now);

/* Records the outcome of a login from ADDR. */
void pub_login_result(const char *addr, bool ok, time_t now);

/*
 * Connection slots of one listening port.  At most PUB_MAX_CONNS
 * connections at once, PUB_MAX_PER_ADDR of them from one client address,
 * and PUB_MAX_UNAUTH of them not yet authenticated (logged in, or a
 * cluster node's certificate): the rest stay free for clients that
 * proved who they are, so strangers cannot starve them.  Thread-safe.
 */
#define PUB_MAX_CONNS    128
#define PUB_MAX_PER_ADDR 8
#define PUB_MAX_UNAUTH   96

struct pub_slots;

/* Which limit refused a connection. */
enum pub_slot_verdict {
	PUB_SLOT_TAKEN,         /* not refused: the slot is the caller's */
	PUB_SLOT_FULL,          /* PUB_MAX_CONNS */
	PUB_SLOT_ADDR_FULL,     /* PUB_MAX_PER_ADDR */
	PUB_SLOT_UNAUTH_FULL,   /* PUB_MAX_UNAUTH */
};

/* A new, empty set of slots: CTL_ERR_NOMEM. */
int pub_slots_new(struct pub_slots **out);

/* Takes a slot, unauthenticated, for a connection from IPv4 address
 * ADDR (network order), or says which limit refuses it. */
enum pub_slot_verdict pub_slots_take(struct pub_slots *t, uint32_t addr);

/* A connection holding a slot has authenticated: its slot no longer
 * counts against PUB_MAX_UNAUTH. */
void pub_slots_authed(struct pub_slots *t);

/* Gives back the slot of a connection from ADDR (AUTHED: it had called
 * pub_slots_authed). */
void pub_slots_give(struct pub_slots *t, uint32_t addr, bool authed);

/* Connections holding a slot now. */
unsigned pub_slots_count(struct pub_slots *t);

/* Frees T once the last slot is given back (now, when none is taken).
 * T must not be taken from after this. */
void pub_slots_free(struct pub_slots *t);

/* What a verdict means, for messages. */
const char *pub_slot_verdict_str(enum pub_slot_verdict v);

#endif
