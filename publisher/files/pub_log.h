/* One line per event on standard error, with a UTC timestamp.  Never
 * pass a secret. */
#ifndef PUB_LOG_H
#define PUB_LOG_H

void pub_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
