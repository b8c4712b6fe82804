/* Writing one node's bundle: a tar of what its host needs. */
#include "pub_bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_err.h"
#include "file_io.h"
#include "pub_init.h"
#include "pub_itl_reset.h"
#include "pub_layout.h"
#include "pub_node.h"
#include "pub_state.h"

extern char **environ;

/* Which files of a directory go into the bundle. */
enum pick {
	PICK_CERTS,    /* *.pem: another node's certificates */
	PICK_KEYS,     /* *.pem and *.key: the node's own */
	PICK_ALL,      /* every regular file: TFTP files, bulk/ */
};

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n > t && strcmp(s + n - t, tail) == 0;
}

static bool
picked(const char *name, enum pick p)
{
	if (p == PICK_ALL)
		return true;
	return ends_with(name, ".pem") || (p == PICK_KEYS &&
	    ends_with(name, ".key"));
}

/* Copies the regular file SRC to DST with its mode.  MISSING_OK: a SRC
 * that does not exist is no error. */
static int
copy_file(const char *src, const char *dst, bool missing_ok,
    struct ctl_diag *d)
{
	struct stat sb;
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	if (lstat(src, &sb) != 0) {
		if (errno == ENOENT && missing_ok)
			return CTL_OK;
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", src,
		    strerror(errno));
	}
	if (!S_ISREG(sb.st_mode))
		return ctl_diag_set(d, CTL_ERR_IO, "%s: not a regular file; "
		    "the cluster directory is damaged", src);
	if ((rc = file_read_limited(src, PUB_BUNDLE_FILE_MAX, &data, &len,
	    d)) == CTL_OK)
		rc = file_write_atomic(dst, data, len, sb.st_mode & 0777, d);
	free(data);
	return rc;
}

static int
make_dir(const char *path, mode_t mode, struct ctl_diag *d)
{
	if (mkdir(path, mode) != 0 || chmod(path, mode) != 0)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create: %s", path,
		    strerror(errno));
	return CTL_OK;
}

/* Makes DST (MODE) and copies into it the files of SRC that P picks;
 * sub-directories are not followed.  MISSING_OK: no SRC, no DST. */
static int
copy_dir(const char *src, const char *dst, mode_t mode, enum pick p,
    bool missing_ok, struct ctl_diag *d)
{
	struct dirent *e;
	char *s = NULL, *t = NULL;
	DIR *dp;
	int rc;

	if ((dp = opendir(src)) == NULL) {
		if (errno == ENOENT && missing_ok)
			return CTL_OK;
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", src,
		    strerror(errno));
	}
	if ((rc = make_dir(dst, mode, d)) != CTL_OK)
		goto out;
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.' || !picked(e->d_name, p))
			continue;
		if (asprintf(&s, "%s/%s", src, e->d_name) < 0 ||
		    asprintf(&t, "%s/%s", dst, e->d_name) < 0) {
			rc = CTL_ERR_NOMEM;
			goto out;
		}
		/* node.pid, tftp/ and other entries that are not files */
		if ((e->d_type == DT_REG || e->d_type == DT_UNKNOWN) &&
		    (rc = copy_file(s, t, false, d)) != CTL_OK)
			goto out;
		free(s);
		free(t);
		s = t = NULL;
	}
	rc = CTL_OK;
out:
	free(s);
	free(t);
	closedir(dp);
	return rc;
}

/* "A/B" into *OUT. */
static int
join(const char *a, const char *b, char **out)
{
	return pub_layout_path(a, NULL, b, out);
}

/* Copies the top-level file NAME of DIR into STAGE; IS_DIR: the
 * directory NAME, with its files. */
static int
copy_top(const char *dir, const char *stage, const char *name, bool is_dir,
    bool missing_ok, struct ctl_diag *d)
{
	char *s = NULL, *t = NULL;
	int rc;

	if ((rc = join(dir, name, &s)) == CTL_OK &&
	    (rc = join(stage, name, &t)) == CTL_OK)
		rc = is_dir ? copy_dir(s, t, 0700, PICK_ALL, missing_ok, d) :
		    copy_file(s, t, missing_ok, d);
	free(s);
	free(t);
	return rc;
}

/* Copies what P picks of node NODE's directory SUB ("" for the node's
 * own) from the cluster in DIR to STAGE, making it with MODE. */
static int
copy_node_dir(const char *dir, const char *stage, const char *node,
    const char *sub, mode_t mode, enum pick p, struct ctl_diag *d)
{
	char *s = NULL, *t = NULL;
	int rc;

	if ((rc = pub_layout_path(dir, node, sub, &s)) == CTL_OK &&
	    (rc = pub_layout_path(stage, node, sub, &t)) == CTL_OK)
		rc = copy_dir(s, t, mode, p, false, d);
	free(s);
	free(t);
	return rc;
}

/* The node directories: every node's certificates, SELF's keys and
 * TFTP files. */
static int
copy_nodes(const char *dir, const char *stage, const struct pub_node *nodes,
    size_t n, const char *self, struct ctl_diag *d)
{
	char *t = NULL;
	size_t i;
	bool own;
	int rc;

	if ((rc = join(stage, PUB_DIR_NODES, &t)) != CTL_OK ||
	    (rc = make_dir(t, 0700, d)) != CTL_OK)
		goto out;
	for (i = 0; i < n; i++) {
		own = strcmp(nodes[i].name, self) == 0;
		if ((rc = copy_node_dir(dir, stage, nodes[i].name, "", 0700,
		    own ? PICK_KEYS : PICK_CERTS, d)) != CTL_OK ||
		    (own && (rc = copy_node_dir(dir, stage, nodes[i].name,
		    "tftp", 0755, PICK_ALL, d)) != CTL_OK))
			goto out;
	}
out:
	free(t);
	return rc;
}

