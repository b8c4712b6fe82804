/* ctlclient rehearse --server ... | --tftp ...: would the cluster's
 * phones, reset now, accept the trust lists TFTP serves?  Also
 * --snapshot DIR. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "ctl.h"
#include "ctl_err.h"
#include "file_io.h"
#include "json_out.h"
#include "net_cluster.h"
#include "net_cmd.h"
#include "phone.h"
#include "rehearse.h"
#include "rehearse_served.h"
#include "sources.h"
#include "tvs_ask.h"

#define DEFAULT_PHONES       1000
#define DEFAULT_CONCURRENCY  64
#define DEFAULT_MODELS       "8845:40,7975:30,7960:30"

static const char *const files[2] = { REHEARSE_CTL_FILE, REHEARSE_ITL_FILE };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient rehearse --server HOST[:PORT] [options]\n"
	    "           [--phones N] [--models MODEL:WEIGHT,...]\n"
	    "           [--concurrency C] [--installed DIR]\n"
	    "           [--tvs HOST[:PORT][,HOST[:PORT]...]]\n"
	    "           [--timeout-ms MS] [--json]\n"
	    "       ctlclient rehearse --server HOST[:PORT] [options] "
	    "--snapshot DIR\n"
	    "       ctlclient rehearse --tftp HOST[:PORT][,HOST[:PORT]...]\n"
	    "           [--tvs HOST[:PORT][,...]] [--non-secure] [options]\n"
	    "           [--snapshot DIR]\n\n"
	    "Rehearses a phone reset before you reset the phones: N simulated\n"
	    "phones, phone i on node i %% nodes, each download CTLFile.tlv and\n"
	    "ITLFile.tlv from their node over TFTP and judge them as their model\n"
	    "does (docs/rehearsal.md): directly from the lists they hold, else,\n"
	    "for models with Security by Default, by asking their node's TVS\n"
	    "over TLS (1.0 for the 7900 series), authenticated only by the TVS\n"
	    "certificates of the ITL they hold.\n\n"
	    "  --snapshot DIR      save the CTLFile.tlv and ITLFile.tlv the\n"
	    "                      publisher serves now into DIR (what registered\n"
	    "                      phones hold), and exit; do this before a change\n"
	    "  --installed DIR     the phones hold DIR's CTLFile.tlv and\n"
	    "                      ITLFile.tlv (either may be absent); default:\n"
	    "                      what TFTP serves now (a steady-state check)\n"
	    "  --phones N          how many phones (default %d)\n"
	    "  --models SPEC       the mix, by weight (default %s);\n"
	    "                      models: 7940 7960 Jabber (no TVS), 7942 7945\n"
	    "                      7962 7965 7975 (TVS, TLS 1.0), 7841 8811 8841\n"
	    "                      8845 8865 (TVS, TLS 1.2)\n"
	    "  --concurrency C     phones reset at the same time (default %d)\n"
	    "  --tvs LIST          every phone asks these TVS servers instead\n"
	    "                      of its node's, in order, as it tries the TVS\n"
	    "                      servers of its CallManager group: it moves\n"
	    "                      on when one cannot be reached, times out,\n"
	    "                      fails the TLS check or answers garbage; an\n"
	    "                      answer ends the search.  HOST[:PORT] items\n"
	    "                      (port %d by default, IPv6 in brackets),\n"
	    "                      comma-separated, at most %d.  To rehearse a\n"
	    "                      move to another cluster, give that cluster\n"
	    "                      as --server and the old cluster's TVS\n"
	    "                      servers here\n"
	    "  --tftp LIST         any cluster, without its publisher: the\n"
	    "                      phones download from these TFTP servers\n"
	    "                      (HOST[:PORT], port %d by default,\n"
	    "                      comma-separated, at most %d), phone i from\n"
	    "                      server i %% n; the first one serves what\n"
	    "                      phones hold now and --snapshot.  Each\n"
	    "                      server's TVS is its host at port %d unless\n"
	    "                      --tvs says otherwise.  No --server, no login:\n"
	    "                      the connection options are not used\n"
	    "  --non-secure        with --tftp: the cluster is in non-secure\n"
	    "                      mode (a phone holding a CTL drops it when\n"
	    "                      TFTP serves none); without it, secure\n"
	    "  --timeout-ms MS     each TFTP download and each TVS step (connect,\n"
	    "                      handshake, answer) gives up after MS (default\n"
	    "                      %d)\n"
	    "  --json              the report as one JSON object\n\n"
	    "preflight, verify and rehearse each answer another question:\n"
	    "docs/user-guide.md, \"Which check to trust when\", says which.\n\n"
	    "Exit status: 0 every phone with TVS accepts (phones without TVS\n"
	    "that reject are warnings), 1 a phone with TVS rejects, or a TFTP\n"
	    "or TVS step failed, or the cluster cannot be read, 2 bad usage,\n"
	    "or a file of --installed DIR cannot be read or is not a valid\n"
	    ".tlv file.\n\n"
	    NET_OPTIONS_HELP, DEFAULT_PHONES, DEFAULT_MODELS,
	    DEFAULT_CONCURRENCY, TVS_DEFAULT_PORT, REHEARSE_MAX_TVS,
	    CLI_TFTP_DEFAULT_PORT, CLI_MAX_TFTP, TVS_DEFAULT_PORT,
	    TVS_DEFAULT_TIMEOUT_MS);
}

static int
parse_count(const char *arg, const char *option, unsigned long max,
    size_t *out, struct ctl_diag *d)
{
	unsigned long v;
	char *stop;

	errno = 0;
	v = strtoul(arg, &stop, 10);
	if (arg[0] < '0' || arg[0] > '9' || *stop != '\0' || errno != 0 ||
	    v == 0 || v > max)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s %s: a number from 1 "
		    "to %lu", option, arg, max);
	*out = v;
	return CTL_OK;
}

/* Saves what the publisher serves now into DIR. */
static int
snapshot(const struct rehearse_node *pub, const char *dir, int timeout_ms,
    struct ctl_diag *d)
{
	char path[4096], err[CTL_DIAG_MAX];
	struct ctl_file *f = NULL;
	struct ctl_diag pd;
	uint8_t *data = NULL;
	size_t i, len;
	int rc;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return ctl_diag_set(d, CTL_ERR_IO, "--snapshot %s: cannot create "
		    "the directory: %s", dir, strerror(errno));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		switch (rehearse_tftp_get(pub->tftp_host, pub->tftp_port,
		    files[i], timeout_ms, &data, &len, err, sizeof(err))) {
		case PHONE_DL_FAILED:
			return ctl_diag_set(d, CTL_ERR_NETWORK, "snapshot of %s "
			    "from %s: %s", files[i], pub->name, err);
		case PHONE_DL_ABSENT:
			/* A file left from an older snapshot would lie. */
			if (unlink(path) != 0 && errno != ENOENT)
				return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot "
				    "remove the older snapshot: %s", path,
				    strerror(errno));
			printf("%s: not served by %s: phones hold none\n",
			    files[i], pub->name);
			continue;
		case PHONE_DL_OK:
			break;
		}
		ctl_diag_clear(&pd);
		if ((rc = ctl_parse(data, len, &f, &pd)) != CTL_OK)
			fprintf(stderr, "ctlclient: warning: %s from %s does not "
			    "parse (%s); saved as served\n", files[i],
			    pub->name, ctl_diag_msg(&pd, rc));
		ctl_free(f);
		f = NULL;
		rc = file_write_atomic(path, data, len, 0644, d);
		free(data);
		data = NULL;
		if (rc != CTL_OK)
			return rc;
		printf("%s: %zu bytes from %s -> %s\n", files[i], len, pub->name,
		    path);
	}
	return CTL_OK;
}

