/* The rehearsal's tally: see rehearse_count.h. */
#include "rehearse_count.h"

#include <stdio.h>
#include <string.h>

static void
count_file(struct rehearse_file_count *c, const struct phone_verdict *v)
{
	c->how[v->how]++;
	c->why[v->why]++;
	if (!v->accepted && c->example[v->why][0] == '\0')
		snprintf(c->example[v->why], sizeof(c->example[v->why]), "%s",
		    v->reason);
}

static size_t
mix_index(const struct rehearse_opts *o, const struct phone_model *m)
{
	size_t k;

	for (k = 0; k < o->nmix; k++)
		if (o->mix[k].model == m)
			break;
	return k;
}

void
rehearse_count_phone(struct rehearse_result *r, const struct rehearse_opts *o,
    const struct phone *ph, const struct phone_verdict *cv,
    const struct phone_verdict *iv)
{
	struct rehearse_count *c = &r->models[mix_index(o, ph->model)];
	bool rejects = !cv->accepted || !iv->accepted;

	c->phones++;
	count_file(&c->ctl, cv);
	count_file(&c->itl, iv);
	if (rejects)
		c->rejecting++;
	else
		c->accepted++;
	if (phone_why_is_error(cv->why) || phone_why_is_error(iv->why))
		r->errors++;
	if (rejects && ph->model->tvs != PHONE_TVS_NONE)
		r->tvs_rejecting++;
	else if (rejects)
		r->warnings++;
}

static void
merge_file(struct rehearse_file_count *to,
    const struct rehearse_file_count *from)
{
	size_t k;

	for (k = 0; k < PHONE_HOW_N; k++)
		to->how[k] += from->how[k];
	for (k = 0; k < PHONE_WHY_N; k++) {
		to->why[k] += from->why[k];
		if (to->example[k][0] == '\0')
			memcpy(to->example[k], from->example[k],
			    sizeof(to->example[k]));
	}
}

void
rehearse_count_total(struct rehearse_result *r)
{
	struct rehearse_count *to = &r->total;
	size_t k;

	memset(to, 0, sizeof(*to));
	for (k = 0; k < r->nmodels; k++) {
		to->phones += r->models[k].phones;
		to->accepted += r->models[k].accepted;
		to->rejecting += r->models[k].rejecting;
		merge_file(&to->ctl, &r->models[k].ctl);
		merge_file(&to->itl, &r->models[k].itl);
	}
}
