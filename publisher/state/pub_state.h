/*
 * The cluster's state: one SQLite database, DIR/state.db.  It holds the
 * settings (security mode, CTL mode), the nodes, the trust stores, the
 * users and the audit log; each has its own header (pub_node.h,
 * pub_trust.h, pub_user.h, pub_audit.h).  Every change made through
 * this library is one transaction, with its audit entry inside it.
 *
 * A struct pub_state is one connection: use it from one thread at a
 * time.  Several connections (threads, processes) may share DIR.
 */
#ifndef PUB_STATE_H
#define PUB_STATE_H

#include <stdbool.h>
#include <stdint.h>

struct ctl_diag;
struct pub_state;

#define PUB_STATE_FILE     "state.db"
#define PUB_SCHEMA_VERSION 4

/*
 * Opens the state of the cluster in DIR.  *ST is freed with
 * pub_state_close().  Fails with CTL_ERR_NOT_FOUND when DIR holds no
 * state.db, CTL_ERR_USAGE when the schema is newer than this program
 * knows (or the file is not ours), CTL_ERR_IO on any SQLite failure.
 */
int pub_state_open(const char *dir, struct pub_state **st, struct ctl_diag *d);

/*
 * Creates DIR/state.db (mode 0600) with an empty schema and the default
 * settings (security mode 0, CTL mode none, base port BASE_PORT), and
 * opens it.  Fails with CTL_ERR_USAGE when the file exists already.
 */
int pub_state_create(const char *dir, unsigned base_port,
    struct pub_state **st, struct ctl_diag *d);

/*
 * Writes a copy of the state to PATH, a file that must not exist
 * (created 0600).  WITH_USERS false leaves the administrator accounts
 * out, their hashes overwritten (a subscriber's copy).  Fails with
 * CTL_ERR_IO, after removing what it wrote.
 */
int pub_state_copy(struct pub_state *st, const char *path, bool with_users,
    struct ctl_diag *d);

/* Closes ST (NULL is allowed). */
void pub_state_close(struct pub_state *st);

/* The cluster directory ST was opened on (owned by ST). */
const char *pub_state_dir(const struct pub_state *st);

/*
 * A number that changes whenever another connection commits to the
 * state (SQLite's PRAGMA data_version): a reader polls it to learn that
 * what it cached is old.  Fails with CTL_ERR_IO.
 */
int pub_state_data_version(struct pub_state *st, int64_t *v,
    struct ctl_diag *d);

/*
 * Groups several changes into one transaction: pub_state_begin() ...
 * pub_state_commit() or pub_state_rollback().  They nest: only the
 * outermost commit makes the changes durable, and a rollback undoes
 * the changes since its own begin.  Fail with CTL_ERR_IO (for example
 * when another connection holds the database for longer than the 5 s
 * busy timeout); a failed commit leaves the transaction open, and the
 * caller rolls it back.
 */
int pub_state_begin(struct pub_state *st, struct ctl_diag *d);
int pub_state_commit(struct pub_state *st, struct ctl_diag *d);
void pub_state_rollback(struct pub_state *st);

/* Cluster-wide settings. */
enum pub_ctl_mode {
	PUB_CTL_NONE = 0,       /* no CTL: non-secure cluster */
	PUB_CTL_TOKEN = 1,      /* the CTL is signed by USB eTokens */
	PUB_CTL_TOKENLESS = 2,  /* signed with the publisher's CallManager key */
};

/* The lowest TLS version TVS accepts: 1.2, or 1.0 for 7900-series phones. */
enum pub_tvs_tls { PUB_TVS_TLS12 = 0, PUB_TVS_TLS10 = 1 };

/* Which certificate signs the ITL: the publisher's ITLRecovery (CUCM 12
 * and later) or its CallManager certificate (8.x to 11.5). */
enum pub_itl_signer { PUB_ITL_ITLRECOVERY = 0, PUB_ITL_CALLMANAGER = 1 };

/* Which ITL the nodes serve instead of the normal one while phones that
 * lost trust recover (docs/recovery.md). */
enum pub_itl_reset {
	PUB_ITL_RESET_NONE = 0,
	PUB_ITL_RESET_LOCALKEY = 1,   /* signed with the CallManager key */
	PUB_ITL_RESET_REMOTEKEY = 2,  /* signed with a backed-up ITLRecovery key */
};

struct pub_settings {
	int security_mode;         /* ClusterSecurityMode: 0 non-secure, 1 mixed */
	enum pub_ctl_mode ctl_mode;
	unsigned base_port;        /* the publisher's CTL Provider port */
	enum pub_tvs_tls tvs_tls;
	enum pub_itl_signer itl_signer;
	bool rollback_pre8;        /* "Prepare Cluster for Rollback to pre-8.0" */
	enum pub_itl_reset itl_reset;
	char itl_reset_sha1[41];   /* the reset ITL served, "" for none */
};

/* "none", "token", "tokenless" (never NULL). */
const char *pub_ctl_mode_name(enum pub_ctl_mode m);

/* Parses a CTL mode name.  Returns CTL_OK or CTL_ERR_USAGE. */
int pub_ctl_mode_parse(const char *s, enum pub_ctl_mode *m);

/* Reads the settings into *OUT.  Fails with CTL_ERR_IO. */
int pub_settings_get(struct pub_state *st, struct pub_settings *out,
    struct ctl_diag *d);

/*
 * Sets the security mode (0 or 1) and the CTL mode, and records it in
 * the audit log as ACTOR's "set-mode".  Fails with CTL_ERR_USAGE for a
 * mode out of range (nothing changed), CTL_ERR_IO.
 */
int pub_settings_set_mode(struct pub_state *st, const char *actor,
    int security_mode, enum pub_ctl_mode ctl_mode, struct ctl_diag *d);

/* "1.2" / "1.0" and "ITLRecovery" / "CallManager" (never NULL). */
const char *pub_tvs_tls_name(enum pub_tvs_tls t);
const char *pub_itl_signer_name(enum pub_itl_signer s);

/*
 * Sets the lowest TLS version of TVS and the ITL signer, and records it
 * in the audit log as ACTOR's "set-options".  Fails with CTL_ERR_USAGE for
 * a value out of range (nothing changed), CTL_ERR_IO.
 */
int pub_settings_set_options(struct pub_state *st, const char *actor,
    enum pub_tvs_tls tvs_tls, enum pub_itl_signer itl_signer,
    struct ctl_diag *d);

/*
 * Sets "Prepare Cluster for Rollback to pre-8.0" to ON, and records it in
 * the audit log as ACTOR's "rollback-pre8" with "on" or "off" (also
 * when the value does not change: the request was made).  While on, the
 * nodes serve the rollback ITL (docs/itl.md).  Fails with CTL_ERR_IO.
 */
int pub_settings_set_rollback(struct pub_state *st, const char *actor,
    bool on, struct ctl_diag *d);

/* "none", "localkey", "remotekey" (never NULL). */
const char *pub_itl_reset_name(enum pub_itl_reset r);

/*
 * Starts (R localkey or remotekey, with SHA1 the reset ITL's 40 hex
 * digits) or ends (R none, SHA1 NULL) an ITL reset, and records it in
 * the audit log as ACTOR's "itl-reset" with DETAIL.  Fails with
 * CTL_ERR_USAGE for a value out of range or a missing SHA1 (nothing
 * changed), CTL_ERR_IO.
 */
int pub_settings_set_itl_reset(struct pub_state *st, const char *actor,
    enum pub_itl_reset r, const char *sha1, const char *detail,
    struct ctl_diag *d);

#endif
