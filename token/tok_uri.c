/* PKCS#11 URIs (RFC 7512) through p11-kit: parsing and matching. */
#include "tok_int.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"

void
tok_uri_clear(struct tok_uri *u)
{
	if (u->uri != NULL)
		p11_kit_uri_free(u->uri);
	free(u->object);
	free(u->id);
	free(u->pin_source);
	memset(u, 0, sizeof(*u));
}

static int
copy_attr(P11KitUri *uri, CK_ATTRIBUTE_TYPE type, uint8_t **out,
    size_t *len)
{
	CK_ATTRIBUTE *a = p11_kit_uri_get_attribute(uri, type);

	*out = NULL;
	*len = 0;
	if (a == NULL)
		return CTL_OK;
	/* One byte more, so that labels can be used as C strings. */
	if ((*out = calloc(1, a->ulValueLen + 1)) == NULL)
		return CTL_ERR_NOMEM;
	memcpy(*out, a->pValue, a->ulValueLen);
	*len = a->ulValueLen;
	return CTL_OK;
}

int
tok_uri_parse(const char *text, struct tok_uri *u, struct ctl_diag *d)
{
	CK_ATTRIBUTE *cls;
	size_t len;
	int pr, r = CTL_ERR_INTERNAL;

	memset(u, 0, sizeof(*u));
	if (strncmp(text, "pkcs11:", 7) != 0) {
		return ctl_diag_set(d, CTL_ERR_URI,
		    "'%s' is not a PKCS#11 URI: write it as pkcs11:token=LABEL "
		    "(RFC 7512)", strcasestr(text, "pin-value") != NULL ?
		    "(not shown: it holds a PIN)" : text);
	}
	if ((u->uri = p11_kit_uri_new()) == NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	pr = p11_kit_uri_parse(text, P11_KIT_URI_FOR_ANY, u->uri);
	/*
	 * The PIN check comes before anything that echoes TEXT, so that a
	 * PIN typed into a URI is not repeated in an error message.
	 */
	if (pr == P11_KIT_URI_OK && p11_kit_uri_get_pin_value(u->uri) != NULL) {
		r = ctl_diag_set(d, CTL_ERR_URI,
		    "the PKCS#11 URI holds a pin-value: PINs never go on the "
		    "command line (other users can read it from the process "
		    "list); use pin-source=file:PATH with a 0600 file, or "
		    "leave it out to be asked for the PIN");
		goto out;
	}
	if (pr != P11_KIT_URI_OK) {
		r = ctl_diag_set(d, CTL_ERR_URI, "PKCS#11 URI '%s': %s", text,
		    p11_kit_uri_message(pr));
		goto out;
	}
	if (p11_kit_uri_any_unrecognized(u->uri)) {
		r = ctl_diag_set(d, CTL_ERR_URI,
		    "PKCS#11 URI '%s' has an attribute this program does not "
		    "know: use token=, model=, serial=, manufacturer=, "
		    "object=, id=, type= and pin-source=", text);
		goto out;
	}
	if (p11_kit_uri_get_module_name(u->uri) != NULL ||
	    p11_kit_uri_get_module_path(u->uri) != NULL) {
		r = ctl_diag_set(d, CTL_ERR_URI,
		    "PKCS#11 URI '%s' names a module: choose the module with "
		    "--module or %s instead", text, TOK_MODULE_ENV);
		goto out;
	}
	if (copy_attr(u->uri, CKA_LABEL, (uint8_t **)&u->object, &len) != 0 ||
	    copy_attr(u->uri, CKA_ID, &u->id, &u->id_len) != 0) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (u->object != NULL && strlen(u->object) != len) {
		r = ctl_diag_set(d, CTL_ERR_URI,
		    "PKCS#11 URI '%s': object= holds a NUL byte", text);
		goto out;
	}
	if ((cls = p11_kit_uri_get_attribute(u->uri, CKA_CLASS)) != NULL &&
	    cls->ulValueLen == sizeof(CK_OBJECT_CLASS)) {
		u->has_class = 1;
		memcpy(&u->klass, cls->pValue, sizeof(u->klass));
	}
	if (p11_kit_uri_get_pin_source(u->uri) != NULL &&
	    (u->pin_source = strdup(p11_kit_uri_get_pin_source(u->uri))) ==
	    NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	r = CTL_OK;
out:
	if (r != CTL_OK)
		tok_uri_clear(u);
	return r;
}

/* PKCS#11 strings are blank padded and not terminated. */
static void
pad(unsigned char *dst, size_t n, const char *src)
{
	size_t len = src != NULL ? strlen(src) : 0;

	memset(dst, ' ', n);
	memcpy(dst, src, len < n ? len : n);
}

int
tok_uri_match_token(const struct tok_uri *u, const PKCS11_SLOT *slot)
{
	CK_TOKEN_INFO ti;
	CK_SLOT_INFO si;
	CK_SLOT_ID want = p11_kit_uri_get_slot_id(u->uri);

	if (slot->token == NULL)
		return 0;
	memset(&ti, 0, sizeof(ti));
	pad(ti.label, sizeof(ti.label), slot->token->label);
	pad(ti.manufacturerID, sizeof(ti.manufacturerID),
	    slot->token->manufacturer);
	pad(ti.model, sizeof(ti.model), slot->token->model);
	pad(ti.serialNumber, sizeof(ti.serialNumber), slot->token->serialnr);
	memset(&si, 0, sizeof(si));
	pad(si.slotDescription, sizeof(si.slotDescription), slot->description);
	pad(si.manufacturerID, sizeof(si.manufacturerID), slot->manufacturer);
	if (want != (CK_SLOT_ID)-1 &&
	    want != PKCS11_get_slotid_from_slot((PKCS11_SLOT *)slot))
		return 0;
	return p11_kit_uri_match_token_info(u->uri, &ti) &&
	    p11_kit_uri_match_slot_info(u->uri, &si);
}

int
tok_uri_match_object(const struct tok_uri *u, const char *label,
    const unsigned char *id, size_t id_len)
{
	if (u->object != NULL &&
	    (label == NULL || strcmp(u->object, label) != 0))
		return 0;
	if (u->id != NULL &&
	    (id_len != u->id_len || memcmp(id, u->id, id_len) != 0))
		return 0;
	return 1;
}
