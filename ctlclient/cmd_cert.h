/*
 * The sub-commands of `ctlclient cert`, one file each (cmd_cert_*.c).
 * Each takes its own argv (argv[0] is the sub-command's name) and
 * returns the process exit status.
 */
#ifndef CTLCLIENT_CMD_CERT_H
#define CTLCLIENT_CMD_CERT_H

#include <stdbool.h>

int cert_list(int argc, char **argv);
int cert_regenerate(int argc, char **argv);
int cert_plan(int argc, char **argv);

struct net_session;
struct ctl_diag;

/*
 * CERT_REGENERATE of NODE's certificate TYPE over connection S with KEY (NULL:
 * the type's default), forced over the publisher's refusal RULE with
 * REASON when RULE is not NULL; prints the answer (one JSON object when
 * JSON).  CTL_ERR_REFUSED when a node does not serve the new ITL yet,
 * the publisher's errors (cmd_cert_regenerate.c).
 */
int cert_regenerate_request(struct net_session *s, const char *node,
    const char *type, const char *key, const char *rule, const char *reason,
    bool json, struct ctl_diag *d);

#endif
