/*
 * The ctlclient commands.  Each takes the command's own argv (argv[0] is
 * the command name) and returns the process exit status.
 */
#ifndef CTLCLIENT_COMMANDS_H
#define CTLCLIENT_COMMANDS_H

#include <stdbool.h>

#include "cli.h"

int cmd_show(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_tvs_query(int argc, char **argv);
int cmd_rehearse(int argc, char **argv);
int cmd_tokens(int argc, char **argv);
int cmd_export_cert(int argc, char **argv);
int cmd_wait_token(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_upload(int argc, char **argv);
int cmd_preflight(int argc, char **argv);
int cmd_move_check(int argc, char **argv);
int cmd_migrate(int argc, char **argv);

/* `utils ctl update CTLFile` on session S, with the per-node results
 * printed (cmd_tokenless.c). */
struct net_session;
struct ctl_diag;
int tokenless_update(struct net_session *s, struct ctl_diag *d);
/* `migrate regenerate` (REGENERATE) or `migrate to-tokenless` without
 * a token over connection S: the cluster's mode checked, preflight (FORCE
 * goes on over it), the question unless YES, then tokenless_update()
 * (cmd_migrate.c). */
int migrate_tokenless_run(struct net_session *s, bool regenerate, bool force,
    bool yes, struct ctl_diag *d);
int cmd_tokenless(int argc, char **argv);
int cmd_delete_ctl(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_cert(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_bulk(int argc, char **argv);
int cmd_itl(int argc, char **argv);
int cmd_ctl(int argc, char **argv);
int cmd_set_mixed_mode(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_set_non_secure(int argc, char **argv);
int cmd_rollback(int argc, char **argv);

#endif