static const char *
tvs_label(const struct phone_model *m)
{
	switch (m->tvs) {
	case PHONE_TVS_TLS10: return "TVS, TLS 1.0";
	case PHONE_TVS_TLS12: return "TVS, TLS 1.2";
	default: return "no TVS";
	}
}

static void
json_file_count(struct json_out *j, const char *key,
    const struct rehearse_file_count *c)
{
	size_t k;

	json_object_begin(j, key);
	json_int(j, "direct", (long long)c->how[PHONE_DIRECT]);
	json_int(j, "first", (long long)c->how[PHONE_FIRST]);
	json_int(j, "via_ctl", (long long)c->how[PHONE_VIA_CTL]);
	json_int(j, "via_tvs", (long long)c->how[PHONE_VIA_TVS]);
	json_int(j, "kept", (long long)c->how[PHONE_KEPT]);
	json_int(j, "dropped", (long long)c->how[PHONE_DROPPED]);
	json_int(j, "not_used", (long long)c->how[PHONE_NOT_USED]);
	json_int(j, "rejected", (long long)c->how[PHONE_REJECTED]);
	json_object_begin(j, "reasons");
	for (k = 1; k < PHONE_WHY_N; k++)
		if (c->why[k] > 0)
			json_int(j, phone_why_name(k), (long long)c->why[k]);
	json_object_end(j);
	json_object_begin(j, "examples");
	for (k = 1; k < PHONE_WHY_N; k++)
		if (c->why[k] > 0)
			json_string(j, phone_why_name(k), c->example[k]);
	json_object_end(j);
	json_object_end(j);
}

