/*
 * The CTL client's Cluster Security Mode page, with tokens:
 *   ctlclient set-mixed-mode [--token URI]... ...
 *   ctlclient update [--token URI] [--add ...] [--delete SUBJECT|N] ...
 *   ctlclient set-non-secure [--token URI] ...
 * Each builds a CTL, signs it with a token (one login, one C_Sign), runs
 * the preflight, uploads it and, for the mode changes, sets the security
 * mode only once the upload went through (ctl_signflow.h).
 */
#include <stdio.h>

#include "commands.h"
#include "ctl_signflow.h"
#include "net_opts.h"

static void
usage_mixed(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient set-mixed-mode --server HOST[:PORT]\n"
	    "         [--token URI]... [--single-token]\n"
	    "         [--add role=ROLE,cert=CERT[,dns=N][,ip=A]]...\n"
	    "         [--digest D] [--module PATH] [--allow-final-try]\n"
	    "         [--force] [--yes] [--json]\n\n"
	    "The CTL client's \"Set Cisco Unified CallManager Cluster to\n"
	    "Mixed Mode\": reads the cluster, builds a CTL holding the\n"
	    "tokens' SAST certificates, every node's CallManager\n"
	    "certificate (CCM+TFTP), the publisher's CAPF and ITLRecovery\n"
	    "certificates and the --add records, signs it with the first\n"
	    "token, checks that phones will take it, uploads it to every\n"
	    "node, then sets the cluster to mixed mode.\n\n"
	    SIGNFLOW_PROMPT_HELP
	    "  --token URI        a SAST eToken (pkcs11:token=SAST1, with\n"
	    "                     pin-source=file:... or a PIN prompt); give\n"
	    "                     two: the first signs, the second is the\n"
	    "                     spare that can sign when the first is lost\n"
	    "                     (its certificate is read without a PIN)\n"
	    "  --single-token     allow one token (not recommended: losing\n"
	    "                     it means visiting every phone)\n"
	    SIGNFLOW_ADD_HELP SIGNFLOW_OPTIONS_HELP NET_OPTIONS_HELP
	    SIGNFLOW_EXIT_HELP);
}

static void
usage_update(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient update --server HOST[:PORT] [--token URI]\n"
	    "         [--add role=ROLE,cert=CERT[,dns=N][,ip=A]]...\n"
	    "         [--delete SUBJECT|N]... [--digest D] [--module PATH]\n"
	    "         [--allow-final-try] [--force] [--yes] [--json]\n\n"
	    "The CTL client's \"Update CTL File\": reads the cluster's CTL,\n"
	    "keeps its records, adds and deletes the ones named, signs the\n"
	    "result with the token and uploads it to every node.  The\n"
	    "token must be a SAST of the CTL the cluster (and its phones)\n"
	    "hold now.\n\n"
	    SIGNFLOW_PROMPT_HELP
	    "  --token URI        the signing SAST eToken\n"
	    SIGNFLOW_ADD_HELP
	    "  --delete SUBJECT|N remove a record of the current CTL (Delete\n"
	    "                     Selected): its number as ctlclient show\n"
	    "                     prints it, or text its subject contains;\n"
	    "                     the signing token's record and the last\n"
	    "                     SAST record cannot be removed\n"
	    SIGNFLOW_OPTIONS_HELP NET_OPTIONS_HELP SIGNFLOW_EXIT_HELP);
}

static void
usage_non_secure(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient set-non-secure --server HOST[:PORT]\n"
	    "         [--token URI] [--digest D] [--module PATH]\n"
	    "         [--allow-final-try] [--force] [--yes] [--json]\n\n"
	    "The CTL client's \"Set Cisco Unified CallManager Cluster to\n"
	    "Non-Secure Mode\": signs the cluster's CTL again with the\n"
	    "token (same records), uploads it to every node, then sets\n"
	    "the cluster to non-secure mode.  The token must be a SAST of\n"
	    "the CTL the cluster holds now.\n\n"
	    SIGNFLOW_PROMPT_HELP
	    "  --token URI        the signing SAST eToken\n"
	    SIGNFLOW_OPTIONS_HELP NET_OPTIONS_HELP SIGNFLOW_EXIT_HELP);
}

/* The three commands: their question before signing and their result
 * line, in the CTL client's words. */
static const struct signflow_cmd modes[] = {
	{ SIGNFLOW_MIXED, "set-mixed-mode",
	  "This operation signs a new CTL with the token, uploads it to every "
	  "node and sets the cluster to Mixed mode. Do you want to continue?",
	  "Cluster set to Mixed Mode", usage_mixed, signflow_run },
	{ SIGNFLOW_UPDATE, "update",
	  "This operation signs the new CTL with the token and uploads it to "
	  "every node. Do you want to continue?",
	  "CTL file Updated", usage_update, signflow_run },
	{ SIGNFLOW_NON_SECURE, "set-non-secure",
	  "This operation signs the CTL with the token, uploads it to every "
	  "node and sets the cluster to Non-Secure mode. Do you want to "
	  "continue?",
	  "Cluster set to Non-Secure Mode", usage_non_secure, signflow_run },
};

int
cmd_set_mixed_mode(int argc, char **argv)
{
	return signflow_main(&modes[0], argc, argv);
}

int
cmd_update(int argc, char **argv)
{
	return signflow_main(&modes[1], argc, argv);
}

int
cmd_set_non_secure(int argc, char **argv)
{
	return signflow_main(&modes[2], argc, argv);
}
