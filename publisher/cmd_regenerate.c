/* ctlpublisherd regenerate DIR --node NAME [--cert TYPE] [--key KEY] */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "ctl_err.h"
#include "pub_node.h"
#include "pub_regen.h"
#include "pub_state.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlpublisherd regenerate DIR --node NAME [--cert TYPE] "
	    "[--key KEY]\n\n"
	    "Regenerates a certificate of node NAME, as CUCM's Regenerate\n"
	    "button does: a new key and serial number, the same subject.\n"
	    "TYPE is CallManager (the default), CallManager-ECDSA, Tomcat,\n"
	    "Tomcat-ECDSA, IPsec or TVS on any node, CAPF or ITLRecovery on\n"
	    "the publisher.  KEY is rsa2048 (the default of the RSA types),\n"
	    "rsa3072 or rsa4096 (not rsa3072 for CallManager and ITLRecovery,\n"
	    "whose keys sign the CTL and ITL), or ec256 (the default of the\n"
	    "-ECDSA types and Tomcat) or ec384.  A trust store that held the old\n"
	    "certificate holds the new one instead.  Running nodes pick it\n"
	    "up at their next CTL build; the CTL phones hold still names the\n"
	    "old certificate.  `ctlclient migrate regenerate` (tokenless\n"
	    "mode) or `ctlclient migrate regenerate --token URI` (token mode)\n"
	    "puts the regenerated certificate in the CTL; `ctlclient update`\n"
	    "does not, it keeps each record's certificate as it is.  The ITL,\n"
	    "which holds the CallManager, TVS and ITLRecovery certificates,\n"
	    "is rebuilt at once in the publisher's TFTP directory; the\n"
	    "running publisher pushes it to every node.  A new Tomcat\n"
	    "certificate is served once the node restarts.  Over the network:\n"
	    "ctlclient cert regenerate.\n");
}

int
cmd_regenerate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum pub_cert_purpose purpose = PUB_CERT_CALLMANAGER;
	enum pub_key_type kt = PUB_KEY_DEFAULT;
	struct pub_regen_result r;
	struct pub_state *st = NULL;
	struct ctl_diag d;
	const char *node = NULL;
	int c, rc, status = EXIT_FAIL;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n': node = optarg; break;
		case 'c':
			if (pub_cert_purpose_parse(optarg, &purpose) != CTL_OK ||
			    purpose == PUB_CERT_CLIENT) {
				cli_error("--cert %s: the types are %s", optarg,
				    pub_cert_type_list());
				return EXIT_INVALID;
			}
			break;
		case 'k':
			if (pub_key_type_parse(optarg, &kt) != CTL_OK) {
				cli_error("--key %s: %s", optarg, PUB_KEY_TYPES);
				return EXIT_INVALID;
			}
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: return EXIT_INVALID;
		}
	}
	if (argc - optind != 1 || node == NULL) {
		cli_error("regenerate needs one DIR and --node NAME (see "
		    "ctlpublisherd regenerate --help)");
		return EXIT_INVALID;
	}
	ctl_diag_clear(&d);
	if ((rc = pub_state_open(argv[optind], &st, &d)) != CTL_OK ||
	    (rc = pub_cert_regenerate(st, "admin", node, purpose, kt, &r,
	    &d)) != CTL_OK) {
		cli_error("%s", ctl_diag_msg(&d, rc));
		status = rc == CTL_ERR_USAGE ? EXIT_INVALID : EXIT_FAIL;
		goto out;
	}
	printf("regenerated the %s certificate of %s: %s, serial %s\n",
	    pub_cert_purpose_name(purpose), node, r.cert.key, r.cert.serial);
	status = EXIT_OK;
out:
	pub_state_close(st);
	return status;
}
