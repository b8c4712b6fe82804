/* ROLLBACK_PRE8: Cisco's "Prepare Cluster for Rollback to pre-8.0". */
#include "pub_provider_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "pub_catchup.h"
#include "pub_dist.h"
#include "pub_itl.h"
#include "pub_log.h"
#include "pub_state.h"
#include "pub_store.h"

/* One RESULT per node: does it serve the publisher's ITL, WANT? */
static void
put_itl_results(struct proto_out *o, const struct pub_dist_result *r,
    size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bool ok = r[i].reachable && strcmp(r[i].sha1, want) == 0;

		proto_group_begin(o, PT_RESULT);
		proto_put_str(o, PT_NAME, r[i].node);
		proto_put_str(o, PT_FILENAME, PUB_ITL_FILENAME);
		proto_put_u8(o, PT_STATUS, ok ? 0 : 1);
		if (!ok)
			proto_put_str(o, PT_MESSAGE, !r[i].reachable ?
			    (r[i].reason[0] ? r[i].reason : "unreachable") :
			    "it serves another ITL; the publisher pushes its "
			    "own again within seconds");
		proto_group_end(o);
	}
}

int
pub_itl_spread(struct pub_node_srv *srv, struct pub_state *st,
    const char *user, struct proto_out *reply, struct ctl_diag *d)
{
	struct pub_node *nodes = NULL;
	struct pub_dist_result *res = NULL;
	char sha[41];
	size_t n = 0;
	int rc;

	pub_catch_up_itl(srv->dist_client, st, srv->self.tftp_dir, user);
	if ((rc = pub_store_sha1(srv->self.tftp_dir, PUB_ITL_FILENAME, sha,
	    d)) != CTL_OK ||
	    (rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK)
		goto out;
	if ((res = calloc(n ? n : 1, sizeof(*res))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	pub_dist_run(srv->dist_client, nodes, n, PUB_DIST_STATUS,
	    PUB_ITL_FILENAME, NULL, 0, res);
	pub_put_sha1_hex(reply, PT_SHA1, sha);
	put_itl_results(reply, res, n, sha);
	rc = CTL_OK;
out:
	free(res);
	free(nodes);
	return rc;
}

int
pub_do_rollback(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct pub_state *st = s->data;
	struct ctl_diag rd;
	uint8_t on;
	int rc;

	if ((rc = proto_get_u8(fs, PT_ROLLBACK, true, &on, d)) != CTL_OK)
		return rc;
	if (on > 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "ROLLBACK %u is neither "
		    "0 (off) nor 1 (on)", on);
	pthread_mutex_lock(&srv->change);
	if ((rc = pub_settings_set_rollback(st, s->user, on != 0, d)) !=
	    CTL_OK)
		goto out;
	pub_log("%s: %s set rollback-pre8 %s", s->addr, s->user, on ? "on" :
	    "off");
	/* The publisher's ITL first: a failure here is the client's to
	 * hear, not only the log's.  The setting stays; the catch-up
	 * tries the rebuild again every few seconds. */
	ctl_diag_clear(&rd);
	if ((rc = pub_itl_refresh(st, s->user, srv->self.tftp_dir, NULL,
	    &rd)) != CTL_OK) {
		rc = ctl_diag_set(d, rc, "rollback-pre8 is now %s, but the "
		    "publisher could not rebuild %s: %s", on ? "on" : "off",
		    PUB_ITL_FILENAME, ctl_diag_msg(&rd, rc));
		goto out;
	}
	/* Then every node now, as an ITL update does, rather than at the
	 * next catch-up. */
	proto_put_u8(reply, PT_ROLLBACK, on);
	rc = pub_itl_spread(srv, st, s->user, reply, d);
out:
	pthread_mutex_unlock(&srv->change);
	return rc;
}
