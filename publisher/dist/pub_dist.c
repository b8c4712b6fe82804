/* Putting files on every node, and serving the nodes' side of it. */
#include "pub_dist.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_err.h"
#include "hex.h"
#include "proto_conn.h"
#include "pub_store.h"

struct job {
	SSL_CTX *client;
	const struct pub_node *node;
	enum pub_dist_op op;
	const char *filename;
	const uint8_t *data;
	size_t len;
	const char *sha1;
	struct pub_dist_result *res;
};

static void
fail(struct pub_dist_result *r, const char *why)
{
	r->ok = false;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
}

/* OP on this machine's own directory. */
static void
local_op(struct job *j)
{
	struct pub_dist_result *r = j->res;
	struct ctl_diag d;
	int rc = CTL_OK;

	r->reachable = true;
	ctl_diag_clear(&d);
	if (j->op == PUB_DIST_PUSH)
		rc = pub_store_write(j->node->tftp_dir, j->filename, j->data,
		    j->len, &d);
	else if (j->op == PUB_DIST_DELETE &&
	    (rc = pub_store_delete(j->node->tftp_dir, j->filename, &d)) ==
	    CTL_ERR_NOT_FOUND)
		rc = CTL_OK;    /* nothing to delete is what was wanted */
	if (rc != CTL_OK) {
		fail(r, ctl_diag_msg(&d, rc));
		return;
	}
	if (pub_store_sha1(j->node->tftp_dir, j->filename, r->sha1, NULL) !=
	    CTL_OK)
		r->sha1[0] = '\0';
	r->ok = true;
}

/* OP on a subscriber, over mutual TLS. */
static void *
remote_op(void *arg)
{
	struct job *j = arg;
	struct pub_dist_result *r = j->res;
	struct proto_conn *c = NULL;
	struct proto_fields fs = { NULL, 0 };
	struct proto_out o;
	struct ctl_diag d;
	uint8_t *payload = NULL;
	const uint8_t *sha;
	size_t shalen;
	int rc;

	ctl_diag_clear(&d);
	if ((rc = proto_connect(j->client, j->node->ip, j->node->ports.dist,
	    PUB_DIST_TIMEOUT_MS, &c, &d)) != CTL_OK) {
		fail(r, ctl_diag_msg(&d, rc));
		return NULL;
	}
	r->reachable = true;
	proto_out_init(&o, j->op == PUB_DIST_PUSH ? PROTO_NODE_PUSH :
	    j->op == PUB_DIST_DELETE ? PROTO_NODE_DELETE : PROTO_NODE_STATUS,
	    1);
	proto_put_str(&o, PT_FILENAME, j->filename);
	if (j->op == PUB_DIST_PUSH) {
		uint8_t raw[20];

		(void)hex_parse(j->sha1, raw, sizeof(raw));
		proto_put_bytes(&o, PT_FILE, j->data, j->len);
		proto_put_bytes(&o, PT_SHA1, raw, 20);
	}
	rc = proto_call(c, &o, &fs, &payload, &d);
	proto_out_free(&o);
	if (rc != CTL_OK) {
		fail(r, ctl_diag_msg(&d, rc));
		goto out;
	}
	rc = proto_get_bytes(&fs, PT_SHA1, false, 20, &sha, &shalen, &d);
	if (rc == CTL_OK && shalen == 20)
		hex_format(r->sha1, sizeof(r->sha1), sha, 20, '\0', 0);
	else if (rc != CTL_ERR_NOT_FOUND) {
		fail(r, "the node's answer has no valid SHA1");
		goto out;
	}
	r->ok = true;
out:
	proto_fields_free(&fs);
	free(payload);
	proto_close(c);
	return NULL;
}