/* Fills STAGE with node SELF's bundle of the cluster in DIR. */
static int
stage_bundle(const char *dir, const char *self, const char *stage,
    struct ctl_diag *d)
{
	struct pub_state *st = NULL;
	struct pub_node me, *nodes = NULL;
	char *path = NULL, line[PUB_NODE_NAME_MAX + 1];
	size_t n = 0;
	int rc;

	if ((rc = pub_state_open(dir, &st, d)) != CTL_OK ||
	    (rc = pub_node_get(st, self, &me, d)) != CTL_OK ||
	    (rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK ||
	    (rc = join(stage, PUB_STATE_FILE, &path)) != CTL_OK ||
	    (rc = pub_state_copy(st, path, me.publisher, d)) != CTL_OK)
		goto out;
	free(path);
	snprintf(line, sizeof(line), "%s\n", me.name);
	if ((rc = join(stage, PUB_FILE_BUNDLE_NODE, &path)) != CTL_OK ||
	    (rc = file_write_atomic(path, line, strlen(line), 0644, d)) !=
	    CTL_OK ||
	    (rc = copy_top(dir, stage, PUB_FILE_TRUST, false, false, d)) !=
	    CTL_OK ||
	    (rc = copy_top(dir, stage, PUB_FILE_CA, false, false, d)) !=
	    CTL_OK ||
	    (rc = copy_nodes(dir, stage, nodes, n, me.name, d)) != CTL_OK)
		goto out;
	/* what only the publisher uses, when it has some; "bulk" is
	 * BULK_SUBDIR, of a library above this one */
	if (me.publisher &&
	    ((rc = copy_top(dir, stage, PUB_ITL_RESET_FILE, false, true, d)) !=
	    CTL_OK ||
	    (rc = copy_top(dir, stage, "bulk", true, true, d)) != CTL_OK))
		goto out;
out:
	pub_state_close(st);
	free(nodes);
	free(path);
	return rc;
}

/* Runs tar to pack the directory STAGE into the file TARFILE. */
static int
run_tar(const char *stage, const char *tarfile, struct ctl_diag *d)
{
	char *argv[] = { "tar", "--create", "--file", (char *)tarfile,
	    "--directory", (char *)stage, "--owner=0", "--group=0",
	    "--numeric-owner", "--sort=name", "--format=gnu", ".", NULL };
	pid_t pid;
	int status, err;

	if ((err = posix_spawnp(&pid, "tar", NULL, NULL, argv, environ)) != 0)
		return ctl_diag_set(d, CTL_ERR_IO, "cannot run tar: %s (install "
		    "GNU tar)", strerror(err));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ctl_diag_set(d, CTL_ERR_IO, "waiting for tar: %s",
			    strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ctl_diag_set(d, CTL_ERR_IO, "tar failed (%s %d) while "
		    "packing %s; see its message above", WIFEXITED(status) ?
		    "exit status" : "signal", WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status), tarfile);
	return CTL_OK;
}

/* Flushes the file PATH, and the directory that holds it. */
static int
sync_file(const char *path, struct ctl_diag *d)
{
	char *copy = strdup(path);
	int fd, rc = CTL_OK;

	if (copy == NULL)
		return CTL_ERR_NOMEM;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0)
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot flush: %s", path,
		    strerror(errno));
	if (fd >= 0)
		close(fd);
	if (rc == CTL_OK &&
	    (fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

int
pub_bundle_make(const char *dir, const char *node, const char *out,
    struct ctl_diag *d)
{
	char *stage = NULL, *tmp = NULL;
	struct stat sb;
	int fd, rc;

	if (lstat(out, &sb) == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s exists; a bundle never "
		    "replaces a file: remove it or choose another name", out);
	if (asprintf(&stage, "%s.d-XXXXXX", out) < 0) {
		stage = NULL;
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	if (asprintf(&tmp, "%s.tmp-XXXXXX", out) < 0) {
		tmp = NULL;
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	if (mkdtemp(stage) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create: %s", stage,
		    strerror(errno));
		free(stage);
		stage = NULL;
		goto out;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		rc = ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create: %s", tmp,
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	(void)fchmod(fd, 0600);     /* mkstemp made it 0600 already */
	close(fd);
	if ((rc = stage_bundle(dir, node, stage, d)) != CTL_OK ||
	    (rc = run_tar(stage, tmp, d)) != CTL_OK ||
	    (rc = sync_file(tmp, d)) != CTL_OK)
		goto out;
	/* link() fails when OUT appeared meanwhile: nothing is replaced. */
	if (link(tmp, out) != 0) {
		rc = ctl_diag_set(d, errno == EEXIST ? CTL_ERR_USAGE :
		    CTL_ERR_IO, "%s: %s", out, errno == EEXIST ? "exists; a "
		    "bundle never replaces a file" : strerror(errno));
		goto out;
	}
	rc = sync_file(out, d);
out:
	if (tmp != NULL) {
		(void)unlink(tmp);
		free(tmp);
	}
	if (stage != NULL) {
		pub_remove_tree(stage);
		free(stage);
	}
	return rc;
}
