/* UPLOAD_CTL: send a signed CTL, print how every node took it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change_json.h"
#include "ctl_err.h"
#include "ctl_render.h"
#include "hex.h"
#include "net_reply.h"
#include "net_cluster.h"
#include "net_upload.h"

int
net_upload_ctl(struct net_session *s, const char *name, const uint8_t *file,
    size_t len, const struct net_upload_base *base, const char *force,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SHA1, PT_RESULT };
	struct net_cluster cl = { 0, 0, "", NULL, 0, -1 };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct net_result *res = NULL;
	struct proto_out o;
	struct ctl_diag pd;
	uint8_t b[20];
	char md5[33], sha1[41], stored[41], basehex[41];
	size_t nres = 0, failed;
	int rc, have, have_base;

	memset(b, 0, sizeof(b));
	if (!base->given) {
		if ((rc = net_cluster_info(s, &cl, d)) != CTL_OK)
			return rc;
		have_base = cl.sha1[0] != '\0';
		if (have_base)
			(void)net_parse_sha1(cl.sha1, b);
		net_cluster_free(&cl);
	} else {
		have_base = base->have;
		if (have_base)
			memcpy(b, base->sha1, 20);
	}
	if (have_base)
		hex_format(basehex, sizeof(basehex), b, 20, '\0', 0);
	else
		snprintf(basehex, sizeof(basehex), "(none)");
	ctl_checksums(file, len, md5, sha1);
	printf("Uploading %s (%zu bytes, SHA1 %s) to %s, replacing the CTL "
	    "with SHA1 %s\n", name, len, sha1, s->peer, basehex);
	fflush(stdout);

	net_request(s, &o, PROTO_UPLOAD_CTL);
	proto_put_bytes(&o, PT_FILE, file, len);
	proto_put_bytes(&o, PT_BASE_SHA1, b, have_base ? 20 : 0);
	if (force != NULL)
		proto_put_str(&o, PT_FORCE, force);
	rc = net_call_change(s, &o, &a, d);
	proto_out_free(&o);
	if (rc == CTL_ERR_CONFLICT) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s: refused: %s%s%s; fetch the "
		    "current CTL, build from it, and upload again", name,
		    strstr(pd.msg, "changed since you read it") ? "" :
		    "the CTL changed since you read it (server: ", pd.msg,
		    strstr(pd.msg, "changed since you read it") ? "" : ")");
		goto out;
	}
	if (rc != CTL_OK) {
		snprintf(pd.msg, sizeof(pd.msg), "%s", ctl_diag_msg(d, rc));
		rc = ctl_diag_set(d, rc, "%s: upload failed: %s", name, pd.msg);
		goto out;
	}
	ctl_diag_clear(&pd);
	if ((rc = net_only_fields(&a.fs, allowed, 2, "UPLOAD_CTL", &pd)) ||
	    (rc = net_get_sha1(&a.fs, PT_SHA1, 1, 0, stored, &have, &pd)) ||
	    (rc = net_results_parse(&a.fs, &res, &nres, &pd))) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to UPLOAD_CTL: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	failed = change_json_results("upload_ctl", res, nres);
	if (strcmp(stored, sha1) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: the publisher "
		    "reports storing a CTL with SHA1 %s, not the one sent "
		    "(%s)", s->peer, stored, sha1);
		goto out;
	}
	printf("CTL SHA1: %s\n", stored);
	change_json_ctl_sha1(stored);
	if (failed > 0) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "%zu of %zu nodes did not "
		    "take the new CTL; they are brought up to date when they "
		    "return (ctlclient status shows which)", failed, nres);
		goto out;
	}
	rc = CTL_OK;
out:
	free(res);
	net_reply_free(&a);
	return rc;
}
