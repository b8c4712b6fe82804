/*
 * Hex formatting of byte strings.
 */
#ifndef CTL_HEX_H
#define CTL_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Writes N bytes at P as hex into OUT (OUTSZ bytes, always NUL-terminated;
 * output that does not fit is cut).  SEP, when not '\0', goes between
 * bytes.  UPPER selects A-F over a-f.  Returns OUT.
 */
char *hex_format(char *out, size_t outsz, const uint8_t *p, size_t n,
    char sep, int upper);

/*
 * Parses exactly 2*N hex digits (either case) at S into N bytes at OUT.
 * Returns 0, or CTL_ERR_USAGE (OUT untouched) when S is not that: too
 * short, too long, or a character that is not a hex digit.
 */
int hex_parse(const char *s, uint8_t *out, size_t n);

/* Size OUT needs for N bytes with or without a separator. */
#define HEX_SIZE(n) ((n) * 3 + 1)

#endif
