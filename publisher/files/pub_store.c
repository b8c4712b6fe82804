#include "pub_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ctl_err.h"
#include "file_io.h"
#include "hex.h"

#define NAME_MAX_LEN 64

void
pub_sha1_hex(const uint8_t *data, size_t len, char hex[41])
{
	uint8_t md[20];

	if (EVP_Digest(data, len, md, NULL, EVP_sha1(), NULL) != 1)
		memset(md, 0, sizeof(md));
	hex_format(hex, 41, md, sizeof(md), '\0', 0);
}

static int
name_check(const char *name, struct ctl_diag *d)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n > NAME_MAX_LEN || name[0] == '.' ||
	    strchr(name, '/') != NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "'%s': a stored file is "
		    "named by a plain file name of 1 to %d bytes, not starting "
		    "with '.'", name != NULL ? name : "", NAME_MAX_LEN);
	return CTL_OK;
}

/* Opens DIR and takes its writer lock. */
static int
lock_dir(const char *dir, int *dfd, struct ctl_diag *d)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ctl_diag_set(d, errno == ENOENT ? CTL_ERR_NOT_FOUND :
		    CTL_ERR_IO, "%s: cannot open the directory: %s", dir,
		    strerror(errno));
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot lock: %s",
			    dir, strerror(e));
		}
	}
	*dfd = fd;
	return CTL_OK;
}

/* Flushes DFD, so that renames inside it survive a crash; then unlocks
 * and closes it. */
static int
sync_unlock(int dfd, const char *dir, int rc, struct ctl_diag *d)
{
	if (rc == CTL_OK && fsync(dfd) != 0)
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot flush the "
		    "directory: %s", dir, strerror(errno));
	close(dfd); /* drops the lock */
	return rc;
}

/* Removes temporary files a writer killed mid-way left behind
 * (".NAME.*"); we hold the lock, so none is in use. */
static void
sweep_temporaries(int dfd, const char *name)
{
	char prefix[NAME_MAX_LEN + 3];
	struct dirent *e;
	DIR *dp;
	int fd;

	snprintf(prefix, sizeof(prefix), ".%s.", name);
	if ((fd = dup(dfd)) < 0)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(dp)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			(void)unlinkat(dfd, e->d_name, 0);
	closedir(dp);
}

/* Makes NAME.bak the file NAME is now, atomically: a second link to it
 * under a temporary name, renamed over NAME.bak. */
static int
keep_backup(int dfd, const char *dir, const char *name, struct ctl_diag *d)
{
	char bak[NAME_MAX_LEN + 8], tmp[NAME_MAX_LEN + 16], path[4096];
	uint8_t *old = NULL;
	size_t oldlen;
	int rc;

	snprintf(bak, sizeof(bak), "%s%s", name, PUB_STORE_BAK);
	snprintf(tmp, sizeof(tmp), ".%s.bak-link", name);
	if (linkat(dfd, name, dfd, tmp, 0) == 0) {
		rc = CTL_OK;
		if (renameat(dfd, tmp, dfd, bak) != 0)
			rc = ctl_diag_set(d, CTL_ERR_IO, "%s/%s: cannot keep the "
			    "previous version: %s", dir, bak, strerror(errno));
		/* When NAME.bak already was this file (a writer killed just
		 * after this step), rename() does nothing and leaves TMP. */
		(void)unlinkat(dfd, tmp, 0);
		return rc;
	}
	if (errno == ENOENT)
		return CTL_OK;     /* nothing to keep */
	/* A file system without hard links: copy instead. */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((rc = file_read_limited(path, PUB_STORE_MAX, &old, &oldlen, d)) !=
	    CTL_OK)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", dir, bak);
	rc = file_write_atomic(path, old, oldlen, 0644, d);
	free(old);
	return rc;
}

int
pub_store_write(const char *dir, const char *name, const uint8_t *data,
    size_t len, struct ctl_diag *d)
{
	char tmp[4096];
	int dfd = -1, fd = -1, rc, made = 0;

	if ((rc = name_check(name, d)) != CTL_OK)
		return rc;
	if (len > PUB_STORE_MAX)
		return ctl_diag_set(d, CTL_ERR_TOO_BIG, "%s: %zu bytes, above "
		    "the %u-byte maximum", name, len, PUB_STORE_MAX);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
	    sizeof(tmp))
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: path too long", dir);
	if ((rc = lock_dir(dir, &dfd, d)) != CTL_OK)
		return rc;
	sweep_temporaries(dfd, name);
	if ((rc = keep_backup(dfd, dir, name, d)) != CTL_OK)
		goto out;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create a temporary "
		    "file: %s", dir, strerror(errno));
		goto out;
	}
	made = 1;
	if (fchmod(fd, 0644) != 0 || file_write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot write: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot write: %s", tmp,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	if (renameat(AT_FDCWD, tmp, dfd, name) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s/%s: cannot rename into "
		    "place: %s", dir, name, strerror(errno));
		goto out;
	}
	made = 0; /* renamed: nothing to remove */
	rc = CTL_OK;
out:
	if (fd >= 0)
		close(fd);
	if (made)
		(void)unlink(tmp);
	return sync_unlock(dfd, dir, rc, d);
}

int
pub_store_read(const char *dir, const char *name, uint8_t **out, size_t *len,
    struct ctl_diag *d)
{
	char path[4096];
	struct stat sb;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = name_check(name, d)) != CTL_OK)
		return rc;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: path too long", dir);
	if (stat(path, &sb) != 0 && errno == ENOENT)
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: no such file",
		    path);
	return file_read_limited(path, PUB_STORE_MAX, out, len, d);
}

int
pub_store_delete(const char *dir, const char *name, struct ctl_diag *d)
{
	char bak[NAME_MAX_LEN + 8];
	int dfd = -1, rc;

	if ((rc = name_check(name, d)) != CTL_OK)
		return rc;
	snprintf(bak, sizeof(bak), "%s%s", name, PUB_STORE_BAK);
	if ((rc = lock_dir(dir, &dfd, d)) != CTL_OK)
		return rc;
	if (renameat(dfd, name, dfd, bak) != 0)
		rc = ctl_diag_set(d, errno == ENOENT ? CTL_ERR_NOT_FOUND :
		    CTL_ERR_IO, "%s/%s: cannot delete: %s", dir, name,
		    strerror(errno));
	return sync_unlock(dfd, dir, rc, d);
}

int
pub_store_sha1(const char *dir, const char *name, char hex[41],
    struct ctl_diag *d)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = pub_store_read(dir, name, &data, &len, d)) != CTL_OK)
		return rc;
	pub_sha1_hex(data, len, hex);
	free(data);
	return CTL_OK;
}
