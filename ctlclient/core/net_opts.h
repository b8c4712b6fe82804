/*
 * The options every network command accepts (--server, --user,
 * --password-file, --cafile, --accept-new, --timeout), and the one
 * HOST[:PORT] parser behind both --server and --tvs.
 */
#ifndef CTLCLIENT_NET_OPTS_H
#define CTLCLIENT_NET_OPTS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

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
#define NET_MAX_PATH         4096   /* a file named in the configuration */
#define NET_SERVER_ENV       "CTLCLIENT_SERVER"

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
	"         or NAME         default), or a Host NAME of the configuration\n" \
	"                         file; default $CTLCLIENT_SERVER; required\n" \
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
	"These options may also come before the command; after it, they\n" \
	"win.  Pins live in $CTLCLIENT_KNOWN_SERVERS, else\n" \
	"~/.config/ctlclient/known_servers.  Named servers: $CTLCLIENT_CONFIG,\n" \
	"else ~/.config/ctlclient/config then /etc/ctlclient/config\n" \
	"(docs/user-guide.md, \"Named servers\").\n"

/* The shared options as given on the command line, and after
 * net_opts_check() the server they name. */
struct net_opts {
	char host[NET_MAX_HOST + 3];  /* as connected to; IPv6 without [] */
	uint16_t port;
	int have_server;              /* host and port are set */
	const char *server;           /* --server as given, or NULL */
	const char *user;
	int user_set;                 /* --user was given */
	const char *password_file;
	const char *cafile;
	int accept_new;
	int timeout_s;
	/* What a Host block of the configuration gave. */
	char cfg_user[NET_MAX_USER + 1];
	char cfg_password_file[NET_MAX_PATH];
	char cfg_cafile[NET_MAX_PATH];
};

/*
 * Parses HOST[:PORT] or [IPV6][:PORT] into HOST (HOSTSZ bytes, at least
 * NET_MAX_HOST + 1; IPv6 without brackets, lowercased so that one server
 * has one name) and *PORT (DEFAULT_PORT when none is given).  Fails with
 * CTL_ERR_USAGE, D saying what is wrong with ARG (the caller names the
 * option); HOST and *PORT are then undefined.
 */
int net_host_port_parse(const char *arg, uint16_t default_port, char *host,
    size_t hostsz, uint16_t *port, struct ctl_diag *d);

/* Sets the defaults (no server yet), then the connection options given
 * before the command (net_opts_leading()), which the command's own
 * override. */
void net_opts_init(struct net_opts *o);

/*
 * Takes the connection options at the start of ARGV (after ARGV[0], the
 * program), up to the first word that is not an option, for every later
 * net_opts_init().  *USED gets the index of that word (the command).
 * Fails with CTL_ERR_USAGE, why in D, for a bad value or an option that
 * is not a connection option.
 */
int net_opts_leading(int argc, char **argv, int *used, struct ctl_diag *d);

/*
 * Takes one shared option C (NET_OPT_*) with its value ARG.  Returns 0
 * for a good value, CTL_ERR_USAGE with why in D for a bad one, and
 * CTL_ERR_INTERNAL for a C that is not a shared option.
 */
int net_opt(struct net_opts *o, int c, const char *arg, struct ctl_diag *d);

/*
 * After option parsing: finds the server.  The name is --server, else
 * $CTLCLIENT_SERVER; a Host block of that name in the configuration
 * (client_config.h) gives the server (its Server, else the name itself)
 * and the User, PasswordFile and CAFile the command line left unset;
 * any other name must be HOST[:PORT].  Fails with CTL_ERR_USAGE when no
 * server is named or the name is bad, or the configuration's errors
 * (client_config_lookup()); D says why.
 */
int net_opts_check(struct net_opts *o, struct ctl_diag *d);

/* Parses a SHA-1 typed by a person: 40 hex digits, either case, colons
 * allowed between them.  Returns 0, or CTL_ERR_USAGE (OUT untouched). */
int net_parse_sha1(const char *s, uint8_t out[20]);

#endif
