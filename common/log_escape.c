#include "log_escape.h"

#include <stdint.h>
#include <string.h>

/* How many bytes byte C takes once escaped. */
static size_t
esc_len(uint8_t c)
{
	if (c == '\\')
		return 2;
	if (c < 0x20 || c >= 0x7f)
		return 4;
	return 1;
}

/* Writes the escape of C at OUT, which has room for esc_len(C) bytes. */
static void
esc_put(char *out, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '\\') {
		out[0] = '\\';
		out[1] = '\\';
	} else if (c < 0x20 || c >= 0x7f) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 0xf];
	} else
		out[0] = (char)c;
}

size_t
log_escape(char *out, size_t outsz, const void *s, size_t len)
{
	const uint8_t *p = s;
	size_t total = 0, room, o = 0, i, n;

	if (outsz == 0)
		return 0;
	for (i = 0; i < len; i++)
		total += esc_len(p[i]);
	room = outsz - 1;
	if (total > room) {
		/* Too long: keep whole escapes and leave room for the mark. */
		room = room >= strlen(LOG_ESCAPE_MORE) ?
		    room - strlen(LOG_ESCAPE_MORE) : 0;
	}
	for (i = 0; i < len; i++) {
		n = esc_len(p[i]);
		if (n > room - o)
			break;
		esc_put(out + o, p[i]);
		o += n;
	}
	if (i < len) {
		n = strlen(LOG_ESCAPE_MORE);
		if (n > outsz - 1 - o)
			n = outsz - 1 - o;
		memcpy(out + o, LOG_ESCAPE_MORE, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

const char *
log_escape_str(char *out, size_t outsz, const char *s)
{
	if (s == NULL)
		s = "(null)";
	log_escape(out, outsz, s, strlen(s));
	return out;
}
