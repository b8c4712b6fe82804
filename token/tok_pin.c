/*
 * Getting a PIN: from a pin-source file, or typed at the terminal without
 * echo.  Every buffer that held a PIN is wiped before it is released.
 */
#include "tok_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_err.h"
#include "secret.h"
#include "tty.h"

/* Longer than any token's ulMaxPinLen in practice (eTokens: 16..255). */
#define PIN_MAX 256

static int
dup_pin(const char *buf, size_t len, char **pin, struct ctl_diag *d)
{
	if ((*pin = malloc(len + 1)) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	memcpy(*pin, buf, len);
	(*pin)[len] = '\0';
	return CTL_OK;
}

int
tok_pin_from_source(const char *source, char **pin, struct ctl_diag *d)
{
	char buf[PIN_MAX + 1];
	const char *path = source;
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd = -1, r = CTL_ERR_INTERNAL;

	*pin = NULL;
	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	else if (strncmp(path, "file:", 5) == 0)
		path += 5;
	else if (strchr(path, ':') != NULL || path[0] == '|') {
		return ctl_diag_set(d, CTL_ERR_URI,
		    "pin-source '%s': only files are supported (write "
		    "pin-source=file:/path/to/pinfile)", source);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		return ctl_diag_set(d, CTL_ERR_IO, "pin-source %s: %s", path,
		    strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "pin-source %s: %s", path,
		    strerror(errno));
		goto out;
	}
	/* Like ssh with private keys: a PIN file others can read is a leak. */
	if (S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
		r = ctl_diag_set(d, CTL_ERR_USAGE,
		    "pin-source %s can be read by other users (mode %04o): "
		    "run chmod 600 %s", path, (unsigned)(st.st_mode & 07777),
		    path);
		goto out;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = ctl_diag_set(d, CTL_ERR_IO, "pin-source %s: %s",
			    path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	/* The PIN is the first line; the rest (if any) is ignored. */
	n = 0;
	while ((size_t)n < len && buf[n] != '\n' && buf[n] != '\r')
		n++;
	if ((size_t)n > PIN_MAX) {
		r = ctl_diag_set(d, CTL_ERR_USAGE,
		    "pin-source %s: the first line is longer than %d bytes",
		    path, PIN_MAX);
		goto out;
	}
	if (n == 0) {
		r = ctl_diag_set(d, CTL_ERR_USAGE,
		    "pin-source %s: the first line is empty", path);
		goto out;
	}
	r = dup_pin(buf, (size_t)n, pin, d);
out:
	secret_wipe(buf, sizeof(buf));
	close(fd);
	return r;
}

int
tok_pin_prompt(const char *prompt, char **pin, struct ctl_diag *d)
{
	char buf[PIN_MAX + 1];
	int r;

	*pin = NULL;
	r = tty_read_line(prompt, false, buf, sizeof(buf), d);
	if (r == CTL_ERR_TOO_BIG)
		r = ctl_diag_set(d, CTL_ERR_USAGE, "the PIN typed is longer "
		    "than %d bytes", PIN_MAX);
	else if (r == CTL_OK && buf[0] == '\0')
		r = ctl_diag_set(d, CTL_ERR_CANCELLED, "no PIN was typed");
	else if (r == CTL_OK)
		r = dup_pin(buf, strlen(buf), pin, d);
	secret_wipe(buf, sizeof(buf));
	return r;
}

int
tok_tty_confirm(const char *warning, struct ctl_diag *d)
{
	char prompt[1024], buf[16];
	int r;

	snprintf(prompt, sizeof(prompt), "%sType yes to go on, anything else "
	    "to stop: ", warning);
	if ((r = tty_read_line(prompt, true, buf, sizeof(buf), d)) ==
	    CTL_ERR_TOO_BIG)
		return ctl_diag_set(d, CTL_ERR_CANCELLED, "not confirmed");
	if (r != CTL_OK)
		return r;
	return strcmp(buf, "yes") == 0 ? CTL_OK :
	    ctl_diag_set(d, CTL_ERR_CANCELLED, "not confirmed");
}
