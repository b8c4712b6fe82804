/* Bringing late nodes in line with the publisher's CTL and ITL. */
#include "pub_catchup.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_itl.h"
#include "pub_log.h"
#include "pub_node.h"
#include "pub_store.h"
#include "pub_tokenless.h"

/* What catch_up() found and did, for the nodes in the order given. */
struct catchup {
	struct pub_dist_result *status;  /* what each node held */
	bool *late;                      /* it held something else */
	struct pub_node *late_nodes;     /* those nodes, in order */
	struct pub_dist_result *fix;     /* the outcome there (nlate) */
	size_t nlate;
};

static void
catchup_free(struct catchup *c)
{
	free(c->status);
	free(c->late);
	free(c->late_nodes);
	free(c->fix);
}

/*
 * Asks each of the N nodes which FILENAME it holds, and pushes DATA (LEN
 * bytes; NULL: deletes the file) to the subscribers that answered with
 * another one.  Fails with CTL_ERR_NOMEM only.
 */
static int
catch_up(SSL_CTX *client, const struct pub_node *nodes, size_t n,
    const char *filename, const uint8_t *data, size_t len,
    struct catchup *c, struct ctl_diag *d)
{
	size_t m = n ? n : 1, i;
	char want[41] = "";

	memset(c, 0, sizeof(*c));
	if ((c->status = calloc(m, sizeof(*c->status))) == NULL ||
	    (c->late = calloc(m, sizeof(*c->late))) == NULL ||
	    (c->late_nodes = calloc(m, sizeof(*c->late_nodes))) == NULL ||
	    (c->fix = calloc(m, sizeof(*c->fix))) == NULL) {
		catchup_free(c);
		memset(c, 0, sizeof(*c));
		return ctl_diag_set(d, CTL_ERR_NOMEM, "catching up %s: out of "
		    "memory", filename);
	}
	if (data != NULL)
		pub_sha1_hex(data, len, want);
	pub_dist_run(client, nodes, n, PUB_DIST_STATUS, filename, NULL, 0,
	    c->status);
	for (i = 0; i < n; i++) {
		c->late[i] = !nodes[i].publisher && c->status[i].reachable &&
		    strcmp(c->status[i].sha1, want) != 0;
		if (c->late[i])
			c->late_nodes[c->nlate++] = nodes[i];
	}
	if (c->nlate > 0)
		pub_dist_run(client, c->late_nodes, c->nlate, data != NULL ?
		    PUB_DIST_PUSH : PUB_DIST_DELETE, filename, data, len,
		    c->fix);
	return CTL_OK;
}

void
pub_dist_record_ctl(struct pub_state *st, const struct pub_dist_result *r,
    size_t n, enum pub_dist_op op)
{
	struct ctl_diag d;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *sha = r[i].sha1[0] ? r[i].sha1 : NULL;

		if (r[i].ok)
			(void)pub_node_set_ctl(st, r[i].node, sha,
			    PUB_DIST_CURRENT, NULL, &d);
		else
			(void)pub_node_set_ctl(st, r[i].node, NULL,
			    r[i].reachable ? PUB_DIST_FAILED : PUB_DIST_STALE,
			    r[i].reason, &d);
		pub_log("%s %s on %s: %s%s%s", op == PUB_DIST_DELETE ?
		    "delete" : op == PUB_DIST_PUSH ? "push" : "check",
		    PUB_CTL_FILENAME, r[i].node, r[i].ok ? "Passed" : "Failed",
		    r[i].ok ? "" : ": ", r[i].ok ? "" : r[i].reason);
	}
}

/*
 * Makes sure the audit log names the CTL the publisher holds (DATA, LEN
 * bytes) before it is spread.  Every CTL the publisher writes is
 * recorded first, so one it does not know was put in its store by other
 * means (by hand, or by a version that recorded after writing): it is
 * reported and recorded as found, so that what nodes serve is always in
 * the audit log.  Returns false, after logging why, when the state
 * cannot be read or written: the caller then pushes nothing.
 */
