/*
 * --json of the commands that change the cluster (upload, delete-ctl,
 * tokenless, migrate, set-mixed-mode, update, set-non-secure,
 * rollback-pre8, itl, ctl reset): one
 * object on standard output whatever happens, with the fields every
 * such command shares (docs/user-guide.md, "JSON output").  While it is
 * on, what the command prints for people goes to standard error, so
 * that nothing but the object reaches standard output.  One per
 * process: a command is one change.
 */
#ifndef CTLCLIENT_CHANGE_JSON_H
#define CTLCLIENT_CHANGE_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_diag;
struct net_result;

/*
 * Turns --json on for OPERATION ("upload", "migrate to-tokens"; a
 * string that outlives the command): standard output now goes to
 * standard error, the object to the real standard output.  Fails with
 * CTL_ERR_IO (D says why) when the descriptors cannot be moved.
 */
int change_json_start(const char *operation, struct ctl_diag *d);

/* Names the operation OPERATION (outlives the command) when the
 * command learns it from its operands, after change_json_start(). */
void change_json_operation(const char *operation);

/* Whether --json is on. */
bool change_json_on(void);

/*
 * Refuses, with CTL_ERR_USAGE, a --json run without --yes (YES): a
 * script gets an answer, never a question.  CTL_OK otherwise.
 */
int change_json_need_yes(bool yes, struct ctl_diag *d);

/* The server the change was made on (PEER, copied). */
void change_json_server(const char *peer);

/*
 * Prints the N per-node results R as net_results_print() does and,
 * under --json, keeps them as the step STEP ("upload_ctl", "delete_ctl",
 * "tokenless"); the last step's are the object's "nodes".  Returns how
 * many nodes failed.
 */
size_t change_json_results(const char *step, const struct net_result *r,
    size_t n);

struct json_out;

/* Has WRITE(J, CTX) add the command's own members to the object, before
 * "error"; CTX must live until the command ends. */
void change_json_extra(void (*write)(struct json_out *j, void *ctx),
    void *ctx);

/* Keeps the SHA-1 (hex) of the CTL the cluster holds now. */
void change_json_ctl_sha1(const char *sha1);

/* The security mode the change set (0 non-secure, 1 mixed). */
void change_json_security_mode(int mode);

/* Keeps the SHA-1 (hex, "" for none) of the ITL the cluster serves now. */
void change_json_itl_sha1(const char *sha1);


/*
 * Under --json, writes the object for the result RC (D its message)
 * and frees what was kept; nothing otherwise.  Called once, as the
 * command ends (net_cmd_main()).
 */
void change_json_finish(int rc, const struct ctl_diag *d);

#endif
