/* The SFTP URL of `bulk sftp`: see bulk_url.h. */
#include "bulk_url.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"

#define SCHEME "sftp://"

static bool
in_set(unsigned char c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr(extra, c) != NULL);
}

/* Copies the LEN bytes at P into OUT (MAX + 1 bytes) when each is a
 * letter, a digit or in EXTRA. */
static bool
take(const char *p, size_t len, size_t max, const char *extra, char *out)
{
	size_t i;

	if (len == 0 || len > max)
		return false;
	for (i = 0; i < len; i++)
		if (!in_set((unsigned char)p[i], extra))
			return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

int
bulk_url_parse(const char *s, struct bulk_url *u, struct ctl_diag *d)
{
	const char *at, *host, *hend, *slash, *port = NULL, *p;
	size_t n, i;
	long v;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, SCHEME, sizeof(SCHEME) - 1) != 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: not "
		    "sftp://USER@HOST[:PORT]/DIR", s);
	p = s + sizeof(SCHEME) - 1;
	if ((slash = strchr(p, '/')) == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: no directory "
		    "after the host (sftp://USER@HOST/DIR)", s);
	at = memchr(p, '@', (size_t)(slash - p));
	if (at == NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: no user "
		    "(sftp://USER@HOST/DIR)", s);
	/* USER:PASSWORD@: the URL is not echoed, it holds a secret. */
	if (memchr(p, ':', (size_t)(at - p)) != NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--url: put no password "
		    "in the URL; give it with --password-file");
	if (!take(p, (size_t)(at - p), BULK_URL_USER_MAX, "._-", u->user) ||
	    u->user[0] == '-')
		return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: the user must "
		    "be 1 to %d letters, digits, '.', '_' or '-'", s,
		    BULK_URL_USER_MAX);
	host = at + 1;
	if (*host == '[') {
		hend = memchr(host, ']', (size_t)(slash - host));
		if (hend == NULL || !take(host + 1, (size_t)(hend - host - 1),
		    BULK_URL_HOST_MAX, ":.", u->host) ||
		    strchr(u->host, ':') == NULL)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: a bad "
			    "[IPv6] address", s);
		p = hend + 1;
		if (p < slash && *p != ':')
			return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: "
			    "something after the ]", s);
	} else {
		hend = memchr(host, ':', (size_t)(slash - host));
		if (hend == NULL)
			hend = slash;
		if (!take(host, (size_t)(hend - host), BULK_URL_HOST_MAX, ".-",
		    u->host) || u->host[0] == '-' || u->host[0] == '.')
			return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: the "
			    "host must be a name or an address (letters, "
			    "digits, '.' and '-')", s);
		p = hend;
	}
	u->port = BULK_URL_PORT;
	if (p < slash) {        /* at ':' */
		port = p + 1;
		n = (size_t)(slash - port);
		v = 0;
		for (i = 0; i < n && i < 6; i++) {
			if (port[i] < '0' || port[i] > '9')
				break;
			v = v * 10 + (port[i] - '0');
		}
		if (n == 0 || i != n || v < 1 || v > 65535)
			return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: the "
			    "port must be 1 to 65535", s);
		u->port = (uint16_t)v;
	}
	n = strlen(slash);
	while (n > 1 && slash[n - 1] == '/')
		n--;
	if (n > BULK_URL_DIR_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: the directory "
		    "is longer than %d bytes", s, BULK_URL_DIR_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)slash[i];

		if (c < 0x20 || c == 0x7f || c == '\\' || c == '%' ||
		    c == '?' || c == '#')
			return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: the "
			    "directory holds a control byte or one of \\ %% "
			    "? #", s);
		if (c == '.' && slash[i - 1] == '/' && i + 1 < n &&
		    slash[i + 1] == '.' && (i + 2 == n || slash[i + 2] == '/'))
			return ctl_diag_set(d, CTL_ERR_USAGE, "--url %s: the "
			    "directory holds \"..\"", s);
	}
	memcpy(u->dir, slash, n);
	u->dir[n] = '\0';
	return CTL_OK;
}
