#include "pub_ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

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
