/* JSON view of a .tlv file. */
#include "ctl_render.h"

#include <stdio.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"
#include "json_out.h"

static void
json_hex(struct json_out *j, const char *key, const uint8_t *p, size_t n)
{
	char buf[HEX_SIZE(64)];

	if (p == NULL)
		json_null(j, key);
	else
		json_string(j, key, hex_format(buf, sizeof(buf), p, n, '\0', 0));
}

static void
json_role(struct json_out *j, unsigned role)
{
	const char *name = ctl_role_name(role);

	if (name != NULL)
		json_string(j, "role", name);
	else
		json_int(j, "role", role);
}

static void
json_record(struct json_out *j, const struct ctl_record *r, bool signer)
{
	char ip[16];
	uint8_t sha1[20];

	json_object_begin(j, NULL);
	json_int(j, "offset", (long long)r->off);
	json_int(j, "length", r->length);
	json_role(j, r->role);
	json_string(j, "dns_name", r->dns_name);
	json_string(j, "subject", r->subject);
	json_string(j, "issuer", r->issuer);
	json_hex(j, "serial", r->serial.p, r->serial.len);
	if (r->has_ip) {
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", r->ip[0], r->ip[1],
		    r->ip[2], r->ip[3]);
		json_string(j, "ip", ip);
	} else {
		json_null(j, "ip");
	}
	if (r->cert != NULL && ctl_cert_sha1(r->cert, sha1) == CTL_OK)
		json_hex(j, "cert_sha1", sha1, 20);
	else
		json_null(j, "cert_sha1");
	json_int(j, "key_bits", r->cert != NULL ? ctl_cert_key_bits(r->cert) :
	    0);
	if (r->cert != NULL)
		json_string(j, "key_type", ctl_cert_key_type(r->cert));
	else
		json_null(j, "key_type");
	json_bool(j, "has_signature_field", r->cert_sig.p != NULL);
	if (r->cert_hash.p != NULL) {
		char hx[HEX_SIZE(64)];

		json_string(j, "cert_hash", hex_format(hx, sizeof(hx),
		    r->cert_hash.p, r->cert_hash.len, '\0', 0));
	}
	json_bool(j, "signer", signer);
	json_object_end(j);
}

void
ctl_render_json(FILE *out, const struct ctl_view *v)
{
	const struct ctl_file *f = v->f;
	const struct ctl_header *h = &f->hdr;
	struct json_out j;
	char md5[33], sha1[41], ver[16];
	size_t i;

	ctl_checksums(f->raw, f->len, md5, sha1);
	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_string(&j, "kind", ctl_kind(f));
	json_int(&j, "length", (long long)f->len);
	json_string(&j, "md5", md5);
	json_string(&j, "sha1", sha1);
	snprintf(ver, sizeof(ver), "%u.%u", h->version_major, h->version_minor);
	json_string(&j, "version", ver);
	json_int(&j, "header_length", h->header_length);
	if (ctl_digest_name(h->digest) != NULL)
		json_string(&j, "digest", ctl_digest_name(h->digest));
	else if (h->digest >= 0)
		json_int(&j, "digest", h->digest);
	else
		json_null(&j, "digest");
	json_int(&j, "signature_bits", ctl_modulus_bits(h->sig_modulus));
	json_string(&j, "filename", h->filename);
	if (h->has_timestamp)
		json_int(&j, "timestamp", h->timestamp);
	else
		json_null(&j, "timestamp");
	json_object_begin(&j, "signer");
	json_string(&j, "name", h->signer_name);
	json_string(&j, "issuer", h->ca_name);
	json_hex(&j, "serial", h->serial.p, h->serial.len);
	json_int(&j, "record", v->signer >= 0 ? v->signer + 1 : 0);
	json_object_end(&j);
	json_bool(&j, "signature_valid", v->verify_rc == CTL_OK);
	if (v->verify_rc == CTL_OK)
		json_null(&j, "verify_error");
	else
		json_string(&j, "verify_error", v->verify_msg != NULL ?
		    v->verify_msg : ctl_strerror(v->verify_rc));
	json_array_begin(&j, "records");
	for (i = 0; i < f->nrecords; i++)
		json_record(&j, &f->records[i], (int)i == v->signer);
	json_array_end(&j);
	json_array_begin(&j, "unknown_fields");
	for (i = 0; i < f->nunknown; i++) {
		json_object_begin(&j, NULL);
		if (f->unknown[i].record >= 0)
			json_int(&j, "record", f->unknown[i].record + 1);
		else
			json_null(&j, "record");
		json_int(&j, "tag", f->unknown[i].tag);
		json_int(&j, "offset", (long long)f->unknown[i].off);
		json_int(&j, "length", (long long)f->unknown[i].len);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}
