#include "hex.h"

#include "ctl_err.h"

char *
hex_format(char *out, size_t outsz, const uint8_t *p, size_t n, char sep,
    int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t i, o = 0, step = sep ? 3 : 2;

	if (outsz == 0)
		return out;
	for (i = 0; i < n; i++) {
		if (outsz - o < step + 1)
			break;
		if (sep && i > 0)
			out[o++] = sep;
		out[o++] = digits[p[i] >> 4];
		out[o++] = digits[p[i] & 0x0f];
	}
	out[o] = '\0';
	return out;
}

/* The value of one hex digit, or -1 for any other character. */
static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_parse(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < 2 * n; i++)
		if (s[i] == '\0' || nibble(s[i]) < 0)
			return CTL_ERR_USAGE;
	if (s[2 * n] != '\0')
		return CTL_ERR_USAGE;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]));
	return 0;
}
