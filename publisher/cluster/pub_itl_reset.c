#include "pub_itl_reset.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "ctl.h"
#include "ctl_build.h"
#include "ctl_err.h"
#include "ctl_signer.h"
#include "hex.h"
#include "ossl_err.h"
#include "pub_audit.h"
#include "pub_certgen.h"
#include "pub_itl.h"
#include "pub_node.h"
#include "pub_p12.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pub_tokenless.h"
#include "secret.h"

/* Loads the publisher PUB's certificate for purpose P, and its key when
 * KEY is not NULL. */
static int
load_pub(struct pub_state *st, const struct pub_node *pub,
    enum pub_cert_purpose p, X509 **cert, EVP_PKEY **key, struct ctl_diag *d)
{
	char *cpath = NULL, *kpath = NULL;
	int rc;

	if ((rc = pub_node_cert_paths(st, pub->name, p, &cpath,
	    key != NULL ? &kpath : NULL, d)) == CTL_OK)
		rc = pub_certgen_load(cpath, kpath, cert, key, d);
	free(cpath);
	free(kpath);
	return rc;
}

static void
cert_sha1(X509 *x, char out[41])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	out[0] = '\0';
	if (X509_digest(x, EVP_sha1(), md, &n) == 1 && n == 20)
		hex_format(out, 41, md, 20, '\0', 0);
}

/*
 * Cisco's certificate regeneration guide: with 2048-bit server
 * certificates, a 1024-bit ITLRecovery makes the ITL recovery fail, so
 * it is refused before anything changes.  RECOVERY is the ITLRecovery
 * key the reset relies on.
 */
static int
check_key_sizes(struct pub_state *st, const struct pub_node *pub,
    const EVP_PKEY *recovery, struct ctl_diag *d)
{
	X509 *cm = NULL;
	int rbits, cbits, rc;

	if ((rc = load_pub(st, pub, PUB_CERT_CALLMANAGER, &cm, NULL, d)) !=
	    CTL_OK)
		return rc;
	rbits = EVP_PKEY_get_bits(recovery);
	cbits = EVP_PKEY_get_bits(X509_get0_pubkey(cm));
	X509_free(cm);
	if (rbits > 0 && rbits < 2048 && cbits >= 2048)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "the ITLRecovery key "
		    "is %d-bit and the CallManager certificates are %d-bit: "
		    "regenerate the ITLRecovery certificate (ctlpublisherd "
		    "regenerate DIR --node %s --cert ITLRecovery), then reset; "
		    "nothing was changed", rbits, cbits, pub->name);
	return CTL_OK;
}

/*
 * The records of SRC, signed by CERT (KEY) and written first as the
 * signer's SAST record for the node named DNS at IP; a SAST record of
 * SRC holding CERT is not written twice.  FILENAME and DIGEST as SRC
 * has them.
 */