static void
json_count(struct json_out *j, const char *key, const struct rehearse_count *c)
{
	json_object_begin(j, key);
	if (c->model != NULL) {
		json_string(j, "model", c->model->name);
		json_string(j, "tvs", c->model->tvs == PHONE_TVS_NONE ? "none" :
		    c->model->tvs == PHONE_TVS_TLS10 ? "tls1.0" : "tls1.2");
	}
	json_int(j, "phones", (long long)c->phones);
	json_int(j, "accepted", (long long)c->accepted);
	json_int(j, "rejected", (long long)c->rejecting);
	json_file_count(j, "ctl", &c->ctl);
	json_file_count(j, "itl", &c->itl);
	json_object_end(j);
}

static long long
per_second(const struct rehearse_result *r)
{
	return r->elapsed_ms > 0 ? (long long)r->total.phones * 1000 /
	    r->elapsed_ms : (long long)r->total.phones * 1000;
}

static void
print_json(const struct rehearse_result *r, const struct rehearse_opts *o,
    const char *holds, int status)
{
	struct json_out j;
	size_t k;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_int(&j, "phones", (long long)o->phones);
	json_int(&j, "nodes", (long long)o->nnodes);
	json_int(&j, "concurrency", o->concurrency);
	json_string(&j, "installed", holds);
	json_bool(&j, "installed_ctl", o->ctl != NULL);
	json_bool(&j, "installed_itl", o->itl != NULL);
	json_int(&j, "elapsed_ms", r->elapsed_ms);
	json_int(&j, "phones_per_second", per_second(r));
	json_int(&j, "tftp_downloads", (long long)r->tftp_downloads);
	json_int(&j, "tvs_queries", (long long)r->tvs_queries);
	json_int(&j, "errors", (long long)r->errors);
	json_int(&j, "tvs_phones_rejecting", (long long)r->tvs_rejecting);
	json_int(&j, "warnings", (long long)r->warnings);
	json_array_begin(&j, "tvs_servers");
	for (k = 0; k < o->ntvs; k++) {
		char name[TVS_ASK_MAX_HOST + 10];

		tvs_target_format(&o->tvs[k], name, sizeof(name));
		json_object_begin(&j, NULL);
		json_string(&j, "server", name);
		json_int(&j, "answered", (long long)(r->tvs[k].valid +
		    r->tvs[k].invalid));
		json_int(&j, "valid", (long long)r->tvs[k].valid);
		json_int(&j, "invalid", (long long)r->tvs[k].invalid);
		json_int(&j, "failed", (long long)r->tvs[k].failed);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "models");
	for (k = 0; k < r->nmodels; k++)
		json_count(&j, NULL, &r->models[k]);
	json_array_end(&j);
	json_count(&j, "totals", &r->total);
	json_string(&j, "verdict", status == EXIT_OK ? "pass" : "fail");
	json_object_end(&j);
	json_finish(&j);
}

static void
print_reasons(const char *model, const char *kind,
    const struct rehearse_file_count *c)
{
	size_t k;

	for (k = 1; k < PHONE_WHY_N; k++)
		if (c->why[k] > 0)
			printf("  %-6s %s %-22s %6zu  e.g. %s\n", model, kind,
			    phone_why_name(k), c->why[k], c->example[k]);
}

