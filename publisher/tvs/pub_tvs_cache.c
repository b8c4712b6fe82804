/* What TVS trusts: see pub_tvs_cache.h and docs/tvs.md. */
#include "pub_tvs_cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "ctl.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_verify.h"
#include "file_io.h"
#include "pub_layout.h"
#include "pub_log.h"
#include "pub_node.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pub_trust.h"

#define CTL_FILE_NAME "CTLFile.tlv"

/* The files whose certificates the database cache holds, so that a
 * regenerated certificate is seen even if its file is renamed after the
 * state's commit. */
#define WATCH_MAX (PUB_NODES_MAX * 4)

/* A node directory path and a file name in it. */
#define FILE_PATH_MAX (PUB_PATH_MAX + 32)

struct entry {
	uint8_t *der;
	size_t der_len;
	uint8_t *issuer;          /* DER of the issuer name */
	size_t issuer_len;
	uint8_t *serial;          /* DER of the serial number */
	size_t serial_len;
	uint8_t roles[TVS_ROLES_MAX];
	size_t nroles;
	char where[PUB_TVS_WHERE_MAX];
};

struct part {
	struct entry *v;
	size_t n, cap;
};

struct pub_tvs_snap {
	atomic_int refs;
	bool sealed;
	struct part db, ctl;
};

struct file_id {
	char path[FILE_PATH_MAX];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool exists;
};

struct pub_tvs_cache {
	char dir[PUB_PATH_MAX];
	char node[PUB_NODE_NAME_MAX];
	char ctl_path[FILE_PATH_MAX];     /* nodes/NODE/tftp/CTLFile.tlv */
	char keep_path[FILE_PATH_MAX];    /* nodes/NODE/tvs-ctl-cache.tlv */
	struct pub_state *st;             /* the refresh thread's connection */
	int64_t data_version;
	struct file_id watch[WATCH_MAX];  /* certificate files read */
	size_t nwatch;
	struct file_id ctl_id;            /* CTLFile.tlv when last looked at */
	struct pub_tvs_snap *db;          /* database part only */
	struct ctl_file *ctl;             /* the CTL cached, or NULL */
	char ctl_sha1[41];                /* its SHA1, "" for none */
	char refused_sha1[41];            /* the last CTL refused, "" */
	pthread_mutex_t lock;             /* guards cur */
	struct pub_tvs_snap *cur;         /* what readers get */
};

/* ---- snapshots ---- */

struct pub_tvs_snap *
pub_tvs_snap_new(void)
{
	struct pub_tvs_snap *s = calloc(1, sizeof(*s));

	if (s)
		atomic_init(&s->refs, 1);
	return s;
}

static void
part_free(struct part *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].der);
		free(p->v[i].issuer);
		free(p->v[i].serial);
	}
	free(p->v);
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
	if ((e.der = malloc(len)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "TVS cache");
		goto out;
	}
	memcpy(e.der, der, len);
	e.der_len = len;
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
	X509_free(x);
	return rc;
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

void
pub_tvs_snap_seal(struct pub_tvs_snap *s)
{
	if (s->db.n)
		qsort(s->db.v, s->db.n, sizeof(*s->db.v), cmp_entry);
	if (s->ctl.n)
		qsort(s->ctl.v, s->ctl.n, sizeof(*s->ctl.v), cmp_entry);
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
		a->valid = true;
		memcpy(a->roles, hit->roles, hit->nroles);
		a->nroles = hit->nroles;
		snprintf(a->where, sizeof(a->where), "%s", hit->where);
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

/* ---- the database cache ---- */

static void
file_id_read(struct file_id *f)
{
	struct stat sb;

	f->exists = stat(f->path, &sb) == 0;
	if (!f->exists)
		return;
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->size = sb.st_size;
	f->mtime = sb.st_mtim;
}

static bool
file_id_changed(const struct file_id *f)
{
	struct file_id now = *f;

	file_id_read(&now);
	return now.exists != f->exists || (now.exists && (now.dev != f->dev ||
	    now.ino != f->ino || now.size != f->size ||
	    now.mtime.tv_sec != f->mtime.tv_sec ||
	    now.mtime.tv_nsec != f->mtime.tv_nsec));
}

/* The certificate of a PEM file as DER (*OUT freed by the caller). */
static int
pem_der(const char *path, uint8_t **out, size_t *len, struct ctl_diag *d)
{
	FILE *f = fopen(path, "r");
	X509 *x = NULL;
	unsigned char *der = NULL;
	int n, rc = CTL_OK;

	*out = NULL;
	if (f == NULL)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
		    strerror(errno));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL || (n = i2d_X509(x, &der)) <= 0) {
		rc = ctl_diag_set(d, CTL_ERR_KEY, "%s: no PEM certificate",
		    path);
		goto out;
	}
	if ((*out = malloc((size_t)n)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "%s", path);
		goto out;
	}
	memcpy(*out, der, (size_t)n);
	*len = (size_t)n;
