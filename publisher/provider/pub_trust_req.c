/*
 * TRUST_LIST, TRUST_UPLOAD and TRUST_DELETE: the cluster's trust stores.
 * A deletion is checked here, on the server: a node's own certificate is
 * refused, and what the deletion breaks is told (WARNING, SERVICES).
 */
#include "pub_provider_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_err.h"
#include "hex.h"
#include "pub_node.h"
#include "pub_state.h"
#include "pub_trust.h"

static int
trust_list(struct pub_state *st, bool all, enum pub_trust_purpose p,
    struct proto_out *reply, struct ctl_diag *d)
{
	struct pub_trust_entry *v = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = pub_trust_list(st, all, p, &v, &n, d)) != CTL_OK)
		return rc;
	for (i = 0; i < n; i++) {
		proto_group_begin(reply, PT_TRUST);
		proto_put_str(reply, PT_PURPOSE,
		    pub_trust_purpose_name(v[i].purpose));
		proto_put_bytes(reply, PT_CERT, v[i].der, v[i].der_len);
		pub_put_sha1_hex(reply, PT_SHA1, v[i].sha1);
		proto_group_end(reply);
	}
	pub_trust_list_free(v, n);
	return CTL_OK;
}

static int
trust_upload(struct pub_session *s, enum pub_trust_purpose p,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	char sha[41], note[256];
	const uint8_t *der;
	size_t len;
	int rc;

	if ((rc = proto_get_bytes(fs, PT_CERT, true, PUB_TRUST_CERT_MAX, &der,
	    &len, d)) != CTL_OK ||
	    (rc = pub_trust_add(s->data, s->user, p, der, len, sha, d)) !=
	    CTL_OK)
		return rc;
	pub_put_sha1_hex(reply, PT_SHA1, sha);
	if (pub_trust_validity_note(der, len, (int64_t)time(NULL), note, sizeof(note)))
		proto_put_str(reply, PT_WARNING, note);
	return CTL_OK;
}

static int
trust_delete(struct pub_session *s, enum pub_trust_purpose p,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct pub_trust_notes notes;
	struct pub_trust_system *sys = NULL;
	struct pub_node_cert *own = NULL;
	const char *services;
	const uint8_t *raw;
	size_t len, nown = 0, i;
	char sha[41];
	int rc;

	memset(&notes, 0, sizeof(notes));
	if ((rc = proto_get_bytes(fs, PT_SHA1, true, 20, &raw, &len, d)) !=
	    CTL_OK)
		return rc;
	if (len != 20)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "SHA1 is %zu bytes, "
		    "not 20", len);
	hex_format(sha, sizeof(sha), raw, 20, '\0', 0);
	if ((rc = pub_node_certs_collect(s->data, &own, &nown, d)) != CTL_OK)
		return rc;
	if (nown > 0 && (sys = calloc(nown, sizeof(*sys))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nown; i++) {
		sys[i].node = own[i].node;
		sys[i].type = pub_cert_purpose_name(own[i].purpose);
		memcpy(sys[i].sha1, own[i].sha1, sizeof(sys[i].sha1));
	}
	if ((rc = pub_trust_delete_checked(s->data, s->user, p, sha, sys, nown,
	    &notes, d)) != CTL_OK)
		goto out;
	proto_put_bytes(reply, PT_CERT, notes.der, notes.der_len);
	services = pub_trust_services(pub_trust_purpose_name(p));
	if (services != NULL)
		proto_put_str(reply, PT_SERVICES, services);
	for (i = 0; i < notes.nwarn; i++)
		proto_put_str(reply, PT_WARNING, notes.warn[i]);
out:
	pub_trust_notes_free(&notes);
	free(sys);
	pub_node_certs_free(own, nown);
	return rc;
}

int
pub_do_trust(struct pub_session *s, const struct proto_header *h,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	enum pub_trust_purpose p = PUB_TRUST_PHONE_SAST;
	char purpose[65];
	bool all;
	int rc;

	rc = proto_get_str(fs, PT_PURPOSE, h->type != PROTO_TRUST_LIST,
	    purpose, 64, d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	all = rc == CTL_ERR_NOT_FOUND;
	if (!all && pub_trust_purpose_parse(purpose, &p) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown trust store %s "
		    "(Phone-SAST-trust, CallManager-trust, tomcat-trust, "
		    "CAPF-trust, IPsec-trust)", purpose);
	switch (h->type) {
	case PROTO_TRUST_LIST:
		return trust_list(s->data, all, p, reply, d);
	case PROTO_TRUST_UPLOAD:
		return trust_upload(s, p, fs, reply, d);
	default:
		return trust_delete(s, p, fs, reply, d);
	}
}
