/*
 * Monotonic milliseconds, for deadlines and elapsed times: never the
 * wall clock, which can jump.
 */
#ifndef CTL_CLOCK_H
#define CTL_CLOCK_H

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
long long ctl_now_ms(void);

#endif