out:
	OPENSSL_free(der);
	X509_free(x);
	return rc;
}

/* Each node's certificates that phones may meet, with their roles. */
static const struct {
	enum pub_cert_purpose purpose;
	uint8_t role;
} node_roles[] = {
	{ PUB_CERT_CALLMANAGER, CTL_ROLE_CCM_TFTP },
	{ PUB_CERT_TVS, CTL_ROLE_TVS },
	{ PUB_CERT_CAPF, CTL_ROLE_CAPF },
	{ PUB_CERT_ITLRECOVERY, CTL_ROLE_SAST },
};

static const uint8_t trust_roles[PUB_TRUST_NPURPOSES] = {
	[PUB_TRUST_PHONE_SAST] = CTL_ROLE_SAST,
	[PUB_TRUST_CALLMANAGER] = CTL_ROLE_CCM,
	[PUB_TRUST_TOMCAT] = CTL_ROLE_APP_SERVER,
	[PUB_TRUST_CAPF] = CTL_ROLE_CAPF,
};

/* Builds the database part into a new snapshot *OUT; fills C's watch
 * list.  A certificate that cannot be read is logged and left out. */
static int
db_build(struct pub_tvs_cache *c, struct pub_tvs_snap **out,
    struct ctl_diag *d)
{
	struct pub_tvs_snap *s = NULL;
	struct pub_node *nodes = NULL;
	struct pub_trust_entry *trust = NULL;
	size_t nn = 0, nt = 0, i, k;
	char where[PUB_TVS_WHERE_MAX];
	struct ctl_diag e;
	int rc;

	*out = NULL;
	c->nwatch = 0;
	if ((s = pub_tvs_snap_new()) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "TVS cache");
		goto out;
	}
	if ((rc = pub_node_list(c->st, &nodes, &nn, d)) != CTL_OK ||
	    (rc = pub_trust_list(c->st, 1, PUB_TRUST_PHONE_SAST, &trust, &nt,
	    d)) != CTL_OK)
		goto out;
	for (i = 0; i < nn; i++) {
		for (k = 0; k < sizeof(node_roles) / sizeof(node_roles[0]);
		    k++) {
			char *path = NULL;
			uint8_t *der = NULL;
			size_t len = 0;
			struct file_id *w;

			snprintf(where, sizeof(where), "%s of %s",
			    pub_cert_purpose_name(node_roles[k].purpose),
			    nodes[i].name);
			if (pub_node_cert_paths(c->st, nodes[i].name,
			    node_roles[k].purpose, &path, NULL, &e) != CTL_OK) {
				pub_log("TVS cache: %s: %s", where, e.msg);
				continue;
			}
			if (c->nwatch < WATCH_MAX) {
				w = &c->watch[c->nwatch++];
				snprintf(w->path, sizeof(w->path), "%s", path);
				file_id_read(w);
			}
			if (pem_der(path, &der, &len, &e) != CTL_OK ||
			    pub_tvs_snap_add(s, false, der, len,
			    node_roles[k].role, where, &e) != CTL_OK)
				pub_log("TVS cache: %s left out: %s", where,
				    e.msg);
			free(der);
			free(path);
		}
	}
	for (i = 0; i < nt; i++)
		if ((unsigned)trust[i].purpose < PUB_TRUST_NPURPOSES &&
		    pub_tvs_snap_add(s, false, trust[i].der, trust[i].der_len,
		    trust_roles[trust[i].purpose],
		    pub_trust_purpose_name(trust[i].purpose), &e) != CTL_OK)
			pub_log("TVS cache: %s %s left out: %s",
			    pub_trust_purpose_name(trust[i].purpose),
			    trust[i].sha1, e.msg);
	*out = s;
	s = NULL;       /* transferred */
	rc = CTL_OK;
