/* Monotonic milliseconds: see clock.h. */
#include "clock.h"

#include <limits.h>
#include <time.h>

long long
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
ctl_deadline_ms(unsigned long timeout_ms)
{
	long long now = ctl_now_ms();

	/* Compared on the limit side, so that the sum cannot overflow. */
	if (timeout_ms > (unsigned long long)(LLONG_MAX - now))
		return LLONG_MAX;
	return now + (long long)timeout_ms;
}

unsigned long
ctl_ms_left(long long deadline)
{
	long long left = deadline - ctl_now_ms();

	if (left <= 0)
		return 0;
	if ((unsigned long long)left > ULONG_MAX)
		return ULONG_MAX;
	return (unsigned long)left;
}