size_t
pub_dist_run(SSL_CTX *client, const struct pub_node *nodes, size_t n,
    enum pub_dist_op op, const char *filename, const uint8_t *data,
    size_t len, struct pub_dist_result *res)
{
	struct job *jobs = calloc(n ? n : 1, sizeof(*jobs));
	pthread_t *threads = calloc(n ? n : 1, sizeof(*threads));
	bool *started = calloc(n ? n : 1, sizeof(*started));
	char sha1[41] = "";
	size_t i, failed = 0;
	bool local_failed = false;

	if (data != NULL)
		pub_sha1_hex(data, len, sha1);
	for (i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		snprintf(res[i].node, sizeof(res[i].node), "%s", nodes[i].name);
		if (jobs == NULL)
			fail(&res[i], "out of memory");
	}
	if (jobs == NULL || threads == NULL || started == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		jobs[i] = (struct job){ client, &nodes[i], op, filename, data,
		    len, sha1, &res[i] };
		if (nodes[i].publisher) {
			local_op(&jobs[i]);
			local_failed = !res[i].ok && op != PUB_DIST_STATUS;
		}
	}
	for (i = 0; i < n; i++) {
		if (nodes[i].publisher)
			continue;
		if (local_failed) {
			fail(&res[i], "not attempted: the publisher could not "
			    "store the file itself");
			continue;
		}
		started[i] = pthread_create(&threads[i], NULL, remote_op,
		    &jobs[i]) == 0;
		if (!started[i])
			remote_op(&jobs[i]);
	}
	for (i = 0; i < n; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
out:
	for (i = 0; i < n; i++)
		failed += !res[i].ok;
	free(jobs);
	free(threads);
	free(started);
	return failed;
}

static bool
known_file(const char *name)
{
	return strcmp(name, "CTLFile.tlv") == 0 ||
	    strcmp(name, "ITLFile.tlv") == 0;
}

/* Fills D with a failure of the node's own store (PD, RC): the node's
 * problem, not the request's, whatever the store's code. */
static int
store_failed(struct ctl_diag *d, const struct ctl_diag *pd, int rc)
{
	return ctl_diag_set(d, CTL_ERR_IO, "%s", ctl_diag_msg(pd, rc));
}

int
pub_dist_handle(const char *tftp_dir, bool node_peer,
    const struct proto_header *h, const struct proto_fields *fs,
    struct proto_out *reply, struct ctl_diag *d)
{
	struct ctl_file *f = NULL;
	struct ctl_diag pd;
	char name[65], want[41], have[41];
	const uint8_t *data, *sha;
	size_t len, shalen;
	uint8_t raw[20];
	int rc;

	if (!node_peer)
		return ctl_diag_set(d, CTL_ERR_LOGIN_REQUIRED, "only cluster "
		    "nodes may use this port");
	if ((rc = proto_get_str(fs, PT_FILENAME, true, name, 64, d)) != CTL_OK)
		return rc;
	if (!known_file(name))
		return ctl_diag_set(d, CTL_ERR_REFUSED, "%s: only CTLFile.tlv "
		    "and ITLFile.tlv are distributed", name);
	ctl_diag_clear(&pd);
	switch (h->type) {
	case PROTO_NODE_PUSH:
		if (proto_get_bytes(fs, PT_FILE, true, PROTO_MAX_FILE, &data,
		    &len, d) != CTL_OK || proto_get_bytes(fs, PT_SHA1, true,
		    20, &sha, &shalen, d) != CTL_OK || shalen != 20)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "NODE_PUSH needs "
			    "FILE and a 20-byte SHA1");
		pub_sha1_hex(data, len, have);
		hex_format(want, sizeof(want), sha, 20, '\0', 0);
		if (strcmp(want, have) != 0)
			return ctl_diag_set(d, CTL_ERR_REFUSED, "the file arrived "
			    "damaged (SHA1 %s, expected %s)", have, want);
		/* A node stores only what parses: phones would choke on it. */
		if ((rc = ctl_parse(data, len, &f, &pd)) != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "not a valid .tlv "
			    "file: %s", pd.msg);
		ctl_free(f);
		if ((rc = pub_store_write(tftp_dir, name, data, len, &pd)))
			return store_failed(d, &pd, rc);
		proto_put_bytes(reply, PT_SHA1, sha, 20);
		return CTL_OK;
	case PROTO_NODE_DELETE:
		rc = pub_store_delete(tftp_dir, name, &pd);
		if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
			return store_failed(d, &pd, rc);
		return CTL_OK;
	case PROTO_NODE_STATUS:
		rc = pub_store_sha1(tftp_dir, name, have, &pd);
		if (rc == CTL_ERR_NOT_FOUND)
			return CTL_OK;
		if (rc != CTL_OK)
			return store_failed(d, &pd, rc);
		if (hex_parse(have, raw, sizeof(raw)) != 0)
			return ctl_diag_set(d, CTL_ERR_INTERNAL, "cannot read the "
			    "stored file's SHA1");
		proto_put_bytes(reply, PT_SHA1, raw, 20);
		return CTL_OK;
	}
	return ctl_diag_set(d, CTL_ERR_UNSUPPORTED, "request %s is not served on "
	    "the distribution port", proto_type_name(h->type) ?
	    proto_type_name(h->type) : "unknown");
}
