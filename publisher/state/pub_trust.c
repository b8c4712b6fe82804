#include "pub_trust.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"
#include "pub_audit.h"
#include "pub_state.h"
#include "pub_state_int.h"

static const char *const purpose_names[PUB_TRUST_NPURPOSES] = {
	"Phone-SAST-trust", "CallManager-trust", "tomcat-trust", "CAPF-trust",
	"IPsec-trust",
};

const char *
pub_trust_purpose_name(enum pub_trust_purpose p)
{
	if ((unsigned)p < PUB_TRUST_NPURPOSES)
		return purpose_names[p];
	return "unknown";
}

int
pub_trust_purpose_parse(const char *s, enum pub_trust_purpose *p)
{
	unsigned i;

	for (i = 0; i < PUB_TRUST_NPURPOSES; i++)
		if (strcasecmp(s, purpose_names[i]) == 0) {
			*p = (enum pub_trust_purpose)i;
			return CTL_OK;
		}
	return CTL_ERR_USAGE;
}

static int
purpose_check(enum pub_trust_purpose p, struct ctl_diag *d)
{
	if ((unsigned)p >= PUB_TRUST_NPURPOSES)
		return ctl_diag_set(d, CTL_ERR_USAGE, "unknown trust store %d "
		    "(Phone-SAST-trust, CallManager-trust, tomcat-trust, "
		    "CAPF-trust or IPsec-trust)", (int)p);
	return CTL_OK;
}

/* Decodes exactly one DER certificate and describes it. */
static int
describe(const uint8_t *der, size_t len, char sha1[41], char **subject,
    char **issuer, char serial[129], struct ctl_diag *d)
{
	const unsigned char *p = der;
	uint8_t md[20], *ser = NULL;
	size_t serlen = 0;
	X509 *x = NULL;
	int rc = CTL_ERR_KEY;

	*subject = *issuer = NULL;
	if (len > PUB_TRUST_CERT_MAX)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG, "the certificate is "
		    "%zu bytes, above the %d-byte maximum", len,
		    PUB_TRUST_CERT_MAX);
	if (len == 0 || (x = d2i_X509(NULL, &p, (long)len)) == NULL ||
	    (size_t)(p - der) != len) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "not one DER certificate "
		    "(%zu bytes%s); convert PEM with `openssl x509 -outform DER`",
		    len, x != NULL ? ", with trailing bytes" : "");
		goto out;
	}
	if (EVP_Digest(der, len, md, NULL, EVP_sha1(), NULL) != 1) {
		rc = CTL_ERR_CRYPTO;
		goto out;
	}
	hex_format(sha1, 41, md, sizeof(md), '\0', 0);
	if (ctl_name_format(X509_get_subject_name(x), subject) != CTL_OK ||
	    ctl_name_format(X509_get_issuer_name(x), issuer) != CTL_OK ||
	    ctl_cert_serial(x, &ser, &serlen) != CTL_OK) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "cannot read the certificate's "
		    "names and serial");
		goto out;
	}
	hex_format(serial, 129, ser, serlen, '\0', 1);
	rc = CTL_OK;
out:
	if (rc != CTL_OK) {
		free(*subject);
		free(*issuer);
		*subject = *issuer = NULL;
	}
	free(ser);
	X509_free(x);
	return rc;
}

