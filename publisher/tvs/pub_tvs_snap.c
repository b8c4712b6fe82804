/* Snapshots of trusted certificates: see pub_tvs_snap.h. */
#include "pub_tvs_snap.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"

/* What pub_tvs_cert_names() makes: subject, issuer, serial. */
#define NAMES_FORMAT "subject \"%s\" issuer \"%s\" serial %s"

struct entry {
	uint8_t *der;
	size_t der_len;
	uint8_t sha1[SHA_DIGEST_LENGTH];    /* of der: the exact-bytes index */
	char *names;              /* pub_tvs_cert_names(), for the log */
	uint8_t *issuer;          /* DER of the issuer name */
	size_t issuer_len;
	uint8_t *serial;          /* DER of the serial number */
	size_t serial_len;
	uint8_t roles[TVS_ROLES_MAX];
	size_t nroles;
	char where[PUB_TVS_WHERE_MAX];
};

struct part {
	struct entry *v;          /* sorted by issuer and serial once sealed */
	size_t n, cap;
	struct entry **by_sha1;   /* the same entries by SHA1, once sealed */
};

struct pub_tvs_snap {
	atomic_int refs;
	bool sealed;
	struct part db, ctl;
};

struct pub_tvs_snap *
pub_tvs_snap_new(void)
{
	struct pub_tvs_snap *s = calloc(1, sizeof(*s));

	if (s)
		atomic_init(&s->refs, 1);
	return s;
}

struct pub_tvs_snap *
pub_tvs_snap_get(struct pub_tvs_snap *s)
{
	atomic_fetch_add(&s->refs, 1);
	return s;
}

static void
part_free(struct part *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].der);
		free(p->v[i].issuer);
		free(p->v[i].serial);
		free(p->v[i].names);
	}
	free(p->v);
	free(p->by_sha1);
	memset(p, 0, sizeof(*p));
}

void
pub_tvs_snap_put(struct pub_tvs_snap *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	part_free(&s->db);
	part_free(&s->ctl);
	free(s);
}

static void
add_role(struct entry *e, uint8_t role)
{
	for (size_t i = 0; i < e->nroles; i++)
		if (e->roles[i] == role)
			return;
	if (e->nroles < TVS_ROLES_MAX)
		e->roles[e->nroles++] = role;
}

static void
add_where(struct entry *e, const char *where)
{
	size_t n = strlen(e->where);

	if (strstr(e->where, where))
		return;
	snprintf(e->where + n, sizeof(e->where) - n, "%s%s", n ? ", " : "",
	    where);
}

/* The DER of X's issuer name and serial number, for the lookup key. */
static int
issuer_serial(X509 *x, uint8_t **issuer, size_t *ilen, uint8_t **serial,
    size_t *slen)
{
	unsigned char *i = NULL, *s = NULL;
	int ni, ns;

	ni = i2d_X509_NAME(X509_get_issuer_name(x), &i);
	ns = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &s);
	if (ni <= 0 || ns <= 0) {
		OPENSSL_free(i);
		OPENSSL_free(s);
		return CTL_ERR_CRYPTO;
	}
	/* copied into malloc'd memory so that one free() fits all */
	*issuer = malloc((size_t)ni);
	*serial = malloc((size_t)ns);
	if (*issuer == NULL || *serial == NULL) {
		free(*issuer);
		free(*serial);
		OPENSSL_free(i);
		OPENSSL_free(s);
		return CTL_ERR_NOMEM;
	}
	memcpy(*issuer, i, (size_t)ni);
	memcpy(*serial, s, (size_t)ns);
	*ilen = (size_t)ni;
	*slen = (size_t)ns;
	OPENSSL_free(i);
	OPENSSL_free(s);
	return CTL_OK;
}