static int
resign(const struct ctl_file *src, X509 *cert, EVP_PKEY *key,
    const char *label, const char *dns, const char *ip, uint8_t **out,
    size_t *len, struct ctl_diag *d)
{
	struct ctl_entry *e;
	struct ctl_build_opts o;
	struct ctl_signer s;
	size_t i, n = 0;
	int rc;

	if ((e = calloc(src->nrecords + 1, sizeof(*e))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	e[n].role = CTL_ROLE_SAST;
	e[n].cert = cert;
	e[n].dns_name = dns;
	if (inet_pton(AF_INET, ip, e[n].ip) != 1)
		memset(e[n].ip, 0, sizeof(e[n].ip));
	n++;
	for (i = 0; i < src->nrecords; i++) {
		const struct ctl_record *r = &src->records[i];

		if (r->cert == NULL || !r->has_role) {
			rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: record %zu "
			    "has no certificate or no role: it cannot be "
			    "written again", src->hdr.filename ?
			    src->hdr.filename : "the file", i + 1);
			goto out;
		}
		if (r->role == CTL_ROLE_SAST && X509_cmp(r->cert, cert) == 0)
			continue;
		e[n].role = r->role;
		e[n].cert = r->cert;
		e[n].dns_name = r->dns_name;
		if (r->has_ip)
			memcpy(e[n].ip, r->ip, 4);
		/* A token's SAST record carries no signature field. */
		e[n].token_style = r->role == CTL_ROLE_SAST &&
		    r->cert_sig.len == 0;
		n++;
	}
	ctl_signer_key(&s, key, cert, label);
	o.digest = src->hdr.digest > 0 ? src->hdr.digest : CTL_DIGEST_SHA1;
	o.filename = src->hdr.filename != NULL ? src->hdr.filename :
	    ctl_is_itl(src) ? PUB_ITL_FILENAME : PUB_CTL_FILENAME;
	o.timestamp = (uint32_t)time(NULL);
	rc = ctl_build(e, n, &s, &o, out, len, NULL, d);
out:
	free(e);
	return rc;
}

/* The normal ITL's records, re-signed by CERT (KEY) of the publisher. */
static int
reset_itl_build(struct pub_state *st, const struct pub_node *pub,
    X509 *cert, EVP_PKEY *key, const char *what, uint8_t **out, size_t *len,
    struct ctl_diag *d)
{
	struct ctl_file *f = NULL;
	uint8_t *normal = NULL;
	size_t nlen = 0;
	char label[PUB_NODE_NAME_MAX + 32];
	int rc;

	if ((rc = pub_itl_build(st, 0, &normal, &nlen, d)) != CTL_OK ||
	    (rc = ctl_parse(normal, nlen, &f, d)) != CTL_OK)
		goto out;
	snprintf(label, sizeof(label), "%s %s", pub->name, what);
	rc = resign(f, cert, key, label, pub->name, pub->ip, out, len, d);
out:
	ctl_free(f);
	free(normal);
	return rc;
}

/* Keeps the reset ITL FILE and records the reset R in the settings. */
static int
reset_install(struct pub_state *st, const char *actor, enum pub_itl_reset r,
    const uint8_t *file, size_t len, const char *detail, char sha1[41],
    struct ctl_diag *d)
{
	int rc;

	pub_sha1_hex(file, len, sha1);
	/* Not served until the settings name it: a file left by a failed
	 * reset is harmless, the next reset replaces it. */
	if ((rc = pub_store_write(pub_state_dir(st), PUB_ITL_RESET_FILE, file,
	    len, d)) != CTL_OK)
		return rc;
	return pub_settings_set_itl_reset(st, actor, r, sha1, detail, d);
}

int
pub_itl_reset_localkey(struct pub_state *st, const char *actor,
    char sha1[41], struct ctl_diag *d)
{
	struct pub_node pub;
	X509 *cm = NULL, *rec = NULL;
	EVP_PKEY *key = NULL;
	uint8_t *file = NULL;
	size_t len = 0;
	char detail[160];
	int rc;

	sha1[0] = '\0';
	if ((rc = pub_node_publisher(st, &pub, d)) != CTL_OK ||
	    (rc = load_pub(st, &pub, PUB_CERT_ITLRECOVERY, &rec, NULL, d)) !=
	    CTL_OK ||
	    (rc = check_key_sizes(st, &pub, X509_get0_pubkey(rec), d)) !=
	    CTL_OK ||
	    (rc = load_pub(st, &pub, PUB_CERT_CALLMANAGER, &cm, &key, d)) !=
	    CTL_OK ||
	    (rc = reset_itl_build(st, &pub, cm, key, "CallManager", &file,
	    &len, d)) != CTL_OK)
		goto out;
	snprintf(detail, sizeof(detail), "localkey: the ITL signed by the "
	    "CallManager certificate of %s", pub.name);
	rc = reset_install(st, actor, PUB_ITL_RESET_LOCALKEY, file, len,
	    detail, sha1, d);
out:
	free(file);
	X509_free(cm);
	X509_free(rec);
	EVP_PKEY_free(key);
	return rc;
}

/*
 * Opens the PKCS12 backup P12 with PASSWORD, strictly: a MAC that
 * verifies, one key, its certificate.
 */
static int
p12_open(const uint8_t *p12, size_t len, const char *password,
    EVP_PKEY **key, X509 **cert, struct ctl_diag *d)
{
	STACK_OF(X509) *ca = NULL;
	char why[256];
	int rc;

	switch (pub_p12_open(p12, len, PUB_P12_MAX, password, key, cert, &ca,
	    why, sizeof(why))) {
	case PUB_P12_OK:
		break;
	case PUB_P12_NOT_PKCS12:
		return ctl_diag_set(d, CTL_ERR_FORMAT, "the ITLRecovery backup "
		    "is not a PKCS12 file (%zu bytes): give the file that itl "
		    "backup-recovery wrote", len);
	case PUB_P12_NO_MAC:
		return ctl_diag_set(d, CTL_ERR_FORMAT, "the PKCS12 file carries "
		    "no integrity MAC: refused, give the file that itl "
		    "backup-recovery wrote");
	case PUB_P12_WRONG_PASSWORD:
		return ctl_diag_set(d, CTL_ERR_KEY, "the PKCS12 file does not "
		    "open with this password (wrong password?): nothing was "
		    "changed");
	case PUB_P12_UNREADABLE:
		return ctl_diag_set(d, CTL_ERR_KEY, "the PKCS12 file cannot be "
		    "read: %s", why);
	}
	if (*key == NULL || *cert == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "the PKCS12 file holds no "
		    "%s: give a backup of the ITLRecovery key and certificate "
		    "(itl backup-recovery)", *key == NULL ? "private key" :
		    "certificate");
		goto out;
	}
	if (X509_check_private_key(*cert, *key) != 1) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "the PKCS12 file's key does "
		    "not match its certificate");
		goto out;
	}
	rc = CTL_OK;
