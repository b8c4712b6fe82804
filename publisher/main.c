/* ctlpublisherd: the publisher's side of a CTL cluster. */

#include "cli.h"
#include "commands.h"

static const struct cli_command commands[] = {
	{ "init", cmd_init, "make a self-contained cluster in a directory" },
	{ "bundle", cmd_bundle, "write what one host needs to run one node" },
	{ "run", cmd_run, "run one node of a cluster in the foreground" },
	{ "start", cmd_start, "start every node of a cluster in the background" },
	{ "regenerate", cmd_regenerate, "regenerate a node's certificate (new key and serial)" },
	{ "stop", cmd_stop, "stop the nodes that start started" },
};

int
main(int argc, char **argv)
{
	return cli_main("ctlpublisherd", CTL_VERSION, commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
