/*
 * Memory for secrets (PINs, passwords): wiped before it is freed.
 */
#ifndef CTL_SECRET_H
#define CTL_SECRET_H

#include <stddef.h>

/* Wipes LEN bytes at P in a way the compiler cannot drop. */
void secret_wipe(void *p, size_t len);

/* Wipes the NUL-terminated string S and frees it.  NULL is allowed. */
void secret_free_str(char *s);

#endif