out:
	pub_tvs_snap_put(s);
	free(nodes);
	pub_trust_list_free(trust, nt);
	return rc;
}

/* ---- the CTL cache ---- */

/* The subject of record I of F, for messages. */
static const char *
record_subject(const struct ctl_file *f, int i)
{
	return i >= 0 && f->records[i].subject ? f->records[i].subject : "?";
}

/*
 * Reads, parses and verifies the CTL at PATH: *OUT and *SIGNER (the
 * signer record's index).  CTL_ERR_NOT_FOUND when there is no file.
 */
static int
ctl_read_verified(const char *path, struct ctl_file **out, int *signer,
    char sha1[41], struct ctl_diag *d)
{
	uint8_t *raw = NULL;
	size_t len = 0;
	struct ctl_file *f = NULL;
	int rc;

	*out = NULL;
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return CTL_ERR_NOT_FOUND;
	if ((rc = file_read_limited(path, CTL_MAX_FILE, &raw, &len, d)) !=
	    CTL_OK)
		goto out;
	pub_sha1_hex(raw, len, sha1);
	if ((rc = ctl_parse(raw, len, &f, d)) != CTL_OK)
		goto out;
	if (ctl_is_itl(f)) {
		rc = ctl_diag_set(d, CTL_ERR_FORMAT, "%s is an ITL, not a CTL",
		    path);
		goto out;
	}
	if ((rc = ctl_verify(f, signer, d)) != CTL_OK)
		goto out;
	*out = f;
	f = NULL;       /* transferred */
out:
	ctl_free(f);
	free(raw);
	return rc;
}

/* Adds F's records to the CTL part of S. */
static void
ctl_add_records(struct pub_tvs_snap *s, const struct ctl_file *f)
{
	struct ctl_diag e;

	for (size_t i = 0; i < f->nrecords; i++) {
		const struct ctl_record *r = &f->records[i];

		if (r->cert_der.len == 0 || !r->has_role || r->role > 0xff)
			continue;   /* no certificate, or a role TVS cannot send */
		if (pub_tvs_snap_add(s, true, r->cert_der.p, r->cert_der.len,
		    (uint8_t)r->role, "CTL", &e) != CTL_OK)
			pub_log("TVS cache: CTL record %zu left out: %s", i + 1,
			    e.msg);
	}
}

/* Does F hold DER as a SAST record? */
static bool
ctl_has_sast(const struct ctl_file *f, const struct ctl_bytes *der)
{
	for (size_t i = 0; i < f->nrecords; i++) {
		const struct ctl_record *r = &f->records[i];

		if (r->has_role && r->role == CTL_ROLE_SAST &&
		    r->cert_der.len == der->len &&
		    memcmp(r->cert_der.p, der->p, der->len) == 0)
			return true;
	}
	return false;
}

/*
 * Looks at CTLFile.tlv again and applies the rule of pub_tvs_cache.h.
 * Returns true when the CTL cache changed.
 */
