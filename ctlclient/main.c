/* ctlclient: sign, show and verify phone trust lists, with eTokens. */

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ctl_err.h"
#include "net_opts.h"

static const struct cli_command commands[] = {
	{ "show", cmd_show, "show a CTL or ITL file the way CUCM's show ctl does" },
	{ "build", cmd_build, "build and sign a CTL or ITL file" },
	{ "verify", cmd_verify, "would a phone holding one file accept another?" },
	{ "tvs-query", cmd_tvs_query, "ask a Trust Verification Service about a certificate" },
	{ "rehearse", cmd_rehearse, "rehearse a phone reset: N phones download and judge the lists" },
	{ "tokens", cmd_tokens, "list PKCS#11 modules, tokens, certificates, readers, USB eTokens" },
	{ "export-cert", cmd_export_cert, "write a token's certificate to a file" },
	{ "wait-token", cmd_wait_token, "wait until a token is inserted" },
	{ "status", cmd_status, "show the cluster: security mode, CTL, every node" },
	{ "fetch", cmd_fetch, "download the cluster's CTL file" },
	{ "migrate", cmd_migrate, "to-tokenless, to-tokens, regenerate: change who signs the CTL" },
	{ "preflight", cmd_preflight, "would the cluster's phones accept a new CTL?" },
	{ "move-check", cmd_move_check, "before moving phones to another cluster: would they accept its files?" },
	{ "upload", cmd_upload, "upload a signed CTL file to every node" },
	{ "tokenless", cmd_tokenless, "tokenless mixed mode: set-mixed-mode, update, set-non-secure" },
	{ "delete-ctl", cmd_delete_ctl, "delete CTLFile.tlv from every node" },
	{ "trust", cmd_trust, "list, upload, delete trust store certificates" },
	{ "cert", cmd_cert, "the nodes' certificates: list, regenerate" },
	{ "health", cmd_health, "check the cluster's certificates, files and TVS: 0 healthy, 1 warnings, 2 problems" },
	{ "itl", cmd_itl, "itl reset localkey|remotekey|done, itl backup-recovery: recover phones that lost trust" },
	{ "ctl", cmd_ctl, "ctl reset localkey: re-sign the CTL with the publisher's CallManager key" },
	{ "audit", cmd_audit, "show the publisher's audit log" },
	{ "bulk", cmd_bulk, "bulk certificates between clusters over SFTP: sftp, export, consolidate, import, list" },
	{ "set-mixed-mode", cmd_set_mixed_mode, "sign a CTL with eTokens and set the cluster to mixed mode" },
	{ "update", cmd_update, "update the CTL: add or delete records, sign with an eToken" },
	{ "rollback-pre8", cmd_rollback, "Prepare Cluster for Rollback to pre-8.0: serve a blank ITL (on|off)" },
	{ "set-non-secure", cmd_set_non_secure, "sign the CTL with an eToken and set the cluster to non-secure mode" },
};

/* The commands that never connect to a publisher: connection options
 * before them are a mistake worth saying. */
static const char *const offline[] = {
	"show", "build", "verify", "tvs-query", "tokens", "export-cert",
	"wait-token",
};

int
main(int argc, char **argv)
{
	struct ctl_diag d;
	size_t i;
	int used, r;

	ctl_diag_clear(&d);
	if ((r = net_opts_leading(argc, argv, &used, &d)) != CTL_OK) {
		fprintf(stderr, "ctlclient: %s\n", ctl_diag_msg(&d, r));
		return EXIT_INVALID;
	}
	if (used > 1) {
		if (used == argc) {
			fprintf(stderr, "ctlclient: connection options without "
			    "a command (ctlclient --help lists them)\n");
			return EXIT_INVALID;
		}
		for (i = 0; i < sizeof(offline) / sizeof(offline[0]); i++)
			if (strcmp(argv[used], offline[i]) == 0) {
				fprintf(stderr, "ctlclient: %s does not connect "
				    "to a publisher: the connection options "
				    "before it do not apply\n", offline[i]);
				return EXIT_INVALID;
			}
		/* The command then sees its own words only. */
		argv[used - 1] = argv[0];
		argc -= used - 1;
		argv += used - 1;
	}
	return cli_main("ctlclient", CTL_VERSION, commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
