/* The check before a move between clusters: see move_check.h. */
#include "move_check.h"

#include <stdio.h>
#include <string.h>

#include "ctl_err.h"

const char *
move_family_name(enum phone_tvs f)
{
	switch (f) {
	case PHONE_TVS_TLS10: return "TVS, TLS 1.0";
	case PHONE_TVS_TLS12: return "TVS, TLS 1.2";
	default: return "no TVS";
	}
}

const char *
move_holds_name(const struct move_class *c)
{
	if (c->holds_ctl)
		return c->holds_itl ? "CTL+ITL" : "CTL";
	return c->holds_itl ? "ITL" : "nothing";
}

/* What the TVS callback of one class needs. */
struct answer {
	const struct move_tvs *tvs;
	struct move_class *c;
};

/*
 * The phone model's TVS question, answered as A's TVS would: the phone
 * first authenticates A's TVS (one of the certificates it presents must
 * be a TVS record of the installed ITL), then TVS looks the signer up.
 */
static int
answer_tvs(void *arg, const struct phone *ph, X509 *const *pinned,
    size_t npinned, X509 *cert, bool *valid, struct ctl_diag *d)
{
	struct answer *a = arg;
	const char *where;
	size_t i, k;

	(void)ph;
	for (i = 0; i < a->tvs->npresented; i++)
		for (k = 0; k < npinned; k++)
			if (X509_cmp(a->tvs->presented[i], pinned[k]) == 0)
				goto authenticated;
	return ctl_diag_set(d, CTL_ERR_TLS, "none of the %zu TVS "
	    "certificates the old cluster's nodes present is among the TVS "
	    "records of the ITL the phones hold, so the phones cannot "
	    "authenticate its TVS (was a TVS certificate regenerated after "
	    "the phones last reset?)", a->tvs->npresented);
authenticated:
	where = a->tvs->vouches(a->tvs->arg, cert);
	*valid = where != NULL;
	if (where != NULL && a->c->tvs_where[0] == '\0')
		snprintf(a->c->tvs_where, sizeof(a->c->tvs_where), "%s", where);
	return CTL_OK;
}

/* "7942 7945 ..." for the models of family F, into OUT (N bytes); the
 * first of them into *FIRST. */
static void
family_models(enum phone_tvs f, char *out, size_t n,
    const struct phone_model **first)
{
	const struct phone_model *m;
	size_t i, nm, used = 0;
	int w;

	*first = NULL;
	out[0] = '\0';
	m = phone_models(&nm);
	for (i = 0; i < nm; i++) {
		if (m[i].tvs != f)
			continue;
		if (*first == NULL)
			*first = &m[i];
		w = snprintf(out + used, n - used, "%s%s", used ? " " : "",
		    m[i].name);
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/* A file of B as the phone's download finds it. */
static void
served(const struct ctl_file *f, struct phone_download *dl)
{
	memset(dl, 0, sizeof(*dl));
	dl->state = f != NULL ? PHONE_DL_OK : PHONE_DL_ABSENT;
	dl->data = f != NULL ? f->raw : NULL;
	dl->len = f != NULL ? f->len : 0;
}

int
move_check_run(const struct move_files *f, const struct move_tvs *tvs,
    struct move_result *r, struct ctl_diag *d)
{
	static const enum phone_tvs families[] = { PHONE_TVS_NONE,
	    PHONE_TVS_TLS10, PHONE_TVS_TLS12 };
	struct phone_download dc, di;
	struct phone ph;
	struct answer a;
	struct move_class *c;
	size_t i, held, nheld = f->a_ctl != NULL ? 2 : 1;
	int rc;

	memset(r, 0, sizeof(*r));
	served(f->b_ctl, &dc);
	served(f->b_itl, &di);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		for (held = 0; held < nheld; held++) {
			c = &r->classes[r->nclasses++];
			c->family = families[i];
			family_models(c->family, c->models, sizeof(c->models),
			    &c->model);
			/* The first is what the phones of A hold; the
			 * second, a phone whose CTL was deleted by hand. */
			c->holds_ctl = held == 0 && f->a_ctl != NULL;
			c->holds_itl = f->a_itl != NULL &&
			    c->family != PHONE_TVS_NONE;
			memset(&ph, 0, sizeof(ph));
			ph.model = c->model;
			snprintf(ph.device, sizeof(ph.device),
			    "CP-%s-SEP0A0000000000", c->model->name);
			ph.ctl = c->holds_ctl ? f->a_ctl : NULL;
			ph.itl = c->holds_itl ? f->a_itl : NULL;
			a.tvs = tvs;
			a.c = c;
			if ((rc = phone_reset(&ph, &dc, &di, f->b_ctl == NULL,
			    answer_tvs, &a, &c->ctl, &c->itl)) != CTL_OK)
				return ctl_diag_set(d, rc, "out of memory "
				    "judging the %s phones",
				    move_family_name(c->family));
			c->accepted = c->ctl.accepted && c->itl.accepted;
			if (!c->accepted && c->family != PHONE_TVS_NONE)
				r->tvs_rejecting++;
			else if (!c->accepted)
				r->warnings++;
		}
	return CTL_OK;
}