int
pub_trust_add(struct pub_state *st, const char *actor,
    enum pub_trust_purpose p, const uint8_t *der, size_t len,
    char sha1_out[41], struct ctl_diag *d)
{
	char sha1[41], serial[129], detail[PUB_AUDIT_DETAIL_MAX];
	char *subject = NULL, *issuer = NULL;
	sqlite3_stmt *q = NULL;
	int rc;

	if ((rc = purpose_check(p, d)) != CTL_OK ||
	    (rc = describe(der, len, sha1, &subject, &issuer, serial, d)) !=
	    CTL_OK)
		return rc;
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		goto done;
	if ((rc = pub_sql_prepare(st, "SELECT 1 FROM trust WHERE purpose = ?1 "
	    "AND sha1 = ?2", &q, d)) != CTL_OK)
		goto out;
	if (pub_sql_bind_text(q, 1, pub_trust_purpose_name(p)) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, sha1) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if (sqlite3_step(q) == SQLITE_ROW) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s already holds %s "
		    "(SHA1 %s)", pub_trust_purpose_name(p), subject, sha1);
		goto out;
	}
	sqlite3_finalize(q);
	if ((rc = pub_sql_prepare(st, "INSERT INTO trust (purpose, der, sha1, "
	    "subject, issuer, serial, added) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7)", &q, d)) != CTL_OK)
		goto out;
	if (pub_sql_bind_text(q, 1, pub_trust_purpose_name(p)) != SQLITE_OK ||
	    sqlite3_bind_blob(q, 2, der, (int)len, SQLITE_TRANSIENT) !=
	    SQLITE_OK ||
	    pub_sql_bind_text(q, 3, sha1) != SQLITE_OK ||
	    pub_sql_bind_text(q, 4, subject) != SQLITE_OK ||
	    pub_sql_bind_text(q, 5, issuer) != SQLITE_OK ||
	    pub_sql_bind_text(q, 6, serial) != SQLITE_OK ||
	    sqlite3_bind_int64(q, 7, pub_now()) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s: %s", pub_trust_purpose_name(p),
	    subject);
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK ||
	    (rc = pub_audit_add(st, actor, "trust-add", NULL, sha1, detail,
	    d)) != CTL_OK)
		goto out;
	rc = CTL_OK;
out:
	if ((rc = pub_state_end(st, q, rc, d)) == CTL_OK && sha1_out != NULL)
		memcpy(sha1_out, sha1, 41);
done:
	free(subject);
	free(issuer);
	return rc;
}

void
pub_trust_list_free(struct pub_trust_entry *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].subject);
		free(v[i].issuer);
		free(v[i].der);
	}
	free(v);
}

static int
read_row(sqlite3_stmt *q, struct pub_trust_entry *e)
{
	const unsigned char *subject = sqlite3_column_text(q, 4);
	const unsigned char *issuer = sqlite3_column_text(q, 5);
	const void *der = sqlite3_column_blob(q, 2);
	int der_len = sqlite3_column_bytes(q, 2);

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(q, 0);
	if (pub_trust_purpose_parse((const char *)sqlite3_column_text(q, 1),
	    &e->purpose) != CTL_OK)
		return CTL_ERR_IO;
	pub_sql_column_copy(q, 3, e->sha1, sizeof(e->sha1));
	pub_sql_column_copy(q, 6, e->serial, sizeof(e->serial));
	e->added = sqlite3_column_int64(q, 7);
	if (der == NULL || der_len <= 0 || subject == NULL || issuer == NULL)
		return CTL_ERR_IO;
	if ((e->subject = strdup((const char *)subject)) == NULL ||
	    (e->issuer = strdup((const char *)issuer)) == NULL ||
	    (e->der = malloc((size_t)der_len)) == NULL)
		return CTL_ERR_NOMEM;
	memcpy(e->der, der, (size_t)der_len);
	e->der_len = (size_t)der_len;
	return CTL_OK;
}

int
pub_trust_list(struct pub_state *st, int all, enum pub_trust_purpose p,
    struct pub_trust_entry **out, size_t *n, struct ctl_diag *d)
{
	struct pub_trust_entry *v = NULL, *nv;
	size_t have = 0, cap = 0;
	sqlite3_stmt *q = NULL;
	int rc, r;

	*out = NULL;
	*n = 0;
	if (!all && (rc = purpose_check(p, d)) != CTL_OK)
		return rc;
	if ((rc = pub_sql_prepare(st, "SELECT id, purpose, der, sha1, subject, "
	    "issuer, serial, added FROM trust WHERE ?1 OR purpose = ?2 "
	    "ORDER BY id", &q, d)) != CTL_OK)
		return rc;
	if (sqlite3_bind_int(q, 1, all != 0) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, pub_trust_purpose_name(p)) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = pub_grow(v, have, &cap, sizeof(*v))) == NULL) {
			rc = CTL_ERR_NOMEM;
			goto out;
		}
		v = nv;
		rc = read_row(q, &v[have]);
		have++;
		if (rc != CTL_OK) {
			if (rc == CTL_ERR_IO)
				ctl_diag_set(d, rc, "%s/%s: a trust store row is "
				    "damaged", st->dir, PUB_STATE_FILE);
			goto out;
		}
	}
	if (r != SQLITE_DONE) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot read the trust "
		    "stores", d);
		goto out;
	}
	*out = v;
	*n = have;
	v = NULL; /* transferred */
	rc = CTL_OK;
