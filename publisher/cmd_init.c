/* ctlpublisherd init: make a self-contained cluster in a directory. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "ctl_err.h"
#include "pub_init.h"
#include "pub_layout.h"
#include "pub_tftp.h"
#include "pub_node.h"
#include "pub_state.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlpublisherd init DIR [--nodes N] [--port P]\n"
	    "           [--prefix NAME] [--subnet 127.A.B]\n"
	    "           [--tvs-tls 1.2|1.0] [--itl-signer ITLRecovery|CallManager]\n"
	    "       ctlpublisherd init DIR --definition FILE\n"
	    "           [--tvs-tls 1.2|1.0] [--itl-signer ITLRecovery|CallManager]\n"
	    "\n"
	    "--definition FILE makes a cluster whose nodes run on their own\n"
	    "hosts, named and addressed as FILE says, one line per node:\n"
	    "  node NAME ADDRESS [publisher] [ctl-port=P] [tvs-port=P]\n"
	    "                    [dist-port=P] [tftp-port=P]\n"
	    "and optional defaults for every node ('ctl-port P', ...).  The\n"
	    "ports default to %d (CTL Provider), %d (TVS), %d (distribution)\n"
	    "and %d (TFTP).  Exactly one node is the publisher.  Then make each\n"
	    "host's bundle with 'ctlpublisherd bundle' (docs/publisher.md).\n"
	    "\n"
	    "Without it:\n"
	    "Makes a cluster of N nodes (%d to %d, default %d) on this machine:\n"
	    "node 0 is the publisher NAME-pub on 127.A.B.2, node I the\n"
	    "subscriber NAME-subI on 127.A.B.(2+I).  Node I listens on\n"
	    "P + %d*I (CTL Provider), P + %d*I + 1 (TVS) and P + %d*I + 2\n"
	    "(distribution), P defaulting to %d, and TFTP on port %d of\n"
	    "its own address.\n"
	    "\n"
	    "--prefix NAME names the nodes (default %s): a DNS label of 1\n"
	    "to %d letters, digits and '-', not starting or ending with '-'.\n"
	    "--subnet 127.A.B puts the nodes on those loopback addresses\n"
	    "(default %s).  Two clusters with different prefixes and\n"
	    "subnets run side by side on one machine, even on the same\n"
	    "ports; their certificates carry their own names and addresses.\n"
	    "\n"
	    "--tvs-tls 1.0 lets TVS accept TLS 1.0, which 7900-series phones\n"
	    "speak; the default accepts TLS 1.2 and later only.\n"
	    "--itl-signer CallManager signs the ITL with the publisher's\n"
	    "CallManager key, as CUCM 8.x to 11.5 do; the default is the\n"
	    "ITLRecovery key, as CUCM 12 and later do.\n"
	    "\n"
	    "The administrator is 'admin'; the password is in DIR/%s.\n"
	    "Clients trust DIR/%s.  DIR must not exist, or be empty.\n",
	    PUB_STD_PORT_CTL, PUB_STD_PORT_TVS, PUB_STD_PORT_DIST,
	    PUB_STD_PORT_TFTP, PUB_NODES_MIN, PUB_NODES_MAX, PUB_DEFAULT_NODES,
	    PUB_PORT_STEP, PUB_PORT_STEP, PUB_PORT_STEP, PUB_DEFAULT_PORT,
	    PUB_TFTP_PORT,
	    PUB_DEFAULT_PREFIX, PUB_PREFIX_MAX, PUB_DEFAULT_SUBNET,
	    PUB_FILE_PASSWORD, PUB_FILE_TRUST);
}

/* Parses a decimal number in LO..HI. */
static int
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Prints the nodes of the new cluster, from its state. */
static int
report(const char *dir)
{
	struct ctl_diag d = { "" };
	struct pub_state *st = NULL;
	struct pub_node *nodes = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = pub_state_open(dir, &st, &d)) != CTL_OK ||
	    (rc = pub_node_list(st, &nodes, &n, &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		pub_state_close(st);
		return EXIT_FAIL;
	}
	printf("cluster of %zu node%s in %s\n", n, n == 1 ? "" : "s", dir);
	for (i = 0; i < n; i++)
		printf("  %-12s %-10s %-14s ctl %u, tvs %u, distribution %u, "
		    "tftp %u\n", nodes[i].name, nodes[i].publisher ?
		    "publisher" : "subscriber", nodes[i].ip, nodes[i].ports.ctl,
		    nodes[i].ports.tvs, nodes[i].ports.dist, nodes[i].ports.tftp);
	printf("administrator: admin, password in %s/%s\n", dir,
	    PUB_FILE_PASSWORD);
	printf("clients trust: %s/%s\n", dir, PUB_FILE_TRUST);
	free(nodes);
	pub_state_close(st);
	return EXIT_OK;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nodes", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },
		{ "tvs-tls", required_argument, NULL, 't' },
		{ "itl-signer", required_argument, NULL, 'i' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "subnet", required_argument, NULL, 's' },
		{ "definition", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pub_init_opts o = { PUB_DEFAULT_NODES, PUB_DEFAULT_PORT,
	    PUB_TVS_TLS12, PUB_ITL_ITLRECOVERY, NULL, NULL, NULL };
	struct ctl_diag d = { "" };
	struct pub_definition *def = NULL;
	const char *def_file = NULL, *lab_opt = NULL;
	int c, rc;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n':
			lab_opt = "--nodes";
			if (parse_uint(optarg, PUB_NODES_MIN, PUB_NODES_MAX,
			    &o.nodes) != 0) {
				cli_error("--nodes %s: a cluster has %d to %d "
				    "nodes", optarg, PUB_NODES_MIN,
				    PUB_NODES_MAX);
				return EXIT_INVALID;
			}
			break;
		case 'p':
			lab_opt = "--port";
			if (parse_uint(optarg, 1, PUB_PORT_MAX, &o.port) != 0) {
				cli_error("--port %s: the base port is 1 to %d "
				    "(node I uses it + %d*I, + 1, + 2, + 3)", optarg,
				    PUB_PORT_MAX, PUB_PORT_STEP);
				return EXIT_INVALID;
			}
			break;
		case 't':
			if (strcmp(optarg, "1.2") == 0)
				o.tvs_tls = PUB_TVS_TLS12;
			else if (strcmp(optarg, "1.0") == 0)
				o.tvs_tls = PUB_TVS_TLS10;
			else {
				cli_error("--tvs-tls %s: use 1.2 or 1.0", optarg);
				return EXIT_INVALID;
			}
			break;
		case 'i':
			if (strcasecmp(optarg, "ITLRecovery") == 0)
				o.itl_signer = PUB_ITL_ITLRECOVERY;
			else if (strcasecmp(optarg, "CallManager") == 0)
				o.itl_signer = PUB_ITL_CALLMANAGER;
			else {
				cli_error("--itl-signer %s: use ITLRecovery or "
				    "CallManager", optarg);
				return EXIT_INVALID;
			}
			break;
		case 'P':
			lab_opt = "--prefix";
			o.prefix = optarg;      /* checked by pub_init() */
			break;
		case 's':
			lab_opt = "--subnet";
			o.subnet = optarg;
			break;
		case 'D':
			def_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return EXIT_INVALID;
		}
	}
	if (argc - optind != 1) {
		cli_error("init needs one DIR (see ctlpublisherd init --help)");
		return EXIT_INVALID;
	}
	if (def_file != NULL && lab_opt != NULL) {
		cli_error("%s: the nodes come from --definition; drop %s, or "
		    "write the nodes in the definition", lab_opt, lab_opt);
		return EXIT_INVALID;
	}
	if (def_file != NULL) {
		if ((def = calloc(1, sizeof(*def))) == NULL) {
			cli_error("out of memory");
			return EXIT_FAIL;
		}
		if ((rc = pub_definition_load(def_file, def, &d)) != CTL_OK)
			goto out;
		o.def = def;
	}
	rc = pub_init(argv[optind], &o, &d);
out:
	free(def);
	if (rc != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		return rc == CTL_ERR_USAGE ? EXIT_INVALID : EXIT_FAIL;
	}
	return report(argv[optind]);
}
