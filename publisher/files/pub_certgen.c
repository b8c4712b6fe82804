#include "pub_certgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ctl_err.h"
#include "file_io.h"
#include "secret.h"

#define DAY (24L * 3600L)

static const struct {
	const char *name;
	enum pub_key_type type;
} key_names[] = {
	{ "rsa2048", PUB_KEY_RSA2048 }, { "rsa3072", PUB_KEY_RSA3072 },
	{ "rsa4096", PUB_KEY_RSA4096 }, { "ec256", PUB_KEY_EC256 },
	{ "ec384", PUB_KEY_EC384 },
};

int
pub_key_type_parse(const char *s, enum pub_key_type *t)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(key_names) / sizeof(key_names[0]);
	    i++)
		if (strcasecmp(s, key_names[i].name) == 0) {
			*t = key_names[i].type;
			return CTL_OK;
		}
	return CTL_ERR_USAGE;
}

int
pub_key_type_is_ec(enum pub_key_type t)
{
	return t == PUB_KEY_EC256 || t == PUB_KEY_EC384;
}

const char *
pub_key_describe(const EVP_PKEY *key, char *buf, size_t len)
{
	int bits = key != NULL ? EVP_PKEY_get_bits(key) : 0;

	if (key != NULL && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC)
		snprintf(buf, len, "EC P-%d", bits);
	else if (key != NULL && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
		snprintf(buf, len, "RSA %d", bits);
	else
		snprintf(buf, len, "unknown %d", bits);
	return buf;
}

int
pub_key_type_rsa_bits(enum pub_key_type t)
{
	switch (t) {
	case PUB_KEY_RSA2048: return 2048;
	case PUB_KEY_RSA3072: return 3072;
	case PUB_KEY_RSA4096: return 4096;
	default: return 0;
	}
}

EVP_PKEY *
pub_key_new(enum pub_key_type t)
{
	int bits = pub_key_type_rsa_bits(t);

	if (bits > 0)
		return EVP_RSA_gen((unsigned)bits);
	switch (t) {
	case PUB_KEY_EC256: return EVP_EC_gen("P-256");
	case PUB_KEY_EC384: return EVP_EC_gen("P-384");
	default: return NULL;   /* the default has no key of its own */
	}
}

static X509_NAME *
subject_for(const char *cn)
{
	static const char *const tail[][2] = {
		{ "OU", "Open CTL Lab" }, { "O", "Open CTL" },
		{ "L", "Krakow" }, { "ST", "Malopolska" }, { "C", "PL" },
	};
	X509_NAME *n = X509_NAME_new();
	size_t i;

	if (n == NULL)
		return NULL;
	if (!X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0))
		goto fail;
	for (i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		if (!X509_NAME_add_entry_by_txt(n, tail[i][0], MBSTRING_UTF8,
		    (const unsigned char *)tail[i][1], -1, -1, 0))
			goto fail;
	return n;
fail:
	X509_NAME_free(n);
	return NULL;
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int
add_san(X509 *x, const struct pub_certgen *g)
{
	char buf[512];
	size_t off = 0, i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < 4 && g->san_dns[i] != NULL; i++) {
		n = snprintf(buf + off, sizeof(buf) - off, "%sDNS:%s",
		    off ? "," : "", g->san_dns[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - off)
			return 0;
		off += (size_t)n;
	}
	for (i = 0; i < 4 && g->san_ip[i] != NULL; i++) {
		n = snprintf(buf + off, sizeof(buf) - off, "%sIP:%s",
		    off ? "," : "", g->san_ip[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - off)
			return 0;
		off += (size_t)n;
	}
	if (off == 0)
		return 1;
	return add_ext(x, NULL, NID_subject_alt_name, buf);
}

/* The extensions CUCM puts on its certificates, trimmed to what TLS and
 * the trust lists look at. */
static int
add_extensions(X509 *x, X509 *issuer, const struct pub_certgen *g)
{
	bool ec = EVP_PKEY_get_base_id(X509_get0_pubkey(x)) == EVP_PKEY_EC;

	switch (g->kind) {
	case PUB_CERT_SELF_SIGNED:
		/* An EC key neither enciphers keys nor data (CUCM's
		 * -ECDSA certificates say so too). */
		if (ec)
			return add_ext(x, x, NID_basic_constraints,
			    "critical,CA:FALSE") &&
			    add_ext(x, x, NID_key_usage, "critical,"
			    "digitalSignature,keyAgreement") &&
			    add_ext(x, x, NID_ext_key_usage,
			    "serverAuth,clientAuth") &&
			    add_ext(x, x, NID_subject_key_identifier, "hash");
		return add_ext(x, x, NID_basic_constraints, "critical,CA:FALSE") &&
		    add_ext(x, x, NID_key_usage, "critical,digitalSignature,"
		    "keyEncipherment,dataEncipherment,keyAgreement") &&
		    add_ext(x, x, NID_ext_key_usage, "serverAuth,clientAuth") &&
		    add_ext(x, x, NID_subject_key_identifier, "hash");
	case PUB_CERT_SELF_CA:
	case PUB_CERT_CLUSTER_CA:
		return add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") &&
		    add_ext(x, x, NID_key_usage,
		    "critical,digitalSignature,keyCertSign,cRLSign") &&
		    add_ext(x, x, NID_subject_key_identifier, "hash");
	case PUB_CERT_TLS_SERVER:
	case PUB_CERT_TLS_CLIENT:
		return add_ext(x, issuer, NID_basic_constraints,
		    "critical,CA:FALSE") &&
		    add_ext(x, issuer, NID_key_usage,
		    "critical,digitalSignature,keyAgreement") &&
		    add_ext(x, issuer, NID_ext_key_usage,
		    g->kind == PUB_CERT_TLS_SERVER ? "serverAuth" : "clientAuth") &&
		    add_ext(x, issuer, NID_subject_key_identifier, "hash") &&
		    add_ext(x, issuer, NID_authority_key_identifier, "keyid:always") &&
		    add_san(x, g);
	}
	return 0;
}

static int
set_random_serial(X509 *x)
{
	uint8_t b[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return 0;
	/* A positive serial of exactly 16 bytes, as CUCM's. */
	b[0] = (uint8_t)((b[0] & 0x7f) | 0x40);
	if ((bn = BN_bin2bn(b, sizeof(b), NULL)) == NULL)
		return 0;
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

int
pub_certgen_make(const struct pub_certgen *g, X509 **cert, EVP_PKEY **key,
    struct ctl_diag *d)
{
	X509 *x = NULL, *issuer;
	EVP_PKEY *k = NULL, *ikey;
	X509_NAME *name = NULL;
	bool tls = g->kind == PUB_CERT_TLS_SERVER ||
	    g->kind == PUB_CERT_TLS_CLIENT;
	enum pub_key_type kt = g->key_type;
	long days = g->kind == PUB_CERT_CLUSTER_CA ? 3650 : 1825;
	int rc = CTL_ERR_CRYPTO;

	*cert = NULL;
	*key = NULL;
	if (tls && (g->issuer == NULL || g->issuer_key == NULL))
		return ctl_diag_set(d, CTL_ERR_USAGE,
		    "a TLS certificate needs the cluster CA to issue it");
	if (g->key != NULL) {
		if (!EVP_PKEY_up_ref(g->key))
			goto out;
		k = g->key;
	} else {
		if (kt == PUB_KEY_DEFAULT)
			kt = g->kind == PUB_CERT_SELF_SIGNED ||
			    g->kind == PUB_CERT_SELF_CA ? PUB_KEY_RSA2048 :
			    PUB_KEY_EC256;
		if ((k = pub_key_new(kt)) == NULL)
			goto fail;
	}
	name = g->subject != NULL ? X509_NAME_dup(g->subject) :
	    subject_for(g->cn);
	if (name == NULL || (x = X509_new()) == NULL)
		goto fail;
	issuer = tls ? g->issuer : x;
	ikey = tls ? g->issuer_key : k;
	if (!X509_set_version(x, 2) || !set_random_serial(x) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, tls ? X509_get_subject_name(g->issuer) :
	    name) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -DAY) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), days * DAY) == NULL ||
	    !X509_set_pubkey(x, k) || !add_extensions(x, issuer, g) ||
	    !X509_sign(x, ikey, EVP_PKEY_get_bits(ikey) == 384 &&
	    EVP_PKEY_get_base_id(ikey) == EVP_PKEY_EC ? EVP_sha384() :
	    EVP_sha256()))
		goto fail;
	*cert = x;
	*key = k;
	x = NULL; /* transferred */
	k = NULL;
	rc = CTL_OK;
	goto out;
fail:
	rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot make the certificate "
	    "for %s", g->cn != NULL ? g->cn : "a node");
out:
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}

