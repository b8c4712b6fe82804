/*
 * The SFTP side of bulk certificate management, through libssh: one
 * connection to the server of bulk_config.h, its host key checked
 * against the pin before any secret is sent, then the few file
 * operations the procedure needs.  Every step waits at most
 * BULK_SFTP_TIMEOUT_S seconds, and no file operation starts once the
 * connection is BULK_SFTP_TOTAL_S seconds old (CTL_ERR_TIMEOUT), so a
 * server that hangs or crawls cannot hold a request for long.
 */
#ifndef BULK_SFTP_H
#define BULK_SFTP_H

#include <stddef.h>
#include <stdint.h>

#include "bulk_config.h"

struct ctl_diag;
struct bulk_sftp;

#define BULK_SFTP_TIMEOUT_S 8
#define BULK_SFTP_TOTAL_S   40    /* a whole connection: below the 60 s a
                                     client waits for a change's answer */
#define BULK_FILE_MAX       (512u * 1024)  /* one PKCS12 file, bytes */
#define BULK_LIST_MAX       4096           /* names in the directory */

/*
 * Connects to C's server and reads its host key: *OUT is freed with
 * bulk_sftp_close(), FP gets the key's SHA256 fingerprint as OpenSSH
 * prints it ("SHA256:...").  Nothing is sent that a stranger could use.
 * Fails with CTL_ERR_NETWORK (D names the server and says to check that
 * it runs; also when it does not answer in time).
 */
int bulk_sftp_connect(const struct bulk_sftp_conf *c, struct bulk_sftp **out,
    char fp[BULK_FP_MAX], struct ctl_diag *d);

/*
 * Logs in on S as C says, with SECRET (LEN bytes: the password, or the
 * private key's text), and starts SFTP.  Fails with CTL_ERR_REFUSED (the
 * server refused the password or key), CTL_ERR_KEY (the key cannot be
 * read), CTL_ERR_NETWORK.
 */
int bulk_sftp_login(struct bulk_sftp *s, const struct bulk_sftp_conf *c,
    const char *secret, size_t len, struct ctl_diag *d);

/*
 * Connects to the stored server of cluster directory DIR, checks its
 * host key against the pin (a different key is refused with
 * CTL_ERR_REFUSED, D naming both fingerprints and what to do) and logs
 * in with the stored secret, which is wiped at once.  *C gets the
 * settings.
 */
int bulk_sftp_open(const char *dir, struct bulk_sftp_conf *c,
    struct bulk_sftp **out, struct ctl_diag *d);

/*
 * The names of the regular files in the server's directory, at most
 * BULK_LIST_MAX: *NAMES is an array of *N new strings, freed with
 * bulk_sftp_names_free().  Names holding control bytes are skipped.
 */
int bulk_sftp_list(struct bulk_sftp *s, char ***names, size_t *n,
    struct ctl_diag *d);
void bulk_sftp_names_free(char **names, size_t n);

/*
 * Reads file NAME of the directory (at most BULK_FILE_MAX bytes) into a
 * new buffer *OUT of *LEN bytes.  Fails with CTL_ERR_NOT_FOUND when it
 * is not there, CTL_ERR_TOO_BIG, CTL_ERR_REFUSED (permission denied),
 * CTL_ERR_NETWORK.
 */
int bulk_sftp_get(struct bulk_sftp *s, const char *name, uint8_t **out,
    size_t *len, struct ctl_diag *d);

/*
 * Writes LEN bytes at P to file NAME of the directory: first to a
 * temporary name (".NAME.part"), then renamed over NAME, so that a
 * half-written file never has a name a reader takes.
 */
int bulk_sftp_put(struct bulk_sftp *s, const char *name, const uint8_t *p,
    size_t len, struct ctl_diag *d);

/* Disconnects and frees S (NULL is allowed). */
void bulk_sftp_close(struct bulk_sftp *s);

#endif
