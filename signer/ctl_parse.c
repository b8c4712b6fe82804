/* Parsing a .tlv file into a struct ctl_file. */
#include "ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "ctl_err.h"
#include "tlv_reader.h"

#define MAX_SERIAL 64   /* RFC 5280 says 20 octets; leave room for odd CAs */

struct parse {
	struct ctl_file *f;
	struct ctl_diag *d;
	uint32_t seen;          /* header tags seen, one bit per tag < 32 */
	bool have_hdrlen;
	unsigned ntop;          /* top-level fields other than padding */
};

static int
add_field(struct ctl_field *arr, size_t *n, const struct tlv *t,
    uint8_t depth, const char *where, struct ctl_diag *d)
{
	if (*n >= CTL_MAX_FIELDS)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG, "%s: byte %zu: more "
		    "than %d fields", where, t->off, CTL_MAX_FIELDS);
	arr[*n].tag = t->tag;
	arr[*n].depth = depth;
	arr[*n].off = t->off;
	arr[*n].len = t->len;
	arr[*n].val = t->val;
	(*n)++;
	return CTL_OK;
}

static int
add_unknown(struct ctl_file *f, int record, const struct tlv *t)
{
	struct ctl_unknown *nu;

	/* Bounded by CTL_MAX_FIELDS per container times the record count. */
	nu = realloc(f->unknown, (f->nunknown + 1) * sizeof(*nu));
	if (nu == NULL)
		return CTL_ERR_NOMEM;
	f->unknown = nu;
	nu[f->nunknown].record = record;
	nu[f->nunknown].tag = t->tag;
	nu[f->nunknown].off = t->off;
	nu[f->nunknown].len = t->len;
	f->nunknown++;
	return CTL_OK;
}

static int
check_serial(const struct tlv *t, tlv_namer namer, const char *where,
    struct ctl_diag *d)
{
	if (t->len == 0 || t->len > MAX_SERIAL)
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s at byte %zu: "
		    "length %zu, expected 1 to %d bytes", where, namer(t->tag),
		    t->off, t->len, MAX_SERIAL);
	return CTL_OK;
}

static int parse_header_level(struct parse *ps, struct rbuf *r, uint8_t depth);

/*
 * A container (SIGNERID, SIGNATUREINFO, SIGNATUREALGOINFO) comes in two
 * shapes.  Nested: its value is its children.  Flat: its value is two
 * bytes giving the length of the children that follow it.  No nested
 * value can be two bytes long unless it is two padding bytes, because
 * every other field takes at least three, so the two cannot be confused.
 */
static int
parse_container(struct parse *ps, struct rbuf *r, const struct tlv *t,
    uint8_t depth)
{
	struct rbuf sub;
	uint16_t n;

	if (t->len == 2 && !(t->val[0] == TLV_PADDING &&
	    t->val[1] == TLV_PADDING)) {
		n = tlv_u16(t);
		if (rb_get_sub(r, n, &sub) != CTL_OK)
			return ctl_diag_set(ps->d, CTL_ERR_TRUNCATED,
			    "header: %s at byte %zu: its %u bytes of fields "
			    "run past the header (%zu bytes left)",
			    ctl_header_tag_name(t->tag), t->off, n,
			    rb_avail(r));
	} else {
		sub.p = t->val;
		sub.len = t->len;
		sub.off = 0;
		sub.base = t->off + 3;
	}
	return parse_header_level(ps, &sub, (uint8_t)(depth + 1));
}

