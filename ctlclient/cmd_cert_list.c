/*
 * ctlclient cert list [--json]: every node's own certificates and the
 * trust stores, with what a person checks of each: subject, serial,
 * key, validity, self-signed or CA-signed, SHA-256 fingerprint.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cert_info.h"
#include "cmd_cert.h"
#include "commands.h"
#include "ctl_err.h"
#include "json_out.h"
#include "net_cmd.h"

struct cert_list_cmd {
	int json;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient cert list --server HOST[:PORT] [--json]\n\n"
	    "Every node's own certificates (CallManager, CAPF, TVS,\n"
	    "ITLRecovery, tomcat, ... whatever types the cluster has) and every\n"
	    "certificate of the trust stores: node, type or store, subject,\n"
	    "serial, key type and size, validity and the days left,\n"
	    "self-signed or CA-signed, SHA-256 fingerprint.\n\n"
	    "  --json        one JSON object instead of the text\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 listed, 1 failed, 2 bad usage.\n");
}

static void
item_print(const struct cert_item *e, time_t now)
{
	const struct cert_info *c = &e->info;
	long left = cert_info_days_left(c, now);

	printf("%-12s %-18s %s\n", e->node[0] ? e->node : "(cluster)", e->type,
	    c->subject);
	printf("    serial %s, %s, %s\n", c->serial, c->key,
	    c->self_signed ? "self-signed" : "CA-signed");
	printf("    valid %s to %s (%s %ld days)\n", c->not_before_text,
	    c->not_after_text, left < 0 ? "EXPIRED" : "left", left < 0 ?
	    -left : left);
	printf("    SHA-256 %s\n", c->sha256);
}

static void
set_json(struct json_out *j, const char *key, const struct cert_set *set,
    bool store, time_t now)
{
	size_t i;

	json_array_begin(j, key);
	for (i = 0; i < set->n; i++) {
		json_object_begin(j, NULL);
		if (store) {
			json_string(j, "store", set->v[i].type);
		} else {
			json_string(j, "node", set->v[i].node);
			json_string(j, "type", set->v[i].type);
		}
		cert_info_json(j, &set->v[i].info, now);
		json_object_end(j);
	}
	json_array_end(j);
}

static int
cert_list_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct cert_list_cmd *c = ctx;
	struct cert_set nodes = { NULL, 0 }, trust = { NULL, 0 };
	time_t now = time(NULL);
	struct json_out j;
	size_t i;
	int rc;

	if ((rc = cert_fetch_nodes(s, &nodes, d)) != CTL_OK ||
	    (rc = cert_fetch_trust(s, NULL, &trust, d)) != CTL_OK)
		goto out;
	if (c->json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		set_json(&j, "node_certificates", &nodes, false, now);
		set_json(&j, "trust_certificates", &trust, true, now);
		json_object_end(&j);
		json_finish(&j);
		goto out;
	}
	printf("Node certificates\n");
	for (i = 0; i < nodes.n; i++)
		item_print(&nodes.v[i], now);
	printf("\nTrust stores\n");
	for (i = 0; i < trust.n; i++)
		item_print(&trust.v[i], now);
	if (trust.n == 0)
		printf("    (no certificates)\n");
out:
	cert_set_free(&nodes);
	cert_set_free(&trust);
	return rc;
}

static int
cert_list_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct cert_list_cmd *cl = ctx;

	(void)arg;
	(void)d;
	if (c == 'j')
		cl->json = 1;
	return CTL_OK;
}

int
cert_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "cert list", .opts = opts, .usage = usage,
		.option = cert_list_option, .run = cert_list_run,
	};
	struct cert_list_cmd c = { 0 };

	return net_cmd_main(&cmd, &c, argc, argv);
}