out:
	ERR_clear_error();
	if (rc != CTL_OK) {
		EVP_PKEY_free(*key);
		X509_free(*cert);
		*key = NULL;
		*cert = NULL;
	}
	sk_X509_pop_free(ca, X509_free);
	return rc;
}

int
pub_itl_reset_remotekey(struct pub_state *st, const char *actor,
    const uint8_t *p12, size_t len, const char *password, char sha1[41],
    struct ctl_diag *d)
{
	struct pub_node pub;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	uint8_t *file = NULL;
	size_t flen = 0;
	char detail[200], csha[41];
	int rc;

	sha1[0] = '\0';
	if ((rc = pub_node_publisher(st, &pub, d)) != CTL_OK ||
	    (rc = p12_open(p12, len, password, &key, &cert, d)) != CTL_OK ||
	    (rc = check_key_sizes(st, &pub, key, d)) != CTL_OK ||
	    (rc = reset_itl_build(st, &pub, cert, key, "ITLRecovery backup",
	    &file, &flen, d)) != CTL_OK)
		goto out;
	cert_sha1(cert, csha);
	snprintf(detail, sizeof(detail), "remotekey: the ITL signed by the "
	    "backed-up ITLRecovery certificate SHA1 %s", csha);
	rc = reset_install(st, actor, PUB_ITL_RESET_REMOTEKEY, file, flen,
	    detail, sha1, d);
out:
	free(file);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

int
pub_itl_reset_done(struct pub_state *st, const char *actor,
    struct ctl_diag *d)
{
	struct pub_settings set;
	int rc;

	if ((rc = pub_settings_get(st, &set, d)) != CTL_OK)
		return rc;
	if (set.itl_reset == PUB_ITL_RESET_NONE)
		return ctl_diag_set(d, CTL_ERR_NOT_ALLOWED, "no ITL reset is "
		    "active: the nodes serve the normal ITL");
	return pub_settings_set_itl_reset(st, actor, PUB_ITL_RESET_NONE, NULL,
	    "done: the nodes serve the normal ITL again", d);
}

int
pub_itl_reset_current(struct pub_state *st, const char *tftp_dir,
    bool *active, bool *current, struct ctl_diag *d)
{
	struct pub_settings set;
	char now[41];
	int rc;

	*active = false;
	*current = false;
	if ((rc = pub_settings_get(st, &set, d)) != CTL_OK)
		return rc;
	if (set.itl_reset == PUB_ITL_RESET_NONE)
		return CTL_OK;
	*active = true;
	*current = pub_store_sha1(tftp_dir, PUB_ITL_FILENAME, now, NULL) ==
	    CTL_OK && strcmp(now, set.itl_reset_sha1) == 0;
	return CTL_OK;
}

int
pub_itl_reset_refresh(struct pub_state *st, const char *actor,
    const char *tftp_dir, bool *active, bool *changed, struct ctl_diag *d)
{
	struct pub_settings set;
	uint8_t *file = NULL;
	size_t len = 0;
	char old[41], sha[41];
	bool current = false;
	int rc;

	if (changed != NULL)
		*changed = false;
	if ((rc = pub_itl_reset_current(st, tftp_dir, active, &current, d)) !=
	    CTL_OK || !*active || current)
		return rc;
	if ((rc = pub_settings_get(st, &set, d)) != CTL_OK ||
	    (rc = pub_store_read(pub_state_dir(st), PUB_ITL_RESET_FILE, &file,
	    &len, d)) != CTL_OK)
		goto out;
	pub_sha1_hex(file, len, sha);
	if (strcmp(sha, set.itl_reset_sha1) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s/%s has SHA1 %s, not the "
		    "reset ITL %s the settings name: run itl reset done, then "
		    "the reset again", pub_state_dir(st), PUB_ITL_RESET_FILE,
		    sha, set.itl_reset_sha1);
		goto out;
	}
	if (pub_store_sha1(tftp_dir, PUB_ITL_FILENAME, old, NULL) != CTL_OK)
		old[0] = '\0';
	if ((rc = pub_audit_add(st, actor, "itl-update", old[0] ? old : NULL,
	    sha, set.itl_reset == PUB_ITL_RESET_LOCALKEY ? "the reset ITL "
	    "(localkey)" : "the reset ITL (remotekey)", d)) != CTL_OK ||
	    (rc = pub_store_write(tftp_dir, PUB_ITL_FILENAME, file, len, d)) !=
	    CTL_OK)
		goto out;
	if (changed != NULL)
		*changed = true;
out:
	free(file);
	return rc;
}

