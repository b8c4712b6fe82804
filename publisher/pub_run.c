/* One node in the foreground. */
#include "pub_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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
#include "pub_tftp.h"
#include "pub_tvs.h"

#define TFTP_START_MS 5000      /* for the TFTP server to answer */
#define TFTP_PROBE_MS 100       /* one read request waits this long */

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
	bool extra;       /* the loopback alias: the node runs without it */
};

static void *
listen_thread(void *arg)
{
	struct listener *l = arg;

	l->rc = pub_server_run(l->ip, l->port, l->tls, &l->svc, l->stop,
	    &l->d);
	if (l->rc != CTL_OK && l->extra) {
		/* Another program (or a client's own end of a connection)
		 * may hold that port on 127.0.0.1; the node's own address
		 * still serves. */
		pub_log("%s; serving on the node's own address only", l->d.msg);
		l->rc = CTL_OK;
	} else if (l->rc != CTL_OK) {
		pub_log("%s", l->d.msg);
		*l->stop = 1;   /* a node that cannot listen is no node */
	}
	return NULL;
}

/* The listen addresses: each a dotted IPv4 address, none twice. */
static int
check_listen(const char *const *listen, size_t n, struct ctl_diag *d)
{
	struct in_addr a;
	size_t i, j;

	if (n > PUB_LISTEN_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--listen: at most %d "
		    "addresses", PUB_LISTEN_MAX);
	for (i = 0; i < n; i++) {
		if (inet_pton(AF_INET, listen[i], &a) != 1)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--listen: address "
			    "%zu is not a dotted IPv4 address (as 10.1.2.3, or "
			    "0.0.0.0 for every address)", i + 1);
		for (j = 0; j < i; j++)
			if (strcmp(listen[i], listen[j]) == 0)
				return ctl_diag_set(d, CTL_ERR_USAGE, "--listen: "
				    "%s is given twice", listen[i]);
	}
	return CTL_OK;
}

/* The first of the N listeners L that failed, or NULL. */
static const struct listener *
failed_listener(const struct listener *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].rc != CTL_OK)
			return &l[i];
	return NULL;
}

/* How the child PID ended (its wait status WST), into BUF. */
static void
exit_reason(int wst, char *buf, size_t size)
{
	if (WIFEXITED(wst))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(wst));
	else
		snprintf(buf, size, "signal %d", WIFSIGNALED(wst) ?
		    WTERMSIG(wst) : 0);
}

/*
 * Starts node N's TFTP server (TFTPD) as a child of this process and
 * waits until it answers a read request: its pid into *PID, or 0 and a
 * negative code, D saying why and what to do.
 */
static int
tftp_start(const char *dir, const struct pub_node *n, const char *tftpd,
    pid_t *pid, struct ctl_diag *d)
{
	struct ctl_diag pd;
	char why[64], last[512];
	int rc, waited, wst;

	*pid = 0;
	/* A cluster made before the nodes served TFTP on port 69. */
	if (n->ports.tftp != PUB_TFTP_PORT)
		return ctl_diag_set(d, CTL_ERR_USAGE, "its TFTP port is %u, but "
		    "its TFTP server (dnsmasq) serves port %d only: make the "
		    "cluster again with `ctlpublisherd init`", n->ports.tftp,
		    PUB_TFTP_PORT);
	if ((rc = pub_tftp_port_free(n->ip, PUB_TFTP_PORT, d)) != CTL_OK)
		return rc;
	if ((*pid = pub_tftp_spawn(dir, n, tftpd, true)) < 0) {
		*pid = 0;
		return ctl_diag_set(d, CTL_ERR_NETWORK, "cannot start its TFTP "
		    "server %s: %s", tftpd, strerror(errno));
	}
	for (waited = 0; waited < TFTP_START_MS; waited += TFTP_PROBE_MS) {
		if (waitpid(*pid, &wst, WNOHANG) == *pid) {
			*pid = 0;
			exit_reason(wst, why, sizeof(why));
			pub_tftp_last_line(dir, n, last, sizeof(last));
			return ctl_diag_set(d, CTL_ERR_NETWORK, "its TFTP server "
			    "exited while starting (%s: \"%s\"): it needs "
			    "%s:%d/udp free, and root or CAP_NET_BIND_SERVICE "
			    "(the unit gives it); see %s/nodes/%s/tftp.log", why,
			    last, n->ip, PUB_TFTP_PORT, dir, n->name);
		}
		ctl_diag_clear(&pd);
		/* An answer proves more than a bound port: the server
		 * serves, from the right directory. */
		if (pub_tftp_probe(n->ip, PUB_TFTP_PORT, "ITLFile.tlv",
		    TFTP_PROBE_MS, &pd) == CTL_OK)
			return CTL_OK;
	}
	pub_tftp_stop(*pid);
	*pid = 0;
	return ctl_diag_set(d, CTL_ERR_TIMEOUT, "its TFTP server did not answer "
	    "on %s:%d/udp within %d s: see %s/nodes/%s/tftp.log", n->ip,
	    PUB_TFTP_PORT, TFTP_START_MS / 1000, dir, n->name);
}

/* True when the TFTP server PID has exited (reaped, and logged). */
static bool
tftp_died(const struct pub_node *n, pid_t pid)
{
	char why[64];
	int wst;

	if (pid <= 0 || waitpid(pid, &wst, WNOHANG) != pid)
		return false;
	exit_reason(wst, why, sizeof(why));
	pub_log("node %s: its TFTP server (pid %ld) exited (%s): stopping the "
	    "node, so that its supervisor starts both again",
	    n->name, (long)pid, why);
	return true;
}

