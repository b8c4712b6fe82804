/* `show ctl` layout. */
#include "ctl_render.h"

#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"

#define ROW "%-8s%-22s%-8s"

void
ctl_checksums(const uint8_t *p, size_t len, char md5[33], char sha1[41])
{
	uint8_t h[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	md5[0] = sha1[0] = '\0';
	if (EVP_Digest(p, len, h, &n, EVP_md5(), NULL) == 1)
		hex_format(md5, 33, h, n, '\0', 0);
	if (EVP_Digest(p, len, h, &n, EVP_sha1(), NULL) == 1)
		hex_format(sha1, 41, h, n, '\0', 0);
}

static void
row(FILE *out, unsigned tag, const char *name, size_t len, const char *val)
{
	char t[8], l[16], nb[16];

	snprintf(t, sizeof(t), "%u", tag);
	snprintf(l, sizeof(l), "%zu", len);
	if (name == NULL) {
		snprintf(nb, sizeof(nb), "(tag %u)", tag);
		name = nb;
	}
	fprintf(out, ROW "%s\n", t, name, l, val != NULL ? val : "");
}

/* Long binary values, 16 bytes a line, under the VALUE column. */
static void
hex_block(FILE *out, const uint8_t *p, size_t n)
{
	char line[HEX_SIZE(16)];
	size_t i;

	for (i = 0; i < n; i += 16)
		fprintf(out, "%38s%s\n", "", hex_format(line, sizeof(line),
		    p + i, n - i < 16 ? n - i : 16, ' ', 0));
}

static void
header_rows(FILE *out, const struct ctl_file *f)
{
	const struct ctl_header *h = &f->hdr;
	const struct ctl_field *fl;
	char v[256];
	size_t i;
	time_t ts;
	struct tm tm;

	for (i = 0; i < h->nfields; i++) {
		fl = &h->fields[i];
		v[0] = '\0';
		switch (fl->tag) {
		case CTL_H_VERSION:
		case CTL_H_HEADERLENGTH:
		case CTL_H_PADDING:
			continue;       /* printed above the table */
		case CTL_H_SIGNERID:
		case CTL_H_SIGNATUREINFO:
		case CTL_H_SIGNATUREALGOINFO:
			/* CUCM prints a container as a 2-byte length whose
			 * value is the size of what it holds. */
			snprintf(v, sizeof(v), "%zu", fl->len == 2 ?
			    (size_t)((fl->val[0] << 8) | fl->val[1]) : fl->len);
			row(out, fl->tag, ctl_header_tag_name(fl->tag), 2, v);
			continue;
		case CTL_H_SIGNERNAME:
		case CTL_H_CANAME:
		case CTL_H_FILENAME:
			snprintf(v, sizeof(v), "%s", (const char *)fl->val);
			break;
		case CTL_H_SERIALNUMBER:
			hex_format(v, sizeof(v), fl->val, fl->len, ':', 1);
			break;
		case CTL_H_DIGESTALGORITHM:
			snprintf(v, sizeof(v), "%s", ctl_digest_name(fl->val[0]) ?
			    ctl_digest_name(fl->val[0]) : "unknown");
			break;
		case CTL_H_SIGNATUREALGORITHM:
			snprintf(v, sizeof(v), "%s", fl->val[0] == 0 ? "RSA" :
			    "unknown");
			break;
		case CTL_H_SIGNATUREMODULUS:
			if (ctl_modulus_bits(fl->val[0]) > 0)
				snprintf(v, sizeof(v), "%d bits",
				    ctl_modulus_bits(fl->val[0]));
			break;
		case CTL_H_SIGNATURE:
			row(out, fl->tag, "SIGNATURE", fl->len, NULL);
			hex_block(out, fl->val, fl->len);
			continue;
		case CTL_H_TIMESTAMP:
			ts = (time_t)h->timestamp;
			if (gmtime_r(&ts, &tm) != NULL)
				strftime(v, sizeof(v), "%Y-%m-%d %H:%M:%S UTC",
				    &tm);
			break;
		case CTL_H_SIGNERVERSION:
			snprintf(v, sizeof(v), "%u.%u", fl->val[0], fl->val[1]);
			break;
		}
		row(out, fl->tag, ctl_header_tag_name(fl->tag), fl->len, v);
	}
}

static void
record_rows(FILE *out, const struct ctl_record *r)
{
	const struct ctl_field *fl;
	char v[256], role[16];
	uint8_t sha1[20];
	size_t i;
	const char *title;

	for (i = 0; i < r->nfields; i++) {
		fl = &r->fields[i];
		v[0] = '\0';
		switch (fl->tag) {
		case CTL_R_RECORDLENGTH:
			snprintf(v, sizeof(v), "%u", r->length);
			break;
		case CTL_R_DNSNAME:
		case CTL_R_SUBJECTNAME:
		case CTL_R_ISSUERNAME:
			snprintf(v, sizeof(v), "%s", (const char *)fl->val);
			break;
		case CTL_R_FUNCTION:
			title = ctl_role_title(r->role);
			if (title == NULL) {
				snprintf(role, sizeof(role), "%u", r->role);
				title = role;
			}
			snprintf(v, sizeof(v), "%s", title);
			break;
		case CTL_R_SERIALNUMBER:
			hex_format(v, sizeof(v), fl->val, fl->len, ':', 1);
			break;
		case CTL_R_PUBLICKEY:
			/* The key the record's certificate carries. */
			if (r->cert != NULL)
				ctl_cert_key_describe(r->cert, v, sizeof(v));
			break;
		case CTL_R_CERTIFICATE:
			if (r->cert == NULL)
				snprintf(v, sizeof(v), "(not a DER certificate)");
			else if (ctl_cert_sha1(r->cert, sha1) == CTL_OK) {
				hex_format(v, sizeof(v), sha1, 20, ' ', 1);
				strncat(v, " (SHA1 Hash HEX)",
				    sizeof(v) - strlen(v) - 1);
			}
			break;
		case CTL_R_IPADDRESS:
			snprintf(v, sizeof(v), "%u.%u.%u.%u", fl->val[0],
			    fl->val[1], fl->val[2], fl->val[3]);
			break;
		case CTL_R_CERTHASH:
			hex_format(v, sizeof(v), fl->val, fl->len, ' ', 1);
			break;
		case CTL_R_HASHALGORITHM:
			snprintf(v, sizeof(v), "%s", ctl_digest_name(fl->val[0]) ?
			    ctl_digest_name(fl->val[0]) : "unknown");
			break;
		}
		row(out, fl->tag, ctl_record_tag_name(fl->tag), fl->len, v);
	}
}

void
ctl_render_text(FILE *out, const struct ctl_view *v)
{
	const struct ctl_file *f = v->f;
	const char *kind = ctl_kind(f);
	char md5[33], sha1[41];
	size_t i;

	ctl_checksums(f->raw, f->len, md5, sha1);
	fprintf(out, "The checksum value of the %s file:\n%s(MD5)\n%s(SHA1)\n\n",
	    kind, md5, sha1);
	fprintf(out, "Length of %s file: %zu\n", kind, f->len);
	if (v->modified != NULL)
		fprintf(out, "The %s File was last modified on %s\n", kind,
		    v->modified);
	fprintf(out, "\nParse %s File\n----------------\n\n", kind);
	fprintf(out, "Version:        %u.%u\n", f->hdr.version_major,
	    f->hdr.version_minor);
	fprintf(out, "HeaderLength:   %u (BYTES)\n\n", f->hdr.header_length);
	fprintf(out, ROW "%s\n", "BYTEPOS", "TAG", "LENGTH", "VALUE");
	fprintf(out, ROW "%s\n", "-------", "---", "------", "-----");
	header_rows(out, f);

	for (i = 0; i < f->nrecords; i++) {
		fprintf(out, "\n\t%s Record #:%zu\n\t----\n", kind, i + 1);
		fprintf(out, ROW "%s\n", "BYTEPOS", "TAG", "LENGTH", "VALUE");
		fprintf(out, ROW "%s\n", "-------", "---", "------", "-----");
		record_rows(out, &f->records[i]);
		if (f->records[i].role == CTL_ROLE_SAST)
			fprintf(out, "\nThis etoken was %sused to sign the %s "
			    "file.\n", (int)i == v->signer ? "" : "not ", kind);
	}
	if (f->nunknown > 0)
		fputc('\n', out);
	for (i = 0; i < f->nunknown; i++) {
		const struct ctl_unknown *u = &f->unknown[i];
		char where[32];

		if (u->record < 0)
			snprintf(where, sizeof(where), "the header");
		else
			snprintf(where, sizeof(where), "record %d",
			    u->record + 1);
		fprintf(out, "Unknown field in %s: tag %u at byte %zu, %zu "
		    "bytes (kept, not interpreted)\n", where, u->tag, u->off,
		    u->len);
	}
	if (v->verify_rc == CTL_OK)
		fprintf(out, "\nThe %s file was verified successfully.\n", kind);
	else
		fprintf(out, "\nThe %s file was NOT verified: %s\n", kind,
		    v->verify_msg != NULL ? v->verify_msg :
		    ctl_strerror(v->verify_rc));
}
