#include "pub_ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"

struct slot {
	char addr[64];
	unsigned fails;
	time_t first;         /* first failure of the window */
	time_t blocked_until;
};

static struct slot slots[PUB_RATELIMIT_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of ADDR, or a fresh one (the least recently failed). */
static struct slot *
find(const char *addr, bool create)
{
	struct slot *oldest = &slots[0];
	size_t i;

	for (i = 0; i < PUB_RATELIMIT_SLOTS; i++) {
		if (strcmp(slots[i].addr, addr) == 0)
			return &slots[i];
		if (slots[i].first < oldest->first)
			oldest = &slots[i];
	}
	if (!create)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->addr, sizeof(oldest->addr), "%s", addr);
	return oldest;
}

unsigned
pub_login_wait(const char *addr, time_t now)
{
	struct slot *s;
	unsigned wait = 0;

	pthread_mutex_lock(&lock);
	if ((s = find(addr, false)) != NULL && s->blocked_until > now)
		wait = (unsigned)(s->blocked_until - now);
	pthread_mutex_unlock(&lock);
	return wait;
}

void
pub_login_result(const char *addr, bool ok, time_t now)
{
	struct slot *s;

	pthread_mutex_lock(&lock);
	if (ok) {
		if ((s = find(addr, false)) != NULL)
			memset(s, 0, sizeof(*s));
	} else {
		s = find(addr, true);
		if (s->fails == 0 || now - s->first > PUB_LOGIN_WINDOW) {
			s->fails = 0;
			s->first = now;
		}
		if (++s->fails >= PUB_LOGIN_MAX_FAILS) {
			s->blocked_until = now + PUB_LOGIN_WAIT;
			s->fails = 0;
		}
	}
	pthread_mutex_unlock(&lock);
}

/* --- connection slots --- */

struct addr_count {
	uint32_t addr;
	unsigned n;             /* 0: free entry */
};

struct pub_slots {
	pthread_mutex_t lock;
	unsigned total, unauth;
	bool freed;             /* pub_slots_free() called */
	/* at most one entry per connection, so never full */
	struct addr_count addrs[PUB_MAX_CONNS];
};

int
pub_slots_new(struct pub_slots **out)
{
	struct pub_slots *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (t == NULL)
		return CTL_ERR_NOMEM;
	pthread_mutex_init(&t->lock, NULL);
	*out = t;
	return CTL_OK;
}

/* ADDR's entry, or NULL; *FREE gets a free one when there is. */
static struct addr_count *
addr_entry(struct pub_slots *t, uint32_t addr, struct addr_count **free_e)
{
	size_t i;

	*free_e = NULL;
	for (i = 0; i < PUB_MAX_CONNS; i++) {
		if (t->addrs[i].n == 0) {
			if (*free_e == NULL)
				*free_e = &t->addrs[i];
		} else if (t->addrs[i].addr == addr)
			return &t->addrs[i];
	}
	return NULL;
}

enum pub_slot_verdict
pub_slots_take(struct pub_slots *t, uint32_t addr)
{
	struct addr_count *e, *free_e;
	enum pub_slot_verdict v = PUB_SLOT_TAKEN;

	pthread_mutex_lock(&t->lock);
	e = addr_entry(t, addr, &free_e);
	if (t->total >= PUB_MAX_CONNS)
		v = PUB_SLOT_FULL;
	else if (e != NULL && e->n >= PUB_MAX_PER_ADDR)
		v = PUB_SLOT_ADDR_FULL;
	else if (t->unauth >= PUB_MAX_UNAUTH)
		v = PUB_SLOT_UNAUTH_FULL;
	else {
		if (e == NULL) {
			/* total < PUB_MAX_CONNS, so an entry is free */
			e = free_e;
			e->addr = addr;
		}
		e->n++;
		t->total++;
		t->unauth++;
	}
	pthread_mutex_unlock(&t->lock);
	return v;
}

void
pub_slots_authed(struct pub_slots *t)
{
	pthread_mutex_lock(&t->lock);
	t->unauth--;
	pthread_mutex_unlock(&t->lock);
}

unsigned
pub_slots_count(struct pub_slots *t)
{
	unsigned n;

	pthread_mutex_lock(&t->lock);
	n = t->total;
	pthread_mutex_unlock(&t->lock);
	return n;
}

static void
slots_destroy(struct pub_slots *t)
{
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void
pub_slots_give(struct pub_slots *t, uint32_t addr, bool authed)
{
	struct addr_count *e, *free_e;
	bool last;

	pthread_mutex_lock(&t->lock);
	if ((e = addr_entry(t, addr, &free_e)) != NULL)
		e->n--;
	t->total--;
	if (!authed)
		t->unauth--;
	last = t->freed && t->total == 0;
	pthread_mutex_unlock(&t->lock);
	if (last)
		slots_destroy(t);
}

void
pub_slots_free(struct pub_slots *t)
{
	bool now;

	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	t->freed = true;
	now = t->total == 0;
	pthread_mutex_unlock(&t->lock);
	if (now)
		slots_destroy(t);
}

const char *
pub_slot_verdict_str(enum pub_slot_verdict v)
{
	switch (v) {
	case PUB_SLOT_TAKEN: return "accepted";
	case PUB_SLOT_FULL: return "all connections are taken";
	case PUB_SLOT_ADDR_FULL: return "too many connections from this "
	    "address";
	case PUB_SLOT_UNAUTH_FULL: return "too many connections not yet "
	    "logged in";
	}
	return "refused";
}
