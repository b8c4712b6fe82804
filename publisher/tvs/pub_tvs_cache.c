/* What TVS trusts: see pub_tvs_cache.h and docs/tvs.md. */
#include "pub_tvs_cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/pem.h>

#include "ctl.h"
#include "ctl_err.h"
#include "pub_layout.h"
#include "pub_log.h"
#include "pub_node.h"
#include "pub_state.h"
#include "pub_trust.h"
#include "pub_tvs_ctl.h"

#define CTL_FILE_NAME "CTLFile.tlv"

/* The files whose certificates the database cache holds, so that a
 * regenerated certificate is seen even if its file is renamed after the
 * state's commit. */
#define WATCH_MAX (PUB_NODES_MAX * 4)

struct file_id {
	char path[PUB_TVS_FILE_PATH_MAX];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool exists;
};

struct pub_tvs_cache {
	char dir[PUB_PATH_MAX];
	char node[PUB_NODE_NAME_MAX];
	struct pub_state *st;             /* the refresh thread's connection */
	int64_t data_version;
	struct file_id watch[WATCH_MAX];  /* certificate files read */
	size_t nwatch;
	struct file_id ctl_id;            /* CTLFile.tlv when last looked at */
	struct pub_tvs_snap *db;          /* database part only */
	struct pub_tvs_ctl ctl;           /* the CTL cache */
	pthread_mutex_t refresh_lock;     /* one refresh at a time */
	atomic_uint_fast64_t begun;       /* refreshes begun, numbered */
	uint64_t ended;                   /* the last refresh ended, under
	                                     refresh_lock */
	pthread_mutex_t lock;             /* guards cur */
	struct pub_tvs_snap *cur;         /* what readers get */
};

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

/* IPsec-trust serves the nodes' IPsec tunnels, not phones: TVS does not
 * vouch for what it holds. */
static bool
trust_for_phones(enum pub_trust_purpose p)
{
	return (unsigned)p < PUB_TRUST_NPURPOSES && p != PUB_TRUST_IPSEC;
}

int
pub_tvs_db_build(struct pub_state *st, struct pub_tvs_snap **out,
    void (*seen)(void *ctx, const char *path), void *ctx,
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
	if ((s = pub_tvs_snap_new()) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "TVS cache");
		goto out;
	}
	if ((rc = pub_node_list(st, &nodes, &nn, d)) != CTL_OK ||
	    (rc = pub_trust_list(st, 1, PUB_TRUST_PHONE_SAST, &trust, &nt,
	    d)) != CTL_OK)
		goto out;
	for (i = 0; i < nn; i++) {
		for (k = 0; k < sizeof(node_roles) / sizeof(node_roles[0]);
		    k++) {
			char *path = NULL;
			uint8_t *der = NULL;
			size_t len = 0;

			snprintf(where, sizeof(where), "%s of %s",
			    pub_cert_purpose_name(node_roles[k].purpose),
			    nodes[i].name);
			if (pub_node_cert_paths(st, nodes[i].name,
			    node_roles[k].purpose, &path, NULL, &e) != CTL_OK) {
				/* A subscriber has no CAPF or ITLRecovery. */
				if (pub_cert_type_on_node(node_roles[k].purpose,
				    nodes[i].publisher))
					pub_log("TVS cache: %s: %s", where, e.msg);
				continue;
			}
			if (seen != NULL)
				seen(ctx, path);
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
		if (trust_for_phones(trust[i].purpose) &&
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

/* Adds PATH to C's watch list, so that a regenerated certificate is
 * seen. */
static void
watch_add(void *ctx, const char *path)
{
	struct pub_tvs_cache *c = ctx;
	struct file_id *w;

	if (c->nwatch == WATCH_MAX)
		return;
	w = &c->watch[c->nwatch++];
	snprintf(w->path, sizeof(w->path), "%s", path);
	file_id_read(w);
}

/* Builds the database part into a new snapshot *OUT; fills C's watch
 * list.  A certificate that cannot be read is logged and left out. */
static int
db_build(struct pub_tvs_cache *c, struct pub_tvs_snap **out,
    struct ctl_diag *d)
{
	c->nwatch = 0;
	return pub_tvs_db_build(c->st, out, watch_add, c, d);
}

/* Makes the snapshot readers see from the database part and the CTL. */
static int
publish(struct pub_tvs_cache *c, struct ctl_diag *d)
{
	struct pub_tvs_snap *s = pub_tvs_snap_new(), *old;
	int rc;

	if (s == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "TVS cache");
	if ((rc = pub_tvs_snap_add_all(s, false, c->db, d)) != CTL_OK) {
		pub_tvs_snap_put(s);
		return rc;
	}
	pub_tvs_ctl_add_records(&c->ctl, s);
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
	uint64_t called = atomic_load(&c->begun);
	struct ctl_diag e;
	bool db_changed, ctl_changed;

	pthread_mutex_lock(&c->refresh_lock);
	/* A refresh begun after this call and ended since has seen all
	 * this call must see: a burst of "invalid" answers waits for one
	 * refresh instead of queueing one each. */
	if (c->ended > called) {
		pthread_mutex_unlock(&c->refresh_lock);
		return;
	}
	atomic_fetch_add(&c->begun, 1);
	db_changed = db_check(c, false);
	ctl_changed = (db_changed && c->ctl.refused_sha1[0]) ||
	    file_id_changed(&c->ctl_id);
	if (ctl_changed) {
		file_id_read(&c->ctl_id);
		ctl_changed = pub_tvs_ctl_check(&c->ctl, c->db,
		    db_changed);
	}
	if ((db_changed || ctl_changed) && publish(c, &e) != CTL_OK)
		pub_log("TVS cache: %s; TVS keeps answering from the previous "
		    "cache", e.msg);
	if (db_changed || ctl_changed) {
		size_t ndb, nctl;

		pub_tvs_snap_counts(c->cur, &ndb, &nctl);
		pub_log("TVS cache: %zu certificates from the database, %zu "
		    "from the CTL%s%s", ndb, nctl, c->ctl.sha1[0] ? " " : "",
		    c->ctl.sha1);
	}
	c->ended = atomic_load(&c->begun);
	pthread_mutex_unlock(&c->refresh_lock);
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
	pthread_mutex_init(&c->refresh_lock, NULL);
	atomic_init(&c->begun, 0);
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
	snprintf(c->ctl.keep_path, sizeof(c->ctl.keep_path), "%s", keep);
	snprintf(c->ctl.path, sizeof(c->ctl.path), "%s/%s", self.tftp_dir,
	    CTL_FILE_NAME);
	snprintf(c->ctl_id.path, sizeof(c->ctl_id.path), "%s", c->ctl.path);
	pub_tvs_ctl_load_kept(&c->ctl);
	if (!db_check(c, true)) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "TVS cache: cannot read the "
		    "cluster's certificates from %s/%s (see the log above)",
		    dir, PUB_STATE_FILE);
		goto out;
	}
	file_id_read(&c->ctl_id);
	pub_tvs_ctl_check(&c->ctl, c->db, true);
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
	s = pub_tvs_snap_get(c->cur);
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
	pub_tvs_ctl_clear(&c->ctl);
	pub_state_close(c->st);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->refresh_lock);
	free(c);
}
