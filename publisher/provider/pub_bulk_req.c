/*
 * The bulk certificate requests of the CTL Provider (docs/protocol.md,
 * "Bulk certificate management"): BULK_SFTP, BULK_EXPORT,
 * BULK_CONSOLIDATE, BULK_IMPORT and BULK_LIST, answered from
 * publisher/bulk/.  One at a time: they share one SFTP directory.
 */
#include "pub_provider_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "bulk_ops.h"
#include "bulk_setup.h"
#include "ctl_err.h"
#include "pub_log.h"
#include "secret.h"

static pthread_mutex_t bulk_lock = PTHREAD_MUTEX_INITIALIZER;

/* The settings without their secret. */
static void
put_conf(struct proto_out *reply, const struct bulk_sftp_conf *c)
{
	proto_put_str(reply, PT_SFTP_HOST, c->host);
	proto_put_u16(reply, PT_PORT, c->port);
	proto_put_str(reply, PT_USER, c->user);
	proto_put_str(reply, PT_SFTP_DIR, c->dir);
	proto_put_str(reply, PT_OPERATION, bulk_auth_name(c->auth));
}

/* The secret of a BULK_SFTP request, copied NUL-terminated into OUT
 * (BULK_SECRET_MAX + 1 bytes) and its kind into C. */
static int
get_secret(const struct proto_fields *fs, struct bulk_sftp_conf *c,
    char *out, size_t *len, struct ctl_diag *d)
{
	const uint8_t *p = NULL;
	size_t np = proto_count(fs, PT_PASSWORD), nk = proto_count(fs,
	    PT_SFTP_KEY), n = 0;
	int rc;

	if (np + nk != 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "BULK_SFTP needs "
		    "PASSWORD or SFTP_KEY, once");
	c->auth = nk ? BULK_AUTH_KEY : BULK_AUTH_PASSWORD;
	if ((rc = proto_get_bytes(fs, nk ? PT_SFTP_KEY : PT_PASSWORD, true,
	    nk ? BULK_SECRET_MAX : BULK_PASSWORD_MAX, &p, &n, d)) != CTL_OK)
		return rc;
	if (n == 0 || memchr(p, '\0', n) != NULL)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "the SFTP %s is empty "
		    "or holds a NUL byte", bulk_auth_name(c->auth));
	memcpy(out, p, n);
	out[n] = '\0';
	*len = n;
	return CTL_OK;
}

static int
do_sftp(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	static char secret[BULK_SECRET_MAX + 1];  /* under bulk_lock */
	struct bulk_sftp_conf c;
	struct bulk_setup_result r;
	size_t len = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	if (proto_count(fs, PT_SFTP_HOST) == 0) {
		/* No settings given: show the stored ones. */
		if (fs->n != 0)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "BULK_SFTP "
			    "without SFTP_HOST takes no field");
		if ((rc = bulk_config_load(srv->dir, &c, d)) != CTL_OK)
			return rc;
		put_conf(reply, &c);
		proto_put_str(reply, PT_STATE, bulk_pin_state_name(
		    BULK_PIN_PINNED));
		proto_put_str(reply, PT_HOSTKEY, c.hostkey);
		return CTL_OK;
	}
	if ((rc = proto_get_str(fs, PT_SFTP_HOST, true, c.host, BULK_HOST_MAX,
	    d)) || (rc = proto_get_u16(fs, PT_PORT, true, &c.port, d)) ||
	    (rc = proto_get_str(fs, PT_USER, true, c.user, BULK_USER_MAX, d)) ||
	    (rc = proto_get_str(fs, PT_SFTP_DIR, true, c.dir, BULK_DIR_MAX,
	    d)))
		return rc;
	rc = proto_get_str(fs, PT_HOSTKEY, false, c.hostkey, BULK_FP_MAX - 1,
	    d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	if ((rc = bulk_host_check(c.host, d)) || (rc = bulk_user_check(c.user,
	    d)) || (rc = bulk_dir_check(c.dir, d)))
		return rc;
	if (c.port == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "SFTP port 0");
	if ((rc = get_secret(fs, &c, secret, &len, d)) == CTL_OK)
		rc = bulk_setup(srv->dir, s->data, s->user, &c, secret, len, &r,
		    d);
	secret_wipe(secret, sizeof(secret));
	if (rc != CTL_OK) {
		pub_log("%s: BULK_SFTP refused: %s", s->addr, d->msg);
		return rc;
	}
	put_conf(reply, &c);
	proto_put_str(reply, PT_STATE, bulk_pin_state_name(r.state));
	proto_put_str(reply, PT_HOSTKEY, r.fp);
	if (r.old_fp[0] != '\0')
		proto_put_str(reply, PT_OLD_HOSTKEY, r.old_fp);
	return CTL_OK;
}