static bool
ctl_check(struct pub_tvs_cache *c, bool db_changed)
{
	struct ctl_file *f = NULL;
	struct ctl_diag e;
	const struct ctl_bytes *sig;
	const char *why;
	char sha1[41] = "";
	int signer = -1, rc;
	bool changed = false;

	rc = ctl_read_verified(c->ctl_path, &f, &signer, sha1, &e);
	if (rc == CTL_ERR_NOT_FOUND) {
		if (c->ctl) {
			pub_log("TVS cache: %s was removed (non-secure): the "
			    "CTL cache (%s) is cleared", CTL_FILE_NAME,
			    c->ctl_sha1);
			ctl_free(c->ctl);
			c->ctl = NULL;
			c->ctl_sha1[0] = '\0';
			changed = true;
		}
		c->refused_sha1[0] = '\0';
		if (unlink(c->keep_path) != 0 && errno != ENOENT)
			pub_log("TVS cache: cannot remove %s: %s; remove it "
			    "by hand", c->keep_path, strerror(errno));
		goto out;
	}
	if (strcmp(sha1, c->ctl_sha1) == 0 && sha1[0])
		goto out;       /* the CTL cached already */
	if (strcmp(sha1, c->refused_sha1) == 0 && sha1[0] && !db_changed)
		goto out;       /* refused already, and nothing new vouches */
	if (rc != CTL_OK) {
		if (strcmp(sha1, c->refused_sha1) != 0 || !sha1[0])
			pub_log("TVS cache: %s (sha1 %s) is not taken: %s; TVS "
			    "keeps the CTL cache %s", CTL_FILE_NAME,
			    sha1[0] ? sha1 : "unreadable", e.msg,
			    c->ctl_sha1[0] ? c->ctl_sha1 : "(empty)");
		snprintf(c->refused_sha1, sizeof(c->refused_sha1), "%s", sha1);
		goto out;
	}
	sig = &f->records[signer].cert_der;
	if (c->ctl == NULL)
		why = "first CTL, trusted on first use";
	else if (pub_tvs_snap_has(c->db, false, sig->p, sig->len, -1))
		why = "its signer is in the database";
	else if (ctl_has_sast(c->ctl, sig))
		why = "its signer is a SAST of the CTL cached before";
	else {
		if (strcmp(sha1, c->refused_sha1) != 0)
			pub_log("TVS cache: %s (sha1 %s) is not taken: its "
			    "signer %s is neither in the database nor a SAST "
			    "of the CTL cached before (%s); TVS keeps that "
			    "one. Upload the signer to Phone-SAST-trust if it "
			    "is to be trusted", CTL_FILE_NAME, sha1,
			    record_subject(f, signer), c->ctl_sha1);
		snprintf(c->refused_sha1, sizeof(c->refused_sha1), "%s", sha1);
		goto out;
	}
	if ((rc = file_write_atomic(c->keep_path, f->raw, f->len, 0644, &e)) !=
	    CTL_OK)
		pub_log("TVS cache: %s; a restarted node will not keep this "
		    "CTL cache", e.msg);
	pub_log("TVS cache: took %s (sha1 %s, %zu records, signed by %s): %s",
	    CTL_FILE_NAME, sha1, f->nrecords, record_subject(f, signer), why);
	ctl_free(c->ctl);
	c->ctl = f;
	f = NULL;       /* transferred */
	snprintf(c->ctl_sha1, sizeof(c->ctl_sha1), "%s", sha1);
	c->refused_sha1[0] = '\0';
	changed = true;
out:
	ctl_free(f);
	return changed;
}

/* Makes the snapshot readers see from the database part and the CTL. */
static int
publish(struct pub_tvs_cache *c, struct ctl_diag *d)
{
	struct pub_tvs_snap *s = pub_tvs_snap_new(), *old;
	const struct part *db = &c->db->db;
	size_t i, k;
	int rc;

	if (s == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "TVS cache");
	for (i = 0; i < db->n; i++)
		for (k = 0; k < db->v[i].nroles; k++)
			if ((rc = pub_tvs_snap_add(s, false, db->v[i].der,
			    db->v[i].der_len, db->v[i].roles[k],
			    db->v[i].where, d)) != CTL_OK) {
				pub_tvs_snap_put(s);
				return rc;
			}
	if (c->ctl)
		ctl_add_records(s, c->ctl);
	pub_tvs_snap_seal(s);
	pthread_mutex_lock(&c->lock);
	old = c->cur;
	c->cur = s;
	pthread_mutex_unlock(&c->lock);
	pub_tvs_snap_put(old);
	return CTL_OK;
}

/* Reloads the database part when the state or a certificate changed.
 * Returns true when it did. */
static bool
db_check(struct pub_tvs_cache *c, bool force)
{
	struct pub_tvs_snap *s = NULL;
	struct ctl_diag e;
	int64_t v = 0;
	bool changed = force;

	if (pub_state_data_version(c->st, &v, &e) != CTL_OK) {
		pub_log("TVS cache: %s", e.msg);
		return false;
	}
	if (v != c->data_version)
		changed = true;
	for (size_t i = 0; !changed && i < c->nwatch; i++)
		changed = file_id_changed(&c->watch[i]);
	if (!changed)
		return false;
	if (db_build(c, &s, &e) != CTL_OK) {
		pub_log("TVS cache: reading the state: %s; TVS keeps the "
		    "previous database cache", e.msg);
		return false;
	}
	c->data_version = v;
	pub_tvs_snap_seal(s);
	pub_tvs_snap_put(c->db);
	c->db = s;
	return true;
}

