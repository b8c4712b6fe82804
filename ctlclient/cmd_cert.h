/*
 * The sub-commands of `ctlclient cert`, one file each (cmd_cert_*.c).
 * Each takes its own argv (argv[0] is the sub-command's name) and
 * returns the process exit status.
 */
#ifndef CTLCLIENT_CMD_CERT_H
#define CTLCLIENT_CMD_CERT_H

#include <stdbool.h>

struct ctl_diag;
struct net_reply;
struct net_session;

int cert_list(int argc, char **argv);
int cert_regenerate(int argc, char **argv);
int cert_plan(int argc, char **argv);
int cert_csr(int argc, char **argv);
int cert_upload(int argc, char **argv);

/*
 * Prints the answer A to a replaced certificate (REQ: "CERT_REGENERATE",
 * "CERT_UPLOAD"), its first line "DONE the TYPE certificate of NODE";
 * with JSON (the command's --json is on) it also keeps the answer for
 * cert_answer_json() and the per-node results (cmd_cert_regenerate.c).  Fails with
 * CTL_ERR_PROTOCOL for a malformed answer, CTL_ERR_REFUSED when a node
 * does not serve the rebuilt ITL yet (the certificate is new anyway).
 */
int cert_answer_show(const struct net_session *s, const struct net_reply *a,
    bool json, const char *req, const char *done, struct ctl_diag *d);

/* Writes the members of a replaced certificate's --json object (the
 * answer cert_answer_show() was given; null before one): a
 * change_json_extra() hook. */
struct json_out;
void cert_answer_json(struct json_out *j, void *ctx);

/*
 * CERT_REGENERATE of NODE's certificate TYPE over connection S with KEY (NULL:
 * the type's default), forced over the publisher's refusal RULE with
 * REASON when RULE is not NULL; prints the answer (cert_answer_show).
 * CTL_ERR_REFUSED when a node does not serve the new ITL yet, the
 * publisher's errors (cmd_cert_regenerate.c).
 */
int cert_regenerate_request(struct net_session *s, const char *node,
    const char *type, const char *key, const char *rule, const char *reason,
    bool json, struct ctl_diag *d);

#endif
