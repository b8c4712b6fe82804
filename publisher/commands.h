/* The ctlpublisherd subcommands, and what they share. */
#ifndef PUBD_COMMANDS_H
#define PUBD_COMMANDS_H

#include "cli.h"

/* `ctlpublisherd init DIR [--nodes N] [--port P]` */
int cmd_init(int argc, char **argv);

/* `ctlpublisherd bundle DIR --node NAME -o FILE` */
int cmd_bundle(int argc, char **argv);

/* `ctlpublisherd run DIR --node NAME` or `run --dir DIR`: one node in
 * the foreground. */
int cmd_run(int argc, char **argv);

/* `ctlpublisherd start DIR` / `stop DIR`: every node in the background. */
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);

/* `ctlpublisherd regenerate DIR --node NAME [--cert PURPOSE]` */
int cmd_regenerate(int argc, char **argv);

#endif
