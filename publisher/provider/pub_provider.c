/* The CTL Provider's requests. */
#include "pub_provider.h"
#include "pub_provider_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "ctl_err.h"
#include "hex.h"
#include "pub_audit.h"
#include "pub_catchup.h"
#include "pub_certgen.h"
#include "pub_dist.h"
#include "pub_log.h"
#include "pub_ratelimit.h"
#include "pub_state.h"
#include "pub_store.h"
#include "pub_user.h"
#include "secret.h"

void
pub_put_sha1_hex(struct proto_out *o, uint16_t tag, const char *hex)
{
	uint8_t raw[20];

	if (hex != NULL && hex_parse(hex, raw, sizeof(raw)) == 0)
		proto_put_bytes(o, tag, raw, sizeof(raw));
	else
		proto_put_bytes(o, tag, "", 0);
}

static void
conn_open(void *ctx, struct pub_session *s)
{
	struct pub_node_srv *srv = ctx;
	struct pub_state *st = NULL;
	struct ctl_diag d;

	if (pub_state_open(srv->dir, &st, &d) != CTL_OK)
		pub_log("%s: cannot open the state: %s", s->addr, d.msg);
	s->data = st;
}

static void
conn_close(void *ctx, struct pub_session *s)
{
	(void)ctx;
	pub_state_close(s->data);
	s->data = NULL;
}

static int
do_login(struct pub_session *s, const struct proto_fields *fs,
    struct ctl_diag *d)
{
	char user[65], pass[257];
	unsigned wait;
	int rc;

	if (s->logged_in)
		return ctl_diag_set(d, CTL_ERR_NOT_ALLOWED, "already logged in "
		    "as %s", s->user);
	if ((rc = proto_get_str(fs, PT_USER, true, user, 64, d)) != CTL_OK ||
	    (rc = proto_get_str(fs, PT_PASSWORD, true, pass, 256, d)) !=
	    CTL_OK) {
		secret_wipe(pass, sizeof(pass));
		return rc;
	}
	if ((wait = pub_login_wait(s->addr, time(NULL))) > 0) {
		secret_wipe(pass, sizeof(pass));
		pub_log("%s: login as %s refused: too many failures", s->addr,
		    user);
		return ctl_diag_set(d, CTL_ERR_RATE_LIMITED, "too many failed "
		    "logins from %s: wait %u seconds", s->addr, wait);
	}
	rc = pub_user_check(s->data, user, pass, d);
	secret_wipe(pass, sizeof(pass));
	pub_login_result(s->addr, rc == CTL_OK, time(NULL));
	pub_log("%s: login as %s %s", s->addr, user, rc == CTL_OK ?
	    "accepted" : "refused");
	if (rc == CTL_ERR_UNTRUSTED)
		return ctl_diag_set(d, CTL_ERR_AUTH, "wrong user name or "
		    "password");
	if (rc != CTL_OK)
		return rc;
	s->logged_in = true;
	snprintf(s->user, sizeof(s->user), "%s", user);
	return CTL_OK;
}

void
pub_current_ctl_sha1(struct pub_node_srv *srv, char out[41])
{
	if (pub_store_sha1(srv->self.tftp_dir, CTL_NAME, out, NULL) != CTL_OK)
		out[0] = '\0';
}

/* The certificates a CTL or ITL is built from, for each node. */
static void
put_node_certs(struct pub_state *st, struct proto_out *reply,
    const char *node)
{
	static const enum pub_cert_purpose purposes[] = {
	    PUB_CERT_CALLMANAGER, PUB_CERT_CAPF, PUB_CERT_TVS,
	    PUB_CERT_ITLRECOVERY };
	unsigned char *der;
	char *path;
	X509 *x;
	size_t i;
	int len;

	for (i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++) {
		path = NULL;
		x = NULL;
		der = NULL;
		if (pub_node_cert_paths(st, node, purposes[i], &path, NULL,
		    NULL) == CTL_OK && pub_certgen_load(path, NULL, &x, NULL,
		    NULL) == CTL_OK && (len = i2d_X509(x, &der)) > 0) {
			proto_group_begin(reply, PT_NODE_CERT);
			proto_put_str(reply, PT_NAME, node);
			proto_put_str(reply, PT_PURPOSE,
			    pub_cert_purpose_name(purposes[i]));
			proto_put_bytes(reply, PT_CERT, der, (size_t)len);
			proto_group_end(reply);
		}
		OPENSSL_free(der);
		X509_free(x);
		free(path);
	}
}

