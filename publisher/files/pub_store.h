/*
 * A node's file store: the files in its TFTP directory that phones
 * download (CTLFile.tlv, ITLFile.tlv).  A write never leaves a torn
 * file: it goes to a temporary file that is flushed and renamed over the
 * old one, and the directory is flushed.  The version it replaces is
 * kept as NAME.bak, itself replaced atomically.  Writers of one
 * directory take turns (an exclusive flock on the directory).
 */
#ifndef PUB_STORE_H
#define PUB_STORE_H

#include <stddef.h>
#include <stdint.h>

struct ctl_diag;

#define PUB_STORE_MAX   (1024u * 1024u)  /* bytes in one file (CTL_MAX_FILE) */
#define PUB_STORE_BAK   ".bak"           /* suffix of the previous version */

/*
 * Stores LEN bytes at DATA as NAME in directory DIR (mode 0644); the
 * previous NAME, if any, becomes NAME.bak.  NAME is a plain file name
 * (no '/', not starting with '.').  On failure NAME is either the old
 * or the new file, whole.  Fails with CTL_ERR_USAGE for a bad name,
 * CTL_ERR_TOO_BIG above PUB_STORE_MAX, CTL_ERR_IO.
 */
int pub_store_write(const char *dir, const char *name, const uint8_t *data,
    size_t len, struct ctl_diag *d);

/*
 * Reads NAME from DIR into *OUT (freed by the caller) of *LEN bytes.
 * Fails with CTL_ERR_NOT_FOUND when there is none, CTL_ERR_TOO_BIG,
 * CTL_ERR_USAGE, CTL_ERR_IO.
 */
int pub_store_read(const char *dir, const char *name, uint8_t **out,
    size_t *len, struct ctl_diag *d);

/*
 * Removes NAME from DIR, as CUCM's `file delete tftp CTLFile.tlv` does;
 * the removed file becomes NAME.bak.  Fails with CTL_ERR_NOT_FOUND when
 * there is none, CTL_ERR_USAGE, CTL_ERR_IO.
 */
int pub_store_delete(const char *dir, const char *name, struct ctl_diag *d);

/*
 * The SHA1 of NAME in DIR as 40 lowercase hex digits in HEX.  Fails as
 * pub_store_read() does (CTL_ERR_NOT_FOUND when there is none).
 */
int pub_store_sha1(const char *dir, const char *name, char hex[41],
    struct ctl_diag *d);

/* The SHA1 of LEN bytes at DATA, as 40 lowercase hex digits in HEX. */
void pub_sha1_hex(const uint8_t *data, size_t len, char hex[41]);

#endif
