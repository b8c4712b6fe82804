/*
 * The sub-commands of `ctlclient cert`, one file each (cmd_cert_*.c).
 * Each takes its own argv (argv[0] is the sub-command's name) and
 * returns the process exit status.
 */
#ifndef CTLCLIENT_CMD_CERT_H
#define CTLCLIENT_CMD_CERT_H

int cert_list(int argc, char **argv);
int cert_regenerate(int argc, char **argv);

#endif