/* One BULK_FILE group for row W. */
static void
put_file(struct proto_out *reply, const struct bulk_row *w)
{
	unsigned i;

	proto_group_begin(reply, PT_BULK_FILE);
	proto_put_str(reply, PT_FILENAME, w->file);
	proto_put_str(reply, PT_BULK_TYPE, bulk_type_name(w->type));
	if (w->cluster[0] != '\0')
		proto_put_str(reply, PT_CLUSTER, w->cluster);
	if (w->node[0] != '\0')
		proto_put_str(reply, PT_NAME, w->node);
	for (i = 0; i < BULK_NCERTS; i++)
		if (w->certs & (1u << i))
			proto_put_str(reply, PT_PURPOSE,
			    bulk_cert_name((enum bulk_cert)i));
	proto_group_end(reply);
}

static void
put_cert(struct proto_out *reply, const struct bulk_row *w)
{
	proto_group_begin(reply, PT_BULK_CERT);
	proto_put_str(reply, PT_CLUSTER, w->cluster);
	proto_put_str(reply, PT_NAME, w->node);
	proto_put_str(reply, PT_PURPOSE, bulk_cert_name(w->cert));
	proto_put_str(reply, PT_STORE, pub_trust_purpose_name(w->store));
	pub_put_sha1_hex(reply, PT_SHA1, w->sha1);
	proto_put_str(reply, PT_STATE, w->already ? "already" : "added");
	proto_group_end(reply);
}

static int
do_op(struct pub_node_srv *srv, struct pub_session *s, uint8_t type,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct bulk_report r;
	enum bulk_type t = BULK_TYPE_ALL;
	char name[8];
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	if (type != PROTO_BULK_LIST) {
		rc = proto_get_str(fs, PT_BULK_TYPE, false, name,
		    sizeof(name) - 1, d);
		if (rc == CTL_OK && bulk_type_parse(name, &t) != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_USAGE, "BULK_TYPE %s: "
			    "all or tftp", name);
		if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
			return rc;
	} else if (fs->n != 0) {
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "BULK_LIST takes no "
		    "field");
	}
	switch (type) {
	case PROTO_BULK_EXPORT:
		rc = bulk_export(srv->dir, s->data, t, &r, d);
		break;
	case PROTO_BULK_CONSOLIDATE:
		rc = bulk_consolidate(srv->dir, s->data, t, &r, d);
		break;
	case PROTO_BULK_IMPORT:
		rc = bulk_import(srv->dir, s->data, s->user, t, &r, d);
		break;
	default:
		rc = bulk_list(srv->dir, s->data, &r, d);
		break;
	}
	if (rc != CTL_OK) {
		pub_log("%s: %s refused: %s", s->addr, proto_type_name(type),
		    d->msg);
		goto out;
	}
	proto_put_str(reply, PT_CLUSTER, r.cluster);
	if (type != PROTO_BULK_LIST)
		proto_put_str(reply, PT_BULK_TYPE, bulk_type_name(t));
	if (r.file[0] != '\0')
		proto_put_str(reply, PT_FILENAME, r.file);
	for (i = 0; i < r.n; i++) {
		if (type == PROTO_BULK_IMPORT)
			put_cert(reply, &r.v[i]);
		else
			put_file(reply, &r.v[i]);
	}
out:
	bulk_report_free(&r);
	return rc;
}

int
pub_do_bulk(struct pub_node_srv *srv, struct pub_session *s,
    const struct proto_header *h, const struct proto_fields *fs,
    struct proto_out *reply, struct ctl_diag *d)
{
	int rc;

	pthread_mutex_lock(&bulk_lock);
	if (h->type == PROTO_BULK_SFTP)
		rc = do_sftp(srv, s, fs, reply, d);
	else
		rc = do_op(srv, s, h->type, fs, reply, d);
	pthread_mutex_unlock(&bulk_lock);
	return rc;
}
