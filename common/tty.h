/*
 * Asking a person at the controlling terminal (/dev/tty), never at
 * standard input, so that piped input cannot answer for them.
 */
#ifndef CTL_TTY_H
#define CTL_TTY_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_diag;

/*
 * Writes PROMPT to the terminal and reads one line into BUF (BUFSZ bytes,
 * NUL-terminated, without the newline), with echo off unless ECHO.  Echo
 * goes off before the prompt appears, so a line typed the moment it shows
 * is neither echoed nor flushed away; a signal restores the terminal
 * before it is raised again, so Ctrl-C never leaves it without echo
 * (OpenSSH's readpassphrase does the same).  Fails with CTL_ERR_USAGE
 * when there is no terminal, CTL_ERR_TOO_BIG when the line does not fit,
 * CTL_ERR_CANCELLED on a signal or the end of input, CTL_ERR_IO.  The
 * caller wipes BUF when it held a secret.
 */
int tty_read_line(const char *prompt, bool echo, char *buf, size_t bufsz,
    struct ctl_diag *d);

/* Whether there is a terminal to ask on, for commands that must fail
 * before they start rather than halfway when no one can answer. */
bool tty_present(void);

/*
 * Writes "QUESTION (y/n): " to the terminal and reads the answer.  The
 * one rule of every question that guards a change: y or yes, in any
 * case, confirms; anything else refuses.  Returns CTL_OK when
 * confirmed, CTL_ERR_CANCELLED when not ("stopped: not confirmed"), or
 * when there is no terminal (D then names SCRIPT_OPTION, the option that
 * answers in scripts), or on a signal or the end of input; CTL_ERR_IO.
 */
int tty_confirm(const char *question, const char *script_option,
    struct ctl_diag *d);

#endif