int
pub_ctl_reset_build(struct pub_state *st, const char *tftp_dir,
    uint8_t **out, size_t *len, struct ctl_diag *d)
{
	struct pub_node pub;
	struct ctl_file *f = NULL;
	X509 *cm = NULL;
	EVP_PKEY *key = NULL;
	uint8_t *raw = NULL;
	size_t rlen = 0;
	char label[PUB_NODE_NAME_MAX + 16];
	int rc;

	*out = NULL;
	*len = 0;
	rc = pub_store_read(tftp_dir, PUB_CTL_FILENAME, &raw, &rlen, d);
	if (rc == CTL_ERR_NOT_FOUND)
		return ctl_diag_set(d, CTL_ERR_NOT_ALLOWED, "the cluster has no "
		    "CTL (a non-secure cluster): there is nothing to reset; "
		    "nothing was changed");
	if (rc != CTL_OK)
		return rc;
	if ((rc = ctl_parse(raw, rlen, &f, d)) != CTL_OK) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "the publisher's %s does "
		    "not parse (%s): upload a CTL first", PUB_CTL_FILENAME,
		    ctl_diag_msg(d, rc));
		goto out;
	}
	if ((rc = pub_node_publisher(st, &pub, d)) != CTL_OK ||
	    (rc = load_pub(st, &pub, PUB_CERT_CALLMANAGER, &cm, &key, d)) !=
	    CTL_OK)
		goto out;
	snprintf(label, sizeof(label), "%s CallManager", pub.name);
	rc = resign(f, cm, key, label, pub.name, pub.ip, out, len, d);
out:
	ctl_free(f);
	free(raw);
	X509_free(cm);
	EVP_PKEY_free(key);
	return rc;
}

int
pub_itl_backup(struct pub_state *st, const char *actor, const char *password,
    uint8_t **out, size_t *len, char csha[41], struct ctl_diag *d)
{
	struct pub_node pub;
	PKCS12 *pk = NULL;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	unsigned char *der = NULL, *p;
	char name[PUB_NODE_NAME_MAX + 16], detail[200];
	int n = 0, rc;

	*out = NULL;
	*len = 0;
	csha[0] = '\0';
	if (strlen(password) < PUB_P12_PASSWORD_MIN)
		return ctl_diag_set(d, CTL_ERR_USAGE, "the backup password is "
		    "shorter than %d characters: choose a longer one",
		    PUB_P12_PASSWORD_MIN);
	if ((rc = pub_node_publisher(st, &pub, d)) != CTL_OK ||
	    (rc = load_pub(st, &pub, PUB_CERT_ITLRECOVERY, &cert, &key, d)) !=
	    CTL_OK)
		goto out;
	snprintf(name, sizeof(name), "ITLRecovery %s", pub.name);
	/* NIDs and counts 0: OpenSSL 3's defaults (AES-256-CBC with
	 * PBKDF2 for the key and the certificate, a SHA-256 MAC). */
	if ((pk = PKCS12_create(password, name, key, cert, NULL, 0, 0, 0, 0,
	    0)) == NULL || (n = i2d_PKCS12(pk, NULL)) <= 0 ||
	    (der = malloc((size_t)n)) == NULL) {
		char why[256];

		ossl_err_drain(why, sizeof(why));
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot write the PKCS12 "
		    "backup: %s", why);
		goto out;
	}
	p = der;
	if (i2d_PKCS12(pk, &p) != n) {
		rc = ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot write the PKCS12 "
		    "backup");
		goto out;
	}
	cert_sha1(cert, csha);
	snprintf(detail, sizeof(detail), "the ITLRecovery key and certificate "
	    "of %s left the publisher as a PKCS12 backup", pub.name);
	/* Record first: the key never leaves unrecorded. */
	if ((rc = pub_audit_add(st, actor, "itl-backup-recovery", NULL, csha,
	    detail, d)) != CTL_OK)
		goto out;
	*out = der;
	*len = (size_t)n;
	der = NULL;     /* transferred */
	rc = CTL_OK;
out:
	if (der != NULL)
		secret_wipe(der, (size_t)n);
	free(der);
	PKCS12_free(pk);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}
