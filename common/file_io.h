/*
 * Reading and writing whole files safely.
 */
#ifndef CTL_FILE_IO_H
#define CTL_FILE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ctl_diag;

/*
 * Opens PATH for reading and returns the descriptor (close-on-exec, never
 * the controlling terminal, reads blocking as usual), or a negative
 * CTL_ERR_IO with D set.  Anything but a regular file is refused with
 * "PATH: not a regular file (a FIFO); give a file": the open itself does
 * not wait for a FIFO's writer, so a FIFO or a device cannot hang the
 * program.  WHAT, if not NULL, names the file in messages ("the password
 * file").
 */
int file_open_regular(const char *path, const char *what,
    struct ctl_diag *d);

/*
 * For files a library opens by name itself (OpenSSL's CA files): 0 when
 * PATH is a regular file we can open, else what file_open_regular()
 * fails with.
 */
int file_check_regular(const char *path, const char *what,
    struct ctl_diag *d);

/*
 * Reads all of PATH into a new buffer (*OUT, freed by the caller) of
 * *LEN bytes.  A file larger than MAX fails with CTL_ERR_TOO_BIG before
 * more than MAX + 1 bytes are read, so a huge or endless input costs
 * nothing.  "-" reads standard input; any other PATH must be a regular
 * file (see file_open_regular()).
 */
int file_read_limited(const char *path, size_t max, uint8_t **out,
    size_t *len, struct ctl_diag *d);

/* Writes all LEN bytes at P to FD, retrying short writes and EINTR.
 * Returns 0, or -1 with errno set. */
int file_write_all(int fd, const void *p, size_t len);

/*
 * Writes LEN bytes to PATH atomically: a temporary file in the same
 * directory is written, flushed to disk, given MODE, and renamed over PATH;
 * the directory is then flushed.  On failure PATH is untouched and no
 * temporary file is left behind.
 */
int file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, struct ctl_diag *d);

#endif
