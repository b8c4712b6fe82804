/*
 * Untrusted text made safe to log: one line stays one line, and a
 * terminal that shows the log obeys no escape sequence from it.
 */
#ifndef CTL_LOG_ESCAPE_H
#define CTL_LOG_ESCAPE_H

#include <stddef.h>

/* Ends a result that did not fit whole. */
#define LOG_ESCAPE_MORE "..."

/* The largest result LEN input bytes can give, with its NUL. */
#define LOG_ESCAPE_SIZE(len) (4 * (len) + sizeof(LOG_ESCAPE_MORE))

/*
 * Copies the LEN bytes at S into OUT (OUTSZ bytes, always NUL-terminated
 * when OUTSZ > 0) with every control byte (below 0x20, and 0x7f), every
 * byte from 0x80 up and the backslash written as "\xNN" (the backslash
 * as "\\"), so the copy is printable ASCII and can be read back without
 * doubt.  A result longer than OUTSZ - 1 keeps as many whole escapes as
 * fit before LOG_ESCAPE_MORE: no escape is ever cut in two.  Returns the
 * length of the result.  Never fails.
 */
size_t log_escape(char *out, size_t outsz, const void *s, size_t len);

/* log_escape() of the NUL-terminated S (NULL gives "(null)"); returns
 * OUT, so it can stand as a printf argument. */
const char *log_escape_str(char *out, size_t outsz, const char *s);

#endif
