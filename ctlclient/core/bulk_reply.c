/* The answers to the bulk certificate requests: see bulk_reply.h. */
#include "bulk_reply.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "net_reply.h"

/* A string field into OUT (OUTSZ bytes), cleaned for a terminal. */
static int
get_text(const struct proto_fields *fs, uint16_t tag, bool required,
    char *out, size_t outsz, struct ctl_diag *d)
{
	int rc = proto_get_str(fs, tag, required, out, outsz - 1, d);

	if (rc == CTL_OK)
		net_clean_text(out);
	return rc == CTL_ERR_NOT_FOUND ? CTL_OK : rc;
}

static int
file_parse(const struct proto_fields *g, struct bulk_r_file *f,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_FILENAME, PT_BULK_TYPE,
	    PT_CLUSTER, PT_NAME, PT_PURPOSE };
	size_t i;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = net_only_fields(g, allowed, 5, "a BULK_FILE", d)) ||
	    (rc = get_text(g, PT_FILENAME, true, f->file, sizeof(f->file),
	    d)) ||
	    (rc = get_text(g, PT_BULK_TYPE, true, f->type, sizeof(f->type),
	    d)) ||
	    (rc = get_text(g, PT_CLUSTER, false, f->cluster,
	    sizeof(f->cluster), d)) ||
	    (rc = get_text(g, PT_NAME, false, f->node, sizeof(f->node), d)))
		return rc;
	for (i = 0; i < g->n; i++) {
		if (g->f[i].tag != PT_PURPOSE)
			continue;
		if (f->ncerts == BULK_R_NCERTS || g->f[i].len == 0 ||
		    g->f[i].len >= sizeof(f->certs[0]) ||
		    memchr(g->f[i].val, '\0', g->f[i].len) != NULL)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "a BULK_FILE "
			    "names more than %d certificate types, or a bad "
			    "one", BULK_R_NCERTS);
		memcpy(f->certs[f->ncerts], g->f[i].val, g->f[i].len);
		f->certs[f->ncerts][g->f[i].len] = '\0';
		net_clean_text(f->certs[f->ncerts]);
		f->ncerts++;
	}
	return CTL_OK;
}

static int
cert_parse(const struct proto_fields *g, struct bulk_r_cert *c,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_CLUSTER, PT_NAME, PT_PURPOSE,
	    PT_STORE, PT_SHA1, PT_STATE };
	char state[16];
	int rc, have;

	memset(c, 0, sizeof(*c));
	if ((rc = net_only_fields(g, allowed, 6, "a BULK_CERT", d)) ||
	    (rc = get_text(g, PT_CLUSTER, true, c->cluster,
	    sizeof(c->cluster), d)) ||
	    (rc = get_text(g, PT_NAME, true, c->node, sizeof(c->node), d)) ||
	    (rc = get_text(g, PT_PURPOSE, true, c->type, sizeof(c->type),
	    d)) ||
	    (rc = get_text(g, PT_STORE, true, c->store, sizeof(c->store), d)) ||
	    (rc = net_get_sha1(g, PT_SHA1, 1, 0, c->sha1, &have, d)) ||
	    (rc = get_text(g, PT_STATE, true, state, sizeof(state), d)))
		return rc;
	if (strcmp(state, "added") != 0 && strcmp(state, "already") != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "a BULK_CERT's STATE "
		    "is neither added nor already");
	c->already = state[1] == 'l';
	return CTL_OK;
}

int
bulk_r_parse(const struct proto_fields *fs, unsigned type, struct bulk_r *r,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_CLUSTER, PT_BULK_TYPE,
	    PT_FILENAME, PT_BULK_FILE, PT_BULK_CERT };
	struct proto_fields g = { NULL, 0 };
	uint16_t group = type == PROTO_BULK_IMPORT ? PT_BULK_CERT :
	    PT_BULK_FILE;
	size_t i, n;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = net_only_fields(fs, allowed, 5, proto_type_name(type), d)) ||
	    (rc = get_text(fs, PT_CLUSTER, true, r->cluster,
	    sizeof(r->cluster), d)) ||
	    (rc = get_text(fs, PT_BULK_TYPE, type != PROTO_BULK_LIST, r->type,
	    sizeof(r->type), d)) ||
	    (rc = get_text(fs, PT_FILENAME, false, r->file, sizeof(r->file),
	    d)))
		return rc;
	if (proto_count(fs, group == PT_BULK_CERT ? PT_BULK_FILE :
	    PT_BULK_CERT) != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "the answer to %s "
		    "holds groups of the wrong kind", proto_type_name(type));
	n = proto_count(fs, group);
	if (n == 0)
		return CTL_OK;
	if (group == PT_BULK_CERT)
		r->certs = calloc(n, sizeof(*r->certs));
	else
		r->files = calloc(n, sizeof(*r->files));
	if (r->certs == NULL && r->files == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if ((rc = proto_group_at(fs, group, i, &g, d)) == CTL_OK)
			rc = group == PT_BULK_CERT ?
			    cert_parse(&g, &r->certs[i], d) :
			    file_parse(&g, &r->files[i], d);
		proto_fields_free(&g);
		if (rc != CTL_OK)
			return rc;
		if (group == PT_BULK_CERT)
			r->ncerts++;
		else
			r->nfiles++;
	}
	return CTL_OK;
}

void
bulk_r_free(struct bulk_r *r)
{
	free(r->files);
	free(r->certs);
	r->files = NULL;
	r->certs = NULL;
	r->nfiles = r->ncerts = 0;
}