static void
print_text(const struct rehearse_result *r, const struct rehearse_opts *o,
    const char *holds)
{
	size_t k;

	printf("Rehearsal: %zu phones on %zu node%s, %d at a time; phones "
	    "hold %s (CTL %s, ITL %s)\n", o->phones, o->nnodes,
	    o->nnodes == 1 ? "" : "s", o->concurrency, holds,
	    o->ctl != NULL ? "yes" : "none", o->itl != NULL ? "yes" : "none");
	printf("%.3f s, %lld phones/s, %zu TFTP downloads, %zu TVS "
	    "queries\n\n", (double)r->elapsed_ms / 1000, per_second(r),
	    r->tftp_downloads, r->tvs_queries);
	printf("%-7s %-13s %6s %8s %8s | CTL %6s %6s %6s %5s %6s | ITL %6s "
	    "%6s %7s %6s %5s %6s\n", "model", "", "phones", "accepted",
	    "rejected", "direct", "first", "tvs", "kept", "reject", "direct",
	    "first", "via-ctl", "tvs", "kept", "reject");
	for (k = 0; k <= r->nmodels; k++) {
		const struct rehearse_count *c = k < r->nmodels ?
		    &r->models[k] : &r->total;

		printf("%-7s %-13s %6zu %8zu %8zu |     %6zu %6zu %6zu %5zu "
		    "%6zu |     %6zu %6zu %7zu %6zu %5zu %6zu\n",
		    c->model != NULL ? c->model->name : "total",
		    c->model != NULL ? tvs_label(c->model) : "", c->phones,
		    c->accepted, c->rejecting, c->ctl.how[PHONE_DIRECT],
		    c->ctl.how[PHONE_FIRST], c->ctl.how[PHONE_VIA_TVS],
		    c->ctl.how[PHONE_KEPT] + c->ctl.how[PHONE_DROPPED],
		    c->ctl.how[PHONE_REJECTED], c->itl.how[PHONE_DIRECT],
		    c->itl.how[PHONE_FIRST], c->itl.how[PHONE_VIA_CTL],
		    c->itl.how[PHONE_VIA_TVS], c->itl.how[PHONE_KEPT],
		    c->itl.how[PHONE_REJECTED]);
	}
	if (o->ntvs > 0)
		printf("\nTVS servers, tried in this order:\n");
	for (k = 0; k < o->ntvs; k++) {
		char name[TVS_ASK_MAX_HOST + 10];

		tvs_target_format(&o->tvs[k], name, sizeof(name));
		printf("  %-40s %6zu answered (%zu valid, %zu invalid), %zu "
		    "without an answer\n", name, r->tvs[k].valid +
		    r->tvs[k].invalid, r->tvs[k].valid, r->tvs[k].invalid,
		    r->tvs[k].failed);
	}
	if (r->total.rejecting > 0) {
		printf("\nRejections:\n");
		for (k = 0; k < r->nmodels; k++) {
			print_reasons(r->models[k].model->name, "CTL",
			    &r->models[k].ctl);
			print_reasons(r->models[k].model->name, "ITL",
			    &r->models[k].itl);
		}
	}
	printf("\n");
	if (r->errors > 0)
		printf("FAIL: %zu phones met a TFTP or TVS failure: fix the "
		    "servers, then rehearse again\n", r->errors);
	if (r->tvs_rejecting > 0)
		printf("FAIL: %zu phones with TVS would reject a list and need "
		    "a visit: do not reset the phones\n", r->tvs_rejecting);
	if (r->warnings > 0)
		printf("WARNING: %zu phones without TVS would reject a list "
		    "and need their CTL deleted by hand\n", r->warnings);
	if (r->errors == 0 && r->tvs_rejecting == 0)
		printf("PASS: every phone with TVS accepts what the cluster "
		    "serves\n");
}

enum { O_PHONES = 0x100, O_MODELS, O_CONC, O_INSTALLED, O_TVS, O_TIMEOUT,
    O_JSON, O_SNAPSHOT, O_TFTP, O_NONSECURE };