static bool
ctl_recorded(struct pub_state *st, const uint8_t *data, size_t len)
{
	struct ctl_diag d;
	char sha[41];
	bool named = false;

	pub_sha1_hex(data, len, sha);
	ctl_diag_clear(&d);
	if (pub_audit_names(st, sha, &named, &d) != CTL_OK) {
		pub_log("catch-up of %s skipped: cannot read the audit log: %s",
		    PUB_CTL_FILENAME, d.msg);
		return false;
	}
	if (named)
		return true;
	pub_log("%s SHA1 %s is not in the state: no recorded change wrote "
	    "it; recording it as found in the publisher's store before it "
	    "is spread", PUB_CTL_FILENAME, sha);
	if (pub_audit_add(st, PUB_CATCHUP_ACTOR, "ctl-found", NULL, sha,
	    "CTLFile.tlv found in the publisher's store, written by no "
	    "recorded change", &d) != CTL_OK) {
		pub_log("catch-up of %s skipped: cannot record it: %s",
		    PUB_CTL_FILENAME, d.msg);
		return false;
	}
	return true;
}

void
pub_catch_up_ctl(SSL_CTX *client, struct pub_state *st, const char *tftp_dir)
{
	struct pub_node *nodes = NULL;
	struct catchup c;
	struct ctl_diag d;
	uint8_t *file = NULL;
	size_t n = 0, i, len = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	ctl_diag_clear(&d);
	rc = pub_store_read(tftp_dir, PUB_CTL_FILENAME, &file, &len, &d);
	if ((rc != CTL_OK && rc != CTL_ERR_NOT_FOUND) ||
	    (file != NULL && !ctl_recorded(st, file, len)) ||
	    (rc = pub_node_list(st, &nodes, &n, &d)) != CTL_OK ||
	    (rc = catch_up(client, nodes, n, PUB_CTL_FILENAME, file, len, &c,
	    &d)) != CTL_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if (nodes[i].publisher)
			continue;
		if (!c.status[i].reachable) {
			if (nodes[i].dist == PUB_DIST_CURRENT)
				(void)pub_node_set_ctl(st, nodes[i].name, NULL,
				    PUB_DIST_STALE, c.status[i].reason, &d);
		} else if (!c.late[i] && nodes[i].dist != PUB_DIST_CURRENT) {
			pub_dist_record_ctl(st, &c.status[i], 1,
			    PUB_DIST_STATUS);
		}
	}
	pub_dist_record_ctl(st, c.fix, c.nlate, file != NULL ? PUB_DIST_PUSH :
	    PUB_DIST_DELETE);
out:
	catchup_free(&c);
	free(file);
	free(nodes);
}

void
pub_catch_up_itl(SSL_CTX *client, struct pub_state *st, const char *tftp_dir,
    const char *actor)
{
	static char last_err[CTL_DIAG_MAX];
	struct pub_node *nodes = NULL;
	struct catchup c;
	struct ctl_diag d;
	uint8_t *file = NULL;
	size_t n = 0, i, len = 0;
	bool changed = false;
	int rc;

	memset(&c, 0, sizeof(c));
	ctl_diag_clear(&d);
	rc = pub_itl_refresh(st, actor, tftp_dir, &changed, &d);
	if (rc != CTL_OK) {
		/* Once per new reason, not every few seconds. */
		if (strcmp(last_err, ctl_diag_msg(&d, rc)) != 0)
			pub_log("cannot rebuild %s: %s", PUB_ITL_FILENAME,
			    ctl_diag_msg(&d, rc));
		snprintf(last_err, sizeof(last_err), "%s", ctl_diag_msg(&d, rc));
	} else {
		last_err[0] = '\0';
		if (changed)
			pub_log("rebuilt %s: the certificates it holds changed",
			    PUB_ITL_FILENAME);
	}
	/* Whatever the publisher holds now is what the nodes get. */
	if (pub_store_read(tftp_dir, PUB_ITL_FILENAME, &file, &len, &d) !=
	    CTL_OK || pub_node_list(st, &nodes, &n, &d) != CTL_OK ||
	    catch_up(client, nodes, n, PUB_ITL_FILENAME, file, len, &c, &d) !=
	    CTL_OK)
		goto out;
	for (i = 0; i < c.nlate; i++)
		pub_log("push %s on %s: %s%s%s", PUB_ITL_FILENAME,
		    c.fix[i].node, c.fix[i].ok ? "Passed" : "Failed",
		    c.fix[i].ok ? "" : ": ", c.fix[i].ok ? "" : c.fix[i].reason);
out:
	catchup_free(&c);
	free(file);
	free(nodes);
}
