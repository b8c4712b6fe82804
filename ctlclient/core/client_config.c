/* ctlclient's configuration file: see client_config.h. */
#include "client_config.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_err.h"
#include "file_io.h"
#include "log_escape.h"

/* The keywords a Host block takes, and where each value goes. */
enum kw { KW_HOST, KW_SERVER, KW_USER, KW_PASSWORD_FILE, KW_CAFILE };

static const char *const keywords[] = {
	"Host", "Server", "User", "PasswordFile", "CAFile",
};

static bool
name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > CLIENT_CONFIG_MAX_NAME || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* A path value: "~/" is the user's home, as in ssh's config. */
static int
path_value(const char *v, char *out, size_t outsz, const char *where,
    const char *kw, struct ctl_diag *d)
{
	const char *home = getenv("HOME");
	int n;

	if (strncmp(v, "~/", 2) == 0) {
		if (home == NULL || home[0] == '\0')
			return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s starts "
			    "with ~/ but $HOME is not set: give the full path",
			    where, kw);
		n = snprintf(out, outsz, "%s/%s", home, v + 2);
	} else {
		n = snprintf(out, outsz, "%s", v);
	}
	if (n < 0 || (size_t)n >= outsz)
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s: the path is "
		    "longer than %zu bytes", where, kw, outsz - 1);
	return CTL_OK;
}

/* Takes one value into the block H, which must not hold it yet. */
static int
take_value(struct client_host *h, enum kw k, const char *v,
    const char *where, struct ctl_diag *d)
{
	char hostbuf[NET_MAX_HOST + 1];
	struct ctl_diag hd;
	uint16_t port;
	char *slot;
	int r;

	slot = k == KW_SERVER ? h->server : k == KW_USER ? h->user :
	    k == KW_PASSWORD_FILE ? h->password_file : h->cafile;
	if (slot[0] != '\0')
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s given twice in "
		    "Host %s: keep one", where, keywords[k], h->name);
	switch (k) {
	case KW_SERVER:
		ctl_diag_clear(&hd);
		if (strlen(v) >= sizeof(h->server) ||
		    (r = net_host_port_parse(v, NET_DEFAULT_PORT, hostbuf,
		    sizeof(hostbuf), &port, &hd)) != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: Server: %s",
			    where, strlen(v) >= sizeof(h->server) ? "too long" :
			    ctl_diag_msg(&hd, r));
		memcpy(h->server, v, strlen(v) + 1);
		return CTL_OK;
	case KW_USER:
		if (strlen(v) > NET_MAX_USER)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: User: a name "
			    "of 1 to %d bytes", where, NET_MAX_USER);
		memcpy(h->user, v, strlen(v) + 1);
		return CTL_OK;
	case KW_PASSWORD_FILE:
		return path_value(v, h->password_file,
		    sizeof(h->password_file), where, keywords[k], d);
	default:
		return path_value(v, h->cafile, sizeof(h->cafile), where,
		    keywords[k], d);
	}
}

/* Cuts LINE (NUL-terminated, writable) into keyword and value. */
static int
split_line(char *line, char **key, char **value)
{
	char *p = line, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	if (*p == '\0' || *p == '#')
		return 0;
	*key = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '=')
		p++;
	if (*p != '\0')
		*p++ = '\0';
	while (*p == ' ' || *p == '\t' || *p == '=')
		p++;
	*value = p;
	return 1;
}

int
client_config_parse(const char *text, size_t len, const char *path,
    const char *name, struct client_host *out, int *found,
    struct ctl_diag *d)
{
	struct client_host cur, hit;
	char line[CLIENT_CONFIG_MAX_PATH + 64], where[CLIENT_CONFIG_MAX_PATH +
	    32], esc[LOG_ESCAPE_SIZE(32)];
	char (*names)[CLIENT_CONFIG_MAX_NAME + 1] = NULL;
	char *key, *value;
	const char *p = text, *end = text + len, *nl;
	size_t n, lineno = 0, k, nnames = 0, i;
	int matched = 0, have = 0, r = CTL_OK;

