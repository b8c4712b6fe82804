/* The CTL cache of TVS and its rule: see pub_tvs_ctl.h. */
#include "pub_tvs_ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_err.h"
#include "ctl_verify.h"
#include "file_io.h"
#include "pub_log.h"
#include "pub_tvs_cache.h"
#include "pub_store.h"

#define CTL_FILE_NAME "CTLFile.tlv"

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

/* Adds the records of F (NULL: none) to the CTL part of S. */
static void
add_records(const struct ctl_file *f, struct pub_tvs_snap *s)
{
	struct ctl_diag e;

	if (f == NULL)
		return;
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

void
pub_tvs_ctl_add_records(const struct pub_tvs_ctl *c, struct pub_tvs_snap *s)
{
	add_records(c->ctl, s);
}

int
pub_tvs_ctl_vouch(struct pub_state *st, const struct ctl_file *installed,
    const struct ctl_file *newf, struct ctl_trust *t, struct ctl_diag *d)
{
	struct pub_tvs_snap *s = NULL;
	struct pub_tvs_answer a;
	const struct ctl_record *r;
	char direct[sizeof(t->reason)];
	int rc;

	if ((rc = ctl_trust_direct(installed, newf, t, d)) != CTL_OK)
		return rc;
	if (t->accept || !t->tvs_could_help)
		return CTL_OK;
	/* What a phone with TVS asks about an unknown signer: TVS answers
	 * from the database and the CTL it cached, the one phones hold. */
	if ((rc = pub_tvs_db_build(st, &s, NULL, NULL, d)) != CTL_OK)
		return rc;
	add_records(installed, s);
	pub_tvs_snap_seal(s);
	r = &newf->records[t->new_signer];
	pub_tvs_lookup(s, r->cert, r->cert_der.p, r->cert_der.len, &a);
	pub_tvs_snap_put(s);
	snprintf(direct, sizeof(direct), "%s", t->reason);
	if (a.valid) {
		t->accept = true;
		snprintf(t->reason, sizeof(t->reason), "TVS vouches for the "
		    "signer %s: it is in %s", record_subject(newf,
		    t->new_signer), a.where);
	} else {
		/* A long reason is cut: the start says what matters. */
		if (snprintf(t->reason, sizeof(t->reason), "%s; TVS does not "
		    "vouch for it either (%s)", direct, a.where) >=
		    (int)sizeof(t->reason))
			t->reason[sizeof(t->reason) - 1] = '\0';
	}
	return CTL_OK;
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

bool
pub_tvs_ctl_check(struct pub_tvs_ctl *c, const struct pub_tvs_snap *db,
    bool db_changed)
{
	struct ctl_file *f = NULL;
	struct ctl_diag e;
	const struct ctl_bytes *sig;
	const char *why;
	char sha1[41] = "";
	int signer = -1, rc;
	bool changed = false;

	rc = ctl_read_verified(c->path, &f, &signer, sha1, &e);
	if (rc == CTL_ERR_NOT_FOUND) {
		if (c->ctl) {
			pub_log("TVS cache: %s was removed (non-secure): the "
			    "CTL cache (%s) is cleared", CTL_FILE_NAME,
			    c->sha1);
			ctl_free(c->ctl);
			c->ctl = NULL;
			c->sha1[0] = '\0';
			changed = true;
		}
		c->refused_sha1[0] = '\0';
		if (unlink(c->keep_path) != 0 && errno != ENOENT)
			pub_log("TVS cache: cannot remove %s: %s; remove it "
			    "by hand", c->keep_path, strerror(errno));
		goto out;
	}
	if (strcmp(sha1, c->sha1) == 0 && sha1[0])
		goto out;       /* the CTL cached already */
	if (strcmp(sha1, c->refused_sha1) == 0 && sha1[0] && !db_changed)
		goto out;       /* refused already, and nothing new vouches */
	if (rc != CTL_OK) {
		if (strcmp(sha1, c->refused_sha1) != 0 || !sha1[0])
			pub_log("TVS cache: %s (sha1 %s) is not taken: %s; TVS "
			    "keeps the CTL cache %s", CTL_FILE_NAME,
			    sha1[0] ? sha1 : "unreadable", e.msg,
			    c->sha1[0] ? c->sha1 : "(empty)");
		snprintf(c->refused_sha1, sizeof(c->refused_sha1), "%s", sha1);
		goto out;
	}
	sig = &f->records[signer].cert_der;
	if (c->ctl == NULL)
		why = "first CTL, trusted on first use";
	else if (pub_tvs_snap_has(db, false, sig->p, sig->len, -1))
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
			    record_subject(f, signer), c->sha1);
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
	snprintf(c->sha1, sizeof(c->sha1), "%s", sha1);
	c->refused_sha1[0] = '\0';
	changed = true;
out:
	ctl_free(f);
	return changed;
}

void
pub_tvs_ctl_load_kept(struct pub_tvs_ctl *c)
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
	snprintf(c->sha1, sizeof(c->sha1), "%s", sha1);
	pub_log("TVS cache: kept CTL cache %s (%zu records) from %s", sha1,
	    f->nrecords, c->keep_path);
}

void
pub_tvs_ctl_clear(struct pub_tvs_ctl *c)
{
	ctl_free(c->ctl);
	c->ctl = NULL;
}
