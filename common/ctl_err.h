/*
 * One error space for the whole project: every function that can fail
 * returns CTL_OK (0) or one of the negative codes below.  A code says what
 * kind of failure it was; the details for people (which file, which byte,
 * which field, what to do) travel beside it in a struct ctl_diag.
 */
#ifndef CTL_ERR_H
#define CTL_ERR_H

#include <stddef.h>

#define CTL_OK 0

enum ctl_err {
	CTL_ERR_INTERNAL = -1,      /* a bug: an invariant did not hold */
	CTL_ERR_NOMEM = -2,         /* out of memory */
	CTL_ERR_USAGE = -3,         /* a bad argument from the caller or the user */
	CTL_ERR_IO = -4,            /* reading or writing a file failed */
	CTL_ERR_TOO_BIG = -5,       /* input exceeds one of the named maximums */
	CTL_ERR_TRUNCATED = -6,     /* input ends before a field does */
	CTL_ERR_FORMAT = -7,        /* input is not a valid .tlv file */
	CTL_ERR_CRYPTO = -8,        /* an OpenSSL operation failed */
	CTL_ERR_NO_SIGNER = -9,     /* no record matches the header's signer */
	CTL_ERR_BAD_SIGNATURE = -10,/* the signature does not verify */
	CTL_ERR_UNTRUSTED = -11,    /* well-formed, but fails a trust check */
	CTL_ERR_KEY = -12,          /* a key or certificate cannot be used */
	CTL_ERR_NOT_FOUND = -13,    /* the named object does not exist */

	/* tokens and PKCS#11 */
	CTL_ERR_MODULE = -30,       /* the PKCS#11 module cannot be loaded */
	CTL_ERR_TOKEN_ABSENT = -31, /* no token matches, or it was removed */
	CTL_ERR_PIN_INCORRECT = -32,
	CTL_ERR_PIN_LOCKED = -33,
	CTL_ERR_PIN_FINAL_TRY = -34,/* refused: the next wrong PIN locks the token */
	CTL_ERR_CANCELLED = -35,    /* the user said no */
	CTL_ERR_TIMEOUT = -36,
	CTL_ERR_TOKEN = -37,        /* any other PKCS#11 failure */
	CTL_ERR_URI = -38,          /* a PKCS#11 URI does not parse */

	/* the port-2444 protocol */
	CTL_ERR_NETWORK = -50,      /* cannot connect, or the connection broke */
	CTL_ERR_TLS = -51,          /* TLS handshake or certificate check failed */
	CTL_ERR_PROTOCOL = -52,     /* the peer sent a malformed or unexpected frame */
	CTL_ERR_AUTH = -53,         /* login refused */
	CTL_ERR_CONFLICT = -54,     /* the CTL changed since the client read it */
	CTL_ERR_REFUSED = -55,      /* the server refused the request */
	CTL_ERR_LOGIN_REQUIRED = -56,/* the request needs a login first */
	CTL_ERR_RATE_LIMITED = -57, /* too many failed logins: wait */
	CTL_ERR_NOT_ALLOWED = -58,  /* not allowed now, or not on this node */
	CTL_ERR_UNSUPPORTED = -59,  /* a request this server does not serve */
};

/* Returns a static, one-line description of CODE (never NULL). */
const char *ctl_strerror(int code);

/*
 * Details of the last failure, for people.  Functions that take a
 * struct ctl_diag * fill it when they fail and leave it alone otherwise;
 * passing NULL is allowed and drops the details.
 */
#define CTL_DIAG_MAX 512
struct ctl_diag {
	char msg[CTL_DIAG_MAX];
};

/* Formats a message into D (truncated to fit).  Returns CODE, so that
 * callers can write `return ctl_diag_set(d, CTL_ERR_FORMAT, "...")`. */
int ctl_diag_set(struct ctl_diag *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The message in D, or ctl_strerror(CODE) when D holds none. */
const char *ctl_diag_msg(const struct ctl_diag *d, int code);

/* Clears D. */
void ctl_diag_clear(struct ctl_diag *d);

#endif