	memset(&cur, 0, sizeof(cur));
	memset(&hit, 0, sizeof(hit));
	if (memchr(text, '\0', len) != NULL)
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: holds a NUL byte: "
		    "not a text file", path);
	if ((names = calloc(CLIENT_CONFIG_MAX_HOSTS, sizeof(*names))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "%s: out of memory",
		    path);
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		snprintf(where, sizeof(where), "%s:%zu", path, lineno);
		if (n >= sizeof(line)) {
			r = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: the line is "
			    "longer than %zu bytes", where, sizeof(line) - 1);
			goto out;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl != NULL);
		if (!split_line(line, &key, &value))
			continue;
		for (k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
			if (strcasecmp(key, keywords[k]) == 0)
				break;
		if (k == sizeof(keywords) / sizeof(keywords[0])) {
			r = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: unknown "
			    "keyword '%s' (known: Host, Server, User, "
			    "PasswordFile, CAFile)", where,
			    log_escape_str(esc, sizeof(esc), key));
			goto out;
		}
		if (value[0] == '\0') {
			r = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s needs a "
			    "value", where, keywords[k]);
			goto out;
		}
		if (k != KW_HOST) {
			if (nnames == 0) {
				r = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s "
				    "outside a Host block: put 'Host NAME' "
				    "above it", where, keywords[k]);
				goto out;
			}
			if ((r = take_value(&cur, (enum kw)k, value, where,
			    d)) != CTL_OK)
				goto out;
			continue;
		}
		if (!name_ok(value)) {
			r = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: Host '%s': one "
			    "name of 1 to %d letters, digits, '.', '-' or '_'",
			    where, log_escape_str(esc, sizeof(esc), value),
			    CLIENT_CONFIG_MAX_NAME);
			goto out;
		}
		for (i = 0; i < nnames; i++)
			if (strcasecmp(names[i], value) == 0)
				break;
		if (i < nnames) {
			r = ctl_diag_set(d, CTL_ERR_FORMAT, "%s: Host %s is "
			    "already defined in this file: merge the two "
			    "blocks", where, value);
			goto out;
		}
		if (nnames == CLIENT_CONFIG_MAX_HOSTS) {
			r = ctl_diag_set(d, CTL_ERR_TOO_BIG, "%s: more than %d "
			    "Host blocks", where, CLIENT_CONFIG_MAX_HOSTS);
			goto out;
		}
		memcpy(names[nnames++], value, strlen(value) + 1);
		if (matched)
			hit = cur;
		memset(&cur, 0, sizeof(cur));
		memcpy(cur.name, value, strlen(value) + 1);
		matched = strcasecmp(value, name) == 0;
		have |= matched;
	}
	if (matched)
		hit = cur;
	*found = have;
	if (have)
		*out = hit;
out:
	free(names);
	return r;
}

/* As ssh: a file someone else can change would choose the server (and
 * the CA that vouches for it) for this user. */
static int
owner_ok(const struct stat *st, const char *path, const char *what,
    struct ctl_diag *d)
{
	if ((st->st_mode & 022) != 0)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "%s: the %s is "
		    "writable by group or others (mode %04o); refusing to use "
		    "it: chmod go-w %s", path, what,
		    (unsigned)(st->st_mode & 07777), path);
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return ctl_diag_set(d, CTL_ERR_UNTRUSTED, "%s: the %s belongs "
		    "to another user (uid %u); refusing to use it: it must "
		    "be yours or root's (chown)", path, what,
		    (unsigned)st->st_uid);
	return CTL_OK;
}

int
client_config_lookup_file(const char *path, const char *name,
    struct client_host *out, int *found, struct ctl_diag *d)
{
	char dir[CLIENT_CONFIG_MAX_PATH], *slash;
	struct stat st;
	uint8_t *text = NULL;
	size_t len = 0;
	int r;

	*found = 0;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return CTL_OK;
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
		    strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return ctl_diag_set(d, CTL_ERR_IO, "%s: not a regular file; "
		    "the configuration must be one", path);
	if ((r = owner_ok(&st, path, "configuration file", d)) != CTL_OK)
		return r;
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return ctl_diag_set(d, CTL_ERR_IO, "%s: path too long", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (stat(dir, &st) != 0)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", dir,
		    strerror(errno));
	if ((r = owner_ok(&st, dir, "directory of the configuration file",
	    d)) != CTL_OK)
		return r;
	if ((r = file_read_limited(path, CLIENT_CONFIG_MAX, &text, &len, d)))
		return r;
	r = client_config_parse((const char *)text, len, path, name, out,
	    found, d);
	free(text);
	return r;
}

int
client_config_lookup(const char *name, struct client_host *out,
    int *found, char *from, size_t fromsz, struct ctl_diag *d)
{
	const char *env = getenv(CLIENT_CONFIG_ENV);
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char user[CLIENT_CONFIG_MAX_PATH];
	const char *paths[2];
	size_t n = 0, i;
	int r;

	*found = 0;
	if (env != NULL && env[0] != '\0') {
		paths[n++] = env;
	} else {
		user[0] = '\0';
		if (xdg != NULL && xdg[0] == '/')
			snprintf(user, sizeof(user), "%s/ctlclient/config",
			    xdg);
		else if (home != NULL && home[0] != '\0')
			snprintf(user, sizeof(user), "%s/.config/ctlclient/"
			    "config", home);
		if (user[0] != '\0')
			paths[n++] = user;
		paths[n++] = CLIENT_CONFIG_SYSTEM;
	}
	for (i = 0; i < n; i++) {
		if ((r = client_config_lookup_file(paths[i], name, out, found,
		    d)) != CTL_OK)
			return r;
		if (*found) {
			snprintf(from, fromsz, "%s", paths[i]);
			return CTL_OK;
		}
	}
	return CTL_OK;
}
