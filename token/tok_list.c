/* Taking stock of modules, slots, tokens, certificates, readers, USB. */
#include "tok_int.h"
#include "tok_list.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "hex.h"

/* Where the certificate inventory gives up: no token holds more. */
#define CERTS_MAX 64

const char *
tok_key_pair_name(enum tok_key_pair p)
{
	switch (p) {
	case TOK_PAIR_PRESENT: return "present";
	case TOK_PAIR_PROBABLE: return "probable";
	case TOK_PAIR_UNKNOWN: break;
	}
	return "unknown";
}

static char *
dup_str(const char *s)
{
	return strdup(s != NULL ? s : "");
}

static char *
name_line(const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *s = NULL;
	long len;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, n, 0,
	    XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(b, &p)) >= 0 &&
	    (s = malloc((size_t)len + 1)) != NULL) {
		memcpy(s, p, (size_t)len);
		s[len] = '\0';
	}
	BIO_free(b);
	return s;
}

static char *
serial_hex(const X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *h, *s = NULL;

	if (bn != NULL && (h = BN_bn2hex(bn)) != NULL) {
		s = strdup(h);
		OPENSSL_free(h);
	}
	BN_free(bn);
	return s;
}

static char *
time_str(const ASN1_TIME *t)
{
	struct tm tm;
	char buf[32];

	if (ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		return strdup("?");
	return strdup(buf);
}

static const char *
key_type(const EVP_PKEY *k)
{
	switch (k != NULL ? EVP_PKEY_get_base_id(k) : NID_undef) {
	case EVP_PKEY_RSA: return "RSA";
	case EVP_PKEY_EC: return "EC";
	case EVP_PKEY_DSA: return "DSA";
	case NID_undef: return "none";
	}
	return "other";
}

static int
same_id(const PKCS11_KEY *k, const PKCS11_CERT *c)
{
	return k->id_len == c->id_len && memcmp(k->id, c->id, c->id_len) == 0;
}

static enum tok_key_pair
pair_of(const PKCS11_CERT *c, PKCS11_KEY *priv, unsigned int npriv,
    PKCS11_KEY *pub, unsigned int npub)
{
	unsigned int i;

	for (i = 0; i < npriv; i++)
		if (same_id(&priv[i], c))
			return TOK_PAIR_PRESENT;
	for (i = 0; i < npub; i++)
		if (same_id(&pub[i], c))
			return TOK_PAIR_PROBABLE;
	return TOK_PAIR_UNKNOWN;
}

static int
cert_info(const PKCS11_CERT *c, enum tok_key_pair pair,
    struct tok_cert_info *ci)
{
	char idhex[HEX_SIZE(64)];
	unsigned char md[20];
	unsigned int mdlen = 0;
	const EVP_PKEY *pk = X509_get0_pubkey(c->x509);

	ci->pair = pair;
	ci->key_type = key_type(pk);
	ci->key_bits = pk != NULL ? EVP_PKEY_get_bits(pk) : 0;
	if (X509_digest(c->x509, EVP_sha1(), md, &mdlen) == 1 &&
	    mdlen == sizeof(md))
		hex_format(ci->sha1, sizeof(ci->sha1), md, mdlen, '\0', 0);
	hex_format(idhex, sizeof(idhex), c->id, c->id_len, '\0', 0);
	if ((ci->label = dup_str(c->label)) == NULL ||
	    (ci->id_hex = strdup(idhex)) == NULL ||
	    (ci->subject = name_line(X509_get_subject_name(c->x509))) ==
	    NULL ||
	    (ci->issuer = name_line(X509_get_issuer_name(c->x509))) == NULL ||
	    (ci->serial_hex = serial_hex(c->x509)) == NULL ||
	    (ci->not_after = time_str(X509_get0_notAfter(c->x509))) == NULL)
		return CTL_ERR_NOMEM;
	return CTL_OK;
}

static int
token_info(PKCS11_SLOT *slot, struct tok_token_info *ti)
{
	PKCS11_TOKEN *t = slot->token;
	PKCS11_CERT *certs = NULL;
	PKCS11_KEY *priv = NULL, *pub = NULL;
	unsigned int nc = 0, npriv = 0, npub = 0, i;

	ti->initialized = t->initialized;
	ti->login_required = t->loginRequired;
	ti->pin_pad = t->secureLogin;
	ti->pin_count_low = t->userPinCountLow;
	ti->pin_final_try = t->userPinFinalTry;
	ti->pin_locked = t->userPinLocked;
	ti->pin_to_be_changed = t->userPinToBeChanged;
	if ((ti->label = dup_str(t->label)) == NULL ||
	    (ti->manufacturer = dup_str(t->manufacturer)) == NULL ||
	    (ti->model = dup_str(t->model)) == NULL ||
	    (ti->serial = dup_str(t->serialnr)) == NULL)
		return CTL_ERR_NOMEM;
	if (!t->initialized)
		return CTL_OK;
	if (PKCS11_enumerate_certs(t, &certs, &nc) != 0) {
		ti->certs_unreadable = 1;
		return CTL_OK;
	}
	/* Without login these list only the objects a token shows anyone. */
	if (PKCS11_enumerate_keys(t, &priv, &npriv) != 0)
		npriv = 0;
	if (PKCS11_enumerate_public_keys(t, &pub, &npub) != 0)
		npub = 0;
	if (nc > CERTS_MAX)
		nc = CERTS_MAX;
	if (nc > 0 && (ti->certs = calloc(nc, sizeof(*ti->certs))) == NULL)
		return CTL_ERR_NOMEM;
	for (i = 0; i < nc; i++) {
		ti->ncerts++;
		if (cert_info(&certs[i], pair_of(&certs[i], priv, npriv, pub,
		    npub), &ti->certs[i]) != CTL_OK)
			return CTL_ERR_NOMEM;
	}
	return CTL_OK;
}

/* A token that SafeNet's or OpenSC's eToken support would present. */
static int
safenet_like(const PKCS11_SLOT *s)
{
	static const char *const marks[] = { "SafeNet", "Aladdin", "eToken",
	    "Gemalto", "Thales", "IDPrime", NULL };
	const char *fields[4];
	size_t i, j;

	fields[0] = s->description;
	fields[1] = s->token->manufacturer;
	fields[2] = s->token->model;
	fields[3] = s->token->label;
	for (i = 0; marks[i] != NULL; i++)
		for (j = 0; j < 4; j++)
			if (fields[j] != NULL && strcasestr(fields[j],
			    marks[i]) != NULL)
				return 1;
	return 0;
}

static int
take_module(struct tok_inventory *inv, const char *module, size_t *served)
{
	struct tok_ctx *ctx = NULL;
	unsigned int i;
	int r;

	*served = 0;
	if (tok_ctx_open(module, &ctx, &inv->module_diag) != CTL_OK)
		return CTL_OK;
	r = CTL_ERR_NOMEM;
	if ((inv->module = strdup(ctx->module)) == NULL)
		goto out;
	if (ctx->nslots > 0 &&
	    (inv->slots = calloc(ctx->nslots, sizeof(*inv->slots))) == NULL)
		goto out;
	for (i = 0; i < ctx->nslots; i++) {
		PKCS11_SLOT *s = &ctx->slots[i];
		struct tok_slot_info *si = &inv->slots[i];

		inv->nslots++;
		si->id = PKCS11_get_slotid_from_slot(s);
		si->removable = s->removable;
		if ((si->description = dup_str(s->description)) == NULL ||
		    (si->manufacturer = dup_str(s->manufacturer)) == NULL)
			goto out;
		if (s->token == NULL)
			continue;
		if ((si->token = calloc(1, sizeof(*si->token))) == NULL ||
		    token_info(s, si->token) != CTL_OK)
			goto out;
		if (safenet_like(s))
			(*served)++;
	}
	r = CTL_OK;
out:
	tok_ctx_free(ctx);
	return r;
}

int
tok_inventory_take(const char *module, struct tok_inventory **out,
    struct ctl_diag *d)
{
	struct tok_inventory *inv;
	size_t served = 0;
	int r;

	*out = NULL;
	if ((inv = calloc(1, sizeof(*inv))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	if ((r = take_module(inv, module, &served)) != CTL_OK)
		goto out;
	r = tok_pcsc_readers(&inv->readers, &inv->nreaders,
	    &inv->pcsc_running, &inv->pcsc_diag);
	if (r == CTL_ERR_NOMEM)
		goto out;
	r = tok_usb_scan(&inv->usb, &inv->nusb, &inv->usb_diag);
	if (r == CTL_ERR_NOMEM)
		goto out;
	inv->usb_ok = r == CTL_OK;
	inv->usb_unserved = inv->nusb > served ? inv->nusb - served : 0;
	*out = inv;
	inv = NULL; /* transferred */
	r = CTL_OK;
out:
	tok_inventory_free(inv);
	if (r != CTL_OK)
		ctl_diag_set(d, r, "out of memory");
	return r;
}

static void
free_token(struct tok_token_info *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncerts; i++) {
		free(t->certs[i].label);
		free(t->certs[i].id_hex);
		free(t->certs[i].subject);
		free(t->certs[i].issuer);
		free(t->certs[i].serial_hex);
		free(t->certs[i].not_after);
	}
	free(t->certs);
	free(t->label);
	free(t->manufacturer);
	free(t->model);
	free(t->serial);
	free(t);
}

void
tok_inventory_free(struct tok_inventory *inv)
{
	size_t i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nslots; i++) {
		free(inv->slots[i].description);
		free(inv->slots[i].manufacturer);
		free_token(inv->slots[i].token);
	}
	free(inv->slots);
	free(inv->module);
	tok_readers_free(inv->readers, inv->nreaders);
	free(inv->usb);
	free(inv);
}