/* The PEM text of CERT, and of KEY before it when KEY is not NULL, in a
 * buffer wiped when freed (free_pem). */
static int
to_pem(X509 *cert, EVP_PKEY *key, char **out, size_t *len)
{
	BIO *b = BIO_new(BIO_s_secmem());
	char *p;
	long n;
	int rc = CTL_ERR_CRYPTO;

	*out = NULL;
	if (b == NULL)
		return CTL_ERR_NOMEM;
	if ((key != NULL && !PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0,
	    NULL, NULL)) || !PEM_write_bio_X509(b, cert))
		goto out;
	if ((n = BIO_get_mem_data(b, &p)) <= 0)
		goto out;
	if ((*out = malloc((size_t)n)) == NULL) {
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	memcpy(*out, p, (size_t)n);
	*len = (size_t)n;
	rc = CTL_OK;
out:
	BIO_free(b);
	return rc;
}

static void
free_pem(char *p, size_t len)
{
	if (p == NULL)
		return;
	secret_wipe(p, len);
	free(p);
}

int
pub_certgen_write(X509 *cert, EVP_PKEY *key, const char *cert_path,
    const char *key_path, struct ctl_diag *d)
{
	char *pem = NULL;
	size_t len = 0;
	int rc;

	if (key_path != NULL) {
		if ((rc = to_pem(cert, key, &pem, &len)) != CTL_OK)
			return ctl_diag_set(d, rc, "%s: cannot encode the key",
			    key_path);
		rc = file_write_atomic(key_path, pem, len, 0600, d);
		free_pem(pem, len);
		pem = NULL;
		if (rc != CTL_OK)
			return rc;
	}
	if ((rc = to_pem(cert, NULL, &pem, &len)) != CTL_OK)
		return ctl_diag_set(d, rc, "%s: cannot encode the certificate",
		    cert_path);
	rc = file_write_atomic(cert_path, pem, len, 0644, d);
	free_pem(pem, len);
	return rc;
}

int
pub_certgen_load(const char *cert_path, const char *key_path, X509 **cert,
    EVP_PKEY **key, struct ctl_diag *d)
{
	BIO *b = NULL;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	int rc = CTL_ERR_IO;

	*cert = NULL;
	if (key != NULL)
		*key = NULL;
	if ((b = BIO_new_file(cert_path, "r")) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot open", cert_path);
		goto out;
	}
	if ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: no PEM certificate",
		    cert_path);
		goto out;
	}
	if (key != NULL) {
		BIO_free(b);
		if ((b = BIO_new_file(key_path, "r")) == NULL) {
			rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot open",
			    key_path);
			goto out;
		}
		if ((k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)) == NULL) {
			rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: no PEM private "
			    "key", key_path);
			goto out;
		}
		if (X509_check_private_key(x, k) != 1) {
			rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: the key does not "
			    "match the certificate in %s", key_path, cert_path);
			goto out;
		}
		*key = k;
		k = NULL; /* transferred */
	}
	*cert = x;
	x = NULL; /* transferred */
	rc = CTL_OK;
out:
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}
