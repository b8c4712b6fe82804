/* ctlclient status --server HOST[:PORT] [--json] */
#include <stdio.h>
#include <stdlib.h>

#include "net_cmd.h"
#include "commands.h"
#include "ctl_cert.h"
#include "ctl_err.h"
#include "hex.h"
#include "json_out.h"
#include "net_cluster.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient status --server HOST[:PORT] [--json]\n\n"
	    "Shows the cluster as the publisher's CTL Provider sees it: the\n"
	    "security mode, how the CTL is signed (none, token, tokenless),\n"
	    "the SHA-1 of the cluster's CTL, whether \"Prepare Cluster for\n"
	    "Rollback to pre-8.0\" is on (the nodes then serve the blank\n"
	    "rollback ITL: see ctlclient rollback-pre8 --help), and for\n"
	    "every node its address, role, its TVS and TFTP ports, the CTL\n"
	    "it holds, whether it answers, and whether its copy is current.\n\n"
	    "  --json   one JSON object instead of the table\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 shown, 1 failed, 2 bad usage.\n");
}

/* "IP:PORT" for the table, "-" when the server did not say. */
static void
endpoint_text(char *out, size_t len, const char *ip, uint16_t port)
{
	if (port == 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%s:%u", ip, port);
}

static void
print_text(const struct net_session *s, const struct net_cluster *c)
{
	size_t i;

	printf("Server:        %s\n", s->peer);
	printf("Security mode: %s\n", c->security_mode ? "Mixed mode" :
	    "Non-secure mode");
	printf("CTL mode:      %s\n", net_ctl_mode_name(c->ctl_mode));
	printf("CTL SHA1:      %s\n", c->sha1[0] ? c->sha1 : "(no CTL)");
	if (c->rollback_pre8 >= 0)
		printf("Rollback to pre-8.0: %s\n", c->rollback_pre8 ?
		    "on (the nodes serve the rollback ITL)" : "off");
	printf("\n");
	printf("%-24s %-15s %-5s %-10s %-9s %-8s %s\n", "Hostname",
	    "IP Address", "Port", "Type", "Reachable", "State", "CTL SHA1");
	for (i = 0; i < c->nnodes; i++) {
		const struct net_node *n = &c->nodes[i];

		printf("%-24s %-15s %-5u %-10s %-9s %-8s %s\n", n->name, n->ip,
		    n->port, n->publisher ? "Publisher" : "Subscriber",
		    n->reachable ? "yes" : "no", n->state,
		    n->sha1[0] ? n->sha1 : "(none)");
	}
	/* The endpoints phones use, in a table of their own so that the
	 * one above keeps its columns for scripts that read it. */
	for (i = 0; i < c->nnodes; i++)
		if (c->nodes[i].tvs_port != 0 || c->nodes[i].tftp_port != 0)
			break;
	if (i == c->nnodes)
		return;
	printf("\n%-24s %-21s %s\n", "Hostname", "TVS", "TFTP (UDP)");
	for (i = 0; i < c->nnodes; i++) {
		const struct net_node *n = &c->nodes[i];
		char tvs[32], tftp[32];

		endpoint_text(tvs, sizeof(tvs), n->ip, n->tvs_port);
		endpoint_text(tftp, sizeof(tftp), n->ip, n->tftp_port);
		printf("%-24s %-21s %s\n", n->name, tvs, tftp);
	}
}

/* "host:port" for a JSON endpoint, null when the server did not say. */
static void
json_endpoint(struct json_out *j, const char *key, const char *ip,
    uint16_t port)
{
	char ep[32];

	if (port == 0) {
		json_null(j, key);
		return;
	}
	snprintf(ep, sizeof(ep), "%s:%u", ip, port);
	json_string(j, key, ep);
}

static void
print_json(const struct net_session *s, const struct net_cluster *c)
{
	struct json_out j;
	char *subject = NULL, hex[41];
	uint8_t sha1[20];
	size_t i;
	int k;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "server", s->peer);
	json_int(&j, "security_mode", c->security_mode);
	json_string(&j, "ctl_mode", net_ctl_mode_name(c->ctl_mode));
	json_string(&j, "ctl_sha1", c->sha1[0] ? c->sha1 : NULL);
	if (c->rollback_pre8 >= 0)
		json_bool(&j, "rollback_pre8", c->rollback_pre8);
	else
		json_null(&j, "rollback_pre8");
	json_array_begin(&j, "nodes");
	for (i = 0; i < c->nnodes; i++) {
		const struct net_node *n = &c->nodes[i];

		json_object_begin(&j, NULL);
		json_string(&j, "name", n->name);
		json_string(&j, "ip", n->ip);
		json_int(&j, "port", n->port);
		json_endpoint(&j, "tvs", n->ip, n->tvs_port);
		json_endpoint(&j, "tftp", n->ip, n->tftp_port);
		json_bool(&j, "publisher", n->publisher);
		json_string(&j, "ctl_sha1", n->sha1[0] ? n->sha1 : NULL);
		json_bool(&j, "reachable", n->reachable);
		json_string(&j, "state", n->state);
		json_array_begin(&j, "certificates");
		for (k = 0; k < NET_CERT_N; k++) {
			if (n->certs[k] == NULL)
				continue;
			json_object_begin(&j, NULL);
			json_string(&j, "purpose", net_cert_name(k));
			if (ctl_name_format(X509_get_subject_name(n->certs[k]),
			    &subject) == CTL_OK)
				json_string(&j, "subject", subject);
			free(subject);
			subject = NULL;
			if (ctl_cert_sha1(n->certs[k], sha1) == CTL_OK)
				json_string(&j, "sha1", hex_format(hex,
				    sizeof(hex), sha1, 20, '\0', 0));
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

struct status_cmd {
	int json;
};

static int
status_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct status_cmd *sc = ctx;

	/* --json is its only option. */
	(void)c;
	(void)arg;
	(void)d;
	sc->json = 1;
	return CTL_OK;
}

static int
status_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	struct status_cmd *sc = ctx;
	struct net_cluster cl;
	int rc;

	if ((rc = net_cluster_info(s, &cl, d)) != CTL_OK)
		return rc;
	if (sc->json)
		print_json(s, &cl);
	else
		print_text(s, &cl);
	net_cluster_free(&cl);
	return CTL_OK;
}

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "status", .opts = opts, .usage = usage,
		.option = status_option, .run = status_run,
	};
	struct status_cmd sc = { 0 };

	return net_cmd_main(&cmd, &sc, argc, argv);
}