static int
header_field(struct parse *ps, struct rbuf *r, const struct tlv *t,
    uint8_t depth)
{
	struct ctl_header *h = &ps->f->hdr;
	struct ctl_diag *d = ps->d;
	tlv_namer nm = ctl_header_tag_name;
	const char *w = "header";
	int rc = CTL_OK;
	size_t end;

	switch (t->tag) {
	case CTL_H_VERSION:
		if ((rc = tlv_check_len(t, 2, nm, w, d)) != CTL_OK)
			return rc;
		h->version_major = t->val[0];
		h->version_minor = t->val[1];
		if (h->version_major != 1)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "header: VERSION "
			    "at byte %zu: version %u.%u; this program reads "
			    "version 1 files only", t->off, t->val[0],
			    t->val[1]);
		break;
	case CTL_H_HEADERLENGTH:
		if ((rc = tlv_check_len(t, 2, nm, w, d)) != CTL_OK)
			return rc;
		if (depth != 0)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "header: "
			    "HEADERLENGTH at byte %zu is inside a container",
			    t->off);
		h->header_length = tlv_u16(t);
		end = r->base + r->len;
		if (h->header_length < rb_pos(r))
			return ctl_diag_set(d, CTL_ERR_FORMAT, "header: "
			    "HEADERLENGTH at byte %zu is %u, but the fields "
			    "before it already take %zu bytes", t->off,
			    h->header_length, rb_pos(r));
		if (h->header_length > end)
			return ctl_diag_set(d, CTL_ERR_TRUNCATED, "header: "
			    "HEADERLENGTH at byte %zu is %u, past the end of "
			    "the file (%zu bytes)", t->off, h->header_length,
			    end);
		r->len = h->header_length - r->base;
		ps->have_hdrlen = true;
		break;
	case CTL_H_SIGNERID:
	case CTL_H_SIGNATUREINFO:
	case CTL_H_SIGNATUREALGOINFO:
		return parse_container(ps, r, t, depth);
	case CTL_H_SIGNERNAME:
	case CTL_H_CANAME:
	case CTL_H_FILENAME:
		if ((rc = tlv_check_string(t, nm, w, d)) != CTL_OK)
			return rc;
		if (t->tag == CTL_H_SIGNERNAME)
			h->signer_name = (const char *)t->val;
		else if (t->tag == CTL_H_CANAME)
			h->ca_name = (const char *)t->val;
		else
			h->filename = (const char *)t->val;
		break;
	case CTL_H_SERIALNUMBER:
		if ((rc = check_serial(t, nm, w, d)) != CTL_OK)
			return rc;
		h->serial.p = t->val;
		h->serial.len = t->len;
		break;
	case CTL_H_DIGESTALGORITHM:
	case CTL_H_SIGNATUREALGORITHM:
	case CTL_H_SIGNATUREMODULUS:
		if ((rc = tlv_check_len(t, 1, nm, w, d)) != CTL_OK)
			return rc;
		if (t->tag == CTL_H_DIGESTALGORITHM)
			h->digest = t->val[0];
		else if (t->tag == CTL_H_SIGNATUREALGORITHM)
			h->sig_algorithm = t->val[0];
		else
			h->sig_modulus = t->val[0];
		break;
	case CTL_H_SIGNATURE:
		if (t->len == 0)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "header: "
			    "SIGNATURE at byte %zu is empty", t->off);
		h->signature.p = t->val;
		h->signature.len = t->len;
		h->signature_off = t->off;
		break;
	case CTL_H_TIMESTAMP:
		if ((rc = tlv_check_len(t, 4, nm, w, d)) != CTL_OK)
			return rc;
		h->has_timestamp = true;
		h->timestamp = tlv_u32(t);
		break;
	case CTL_H_SIGNERVERSION:
		if ((rc = tlv_check_len(t, 2, nm, w, d)) != CTL_OK)
			return rc;
		h->has_signer_version = true;
		h->signer_version_major = t->val[0];
		h->signer_version_minor = t->val[1];
		break;
	default:
		return add_unknown(ps->f, -1, t);
	}
	return CTL_OK;
}

