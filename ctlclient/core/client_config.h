/*
 * ctlclient's configuration file: named servers, as ssh's Host blocks.
 *
 *     # the lab cluster
 *     Host labA
 *         Server 10.0.0.5:2444
 *         User secadmin
 *         PasswordFile ~/.config/ctlclient/labA.password
 *         CAFile ~/labA-trust.pem
 *
 * Keywords are case-insensitive; # starts a comment; blank lines are
 * ignored.  The files read, in order: $CTLCLIENT_CONFIG alone when it is
 * set; else $XDG_CONFIG_HOME/ctlclient/config (~/.config/ctlclient/config
 * without XDG_CONFIG_HOME), then /etc/ctlclient/config.  The first file
 * holding a Host of the name wins.
 */
#ifndef CTLCLIENT_CLIENT_CONFIG_H
#define CTLCLIENT_CLIENT_CONFIG_H

#include <stddef.h>

#include "net_opts.h"

struct ctl_diag;

#define CLIENT_CONFIG_ENV      "CTLCLIENT_CONFIG"
#define CLIENT_CONFIG_SYSTEM   "/etc/ctlclient/config"
#define CLIENT_CONFIG_MAX      (256 * 1024)  /* bytes in one file */
#define CLIENT_CONFIG_MAX_NAME 64            /* a Host name */
#define CLIENT_CONFIG_MAX_PATH NET_MAX_PATH
#define CLIENT_CONFIG_MAX_HOSTS 256          /* Host blocks in one file */

/* One Host block; an empty string is a keyword the block does not set. */
struct client_host {
	char name[CLIENT_CONFIG_MAX_NAME + 1];
	char server[NET_MAX_HOST + 9];      /* HOST[:PORT], checked */
	char user[NET_MAX_USER + 1];
	char password_file[CLIENT_CONFIG_MAX_PATH];
	char cafile[CLIENT_CONFIG_MAX_PATH];
};

/*
 * Parses the LEN bytes of TEXT (the file PATH, named in messages) and
 * looks NAME up (case-insensitive).  Every line is checked, whether or
 * not it belongs to NAME's block.  Returns CTL_OK with *FOUND set and
 * *OUT filled when NAME has a block (OUT untouched otherwise), or
 * CTL_ERR_FORMAT with "PATH:LINE: what is wrong" in D.
 */
int client_config_parse(const char *text, size_t len, const char *path,
    const char *name, struct client_host *out, int *found,
    struct ctl_diag *d);

/*
 * Reads PATH and looks NAME up in it.  A missing file is no error
 * (*FOUND 0).  A file or directory others can write, or that belongs to
 * someone but the user or root, is refused with CTL_ERR_UNTRUSTED, D
 * saying what to chmod or chown.  Parsing errors as
 * client_config_parse().
 */
int client_config_lookup_file(const char *path, const char *name,
    struct client_host *out, int *found, struct ctl_diag *d);

/*
 * Looks NAME up in the files listed above, in order.  *FROM (FROMSZ
 * bytes) gets the file that held it.
 */
int client_config_lookup(const char *name, struct client_host *out,
    int *found, char *from, size_t fromsz, struct ctl_diag *d);

#endif