int
pub_tvs_snap_add(struct pub_tvs_snap *s, bool from_ctl, const uint8_t *der,
    size_t len, uint8_t role, const char *where, struct ctl_diag *d)
{
	struct part *p = from_ctl ? &s->ctl : &s->db;
	const unsigned char *q = der;
	struct entry e, *grown;
	X509 *x = NULL;
	int rc;

	memset(&e, 0, sizeof(e));
	if (s->sealed)
		return ctl_diag_set(d, CTL_ERR_INTERNAL,
		    "TVS cache: adding to a sealed snapshot");
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].der_len == len && memcmp(p->v[i].der, der, len) == 0) {
			add_role(&p->v[i], role);
			add_where(&p->v[i], where);
			return CTL_OK;
		}
	if (s->db.n + s->ctl.n >= PUB_TVS_CACHE_MAX)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG,
		    "TVS cache: more than %d certificates; %s is left out",
		    PUB_TVS_CACHE_MAX, where);
	x = d2i_X509(NULL, &q, (long)len);
	if (x == NULL || (size_t)(q - der) != len) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT,
		    "TVS cache: %s is not one DER certificate; it is left out",
		    where);
		goto out;
	}
	if ((rc = issuer_serial(x, &e.issuer, &e.issuer_len, &e.serial,
	    &e.serial_len)) != CTL_OK) {
		ctl_diag_set(d, rc, "TVS cache: reading the issuer and serial "
		    "of %s", where);
		goto out;
	}
	if ((e.der = malloc(len)) == NULL ||
	    (rc = pub_tvs_cert_names(x, &e.names)) != CTL_OK) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "TVS cache");
		goto out;
	}
	memcpy(e.der, der, len);
	e.der_len = len;
	SHA1(der, len, e.sha1);
	add_role(&e, role);
	add_where(&e, where);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;

		if ((grown = realloc(p->v, cap * sizeof(*grown))) == NULL) {
			rc = ctl_diag_set(d, CTL_ERR_NOMEM, "TVS cache");
			goto out;
		}
		p->v = grown;
		p->cap = cap;
	}
	p->v[p->n++] = e;
	memset(&e, 0, sizeof(e));     /* transferred */
	rc = CTL_OK;
out:
	free(e.der);
	free(e.issuer);
	free(e.serial);
	free(e.names);
	X509_free(x);
	return rc;
}

int
pub_tvs_snap_add_all(struct pub_tvs_snap *s, bool from_ctl,
    const struct pub_tvs_snap *from, struct ctl_diag *d)
{
	const struct part *p = from_ctl ? &from->ctl : &from->db;
	size_t i, k;
	int rc;

	for (i = 0; i < p->n; i++)
		for (k = 0; k < p->v[i].nroles; k++)
			if ((rc = pub_tvs_snap_add(s, from_ctl, p->v[i].der,
			    p->v[i].der_len, p->v[i].roles[k], p->v[i].where,
			    d)) != CTL_OK)
				return rc;
	return CTL_OK;
}

static int
cmp_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	return memcmp(a, b, an);
}

/* Orders by issuer, then serial: the lookup key. */
static int
cmp_key(const struct entry *a, const struct entry *b)
{
	int c = cmp_bytes(a->issuer, a->issuer_len, b->issuer, b->issuer_len);

	return c ? c : cmp_bytes(a->serial, a->serial_len, b->serial,
	    b->serial_len);
}

static int
cmp_entry(const void *a, const void *b)
{
	return cmp_key(a, b);
}

static int
cmp_sha1(const void *a, const void *b)
{
	const struct entry *const *x = a, *const *y = b;

	return memcmp((*x)->sha1, (*y)->sha1, sizeof((*x)->sha1));
}

/* Sorts P for both lookups.  Without memory for the SHA1 index, P is
 * still found by issuer and serial (pub_tvs_lookup_der() misses). */
static void
part_seal(struct part *p)
{
	if (p->n == 0)
		return;
	qsort(p->v, p->n, sizeof(*p->v), cmp_entry);
	if ((p->by_sha1 = malloc(p->n * sizeof(*p->by_sha1))) == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		p->by_sha1[i] = &p->v[i];
	qsort(p->by_sha1, p->n, sizeof(*p->by_sha1), cmp_sha1);
}

void
pub_tvs_snap_seal(struct pub_tvs_snap *s)
{
	part_seal(&s->db);
	part_seal(&s->ctl);
	s->sealed = true;
}

bool
pub_tvs_snap_has(const struct pub_tvs_snap *s, bool from_ctl,
    const uint8_t *der, size_t len, int role)
{
	const struct part *p = from_ctl ? &s->ctl : &s->db;

	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].der_len != len || memcmp(p->v[i].der, der, len))
			continue;
		if (role < 0)
			return true;
		for (size_t k = 0; k < p->v[i].nroles; k++)
			if (p->v[i].roles[k] == role)
				return true;
	}
	return false;
}

void
pub_tvs_snap_counts(const struct pub_tvs_snap *s, size_t *db, size_t *ctl)
{
	*db = s->db.n;
	*ctl = s->ctl.n;
}

/*
 * Looks KEY up in P: the exact DER match, or (*SAME_KEY) the place of an
 * entry with the same issuer and serial but other bytes.
 */