static int
parse_header_level(struct parse *ps, struct rbuf *r, uint8_t depth)
{
	struct ctl_header *h = &ps->f->hdr;
	struct tlv t;
	int rc;

	while (rb_avail(r) > 0) {
		if ((rc = tlv_next(r, true, ctl_header_tag_name, "header", &t,
		    ps->d)) != CTL_OK)
			return rc;
		if ((rc = add_field(h->fields, &h->nfields, &t, depth,
		    "header", ps->d)) != CTL_OK)
			return rc;
		if (t.tag == CTL_H_PADDING)
			continue;
		/* HEADERLENGTH bounds the header: without it early, the
		 * records would be read as header fields. */
		if (depth == 0 && !ps->have_hdrlen && ++ps->ntop >= 2 &&
		    t.tag != CTL_H_HEADERLENGTH)
			return ctl_diag_set(ps->d, CTL_ERR_FORMAT, "header: "
			    "byte %zu: expected HEADERLENGTH among the first "
			    "two fields, found %s", t.off,
			    ctl_header_tag_name(t.tag) ?
			    ctl_header_tag_name(t.tag) : "an unknown tag");
		if (t.tag < 32 && ctl_header_tag_name(t.tag) != NULL) {
			if (ps->seen & (1u << t.tag))
				return ctl_diag_set(ps->d, CTL_ERR_FORMAT,
				    "header: %s at byte %zu: the field appears "
				    "twice", ctl_header_tag_name(t.tag), t.off);
			ps->seen |= 1u << t.tag;
		}
		if ((rc = header_field(ps, r, &t, depth)) != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

static int
record_field(struct ctl_file *f, size_t idx, struct ctl_record *rec,
    struct rbuf *r, const struct tlv *t, const char *w, struct ctl_diag *d)
{
	tlv_namer nm = ctl_record_tag_name;
	const uint8_t *p;
	int rc = CTL_OK;

	switch (t->tag) {
	case CTL_R_RECORDLENGTH:
		if ((rc = tlv_check_len(t, 2, nm, w, d)) != CTL_OK)
			return rc;
		rec->length = tlv_u16(t);
		if (rec->length < r->off)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: RECORDLENGTH "
			    "at byte %zu is %u, but the fields before it "
			    "already take %zu bytes", w, t->off, rec->length,
			    r->off);
		if (rec->length > r->len)
			return ctl_diag_set(d, CTL_ERR_TRUNCATED, "%s: "
			    "RECORDLENGTH at byte %zu is %u, past the end of "
			    "the file (%zu bytes left)", w, t->off,
			    rec->length, r->len);
		r->len = rec->length;
		break;
	case CTL_R_DNSNAME:
	case CTL_R_SUBJECTNAME:
	case CTL_R_ISSUERNAME:
		if ((rc = tlv_check_string(t, nm, w, d)) != CTL_OK)
			return rc;
		if (t->tag == CTL_R_DNSNAME)
			rec->dns_name = (const char *)t->val;
		else if (t->tag == CTL_R_SUBJECTNAME)
			rec->subject = (const char *)t->val;
		else
			rec->issuer = (const char *)t->val;
		break;
	case CTL_R_FUNCTION:
		if ((rc = tlv_check_len(t, 2, nm, w, d)) != CTL_OK)
			return rc;
		rec->has_role = true;
		rec->role = tlv_u16(t);
		break;
	case CTL_R_SERIALNUMBER:
		if ((rc = check_serial(t, nm, w, d)) != CTL_OK)
			return rc;
		rec->serial.p = t->val;
		rec->serial.len = t->len;
		break;
	case CTL_R_PUBLICKEY:
	case CTL_R_SIGNATURE:
	case CTL_R_CERTHASH:
		if (t->len == 0)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s at byte "
			    "%zu is empty", w, nm(t->tag), t->off);
		if (t->tag == CTL_R_PUBLICKEY)
			rec->public_key = (struct ctl_bytes){ t->val, t->len };
		else if (t->tag == CTL_R_SIGNATURE)
			rec->cert_sig = (struct ctl_bytes){ t->val, t->len };
		else
			rec->cert_hash = (struct ctl_bytes){ t->val, t->len };
		break;
	case CTL_R_CERTIFICATE:
		/* A value that is not one DER certificate is kept: the file
		 * is still well-formed, and ctl_verify() says what is wrong. */
		rec->cert_der = (struct ctl_bytes){ t->val, t->len };
		p = t->val;
		rec->cert = d2i_X509(NULL, &p, (long)t->len);
		if (rec->cert != NULL && p != t->val + t->len) {
			X509_free(rec->cert);
			rec->cert = NULL;
		}
		ERR_clear_error();
		break;
	case CTL_R_IPADDRESS:
		if ((rc = tlv_check_len(t, 4, nm, w, d)) != CTL_OK)
			return rc;
		rec->has_ip = true;
		memcpy(rec->ip, t->val, 4);
		break;
	case CTL_R_HASHALGORITHM:
		if ((rc = tlv_check_len(t, 1, nm, w, d)) != CTL_OK)
			return rc;
		rec->hash_algorithm = t->val[0];
		break;
	default:
		return add_unknown(f, (int)idx, t);
	}
	return CTL_OK;
}

/*
 * Reads one record starting at FR's position.  Its end is unknown until
 * RECORDLENGTH is read (any field order is allowed), so the record's
 * reader spans the rest of the file until then and is cut to RECORDLENGTH
 * after.
 */
static int
parse_record(struct ctl_file *f, size_t idx, struct rbuf *fr,
    struct ctl_diag *d)
{
	struct ctl_record *rec = &f->records[idx];
	struct rbuf r;
	struct tlv t;
	uint32_t seen = 0;
	bool have_len = false;
	char w[64];
	int rc;

	rec->off = rb_pos(fr);
	rec->hash_algorithm = -1;
	snprintf(w, sizeof(w), "record %zu at byte %zu", idx + 1, rec->off);
	r.p = fr->p + fr->off;
	r.len = rb_avail(fr);
	r.off = 0;
	r.base = rec->off;
	while (rb_avail(&r) > 0) {
		if ((rc = tlv_next(&r, false, ctl_record_tag_name, w, &t,
		    d)) != CTL_OK)
			return rc;
		if ((rc = add_field(rec->fields, &rec->nfields, &t, 0, w,
		    d)) != CTL_OK)
			return rc;
		if (t.tag < 32 && ctl_record_tag_name(t.tag) != NULL) {
			if (seen & (1u << t.tag))
				return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s "
				    "at byte %zu: the field appears twice%s",
				    w, ctl_record_tag_name(t.tag), t.off,
				    have_len ? "" : " (or RECORDLENGTH is "
				    "missing)");
			seen |= 1u << t.tag;
		}
		if (t.tag == CTL_R_RECORDLENGTH)
			have_len = true;
		if ((rc = record_field(f, idx, rec, &r, &t, w, d)) != CTL_OK)
			return rc;
	}
	if (!have_len)
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: no RECORDLENGTH "
		    "field before the end of the file", w);
	if (!rec->has_role)
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: no FUNCTION "
		    "field", w);
	fr->off += r.len;
	return CTL_OK;
}

