/*
 * The SFTP server bulk certificate management uses, as the publisher
 * keeps it under the cluster directory (never in the state database):
 *   DIR/bulk/sftp.conf      host, port, user, directory, how to log in,
 *                           and the pinned host key
 *   DIR/bulk/sftp.password  the password, or
 *   DIR/bulk/sftp.key       the private key (OpenSSH or PEM)
 *   DIR/bulk/cluster.id     this cluster's id in the file names
 * The directory is mode 0700 and every file 0600, written atomically.
 */
#ifndef BULK_CONFIG_H
#define BULK_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "bulk_names.h"

struct ctl_diag;

#define BULK_SUBDIR        "bulk"
#define BULK_CONF_FILE     "sftp.conf"
#define BULK_PASSWORD_FILE "sftp.password"
#define BULK_KEY_FILE      "sftp.key"
#define BULK_SECRET_MAX    16384   /* a password or a private key, bytes */
#define BULK_PASSWORD_MAX  256
#define BULK_FP_MAX        128     /* "SHA256:" and base64, with the NUL */

enum bulk_auth { BULK_AUTH_PASSWORD = 0, BULK_AUTH_KEY = 1 };

struct bulk_sftp_conf {
	char host[BULK_HOST_MAX + 1];
	uint16_t port;
	char user[BULK_USER_MAX + 1];
	char dir[BULK_DIR_MAX + 1];
	enum bulk_auth auth;
	char hostkey[BULK_FP_MAX];     /* pinned SHA256 fingerprint */
};

#define BULK_ID_FILE       "cluster.id"

/* "password", "key" (never NULL). */
const char *bulk_auth_name(enum bulk_auth a);

/*
 * Reads the settings of cluster directory DIR into *C.  Fails with
 * CTL_ERR_NOT_FOUND when none are stored (D says to run `bulk sftp`),
 * CTL_ERR_FORMAT when the file is damaged, CTL_ERR_IO.
 */
int bulk_config_load(const char *dir, struct bulk_sftp_conf *c,
    struct ctl_diag *d);

/*
 * Stores C and its secret (LEN bytes at SECRET: C->auth says which)
 * for DIR: the secret first, then the settings, each atomically at mode
 * 0600; the other kind of secret is removed.  Fails with CTL_ERR_USAGE
 * for settings that do not pass the checks of bulk_names.h, CTL_ERR_IO.
 */
int bulk_config_save(const char *dir, const struct bulk_sftp_conf *c,
    const uint8_t *secret, size_t len, struct ctl_diag *d);

/*
 * The stored secret of C in a new NUL-terminated buffer *OUT of *LEN
 * bytes, which the caller frees with secret_free_str().  Fails with
 * CTL_ERR_NOT_FOUND, CTL_ERR_IO.
 */
int bulk_config_secret(const char *dir, const struct bulk_sftp_conf *c,
    char **out, size_t *len, struct ctl_diag *d);

/*
 * This cluster's id in file names (bulk_names.h): the publisher's name
 * and 8 random hex digits, made on first use and kept in
 * DIR/bulk/cluster.id, so that it stays the same when certificates are
 * regenerated and differs between clusters made with the same names.
 * PUBLISHER is the publisher's node name.  OUT has BULK_ID_MAX bytes.
 */
int bulk_cluster_id(const char *dir, const char *publisher, char *out,
    struct ctl_diag *d);

#endif
