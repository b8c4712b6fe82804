/*
 * Inside the state library: the connection, and helpers shared by the
 * files that read and write tables.  Not for callers of the library.
 */
#ifndef PUB_STATE_INT_H
#define PUB_STATE_INT_H

/* The state's tables are read and written by state/ alone; everything
 * else goes through the functions of its public headers. */
#ifndef PUB_STATE_INTERNAL
#error "pub_state_int.h is private to publisher/state/"
#endif

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct ctl_diag;

struct pub_state {
	sqlite3 *db;
	char *dir;
	int txdepth;            /* open pub_state_begin() calls */
};

/* Prepares SQL (a constant) into *STMT.  CTL_OK or CTL_ERR_IO. */
int pub_sql_prepare(struct pub_state *st, const char *sql,
    sqlite3_stmt **stmt, struct ctl_diag *d);

/* Runs constant SQL with no result rows.  CTL_OK or CTL_ERR_IO. */
int pub_sql_exec(struct pub_state *st, const char *sql, struct ctl_diag *d);

/* Steps STMT until it is done (no rows expected).  CTL_OK, or
 * CTL_ERR_USAGE for a constraint violation, CTL_ERR_IO. */
int pub_sql_run(struct pub_state *st, sqlite3_stmt *stmt, struct ctl_diag *d);

/* Fills D with SQLite's message for the last failure of ST, prefixed
 * with WHAT, and returns CODE. */
int pub_sql_error(struct pub_state *st, int code, const char *what,
    struct ctl_diag *d);

/* Binds a text parameter, NULL binding SQL NULL.  SQLITE_OK or an error. */
int pub_sql_bind_text(sqlite3_stmt *stmt, int i, const char *s);

/* Copies column I of the current row into OUT (SZ bytes, cut to fit). */
void pub_sql_column_copy(sqlite3_stmt *stmt, int i, char *out, size_t sz);

/*
 * Ends a change begun with pub_state_begin(): finalizes Q (NULL is
 * allowed), then commits when RC is CTL_OK, and rolls back when RC or
 * the commit failed.  Returns the code the change ends with.
 */
int pub_state_end(struct pub_state *st, sqlite3_stmt *q, int rc,
    struct ctl_diag *d);

/*
 * Room for element HAVE of V, an array of *CAP elements of SIZE bytes,
 * for the functions that list rows: V itself when there is room, else
 * V grown to twice the size (*CAP updated).  NULL when out of memory, V
 * untouched.
 */
void *pub_grow(void *v, size_t have, size_t *cap, size_t size);

/* Is S (not NULL) 40 hexadecimal digits, as the state keeps a SHA1? */
int pub_sha1_hex_ok(const char *s);

/* The current time, seconds since 1970. */
int64_t pub_now(void);

/* Creates the schema in an empty database (pub_schema.c). */
int pub_schema_create(struct pub_state *st, unsigned base_port,
    struct ctl_diag *d);

/* Checks that the schema is one this program reads (pub_schema.c). */
int pub_schema_check(struct pub_state *st, struct ctl_diag *d);

#endif