static int
do_info(struct pub_node_srv *srv, struct pub_session *s,
    struct proto_out *reply, struct ctl_diag *d)
{
	struct pub_state *st = s->data;
	struct pub_settings set;
	struct pub_node *nodes = NULL;
	struct pub_dist_result *res = NULL;
	struct in_addr a;
	char sha[41];
	size_t n = 0, i;
	int rc;

	if ((rc = pub_settings_get(st, &set, d)) != CTL_OK ||
	    (rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK)
		return rc;
	if ((res = calloc(n ? n : 1, sizeof(*res))) == NULL) {
		free(nodes);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	}
	/* Ask every node what it holds now, in parallel. */
	pub_dist_run(srv->dist_client, nodes, n, PUB_DIST_STATUS, CTL_NAME,
	    NULL, 0, res);
	proto_put_u8(reply, PT_SECURITY_MODE, (uint8_t)set.security_mode);
	proto_put_u8(reply, PT_CTL_MODE, (uint8_t)set.ctl_mode);
	proto_put_u8(reply, PT_ROLLBACK, set.rollback_pre8 ? 1 : 0);
	pub_current_ctl_sha1(srv, sha);
	if (sha[0])
		pub_put_sha1_hex(reply, PT_SHA1, sha);
	for (i = 0; i < n; i++) {
		proto_group_begin(reply, PT_NODE);
		proto_put_str(reply, PT_NAME, nodes[i].name);
		if (inet_pton(AF_INET, nodes[i].ip, &a) == 1)
			proto_put_bytes(reply, PT_IP, &a.s_addr, 4);
		proto_put_u16(reply, PT_PORT, nodes[i].ports.ctl);
		proto_put_u16(reply, PT_TVS_PORT, nodes[i].ports.tvs);
		proto_put_u16(reply, PT_TFTP_PORT, nodes[i].ports.tftp);
		proto_put_u8(reply, PT_PUBLISHER, nodes[i].publisher);
		if (res[i].sha1[0])
			pub_put_sha1_hex(reply, PT_SHA1, res[i].sha1);
		proto_put_u8(reply, PT_REACHABLE, res[i].reachable);
		proto_put_str(reply, PT_STATE, pub_dist_state_name(
		    nodes[i].dist));
		proto_group_end(reply);
	}
	for (i = 0; i < n; i++)
		put_node_certs(st, reply, nodes[i].name);
	free(res);
	free(nodes);
	return CTL_OK;
}

static int
do_audit(struct pub_session *s, const struct proto_fields *fs,
    struct proto_out *reply, struct ctl_diag *d)
{
	struct pub_audit_entry *v = NULL;
	uint32_t limit = 0;
	size_t n = 0, i;
	int rc;

