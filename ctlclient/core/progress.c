/* A progress line on a terminal: see progress.h. */
#include "progress.h"

#include "clock.h"

void
progress_start(struct progress *p, FILE *out, bool enabled,
    const char *what, size_t total)
{
	p->out = enabled ? out : NULL;
	p->what = what;
	p->total = total;
	p->start_ms = ctl_now_ms();
	p->last_ms = 0;
	p->shown = false;
}

void
progress_update(struct progress *p, size_t done)
{
	long long now, ms;
	double rate;
	char left[32];

	if (p->out == NULL)
		return;
	now = ctl_now_ms();
	if (p->shown && now - p->last_ms < PROGRESS_INTERVAL_MS)
		return;
	p->last_ms = now;
	ms = now - p->start_ms;
	rate = ms > 0 ? (double)done * 1000.0 / (double)ms : 0.0;
	if (done == 0 || rate <= 0.0)
		snprintf(left, sizeof(left), "time left unknown");
	else {
		long long s = (long long)((double)(p->total - done) / rate +
		    0.5);

		snprintf(left, sizeof(left), "%lld:%02lld left", s / 60,
		    s % 60);
	}
	fprintf(p->out, "\r\033[K%zu of %zu %s, %.0f/s, %s", done, p->total,
	    p->what, rate, left);
	fflush(p->out);
	p->shown = true;
}

void
progress_end(struct progress *p)
{
	if (p->out == NULL || !p->shown)
		return;
	fputs("\r\033[K", p->out);
	fflush(p->out);
	p->shown = false;
}