out:
	sqlite3_finalize(q);
	pub_trust_list_free(v, have);
	return rc;
}

/*
 * The services that rely on each trust store, and so must be restarted
 * when it changes (docs/certificates.md has the same table for people).
 */
static const struct {
	const char *store, *services;
} store_services[] = {
	{ "Phone-SAST-trust", "TVS: phones that meet a trust list signed by "
	  "another cluster's SAST" },
	{ "CallManager-trust", "CallManager: SIP trunks, TLS to phones and "
	  "media resources" },
	{ "tomcat-trust", "Tomcat: the web pages and the phones' HTTPS "
	  "services" },
	{ "CAPF-trust", "CAPF: the phones' locally significant certificates "
	  "(LSC)" },
	{ "IPsec-trust", "IPsec: tunnels and disaster recovery (DRS)" },
};

const char *
pub_trust_services(const char *store)
{
	size_t i;

	for (i = 0; i < sizeof(store_services) / sizeof(store_services[0]);
	    i++)
		if (strcasecmp(store, store_services[i].store) == 0)
			return store_services[i].services;
	return NULL;
}

void
pub_trust_notes_free(struct pub_trust_notes *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nwarn; i++)
		free(n->warn[i]);
	free(n->der);
	memset(n, 0, sizeof(*n));
}

static X509 *
der_cert(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;

	return d2i_X509(NULL, &p, (long)len);
}

static void
note_add(struct pub_trust_notes *n, const char *text)
{
	if (n == NULL || n->nwarn >= PUB_TRUST_NOTES_MAX)
		return;
	if ((n->warn[n->nwarn] = strdup(text)) != NULL)
		n->nwarn++;
}

/*
 * Warns of every certificate in any store that TARGET (row T of V)
 * issued: its issuer is TARGET's subject and TARGET's key signed it.
 */
static void
note_children(const struct pub_trust_entry *v, size_t nv, size_t t,
    struct pub_trust_notes *notes)
{
	char text[PUB_AUDIT_DETAIL_MAX];
	X509 *parent, *child;
	EVP_PKEY *key;
	size_t i, more = 0;

	if ((parent = der_cert(v[t].der, v[t].der_len)) == NULL)
		return;
	key = X509_get0_pubkey(parent);
	for (i = 0; i < nv; i++) {
		if (i == t || strcmp(v[i].sha1, v[t].sha1) == 0 ||
		    (child = der_cert(v[i].der, v[i].der_len)) == NULL)
			continue;
		if (key != NULL && X509_check_issued(parent, child) ==
		    X509_V_OK && X509_verify(child, key) == 1) {
			if (notes != NULL &&
			    notes->nwarn + 1 < PUB_TRUST_NOTES_MAX) {
				snprintf(text, sizeof(text), "%s in %s was "
				    "issued by this certificate: its chain is "
				    "now broken (upload its issuer again, or "
				    "delete it too)", v[i].subject,
				    pub_trust_purpose_name(v[i].purpose));
				note_add(notes, text);
			} else {
				more++;
			}
		}
		X509_free(child);
	}
	if (more > 0) {
		snprintf(text, sizeof(text), "and %zu more certificates issued "
		    "by this one", more);
		note_add(notes, text);
	}
	ERR_clear_error();
	X509_free(parent);
}

int
pub_trust_delete(struct pub_state *st, const char *actor,
    enum pub_trust_purpose p, const char *sha1, struct ctl_diag *d)
{
	return pub_trust_delete_checked(st, actor, p, sha1, NULL, 0, NULL, d);
}

int
pub_trust_delete_checked(struct pub_state *st, const char *actor,
    enum pub_trust_purpose p, const char *sha1,
    const struct pub_trust_system *sys, size_t nsys,
    struct pub_trust_notes *notes, struct ctl_diag *d)
{
	char lower[41], detail[PUB_AUDIT_DETAIL_MAX];
	struct pub_trust_entry *v = NULL;
	sqlite3_stmt *q = NULL;
	size_t i, nv = 0, t;
	int rc;

