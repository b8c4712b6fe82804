/*
 * Monotonic milliseconds, for deadlines and elapsed times: never the
 * wall clock, which can jump.
 */
#ifndef CTL_CLOCK_H
#define CTL_CLOCK_H

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
long long ctl_now_ms(void);

/*
 * The ctl_now_ms() value TIMEOUT_MS from now. A timeout too large for the
 * signed clock is cut to the largest deadline rather than wrapping into
 * the past.
 */
long long ctl_deadline_ms(unsigned long timeout_ms);

/* Milliseconds left before DEADLINE (a ctl_now_ms() value); 0 once past. */
unsigned long ctl_ms_left(long long deadline);

#endif
