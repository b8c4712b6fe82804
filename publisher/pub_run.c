/* One node in the foreground. */
#include "pub_run.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_err.h"
#include "proto_conn.h"
#include "pub_dist.h"
#include "pub_layout.h"
#include "pub_log.h"
#include "pub_provider.h"
#include "pub_server.h"
#include "pub_state.h"
#include "pub_tvs.h"

/* The distribution port's service: this node's own TFTP directory. */
static int
dist_handle(void *ctx, struct pub_session *s, const struct proto_header *h,
    const struct proto_fields *fs, struct proto_out *reply,
    struct ctl_diag *d)
{
	struct pub_node_srv *srv = ctx;

	return pub_dist_handle(srv->self.tftp_dir, s->node_peer, h, fs, reply,
	    d);
}

struct listener {
	const char *ip;
	uint16_t port;
	SSL_CTX *tls;
	struct pub_service svc;
	volatile sig_atomic_t *stop;
	int rc;
	struct ctl_diag d;
};

static void *
listen_thread(void *arg)
{
	struct listener *l = arg;

	l->rc = pub_server_run(l->ip, l->port, l->tls, &l->svc, l->stop,
	    &l->d);
	if (l->rc != CTL_OK) {
		pub_log("%s", l->d.msg);
		*l->stop = 1;   /* a node that cannot listen is no node */
	}
	return NULL;
}

int
pub_run_node(const char *dir, const char *node, volatile sig_atomic_t *stop,
    struct ctl_diag *d)
{
	struct pub_node_srv srv;
	struct pub_state *st = NULL;
	struct listener dist, ctl;
	pthread_t td, tc, tt;
	bool have_td = false, have_tc = false, have_tt = false;
	struct pub_tvs_job tvs;
	char *ca = NULL, *tc_cert = NULL, *tc_key = NULL, *cl_cert = NULL,
	    *cl_key = NULL;
	SSL_CTX *ctl_tls = NULL, *dist_tls = NULL;
	int rc, waited;

	memset(&srv, 0, sizeof(srv));
	memset(&dist, 0, sizeof(dist));
	memset(&ctl, 0, sizeof(ctl));
	memset(&tvs, 0, sizeof(tvs));
	pthread_mutex_init(&srv.change, NULL);
	snprintf(srv.dir, sizeof(srv.dir), "%s", dir);
	if ((rc = pub_state_open(dir, &st, d)) != CTL_OK ||
	    (rc = pub_node_get(st, node, &srv.self, d)) != CTL_OK ||
	    (rc = pub_node_cert_paths(st, node, PUB_CERT_TOMCAT, &tc_cert,
	        &tc_key, d)) != CTL_OK ||
	    (rc = pub_node_cert_paths(st, node, PUB_CERT_CLIENT, &cl_cert,
	        &cl_key, d)) != CTL_OK)
		goto out;
	pub_state_close(st);
	st = NULL;
	if ((rc = pub_layout_path(dir, NULL, PUB_FILE_CA, &ca)) != CTL_OK)
		goto out;
	/* Clients log in and show no certificate; nodes must show one. */
	if ((rc = proto_tls_server_ctx(tc_cert, tc_key, ca, false, &ctl_tls,
	    d)) != CTL_OK ||
	    (rc = proto_tls_server_ctx(tc_cert, tc_key, ca, true, &dist_tls,
	    d)) != CTL_OK ||
	    (rc = proto_tls_client_ctx(ca, cl_cert, cl_key, &srv.dist_client,
	    d)) != CTL_OK)
		goto out;

	pub_log("node %s (%s) starting, %s", srv.self.name, srv.self.ip,
	    srv.self.publisher ? "publisher" : "subscriber");
	dist = (struct listener){ srv.self.ip, srv.self.ports.dist, dist_tls,
	    { dist_handle, NULL, NULL, &srv, true }, stop, CTL_OK, { "" } };
	if (pthread_create(&td, NULL, listen_thread, &dist) == 0)
		have_td = true;
	/* every node serves TVS on its own address (docs/tvs.md) */
	tvs = (struct pub_tvs_job){ dir, &srv.self, stop, CTL_OK, { "" } };
	if (pthread_create(&tt, NULL, pub_tvs_thread, &tvs) == 0)
		have_tt = true;
	if (srv.self.publisher) {
		ctl = (struct listener){ srv.self.ip, srv.self.ports.ctl,
		    ctl_tls, pub_provider_service, stop, CTL_OK, { "" } };
		ctl.svc.ctx = &srv;
		if (pthread_create(&tc, NULL, listen_thread, &ctl) == 0)
			have_tc = true;
	}
	while (!*stop) {
		for (waited = 0; waited < PUB_CATCH_UP_MS && !*stop;
		    waited += 100)
			usleep(100000);
		if (!*stop && srv.self.publisher)
			pub_provider_catch_up(&srv);
	}
	if (have_td)
		pthread_join(td, NULL);
	if (have_tc)
		pthread_join(tc, NULL);
	if (have_tt)
		pthread_join(tt, NULL);
	rc = dist.rc != CTL_OK ? dist.rc : ctl.rc != CTL_OK ? ctl.rc : tvs.rc;
	if (rc != CTL_OK)
		ctl_diag_set(d, rc, "%s", dist.rc != CTL_OK ? dist.d.msg :
		    ctl.rc != CTL_OK ? ctl.d.msg : tvs.d.msg);
	pub_log("node %s stopped", srv.self.name);
out:
	pub_state_close(st);
	SSL_CTX_free(ctl_tls);
	SSL_CTX_free(dist_tls);
	SSL_CTX_free(srv.dist_client);
	pthread_mutex_destroy(&srv.change);
	free(ca);
	free(tc_cert);
	free(tc_key);
	free(cl_cert);
	free(cl_key);
	return rc;
}