	if ((rc = purpose_check(p, d)) != CTL_OK)
		return rc;
	for (i = 0; sha1 != NULL && i < 40 && isxdigit((unsigned char)sha1[i]);
	    i++)
		lower[i] = (char)tolower((unsigned char)sha1[i]);
	if (i != 40 || sha1[40] != '\0')
		return ctl_diag_set(d, CTL_ERR_USAGE, "a certificate is named "
		    "by its SHA1: 40 hex digits");
	lower[40] = '\0';
	if ((rc = pub_state_begin(st, d)) != CTL_OK)
		return rc;
	if ((rc = pub_trust_list(st, 1, p, &v, &nv, d)) != CTL_OK)
		goto out;
	for (t = 0; t < nv; t++)
		if (v[t].purpose == p && strcmp(v[t].sha1, lower) == 0)
			break;
	if (t == nv) {
		rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s holds no certificate "
		    "with SHA1 %s", pub_trust_purpose_name(p), lower);
		goto out;
	}
	/* The rule holds here, on the server, whatever the client is. */
	for (i = 0; i < nsys; i++)
		if (strcmp(sys[i].sha1, lower) == 0) {
			rc = ctl_diag_set(d, CTL_ERR_NOT_ALLOWED, "%s: %s is "
			    "node %s's own %s certificate, a system "
			    "certificate the cluster relies on: it is not "
			    "deleted (to replace it, regenerate that node's "
			    "%s certificate)", pub_trust_purpose_name(p),
			    v[t].subject, sys[i].node, sys[i].type,
			    sys[i].type);
			goto out;
		}
	note_children(v, nv, t, notes);
	if ((rc = pub_sql_prepare(st, "DELETE FROM trust WHERE purpose = ?1 "
	    "AND sha1 = ?2", &q, d)) != CTL_OK)
		goto out;
	if (pub_sql_bind_text(q, 1, pub_trust_purpose_name(p)) != SQLITE_OK ||
	    pub_sql_bind_text(q, 2, lower) != SQLITE_OK) {
		rc = pub_sql_error(st, CTL_ERR_IO, "cannot bind", d);
		goto out;
	}
	if ((rc = pub_sql_run(st, q, d)) != CTL_OK)
		goto out;
	snprintf(detail, sizeof(detail), "%s: %s", pub_trust_purpose_name(p),
	    v[t].subject);
	if ((rc = pub_audit_add(st, actor, "trust-delete", lower, NULL, detail,
	    d)) != CTL_OK)
		goto out;
	if (notes != NULL) {
		notes->der = v[t].der;
		notes->der_len = v[t].der_len;
		v[t].der = NULL;        /* transferred */
	}
	rc = CTL_OK;
out:
	pub_trust_list_free(v, nv);
	rc = pub_state_end(st, q, rc, d);
	if (rc != CTL_OK)
		pub_trust_notes_free(notes);
	return rc;
}

int
pub_trust_validity_note(const uint8_t *der, size_t len, int64_t now,
    char *out, size_t outsz)
{
	X509 *x = der_cert(der, len);
	const ASN1_TIME *t;
	char when[64];
	struct tm tm;
	time_t at = (time_t)now;
	int before, r = 0;

	out[0] = '\0';
	if (x == NULL)
		return 0;
	before = X509_cmp_time(X509_get0_notBefore(x), &at) > 0;
	if (before || X509_cmp_time(X509_get0_notAfter(x), &at) < 0) {
		t = before ? X509_get0_notBefore(x) : X509_get0_notAfter(x);
		if (ASN1_TIME_to_tm(t, &tm) != 1 ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
		    &tm) == 0)
			snprintf(when, sizeof(when), "an unreadable date");
		snprintf(out, outsz, before ? "the certificate is not valid "
		    "before %s: services and phones refuse it until then" :
		    "the certificate expired on %s: services and phones "
		    "refuse it; upload its renewed certificate", when);
		r = 1;
	}
	ERR_clear_error();
	X509_free(x);
	return r;
}