	rc = proto_get_u32(fs, PT_LIMIT, false, &limit, d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	if ((rc = pub_audit_list(s->data, limit, &v, &n, d)) != CTL_OK)
		return rc;
	for (i = 0; i < n; i++) {
		proto_group_begin(reply, PT_AUDIT);
		proto_put_u64(reply, PT_TIME, (uint64_t)v[i].time);
		proto_put_str(reply, PT_USER, v[i].user[0] ? v[i].user : "-");
		proto_put_str(reply, PT_OPERATION, v[i].operation);
		pub_put_sha1_hex(reply, PT_OLD_SHA1, v[i].old_sha1[0] ?
		    v[i].old_sha1 : NULL);
		pub_put_sha1_hex(reply, PT_NEW_SHA1, v[i].new_sha1[0] ?
		    v[i].new_sha1 : NULL);
		if (v[i].detail[0])
			proto_put_str(reply, PT_MESSAGE, v[i].detail);
		proto_group_end(reply);
	}
	free(v);
	return CTL_OK;
}

static int
handle(void *ctx, struct pub_session *s, const struct proto_header *h,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct pub_node_srv *srv = ctx;
	struct pub_settings set;
	uint8_t mode;
	int rc;

	if (s->data == NULL)
		return ctl_diag_set(d, CTL_ERR_IO, "the server cannot read its "
		    "state");
	if (h->type == PROTO_LOGIN)
		return do_login(s, fs, d);
	if (!s->logged_in)
		return ctl_diag_set(d, CTL_ERR_LOGIN_REQUIRED, "log in first");
	if (!srv->self.publisher)
		return ctl_diag_set(d, CTL_ERR_NOT_ALLOWED, "%s is a "
		    "subscriber: send requests to the publisher",
		    srv->self.name);
	switch (h->type) {
	case PROTO_CLUSTER_INFO:
		return do_info(srv, s, reply, d);
	case PROTO_FETCH_CTL: {
		uint8_t *file = NULL;
		size_t len;
		char sha[41];

		rc = pub_store_read(srv->self.tftp_dir, CTL_NAME, &file, &len,
		    d);
		if (rc == CTL_ERR_NOT_FOUND)
			return ctl_diag_set(d, rc, "there is no CTL file on the "
			    "server");
		if (rc != CTL_OK)
			return rc;
		pub_sha1_hex(file, len, sha);
		proto_put_bytes(reply, PT_FILE, file, len);
		pub_put_sha1_hex(reply, PT_SHA1, sha);
		free(file);
		return CTL_OK;
	}
	case PROTO_UPLOAD_CTL:
		return pub_do_upload(srv, s, fs, reply, d);
	case PROTO_SET_SECURITY_MODE:
		if ((rc = proto_get_u8(fs, PT_MODE, true, &mode, d)) !=
		    CTL_OK || (rc = pub_settings_get(s->data, &set, d)) !=
		    CTL_OK)
			return rc;
		return pub_settings_set_mode(s->data, s->user, mode,
		    set.ctl_mode, d);
	case PROTO_TOKENLESS:
		return pub_do_tokenless(srv, s, fs, reply, d);
	case PROTO_DELETE_CTL:
		return pub_do_delete(srv, s, reply, d);
	case PROTO_TRUST_LIST:
	case PROTO_TRUST_UPLOAD:
	case PROTO_TRUST_DELETE:
		return pub_do_trust(s, h, fs, reply, d);
	case PROTO_CERT_LIST:
		return pub_do_cert_list(s, reply, d);
	case PROTO_AUDIT:
		return do_audit(s, fs, reply, d);
	case PROTO_ROLLBACK_PRE8:
		return pub_do_rollback(srv, s, fs, reply, d);
	case PROTO_BULK_SFTP: case PROTO_BULK_EXPORT:
	case PROTO_BULK_CONSOLIDATE: case PROTO_BULK_IMPORT:
	case PROTO_BULK_LIST:
		return pub_do_bulk(srv, s, h, fs, reply, d);
	case PROTO_ITL_RESET:
		return pub_do_itl_reset(srv, s, fs, reply, d);
	case PROTO_CTL_RESET:
		return pub_do_ctl_reset(srv, s, reply, d);
	case PROTO_ITL_BACKUP:
		return pub_do_itl_backup(s, fs, reply, d);
	case PROTO_CERT_REGENERATE:
		return pub_do_cert_regenerate(srv, s, fs, reply, d);
	case PROTO_CERT_CSR:
		return pub_do_cert_csr(srv, s, fs, reply, d);
	case PROTO_CERT_UPLOAD:
		return pub_do_cert_upload(srv, s, fs, reply, d);
	}
	return ctl_diag_set(d, CTL_ERR_UNSUPPORTED, "request type 0x%02x is not "
	    "served here", h->type);
}

const struct pub_service pub_provider_service = {
	.handle = handle,
	.open = conn_open,
	.close = conn_close,
};

void
pub_provider_catch_up(struct pub_node_srv *srv)
{
	struct pub_state *st = NULL;
	struct ctl_diag d;

	if (pub_state_open(srv->dir, &st, &d) != CTL_OK)
		return;         /* tried again in a few seconds */
	pthread_mutex_lock(&srv->change);
	pub_catch_up_ctl(srv->dist_client, st, srv->self.tftp_dir);
	pub_catch_up_itl(srv->dist_client, st, srv->self.tftp_dir,
	    PUB_CATCHUP_ACTOR);
	pthread_mutex_unlock(&srv->change);
	pub_state_close(st);
}
