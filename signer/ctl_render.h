/*
 * Showing a parsed .tlv file: CUCM's `show ctl` / `show itl` layout, and
 * one JSON object for scripts.
 */
#ifndef CTL_RENDER_H
#define CTL_RENDER_H

#include <stdio.h>

#include "ctl.h"

struct ctl_view {
	const struct ctl_file *f;
	int verify_rc;           /* CTL_OK when the file verifies */
	int signer;              /* signer record, or -1 */
	const char *verify_msg;  /* the reason, when verify_rc != CTL_OK */
	const char *modified;    /* the file's modification time, or NULL */
};

/* Writes V in CUCM's `show ctl` layout to OUT. */
void ctl_render_text(FILE *out, const struct ctl_view *v);

/* Writes V as one JSON object to OUT (fields in docs/user-guide.md). */
void ctl_render_json(FILE *out, const struct ctl_view *v);

/* MD5 and SHA-1 of LEN bytes at P (a whole file), lowercase hex. */
void ctl_checksums(const uint8_t *p, size_t len, char md5[33],
    char sha1[41]);

#endif
