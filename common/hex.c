#include "hex.h"

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
