/*
 * One logged-in connection to a CTL Provider (docs/protocol.md), shared
 * by every network command: the options they all accept, the server
 * certificate check (a CA file, or a SHA-256 fingerprint pinned in the
 * known-servers file), the password, LOGIN, and the request ids.  Also
 * the answer pieces several commands read (per-node results, SHA-1
 * fields) and the terminal questions they ask.
 */
#ifndef CTLCLIENT_NET_SESSION_H
#define CTLCLIENT_NET_SESSION_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/x509.h>

#include "proto_conn.h"
#include "proto_frame.h"

struct ctl_diag;

#define NET_DEFAULT_PORT     2444
#define NET_DEFAULT_USER     "admin"
#define NET_DEFAULT_TIMEOUT  10     /* seconds: connect, handshake, answers */
#define NET_MAX_TIMEOUT      3600
#define NET_CHANGE_FACTOR    6      /* changes wait this many timeouts */
#define NET_MAX_HOST         253
#define NET_MAX_USER         64     /* USER, as the protocol limits it */
#define NET_MAX_PASSWORD     256    /* PASSWORD */
#define NET_MAX_MESSAGE      1024   /* MESSAGE */

/* getopt_long codes of the shared options, out of the way of letters. */
enum {
	NET_OPT_SERVER = 0x1000, NET_OPT_USER, NET_OPT_PASSWORD_FILE,
	NET_OPT_CAFILE, NET_OPT_ACCEPT_NEW, NET_OPT_TIMEOUT,
};

/* The shared options, to put first in a command's struct option table. */
#define NET_LONG_OPTIONS \
	{ "server", required_argument, NULL, NET_OPT_SERVER }, \
	{ "user", required_argument, NULL, NET_OPT_USER }, \
	{ "password-file", required_argument, NULL, NET_OPT_PASSWORD_FILE }, \
	{ "cafile", required_argument, NULL, NET_OPT_CAFILE }, \
	{ "accept-new", no_argument, NULL, NET_OPT_ACCEPT_NEW }, \
	{ "timeout", required_argument, NULL, NET_OPT_TIMEOUT }

/* Their description, for each command's --help. */
#define NET_OPTIONS_HELP \
	"Connection (every network command):\n" \
	"  --server HOST[:PORT]   the publisher's CTL Provider (port 2444 by\n" \
	"                         default); required\n" \
	"  --user NAME            administrator to log in as (default admin)\n" \
	"  --password-file FILE   read the password from the first line of\n" \
	"                         FILE (mode 0600 or stricter); else from\n" \
	"                         $CTLCLIENT_PASSWORD; else asked with no echo\n" \
	"  --cafile FILE          trust servers whose certificate chains to\n" \
	"                         FILE (a publisher's trust.pem) and names HOST\n" \
	"  --accept-new           without --cafile: pin a server seen for the\n" \
	"                         first time without asking (a changed\n" \
	"                         certificate is always refused)\n" \
	"  --timeout S            seconds to wait to connect and for each\n" \
	"                         answer (default 10; changes wait 6 times that)\n" \
	"Pins live in $CTLCLIENT_KNOWN_SERVERS, else\n" \
	"~/.config/ctlclient/known_servers.\n"

/* The shared options as given on the command line. */
struct net_opts {
	char host[NET_MAX_HOST + 3];  /* as connected to; IPv6 without [] */
	uint16_t port;
	int have_server;
	const char *user;
	const char *password_file;
	const char *cafile;
	int accept_new;
	int timeout_s;
};

/* Sets the defaults (no server yet). */
void net_opts_init(struct net_opts *o);

/*
 * Takes one getopt_long result C (with OPTARG ARG) that is not one of the
 * command's own.  Returns 0 when C was a shared option with a good value;
 * otherwise prints why on stderr (unless getopt already did) and returns
 * -1: the command then exits EXIT_INVALID.
 */
int net_opt(struct net_opts *o, int c, const char *arg);

/* After option parsing: -1 (message printed) when --server is missing. */
int net_opts_check(const struct net_opts *o);

/* A logged-in connection.  Requests go one at a time. */
struct net_session {
	SSL_CTX *ctx;
	struct proto_conn *conn;
	char peer[NET_MAX_HOST + 16];  /* "host:port" for messages and pins */
	uint32_t next_id;              /* request ids: 1, 2, 3, ... */
	int timeout_s;
};

/*
 * Connects to the server O names, checks its certificate (--cafile, or
 * the pin; may ask at the terminal on first contact), gets the password
 * (file, environment or terminal) and logs in.  The password is wiped
 * as soon as the LOGIN frame is out.  Ignores SIGPIPE for the process.
 * *OUT is closed with net_close().  Fails with CTL_ERR_NETWORK,
 * CTL_ERR_TIMEOUT, CTL_ERR_TLS (handshake, untrusted or changed
 * certificate), CTL_ERR_AUTH, CTL_ERR_IO (password file, known-servers
 * file), CTL_ERR_CANCELLED (the user said no), CTL_ERR_PROTOCOL.
 */