static const struct entry *
part_find(const struct part *p, const struct entry *key, const char **same_key)
{
	size_t lo = 0, hi = p->n, mid;

	while (lo < hi) {       /* the first entry not below KEY */
		mid = lo + (hi - lo) / 2;
		if (cmp_key(&p->v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->n && cmp_key(&p->v[lo], key) == 0; lo++) {
		if (p->v[lo].der_len == key->der_len &&
		    memcmp(p->v[lo].der, key->der, key->der_len) == 0)
			return &p->v[lo];
		*same_key = p->v[lo].where;
	}
	return NULL;
}

/* The entry of P holding exactly DER (whose SHA1 is SHA1), or NULL. */
static const struct entry *
part_find_der(const struct part *p, const uint8_t *der, size_t len,
    const uint8_t sha1[SHA_DIGEST_LENGTH])
{
	size_t lo = 0, hi = p->by_sha1 ? p->n : 0, mid;

	while (lo < hi) {       /* the first entry not below SHA1 */
		mid = lo + (hi - lo) / 2;
		if (memcmp(p->by_sha1[mid]->sha1, sha1, SHA_DIGEST_LENGTH) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* equal SHA1s are not equal bytes: SHA-1 collisions can be made */
	for (; lo < p->n &&
	    memcmp(p->by_sha1[lo]->sha1, sha1, SHA_DIGEST_LENGTH) == 0; lo++)
		if (p->by_sha1[lo]->der_len == len &&
		    memcmp(p->by_sha1[lo]->der, der, len) == 0)
			return p->by_sha1[lo];
	return NULL;
}

/* A valid answer from HIT. */
static void
answer_hit(const struct entry *hit, struct pub_tvs_answer *a)
{
	a->valid = true;
	memcpy(a->roles, hit->roles, hit->nroles);
	a->nroles = hit->nroles;
	snprintf(a->where, sizeof(a->where), "%s", hit->where);
}

const char *
pub_tvs_lookup_der(const struct pub_tvs_snap *s, const uint8_t *der,
    size_t len, const uint8_t sha1[SHA_DIGEST_LENGTH],
    struct pub_tvs_answer *a)
{
	const struct entry *hit;

	/* A certificate whose whole DER is in the database part is found
	 * there by pub_tvs_lookup() too, whatever else shares its issuer
	 * and serial; only when it is not there does the CTL part answer. */
	if ((hit = part_find_der(&s->db, der, len, sha1)) == NULL &&
	    (hit = part_find_der(&s->ctl, der, len, sha1)) == NULL)
		return NULL;
	memset(a, 0, sizeof(*a));
	answer_hit(hit, a);
	return hit->names;
}

int
pub_tvs_cert_names(X509 *x, char **out)
{
	char *subject = NULL, *issuer = NULL, serial[2 * 20 + 1 + 8];
	const char *sj, *is;
	uint8_t *sn = NULL;
	size_t snlen = 0;
	int n;

	*out = NULL;
	ctl_name_format(X509_get_subject_name(x), &subject);
	ctl_name_format(X509_get_issuer_name(x), &issuer);
	if (ctl_cert_serial(x, &sn, &snlen) == CTL_OK)
		hex_format(serial, sizeof(serial), sn, snlen, '\0', 1);
	else
		snprintf(serial, sizeof(serial), "?");
	sj = subject ? subject : "?";
	is = issuer ? issuer : "?";
	n = snprintf(NULL, 0, NAMES_FORMAT, sj, is, serial);
	if (n >= 0 && (*out = malloc((size_t)n + 1)) != NULL)
		snprintf(*out, (size_t)n + 1, NAMES_FORMAT, sj, is, serial);
	free(subject);
	free(issuer);
	free(sn);
	return *out ? CTL_OK : CTL_ERR_NOMEM;
}

void
pub_tvs_lookup(const struct pub_tvs_snap *s, X509 *cert, const uint8_t *der,
    size_t len, struct pub_tvs_answer *a)
{
	struct entry key;
	const struct entry *hit;
	const char *same_db = NULL, *same_ctl = NULL;

	memset(a, 0, sizeof(*a));
	memset(&key, 0, sizeof(key));
	key.der = (uint8_t *)der;
	key.der_len = len;
	if (issuer_serial(cert, &key.issuer, &key.issuer_len, &key.serial,
	    &key.serial_len) != CTL_OK) {
		snprintf(a->where, sizeof(a->where),
		    "its issuer or serial cannot be read");
		return;
	}
	hit = part_find(&s->db, &key, &same_db);
	if (hit == NULL)
		hit = part_find(&s->ctl, &key, &same_ctl);
	if (hit) {
		answer_hit(hit, a);
	} else if (same_db || same_ctl) {
		snprintf(a->where, sizeof(a->where),
		    "same issuer and serial as %s%s but a different "
		    "certificate", same_db ? same_db : same_ctl,
		    same_db ? "" : " (CTL)");
	} else {
		snprintf(a->where, sizeof(a->where),
		    "not in the database nor the CTL");
	}
	free(key.issuer);
	free(key.serial);
}