int
ctl_parse(const uint8_t *data, size_t len, struct ctl_file **out,
    struct ctl_diag *d)
{
	struct ctl_file *f = NULL;
	struct parse ps;
	struct rbuf r, fr;
	int rc = CTL_ERR_INTERNAL;

	*out = NULL;
	if (len == 0) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "the file is empty; a "
		    ".tlv file starts with VERSION and HEADERLENGTH");
		goto out;
	}
	if (len > CTL_MAX_FILE) {
		rc = ctl_diag_set(d, CTL_ERR_TOO_BIG, "%zu bytes, larger than "
		    "the %u-byte maximum of a .tlv file", len, CTL_MAX_FILE);
		goto out;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->raw = malloc(len)) == NULL) {
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	memcpy(f->raw, data, len);
	f->len = len;
	f->hdr.digest = f->hdr.sig_algorithm = f->hdr.sig_modulus = -1;

	memset(&ps, 0, sizeof(ps));
	ps.f = f;
	ps.d = d;
	rb_init(&r, f->raw, f->len);
	if ((rc = parse_header_level(&ps, &r, 0)) != CTL_OK)
		goto out;
	if (!ps.have_hdrlen) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "header: no HEADERLENGTH "
		    "field");
		goto out;
	}
	if (!(ps.seen & (1u << CTL_H_VERSION))) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "header: no VERSION "
		    "field");
		goto out;
	}

	rb_init(&fr, f->raw, f->len);
	fr.off = f->hdr.header_length;
	while (rb_avail(&fr) > 0) {
		if (f->nrecords == CTL_MAX_RECORDS) {
			rc = ctl_diag_set(d, CTL_ERR_TOO_BIG, "byte %zu: more "
			    "than %d records", rb_pos(&fr), CTL_MAX_RECORDS);
			goto out;
		}
		if (f->nrecords % 16 == 0) {
			struct ctl_record *nr = realloc(f->records,
			    (f->nrecords + 16) * sizeof(*nr));

			if (nr == NULL) {
				rc = CTL_ERR_NOMEM;
				goto out;
			}
			f->records = nr;
		}
		memset(&f->records[f->nrecords], 0, sizeof(f->records[0]));
		/* Counted before parsing so that ctl_free() releases a
		 * half-read record's certificate too. */
		f->nrecords++;
		if ((rc = parse_record(f, f->nrecords - 1, &fr, d)) != CTL_OK)
			goto out;
	}
	*out = f;
	f = NULL; /* transferred */
	rc = CTL_OK;
out:
	ctl_free(f);
	return rc;
}

void
ctl_free(struct ctl_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nrecords; i++)
		X509_free(f->records[i].cert);
	free(f->records);
	free(f->unknown);
	free(f->raw);
	free(f);
}
