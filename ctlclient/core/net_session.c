/* A logged-in connection to a CTL Provider: see net_session.h. */
#include "net_session.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "ctl_err.h"
#include "net_login.h"
#include "net_password.h"
#include "net_pin.h"
#include "net_reply.h"
#include "secret.h"

int
net_open(const struct net_opts *o, struct net_session **out,
    struct ctl_diag *d)
{
	struct net_session *s = NULL;
	char pw[NET_MAX_PASSWORD + 1] = "";
	int r, have_pw = 0;

	*out = NULL;
	signal(SIGPIPE, SIG_IGN);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	s->next_id = 1;
	s->timeout_s = o->timeout_s;
	if (strchr(o->host, ':') != NULL)
		snprintf(s->peer, sizeof(s->peer), "[%s]:%u", o->host, o->port);
	else
		snprintf(s->peer, sizeof(s->peer), "%s:%u", o->host, o->port);
	/* A bad password file fails before any connection is made. */
	if ((r = net_password_get(o, s->peer, 0, pw, sizeof(pw), &have_pw, d)))
		goto fail;
	if ((r = proto_tls_client_ctx(o->cafile, NULL, NULL, &s->ctx, d)))
		goto fail;
	if ((r = proto_connect(s->ctx, o->host, o->port, o->timeout_s * 1000,
	    &s->conn, d)) != CTL_OK)
		goto fail;
	if (o->cafile != NULL)
		r = net_check_host_name(s, o->host, d);
	else
		r = net_pin_check(s, o, d);
	if (r != CTL_OK)
		goto fail;
	/* Asked only now: never type a password for an unchecked server. */
	if (!have_pw && (r = net_password_get(o, s->peer, 1, pw, sizeof(pw),
	    &have_pw, d)) != CTL_OK)
		goto fail;
	if ((r = net_login(s, o->user, pw, d)) != CTL_OK)
		goto fail;
	secret_wipe(pw, sizeof(pw));
	*out = s;
	return CTL_OK;
fail:
	secret_wipe(pw, sizeof(pw));
	net_close(s);
	return r;
}

void
net_request(struct net_session *s, struct proto_out *r, uint8_t type)
{
	proto_out_init(r, type, s->next_id++);
}

int
net_call(struct net_session *s, struct proto_out *r, struct net_reply *a,
    struct ctl_diag *d)
{
	int rc = proto_call(s->conn, r, &a->fs, &a->payload, d);

	if (rc != CTL_OK && d != NULL)
		net_clean_text(d->msg);
	return rc;
}

static void
set_read_timeout(int fd, int seconds)
{
	struct timeval tv = { seconds, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int
net_call_change(struct net_session *s, struct proto_out *r,
    struct net_reply *a, struct ctl_diag *d)
{
	int rc;

	set_read_timeout(s->conn->fd, s->timeout_s * NET_CHANGE_FACTOR);
	rc = net_call(s, r, a, d);
	set_read_timeout(s->conn->fd, s->timeout_s);
	return rc;
}

int
net_change(struct net_session *s, struct proto_out *r, struct net_reply *a,
    const char *what, struct ctl_diag *d)
{
	struct ctl_diag why;
	int rc;

	rc = net_call_change(s, r, a, d);
	if (r->payload.p != NULL)
		secret_wipe(r->payload.p, r->payload.len);
	proto_out_free(r);
	if (rc == CTL_OK)
		return CTL_OK;
	snprintf(why.msg, sizeof(why.msg), "%s", ctl_diag_msg(d, rc));
	return ctl_diag_set(d, rc, "%s: %s: %s", s->peer, what, why.msg);
}

void
net_reply_free(struct net_reply *a)
{
	proto_fields_free(&a->fs);
	free(a->payload);
	a->payload = NULL;
}

void
net_close(struct net_session *s)
{
	if (s == NULL)
		return;
	proto_close(s->conn);
	SSL_CTX_free(s->ctx);
	free(s);
}