/* The command line, the cluster, and the verdict. */
struct rehearse_cmd {
	struct rehearse_mix mix[REHEARSE_MAX_MODELS];
	size_t nmix, phones, conc;
	const char *models, *inst, *snap;
	struct tvs_target tvs[REHEARSE_MAX_TVS];
	size_t ntvs;                /* --tvs: 0 for each node's own */
	struct cli_endpoint tftp[CLI_MAX_TFTP];
	size_t ntftp;               /* --tftp: 0 for the publisher's nodes */
	bool nonsecure;             /* --non-secure */
	bool json;
	bool bad_input;             /* an --installed file is not valid */
	int timeout_ms, status;
	struct net_cluster cl;
	struct ctl_file *held[2];   /* the CTL and ITL the phones hold */
};

static int
rehearse_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct rehearse_cmd *rc = ctx;

	switch (c) {
	case O_PHONES:
		return parse_count(arg, "--phones", REHEARSE_MAX_PHONES,
		    &rc->phones, d);
	case O_MODELS: rc->models = arg; break;
	case O_CONC:
		return parse_count(arg, "--concurrency",
		    REHEARSE_MAX_CONCURRENCY, &rc->conc, d);
	case O_INSTALLED: rc->inst = arg; break;
	case O_TVS:
		return tvs_target_list_parse(arg, "--tvs", rc->tvs,
		    REHEARSE_MAX_TVS, &rc->ntvs);
	case O_TIMEOUT:
		return tvs_timeout_parse(arg, "--timeout-ms", &rc->timeout_ms);
	case O_JSON: rc->json = true; break;
	case O_SNAPSHOT: rc->snap = arg; break;
	case O_TFTP:
		return cli_endpoints_parse(arg, "--tftp", CLI_TFTP_DEFAULT_PORT,
		    rc->tftp, CLI_MAX_TFTP, &rc->ntftp, d);
	case O_NONSECURE: rc->nonsecure = true; break;
	}
	return CTL_OK;
}

static int
rehearse_operands(void *ctx, int argc, char **argv, struct ctl_diag *d)
{
	struct rehearse_cmd *rc = ctx;

	(void)argv;
	if (argc != 0)
		return CTL_ERR_USAGE;
	if (rc->snap != NULL && rc->inst != NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--snapshot saves what "
		    "phones hold; --installed rehearses with it: one at a "
		    "time");
	if (rc->nonsecure && rc->ntftp == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--non-secure goes with "
		    "--tftp: with --server the publisher says the mode");
	return rehearse_mix_parse(rc->models, rc->mix, &rc->nmix, d);
}

static int
rehearse_before(void *ctx, struct ctl_diag *d)
{
	struct rehearse_cmd *rc = ctx;
	int r;

	if (rc->inst != NULL &&
	    (r = rehearse_snapshot_read(rc->inst, "--installed", rc->held,
	    d)) != CTL_OK) {
		rc->bad_input = true;
		return r;
	}
	/* A TVS or TFTP server that goes away mid-write is a verdict. */
	signal(SIGPIPE, SIG_IGN);
	return rehearse_global_init(d);
}

/* Only the cluster is read on the session, which is closed before the
 * phones start. */
static int
rehearse_cluster(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct rehearse_cmd *rc = ctx;

	return net_cluster_info(s, &rc->cl, d);
}

/* With --tftp the publisher is never asked. */
static int
rehearse_offline(void *ctx)
{
	const struct rehearse_cmd *rc = ctx;

	return rc->ntftp > 0;
}

/* The nodes of --tftp: named for their TFTP server; TVS on the same
 * host at the TVS port, as on a CUCM node. */
static void
tftp_endpoints(const struct cli_endpoint *t, struct rehearse_node *r)
{
	cli_endpoint_format(t, r->name, sizeof(r->name));
	snprintf(r->tftp_host, sizeof(r->tftp_host), "%s", t->host);
	snprintf(r->tvs_host, sizeof(r->tvs_host), "%s", t->host);
	r->tftp_port = t->port;
	r->tvs_port = TVS_DEFAULT_PORT;
}

