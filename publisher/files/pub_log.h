/* One line per event on standard error, with a UTC timestamp.  Never
 * pass a secret.  The formatted text is escaped as a whole (see
 * log_escape.h), so a name or message from the network cannot break
 * the line, forge another one, or send escape sequences to a terminal. */
#ifndef PUB_LOG_H
#define PUB_LOG_H

void pub_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