void
pub_tvs_cache_refresh(struct pub_tvs_cache *c)
{
	struct ctl_diag e;
	bool db_changed, ctl_changed;

	db_changed = db_check(c, false);
	ctl_changed = (db_changed && c->refused_sha1[0]) ||
	    file_id_changed(&c->ctl_id);
	if (ctl_changed) {
		file_id_read(&c->ctl_id);
		ctl_changed = ctl_check(c, db_changed);
	}
	if ((db_changed || ctl_changed) && publish(c, &e) != CTL_OK)
		pub_log("TVS cache: %s; TVS keeps answering from the previous "
		    "cache", e.msg);
	if (db_changed || ctl_changed) {
		size_t ndb, nctl;

		pub_tvs_snap_counts(c->cur, &ndb, &nctl);
		pub_log("TVS cache: %zu certificates from the database, %zu "
		    "from the CTL%s%s", ndb, nctl, c->ctl_sha1[0] ? " " : "",
		    c->ctl_sha1);
	}
}

/* Takes the CTL cache a previous run kept, if it still verifies. */
static void
keep_load(struct pub_tvs_cache *c)
{
	struct ctl_diag e;
	struct ctl_file *f = NULL;
	int signer, rc;
	char sha1[41] = "";

	rc = ctl_read_verified(c->keep_path, &f, &signer, sha1, &e);
	if (rc == CTL_ERR_NOT_FOUND)
		return;
	if (rc != CTL_OK) {
		pub_log("TVS cache: the kept CTL cache is not used: %s; the "
		    "next CTL is trusted on first use", e.msg);
		return;
	}
	c->ctl = f;
	snprintf(c->ctl_sha1, sizeof(c->ctl_sha1), "%s", sha1);
	pub_log("TVS cache: kept CTL cache %s (%zu records) from %s", sha1,
	    f->nrecords, c->keep_path);
}

int
pub_tvs_cache_open(const char *dir, const char *node,
    struct pub_tvs_cache **out, struct ctl_diag *d)
{
	struct pub_tvs_cache *c = NULL;
	struct pub_node self;
	char *keep = NULL;
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "TVS cache");
	pthread_mutex_init(&c->lock, NULL);
	c->data_version = -1;
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	snprintf(c->node, sizeof(c->node), "%s", node);
	if ((rc = pub_state_open(dir, &c->st, d)) != CTL_OK ||
	    (rc = pub_node_get(c->st, node, &self, d)) != CTL_OK)
		goto out;
	if ((rc = pub_layout_path(dir, node, PUB_TVS_CTL_CACHE_FILE, &keep)) !=
	    CTL_OK) {
		ctl_diag_set(d, rc, "TVS cache: out of memory");
		goto out;
	}
	snprintf(c->keep_path, sizeof(c->keep_path), "%s", keep);
	snprintf(c->ctl_path, sizeof(c->ctl_path), "%s/%s", self.tftp_dir,
	    CTL_FILE_NAME);
	snprintf(c->ctl_id.path, sizeof(c->ctl_id.path), "%s", c->ctl_path);
	keep_load(c);
	if (!db_check(c, true)) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "TVS cache: cannot read the "
		    "cluster's certificates from %s/%s (see the log above)",
		    dir, PUB_STATE_FILE);
		goto out;
	}
	file_id_read(&c->ctl_id);
	ctl_check(c, true);
	if ((rc = publish(c, d)) != CTL_OK)
		goto out;
	*out = c;
	c = NULL;       /* transferred */
out:
	free(keep);
	pub_tvs_cache_close(c);
	return rc;
}

struct pub_tvs_snap *
pub_tvs_cache_get(struct pub_tvs_cache *c)
{
	struct pub_tvs_snap *s;

	pthread_mutex_lock(&c->lock);
	s = c->cur;
	atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&c->lock);
	return s;
}

void
pub_tvs_cache_close(struct pub_tvs_cache *c)
{
	if (c == NULL)
		return;
	pub_tvs_snap_put(c->cur);
	pub_tvs_snap_put(c->db);
	ctl_free(c->ctl);
	pub_state_close(c->st);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