static int
rehearse_phones(void *ctx, struct ctl_diag *d)
{
	struct rehearse_cmd *rc = ctx;
	struct rehearse_node *nodes = NULL;
	const struct rehearse_node *pub = NULL;
	struct rehearse_result *res = NULL;
	struct rehearse_opts ro;
	char holds[4200];
	size_t i, nnodes = rc->ntftp > 0 ? rc->ntftp : rc->cl.nnodes;
	int r;

	if ((nodes = calloc(nnodes, sizeof(*nodes))) == NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory for %zu "
		    "nodes", nnodes);
		goto out;
	}
	for (i = 0; i < rc->ntftp; i++)
		tftp_endpoints(&rc->tftp[i], &nodes[i]);
	if (rc->ntftp > 0)
		pub = &nodes[0];
	for (i = 0; rc->ntftp == 0 && i < rc->cl.nnodes; i++) {
		rehearse_node_of(&rc->cl.nodes[i], &nodes[i]);
		if (rc->cl.nodes[i].publisher)
			pub = &nodes[i];
	}
	if (pub == NULL) {
		r = ctl_diag_set(d, CTL_ERR_PROTOCOL, "the cluster names no "
		    "publisher");
		goto out;
	}
	if (rc->snap != NULL) {
		r = snapshot(pub, rc->snap, rc->timeout_ms, d);
		goto out;
	}
	if (rc->inst == NULL && (r = rehearse_served_read(pub, rc->timeout_ms,
	    rc->held, d)) != CTL_OK)
		goto out;
	if (rc->inst != NULL)
		snprintf(holds, sizeof(holds), "the files in %s", rc->inst);
	else
		snprintf(holds, sizeof(holds), "what %s serves now", pub->name);
	memset(&ro, 0, sizeof(ro));
	ro.nodes = nodes;
	ro.nnodes = nnodes;
	ro.mix = rc->mix;
	ro.nmix = rc->nmix;
	ro.phones = rc->phones;
	ro.concurrency = (int)rc->conc;
	ro.timeout_ms = rc->timeout_ms;
	ro.ctl = rc->held[0];
	ro.itl = rc->held[1];
	ro.nonsecure = rc->ntftp > 0 ? rc->nonsecure :
	    rc->cl.security_mode == 0;
	ro.tvs = rc->tvs;
	ro.ntvs = rc->ntvs;
	/* A progress line only for a person watching a terminal. */
	ro.progress = !rc->json && isatty(STDERR_FILENO);
	if ((res = calloc(1, sizeof(*res))) == NULL) {
		r = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory for the "
		    "report");
		goto out;
	}
	if ((r = rehearse_run(&ro, res, d)) != CTL_OK)
		goto out;
	rc->status = res->errors == 0 && res->tvs_rejecting == 0 ? EXIT_OK :
	    EXIT_FAIL;
	if (rc->json)
		print_json(res, &ro, holds, rc->status);
	else
		print_text(res, &ro, holds);
out:
	free(nodes);
	free(res);
	return r;
}

static int
rehearse_status(void *ctx, int r)
{
	const struct rehearse_cmd *rc = ctx;

	if (r != CTL_OK)
		return rc->bad_input ? EXIT_INVALID : net_exit_status_usage(r);
	return rc->status;
}

int
cmd_rehearse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "phones", required_argument, NULL, O_PHONES },
		{ "models", required_argument, NULL, O_MODELS },
		{ "concurrency", required_argument, NULL, O_CONC },
		{ "installed", required_argument, NULL, O_INSTALLED },
		{ "tvs", required_argument, NULL, O_TVS },
		{ "timeout-ms", required_argument, NULL, O_TIMEOUT },
		{ "json", no_argument, NULL, O_JSON },
		{ "snapshot", required_argument, NULL, O_SNAPSHOT },
		{ "tftp", required_argument, NULL, O_TFTP },
		{ "non-secure", no_argument, NULL, O_NONSECURE },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "rehearse", .opts = opts, .usage = usage,
		.option = rehearse_option, .operands = rehearse_operands,
		.before = rehearse_before, .run = rehearse_cluster,
		.after = rehearse_phones, .offline = rehearse_offline,
		.status = rehearse_status,
	};
	struct rehearse_cmd rc;
	int status;

	memset(&rc, 0, sizeof(rc));
	rc.models = DEFAULT_MODELS;
	rc.phones = DEFAULT_PHONES;
	rc.conc = DEFAULT_CONCURRENCY;
	rc.timeout_ms = TVS_DEFAULT_TIMEOUT_MS;
	rc.status = EXIT_OK;
	status = net_cmd_main(&cmd, &rc, argc, argv);
	ctl_free(rc.held[0]);
	ctl_free(rc.held[1]);
	net_cluster_free(&rc.cl);
	return status;
}
