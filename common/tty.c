/* Asking a person at the controlling terminal. */
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "ctl_err.h"

static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
    SIGTSTP, SIGTTIN, SIGTTOU };
#define NSIG_TTY (sizeof(tty_signals) / sizeof(tty_signals[0]))

int
tty_read_line(const char *prompt, bool echo, char *buf, size_t bufsz,
    struct ctl_diag *d)
{
	struct sigaction sa, old[NSIG_TTY];
	struct termios saved, quiet;
	int fd, have_termios, r = CTL_ERR_INTERNAL;
	size_t i, n = 0, too_long = 0;
	ssize_t got;
	char c;

	buf[0] = '\0';
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "no terminal to ask on "
		    "(/dev/tty: %s)", strerror(errno));
	caught = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;  /* no SA_RESTART: read() must return */
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
			r = ctl_diag_set(d, CTL_ERR_IO, "reading from the "
			    "terminal: %s", strerror(errno));
			break;
		}
		if (got == 0) {
			r = ctl_diag_set(d, CTL_ERR_CANCELLED, "end of input "
			    "at the terminal");
			break;
		}
		if (c == '\n' || c == '\r') {
			r = too_long ? ctl_diag_set(d, CTL_ERR_TOO_BIG, "the line "
			    "typed is longer than %zu bytes", bufsz - 1) :
			    CTL_OK;
			break;
		}
		if (n + 1 < bufsz)
			buf[n++] = c;
		else
			too_long = 1;
	}
restore:
	c = 0;
	buf[n] = '\0';
	if (have_termios && !echo)
		tcsetattr(fd, TCSAFLUSH, &saved);
	for (i = 0; i < NSIG_TTY; i++)
		sigaction(tty_signals[i], &old[i], NULL);
	close(fd);
	if (caught != 0)
		raise(caught);
	return r;
}

bool
tty_present(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int
tty_confirm(const char *question, const char *script_option,
    struct ctl_diag *d)
{
	char prompt[4096], answer[16];
	int r;

	snprintf(prompt, sizeof(prompt), "%s (y/n): ", question);
	if ((r = tty_read_line(prompt, true, answer, sizeof(answer), d)) !=
	    CTL_OK) {
		if (r == CTL_ERR_USAGE)
			return ctl_diag_set(d, CTL_ERR_CANCELLED, "no terminal "
			    "to confirm on; after checking what it does, "
			    "confirm with %s", script_option);
		/* An answer too long for y or yes refuses like any other. */
		if (r == CTL_ERR_TOO_BIG)
			return ctl_diag_set(d, CTL_ERR_CANCELLED, "stopped: not "
			    "confirmed");
		return r;
	}
	if (strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0)
		return CTL_OK;
	return ctl_diag_set(d, CTL_ERR_CANCELLED, "stopped: not confirmed");
}
