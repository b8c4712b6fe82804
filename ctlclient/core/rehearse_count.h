/*
 * The rehearsal's tally: each phone's verdicts added to the counts of
 * its model as it finishes (no phone is kept), and the totals at the
 * end.
 */
#ifndef CTLCLIENT_REHEARSE_COUNT_H
#define CTLCLIENT_REHEARSE_COUNT_H

#include "rehearse.h"

/* Adds phone PH's verdicts CV (CTL) and IV (ITL) to R, under the model
 * of O's mix it belongs to. */
void rehearse_count_phone(struct rehearse_result *r,
    const struct rehearse_opts *o, const struct phone *ph,
    const struct phone_verdict *cv, const struct phone_verdict *iv);

/* Sums R's models into R->total. */
void rehearse_count_total(struct rehearse_result *r);

#endif
