/* The ctlpublisherd subcommands, and what they share. */
#ifndef PUBD_COMMANDS_H
#define PUBD_COMMANDS_H

/* Exit codes: done; failed; bad usage. */
#define EXIT_OK      0
#define EXIT_FAIL    1
#define EXIT_INVALID 2

/* Prints "ctlpublisherd: MESSAGE" on standard error. */
void pubd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* `ctlpublisherd init DIR [--nodes N] [--port P]` */
int cmd_init(int argc, char **argv);

/* `ctlpublisherd run DIR --node NAME`: one node in the foreground. */
int cmd_run(int argc, char **argv);

/* `ctlpublisherd start DIR` / `stop DIR`: every node in the background. */
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);

#endif
