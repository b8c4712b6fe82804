/* The login password: see net_password.h. */
#include "net_password.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_err.h"
#include "file_io.h"
#include "secret.h"
#include "tty.h"

/* Takes the first line of the file; refuses files others can read or
 * write, as ssh refuses such private keys. */
static int
password_from_file(const char *path, char *pw, size_t pwsz,
    struct ctl_diag *d)
{
	char buf[NET_MAX_PASSWORD + 3];
	struct stat st;
	ssize_t got;
	size_t n = 0;
	char *nl;
	int fd, r = CTL_ERR_IO;

	if ((fd = file_open_regular(path, "the password file", d)) < 0)
		return fd;
	if (fstat(fd, &st) != 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: the password file is open "
		    "to group or others (mode %04o); refusing to use it: "
		    "chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: the password file belongs "
		    "to another user (uid %u); refusing to use it", path,
		    (unsigned)st.st_uid);
		goto out;
	}
	while (n < sizeof(buf) - 1) {
		got = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	else if (n == sizeof(buf) - 1) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: the password is longer "
		    "than %d bytes", path, NET_MAX_PASSWORD);
		goto out;
	}
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	if (n == 0 || n > NET_MAX_PASSWORD || n >= pwsz) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: the first line must hold "
		    "a password of 1 to %d bytes", path, NET_MAX_PASSWORD);
		goto out;
	}
	memcpy(pw, buf, n + 1);
	r = CTL_OK;
out:
	secret_wipe(buf, sizeof(buf));
	close(fd);
	return r;
}

int
net_password_get(const struct net_opts *o, const char *peer, int ask,
    char *pw, size_t pwsz, int *have, struct ctl_diag *d)
{
	const char *env;
	char prompt[NET_MAX_USER + NET_MAX_HOST + 40];
	int r;

	*have = 0;
	if (o->password_file != NULL) {
		if ((r = password_from_file(o->password_file, pw, pwsz, d)))
			return r;
		*have = 1;
		return CTL_OK;
	}
	if ((env = getenv(NET_PASSWORD_ENV)) != NULL && env[0] != '\0') {
		if (strlen(env) > NET_MAX_PASSWORD)
			return ctl_diag_set(d, CTL_ERR_AUTH, "$%s is longer "
			    "than %d bytes", NET_PASSWORD_ENV, NET_MAX_PASSWORD);
		snprintf(pw, pwsz, "%s", env);
		*have = 1;
		return CTL_OK;
	}
	if (!ask)
		return CTL_OK;
	snprintf(prompt, sizeof(prompt), "Password for %s@%s: ", o->user, peer);
	r = tty_read_line(prompt, false, pw, pwsz, d);
	if (r == CTL_ERR_USAGE)
		return ctl_diag_set(d, CTL_ERR_AUTH, "no password: no terminal "
		    "to ask on; use --password-file FILE or $%s",
		    NET_PASSWORD_ENV);
	if (r == CTL_OK && pw[0] == '\0')
		r = ctl_diag_set(d, CTL_ERR_CANCELLED, "no password was typed");
	if (r == CTL_OK)
		*have = 1;
	return r;
}