int net_open(const struct net_opts *o, struct net_session **out,
    struct ctl_diag *d);

/* Starts request R of TYPE with the session's next id. */
void net_request(struct net_session *s, struct proto_out *r, uint8_t type);

/* An answer: its fields point into its payload. */
struct net_reply {
	struct proto_fields fs;
	uint8_t *payload;
};

/*
 * Sends R and reads its answer into *A (freed with net_reply_free, also
 * after a failure).  Errors as proto_call(), the server's message in D.
 * net_call_change() waits NET_CHANGE_FACTOR times longer for the answer,
 * for requests during which the publisher updates every node.
 */
int net_call(struct net_session *s, struct proto_out *r, struct net_reply *a,
    struct ctl_diag *d);
int net_call_change(struct net_session *s, struct proto_out *r,
    struct net_reply *a, struct ctl_diag *d);
void net_reply_free(struct net_reply *a);

/* Logs out (closes the connection) and frees S.  NULL is allowed. */
void net_close(struct net_session *s);

/* --- checking answers --- */

/*
 * Fails with CTL_ERR_PROTOCOL when FS holds a field whose tag is not
 * among the N tags in ALLOWED.  WHAT names the answer in the message.
 */
int net_only_fields(const struct proto_fields *fs, const uint16_t *allowed,
    size_t n, const char *what, struct ctl_diag *d);

/*
 * Reads a SHA-1 field: exactly 20 bytes, or, when EMPTY_OK, 0 bytes
 * (then *HAVE is 0).  An absent field is an error when REQUIRED, else
 * *HAVE is 0.  OUT gets lowercase hex ("" when there is none).
 */
int net_get_sha1(const struct proto_fields *fs, uint16_t tag, int required,
    int empty_ok, char out[41], int *have, struct ctl_diag *d);

/* One RESULT group of a change: how one node took it. */
struct net_result {
	char name[65];
	char filename[16];
	int passed;
	char message[NET_MAX_MESSAGE + 1];  /* "" when none */
};

/*
 * Reads and checks every RESULT group of A (at least one) into *OUT
 * (freed by the caller) and *N.
 */
int net_results_parse(const struct proto_fields *fs,
    struct net_result **out, size_t *n, struct ctl_diag *d);

/* Prints RESULTS as the CTL client's server list; returns how many
 * nodes failed. */
size_t net_results_print(FILE *f, const struct net_result *r, size_t n);

/* The certificates CLUSTER_INFO may carry for a node (NODE_CERT). */
enum net_cert {
	NET_CERT_CALLMANAGER, NET_CERT_CAPF, NET_CERT_TVS,
	NET_CERT_ITLRECOVERY, NET_CERT_N,
};

/* "CallManager", "CAPF", "TVS", "ITLRecovery". */
const char *net_cert_name(enum net_cert c);

/* One NODE of CLUSTER_INFO. */
struct net_node {
	char name[65];
	char ip[16];            /* dotted quad */
	uint16_t port;
	uint16_t tvs_port;      /* TVS; 0 when the server did not say */
	uint16_t tftp_port;     /* TFTP (UDP); 0 when the server did not say */
	int publisher;
	char sha1[41];          /* of the CTL the node holds; "" for none */
	int reachable;
	char state[8];          /* current, stale, failed */
	X509 *certs[NET_CERT_N];/* owned; NULL for those not sent */
};

/* The answer to CLUSTER_INFO. */
struct net_cluster {
	int security_mode;      /* 0 non-secure, 1 mixed */
	int ctl_mode;           /* 0 none, 1 token, 2 tokenless */
	char sha1[41];          /* of the cluster's CTL; "" for none */
	struct net_node *nodes; /* the publisher and every subscriber */
	size_t nnodes;
};

/*
 * Asks for CLUSTER_INFO and checks every field of the answer: modes in
 * range, each NODE complete, exactly one publisher, each NODE_CERT a DER
 * certificate of a named node and purpose, given once.  Free *C with
 * net_cluster_free().
 */
int net_cluster_info(struct net_session *s, struct net_cluster *c,
    struct ctl_diag *d);
void net_cluster_free(struct net_cluster *c);

/* "none", "token" or "tokenless". */
const char *net_ctl_mode_name(int mode);

/* --- talking to the person --- */

/*
 * Writes QUESTION to the terminal and reads a y/n answer: CTL_OK for y
 * or yes, CTL_ERR_CANCELLED for anything else, CTL_ERR_USAGE when there
 * is no terminal (D then says which option answers in scripts).
 */
int net_confirm(const char *question, const char *script_option,
    struct ctl_diag *d);

/* Parses a SHA-1 typed by a person: 40 hex digits, either case, colons
 * allowed between them.  Returns 0, or -1 (OUT untouched). */
int net_parse_sha1(const char *s, uint8_t out[20]);

/* Exit status for a failure code: EXIT_INVALID for a file that is not a
 * valid .tlv or bad usage, EXIT_FAIL for everything else. */
int net_exit_status(int code);

#endif