int
pub_run_node(const char *dir, const char *node, const char *const *listen,
    size_t nlisten, const char *tftpd, volatile sig_atomic_t *stop,
    struct ctl_diag *d)
{
	struct pub_node_srv srv;
	struct pub_state *st = NULL;
	struct listener dist, ctl[PUB_LISTEN_MAX];
	pthread_t td, tc[PUB_LISTEN_MAX], tt[PUB_LISTEN_MAX];
	bool have_td = false, have_tc[PUB_LISTEN_MAX] = { false },
	    have_tt[PUB_LISTEN_MAX] = { false };
	struct pub_tvs_job tvs[PUB_LISTEN_MAX];
	struct pub_node tvs_self[PUB_LISTEN_MAX];
	const char *addr[PUB_LISTEN_MAX];
	const struct listener *bad;
	char *ca = NULL, *tc_cert = NULL, *tc_key = NULL, *cl_cert = NULL,
	    *cl_key = NULL;
	SSL_CTX *ctl_tls = NULL, *dist_tls = NULL;
	size_t i, naddr = 0, ntvs;
	pid_t tftp = 0;
	bool tftp_gone = false;
	int rc, waited;

	memset(&srv, 0, sizeof(srv));
	memset(&dist, 0, sizeof(dist));
	memset(ctl, 0, sizeof(ctl));
	memset(tvs, 0, sizeof(tvs));
	if ((rc = check_listen(listen, nlisten, d)) != CTL_OK)
		return rc;
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

	for (i = 0; i < nlisten; i++)
		addr[naddr++] = listen[i];
	if (naddr == 0)
		addr[naddr++] = srv.self.ip;
	/* TVS listens where asked, or on the node's own address only: the
	 * loopback alias is the CTL Provider's (its certificate names it). */
	ntvs = naddr;
	if (nlisten == 0 && (addr[naddr] = pub_layout_loopback_alias(
	    srv.self.publisher, srv.self.ip)) != NULL)
		naddr++;
	pub_log("node %s (%s) starting, %s", srv.self.name, srv.self.ip,
	    srv.self.publisher ? "publisher" : "subscriber");
	if (tftpd != NULL) {
		if ((rc = tftp_start(dir, &srv.self, tftpd, &tftp, d)) != CTL_OK)
			goto out;
		pub_log("node %s: TFTP server on %s:%d/udp (pid %ld)",
		    srv.self.name, srv.self.ip, PUB_TFTP_PORT, (long)tftp);
	}
	dist = (struct listener){ srv.self.ip, srv.self.ports.dist, dist_tls,
	    { dist_handle, NULL, NULL, &srv, true }, stop, CTL_OK, { "" },
	    false };
	if (pthread_create(&td, NULL, listen_thread, &dist) == 0)
		have_td = true;
	/* every node serves TVS (docs/tvs.md); one server per address */
	for (i = 0; i < ntvs; i++) {
		tvs_self[i] = srv.self;
		snprintf(tvs_self[i].ip, sizeof(tvs_self[i].ip), "%s", addr[i]);
		tvs[i] = (struct pub_tvs_job){ dir, &tvs_self[i], stop, CTL_OK,
		    { "" } };
		have_tt[i] = pthread_create(&tt[i], NULL, pub_tvs_thread,
		    &tvs[i]) == 0;
	}
	for (i = 0; srv.self.publisher && i < naddr; i++) {
		ctl[i] = (struct listener){ addr[i], srv.self.ports.ctl,
		    ctl_tls, pub_provider_service, stop, CTL_OK, { "" },
		    i >= ntvs };
		ctl[i].svc.ctx = &srv;
		have_tc[i] = pthread_create(&tc[i], NULL, listen_thread,
		    &ctl[i]) == 0;
	}
	while (!*stop) {
		for (waited = 0; waited < PUB_CATCH_UP_MS && !*stop;
		    waited += 100) {
			usleep(100000);
			if (tftp_died(&srv.self, tftp)) {
				tftp = 0;
				tftp_gone = true;
				*stop = 1;
			}
		}
		if (!*stop && srv.self.publisher)
			pub_provider_catch_up(&srv);
	}
	if (tftp > 0) {
		pub_tftp_stop(tftp);
		tftp = 0;
	}
	if (have_td)
		pthread_join(td, NULL);
	for (i = 0; i < PUB_LISTEN_MAX; i++) {
		if (have_tc[i])
			pthread_join(tc[i], NULL);
		if (have_tt[i])
			pthread_join(tt[i], NULL);
	}
	rc = CTL_OK;
	if ((bad = failed_listener(&dist, 1)) != NULL ||
	    (bad = failed_listener(ctl, PUB_LISTEN_MAX)) != NULL)
		rc = ctl_diag_set(d, bad->rc, "%s", bad->d.msg);
	for (i = 0; rc == CTL_OK && i < ntvs; i++)
		if (tvs[i].rc != CTL_OK)
			rc = ctl_diag_set(d, tvs[i].rc, "%s", tvs[i].d.msg);
	if (rc == CTL_OK && tftp_gone)
		rc = ctl_diag_set(d, CTL_ERR_NETWORK, "its TFTP server exited: "
		    "see %s/nodes/%s/tftp.log", dir, srv.self.name);
	pub_log("node %s stopped", srv.self.name);
out:
	if (tftp > 0)
		pub_tftp_stop(tftp);
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
