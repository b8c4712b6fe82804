#include "pub_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log_escape.h"

/* The longest event text kept before escaping; longer text is cut and
 * marked. */
#define PUB_LOG_LINE_MAX 2048

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void
pub_log(const char *fmt, ...)
{
	char ts[32], line[PUB_LOG_LINE_MAX];
	char esc[LOG_ESCAPE_SIZE(PUB_LOG_LINE_MAX)];
	struct timespec now;
	struct tm tm;
	va_list ap;
	size_t len;
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	len = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n :
	    sizeof(line) - 1;
	log_escape(esc, sizeof(esc), line, len);
	pthread_mutex_lock(&lock);
	fprintf(stderr, "%s.%03ldZ %s%s\n", ts, now.tv_nsec / 1000000, esc,
	    n >= 0 && (size_t)n > len ? LOG_ESCAPE_MORE : "");
	fflush(stderr);
	pthread_mutex_unlock(&lock);
}
