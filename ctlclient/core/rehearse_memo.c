/* What the rehearsal remembers between phones: see rehearse_memo.h. */
#include "rehearse_memo.h"

#include <stdlib.h>
#include <string.h>

int
rehearse_memo_file(const struct rehearse_memo *m, int which,
    const uint8_t *data, size_t len)
{
	size_t k;

	for (k = 0; k < m->nfiles; k++)
		if (m->files[k].which == which && m->files[k].len == len &&
		    memcmp(m->files[k].data, data, len) == 0)
			return (int)k;
	return -1;
}

int
rehearse_memo_file_add(struct rehearse_memo *m, int which,
    const uint8_t *data, size_t len)
{
	uint8_t *copy;

	if (m->nfiles == REHEARSE_MEMO_FILES || len == 0 ||
	    (copy = malloc(len)) == NULL)
		return -1;
	memcpy(copy, data, len);
	m->files[m->nfiles].which = which;
	m->files[m->nfiles].data = copy;
	m->files[m->nfiles].len = len;
	return (int)m->nfiles++;
}

static bool
same_answer(const struct rehearse_answer *a, const struct rehearse_answer *b)
{
	if (a->rc != b->rc)
		return false;
	if (a->rc == CTL_OK)
		return a->valid == b->valid;
	return strcmp(a->d.msg, b->d.msg) == 0;
}

static bool
same_key(const struct rehearse_case *a, const struct rehearse_case *b)
{
	size_t k;

	if (a->model != b->model || a->nans != b->nans)
		return false;
	for (k = 0; k < 2; k++)
		if (a->state[k] != b->state[k] || (a->state[k] ==
		    PHONE_DL_OK && a->file[k] != b->file[k]))
			return false;
	for (k = 0; k < a->nans; k++)
		if (!same_answer(&a->ans[k], &b->ans[k]))
			return false;
	return true;
}

const struct rehearse_case *
rehearse_memo_find(const struct rehearse_memo *m,
    const struct rehearse_case *key)
{
	size_t k;

	for (k = 0; k < m->ncases; k++)
		if (same_key(m->cases[k], key))
			return m->cases[k];
	return NULL;
}

void
rehearse_memo_add(struct rehearse_memo *m, const struct rehearse_case *c)
{
	struct rehearse_case *n = NULL;
	X509 **pins = NULL;

	if (m->ncases == REHEARSE_MEMO_CASES ||
	    (n = malloc(sizeof(*n))) == NULL ||
	    (c->asks && (pins = calloc(c->npins, sizeof(*pins))) == NULL)) {
		free(n);
		return;
	}
	*n = *c;
	if (c->asks) {
		memcpy(pins, c->pins, c->npins * sizeof(*pins));
		n->pins = pins;
		X509_up_ref(c->cert);
	} else {
		n->cert = NULL;
		n->pins = NULL;
		n->npins = 0;
	}
	m->cases[m->ncases++] = n;
}

void
rehearse_memo_free(struct rehearse_memo *m)
{
	size_t k;

	for (k = 0; k < m->nfiles; k++)
		free(m->files[k].data);
	for (k = 0; k < m->ncases; k++) {
		X509_free(m->cases[k]->cert);
		free(m->cases[k]->pins);
		free(m->cases[k]);
	}
	memset(m, 0, sizeof(*m));
}
