/*
 * Getting a PIN: from a pin-source file, or typed at the terminal without
 * echo.  Every buffer that held a PIN is wiped before it is released.
 */
#include "tok_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "ctl_err.h"
#include "secret.h"

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

static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
    SIGTSTP, SIGTTIN, SIGTTOU };
#define NSIG_TTY (sizeof(tty_signals) / sizeof(tty_signals[0]))

/*
 * Writes PROMPT to the terminal FD and reads one line into BUF, with echo
 * off when ECHO is 0.  Echo goes off before the prompt appears: a PIN
 * typed the moment the prompt shows is neither echoed nor flushed away.  A signal restores the terminal before it is delivered again, so
 * Ctrl-C never leaves the terminal without echo (OpenSSH readpassphrase).
 */
static int
tty_read_line(int fd, const char *prompt, int echo, char *buf, size_t bufsz,
    size_t *len, struct ctl_diag *d)
{
	struct sigaction sa, old[NSIG_TTY];
	struct termios saved, quiet;
	int have_termios, r = CTL_ERR_INTERNAL;
	size_t i, n = 0, too_long = 0;
	ssize_t got;
	char c;

	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: read() must return */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NSIG_TTY; i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	have_termios = tcgetattr(fd, &saved) == 0;
	if (have_termios && !echo) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "writing to the terminal: %s",
		    strerror(errno));
		goto restore;
	}
	for (;;) {
		got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR && caught == 0)
			continue;
		if (got < 0 && errno == EINTR) {
			r = ctl_diag_set(d, CTL_ERR_CANCELLED, "interrupted");
			break;
		}
		if (got < 0) {
			r = ctl_diag_set(d, CTL_ERR_IO,
			    "reading from the terminal: %s", strerror(errno));
			break;
		}
		if (got == 0) {
			r = ctl_diag_set(d, CTL_ERR_CANCELLED,
			    "end of input at the PIN prompt");
			break;
		}
		if (c == '\n' || c == '\r') {
			r = too_long ? ctl_diag_set(d, CTL_ERR_USAGE,
			    "the line typed is longer than %zu bytes",
			    bufsz - 1) : CTL_OK;
			break;
		}
		if (n + 1 < bufsz)
			buf[n++] = c;
		else
			too_long = 1;
	}
restore:
	c = 0;
	if (have_termios && !echo)
		tcsetattr(fd, TCSAFLUSH, &saved);
	for (i = 0; i < NSIG_TTY; i++)
		sigaction(tty_signals[i], &old[i], NULL);
	if (caught != 0)
		raise(caught);
	buf[n] = '\0';
	*len = n;
	return r;
}

static int
open_tty(struct ctl_diag *d)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		ctl_diag_set(d, CTL_ERR_USAGE, "no terminal to ask on "
		    "(/dev/tty: %s)", strerror(errno));
	}
	return fd;
}

int
tok_pin_prompt(const char *prompt, char **pin, struct ctl_diag *d)
{
	char buf[PIN_MAX + 1];
	size_t len = 0;
	int fd, r;

	*pin = NULL;
	if ((fd = open_tty(d)) < 0)
		return CTL_ERR_USAGE;
	if ((r = tty_read_line(fd, prompt, 0, buf, sizeof(buf), &len, d)) !=
	    CTL_OK)
		goto out;
	if (len == 0) {
		r = ctl_diag_set(d, CTL_ERR_CANCELLED, "no PIN was typed");
		goto out;
	}
	r = dup_pin(buf, len, pin, d);
out:
	secret_wipe(buf, sizeof(buf));
	close(fd);
	return r;
}

int
tok_tty_confirm(const char *warning, struct ctl_diag *d)
{
	static const char ask[] = "Type yes to go on, anything else to stop: ";
	char buf[16];
	size_t len = 0;
	int fd, r;

	if ((fd = open_tty(d)) < 0)
		return CTL_ERR_USAGE;
	if (write(fd, warning, strlen(warning)) < 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "writing to the terminal: %s",
		    strerror(errno));
		goto out;
	}
	if ((r = tty_read_line(fd, ask, 1, buf, sizeof(buf), &len, d)) !=
	    CTL_OK)
		goto out;
	r = strcmp(buf, "yes") == 0 ? CTL_OK :
	    ctl_diag_set(d, CTL_ERR_CANCELLED, "not confirmed");
out:
	close(fd);
	return r;
}
