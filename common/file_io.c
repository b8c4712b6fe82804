#include "file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_err.h"

/* What kind of file MODE is, for the message that refuses it. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a plain file";
}

int
file_open_regular(const char *path, const char *what, struct ctl_diag *d)
{
	struct stat st;
	int fd, fl, rc;

	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for
	 * a writer, forever. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) <
	    0)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot open%s%s: %s",
		    path, what ? " " : "", what ? what : "", strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot open%s%s: %s",
		    path, what ? " " : "", what ? what : "", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: not a regular file "
		    "(%s); give a file", path, file_kind(st.st_mode));
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
		    strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return rc;
}

int
file_check_regular(const char *path, const char *what, struct ctl_diag *d)
{
	int fd;

	if ((fd = file_open_regular(path, what, d)) < 0)
		return fd;
	close(fd);
	return CTL_OK;
}

int
file_read_limited(const char *path, size_t max, uint8_t **out, size_t *len,
    struct ctl_diag *d)
{
	int fd = -1, rc = CTL_ERR_INTERNAL;
	uint8_t *buf = NULL, *nb;
	size_t have = 0, cap = 0;
	ssize_t n;

	*out = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = file_open_regular(path, NULL, d)) < 0) {
		rc = fd;
		goto out;
	}
	for (;;) {
		if (have == cap) {
			/* Grow up to MAX + 1 so that "one byte too many" is seen. */
			size_t ncap = cap ? cap * 2 : 8192;

			if (ncap > max + 1)
				ncap = max + 1;
			if (ncap == cap) {
				rc = ctl_diag_set(d, CTL_ERR_TOO_BIG,
				    "%s: larger than the %zu-byte maximum",
				    path, max);
				goto out;
			}
			if ((nb = realloc(buf, ncap)) == NULL) {
				rc = CTL_ERR_NOMEM;
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot read: %s",
			    path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if (have > max) {
		rc = ctl_diag_set(d, CTL_ERR_TOO_BIG,
		    "%s: larger than the %zu-byte maximum", path, max);
		goto out;
	}
	*out = buf;
	*len = have;
	buf = NULL; /* transferred */
	rc = CTL_OK;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	free(buf);
	return rc;
}

int
file_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, struct ctl_diag *d)
{
	char *tmp = NULL, *dircopy = NULL;
	int fd = -1, dfd = -1, rc = CTL_ERR_INTERNAL;
	size_t plen = strlen(path);

	if ((tmp = malloc(plen + sizeof(".XXXXXX"))) == NULL ||
	    (dircopy = strdup(path)) == NULL) {
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", sizeof(".XXXXXX"));
	if ((fd = mkstemp(tmp)) < 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create a "
		    "temporary file beside it: %s", path, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, mode) != 0 || file_write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot write: %s",
		    tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot write: %s",
		    tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot rename into "
		    "place: %s", path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL; /* renamed: nothing left to remove */
	/* The rename is durable only once the directory is flushed too. */
	if ((dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		(void)fsync(dfd);
	rc = CTL_OK;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(dircopy);
	return rc;
}
