/* The stored SFTP settings: see bulk_config.h. */
#include "bulk_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "ctl_err.h"
#include "file_io.h"
#include "pub_node.h"
#include "secret.h"

#define CONF_MAX 4096

const char *
bulk_auth_name(enum bulk_auth a)
{
	return a == BULK_AUTH_KEY ? "key" : "password";
}

/* DIR/bulk/NAME into OUT (PATH_MAX bytes); NAME NULL: the directory. */
static int
path_of(const char *dir, const char *name, char *out, size_t outsz,
    struct ctl_diag *d)
{
	int n;

	if (name != NULL)
		n = snprintf(out, outsz, "%s/" BULK_SUBDIR "/%s", dir, name);
	else
		n = snprintf(out, outsz, "%s/" BULK_SUBDIR, dir);
	if (n < 0 || (size_t)n >= outsz)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: path too long", dir);
	return CTL_OK;
}

/* Makes DIR/bulk, mode 0700. */
static int
make_dir(const char *dir, struct ctl_diag *d)
{
	char path[PUB_PATH_MAX];
	int rc;

	if ((rc = path_of(dir, NULL, path, sizeof(path), d)))
		return rc;
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot make the "
		    "directory: %s", path, strerror(errno));
	if (chmod(path, 0700) != 0)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
		    strerror(errno));
	return CTL_OK;
}

static int
check(const struct bulk_sftp_conf *c, struct ctl_diag *d)
{
	int rc;

	if ((rc = bulk_host_check(c->host, d)) != CTL_OK ||
	    (rc = bulk_user_check(c->user, d)) != CTL_OK ||
	    (rc = bulk_dir_check(c->dir, d)) != CTL_OK)
		return rc;
	if (c->port == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "SFTP port 0");
	if (strncmp(c->hostkey, "SHA256:", 7) != 0 ||
	    strlen(c->hostkey) < 8 || strchr(c->hostkey, ' ') != NULL ||
	    strchr(c->hostkey, '\n') != NULL)
		return ctl_diag_set(d, CTL_ERR_USAGE, "no host key to pin");
	return CTL_OK;
}

/* Copies the value (LEN bytes at V) into OUT of OUTSZ bytes. */
static int
take(const char *v, size_t len, char *out, size_t outsz)
{
	if (len == 0 || len >= outsz || memchr(v, '\0', len) != NULL)
		return CTL_ERR_FORMAT;
	memcpy(out, v, len);
	out[len] = '\0';
	return CTL_OK;
}

/* One "key value" line of the settings file. */
static int
conf_line(struct bulk_sftp_conf *c, const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len), *v;
	char num[8];
	size_t klen, vlen;
	long port;

	if (sp == NULL)
		return CTL_ERR_FORMAT;
	klen = (size_t)(sp - line);
	v = sp + 1;
	vlen = len - klen - 1;
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(line, k, klen) == 0)
	if (KEY("host"))
		return take(v, vlen, c->host, sizeof(c->host));
	if (KEY("user"))
		return take(v, vlen, c->user, sizeof(c->user));
	if (KEY("dir"))
		return take(v, vlen, c->dir, sizeof(c->dir));
	if (KEY("hostkey"))
		return take(v, vlen, c->hostkey, sizeof(c->hostkey));
	if (KEY("auth")) {
		if (vlen == 8 && memcmp(v, "password", 8) == 0)
			c->auth = BULK_AUTH_PASSWORD;
		else if (vlen == 3 && memcmp(v, "key", 3) == 0)
			c->auth = BULK_AUTH_KEY;
		else
			return CTL_ERR_FORMAT;
		return CTL_OK;
	}
	if (KEY("port")) {
		if (take(v, vlen, num, sizeof(num)) != CTL_OK ||
		    strspn(num, "0123456789") != vlen)
			return CTL_ERR_FORMAT;
		port = strtol(num, NULL, 10);
		if (port < 1 || port > 65535)
			return CTL_ERR_FORMAT;
		c->port = (uint16_t)port;
		return CTL_OK;
	}
#undef KEY
	return CTL_ERR_FORMAT;
}

int
bulk_config_load(const char *dir, struct bulk_sftp_conf *c,
    struct ctl_diag *d)
{
	struct bulk_sftp_conf t;
	struct ctl_diag cd;
	char path[PUB_PATH_MAX];
	uint8_t *buf = NULL;
	size_t len = 0, at = 0, n, line = 0;
	const char *nl;
	int rc;

	if ((rc = path_of(dir, BULK_CONF_FILE, path, sizeof(path), d)))
		return rc;
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "no SFTP server is "
		    "set up for bulk certificate management: run `ctlclient "
		    "bulk sftp --url sftp://USER@HOST/DIR ...` first");
	if ((rc = file_read_limited(path, CONF_MAX, &buf, &len, d)))
		return rc;
	memset(&t, 0, sizeof(t));
	rc = CTL_OK;
	while (at < len && rc == CTL_OK) {
		line++;
		nl = memchr(buf + at, '\n', len - at);
		n = nl != NULL ? (size_t)(nl - (const char *)buf) - at :
		    len - at;
		rc = conf_line(&t, (const char *)buf + at, n);
		at += n + 1;
	}
	free(buf);
	if (rc != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: line %zu is not a "
		    "setting of ours; run `ctlclient bulk sftp` again", path,
		    line);
	if (check(&t, &cd) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: %s; run `ctlclient "
		    "bulk sftp` again", path, cd.msg);
	*c = t;
	return CTL_OK;
}

int
bulk_config_save(const char *dir, const struct bulk_sftp_conf *c,
    const uint8_t *secret, size_t len, struct ctl_diag *d)
{
	char path[PUB_PATH_MAX], other[PUB_PATH_MAX];
	char text[BULK_HOST_MAX + BULK_USER_MAX + BULK_DIR_MAX +
	    BULK_FP_MAX + 128];
	int rc, n;

	if ((rc = check(c, d)) != CTL_OK)
		return rc;
	if ((rc = make_dir(dir, d)) != CTL_OK)
		return rc;
	if ((rc = path_of(dir, c->auth == BULK_AUTH_KEY ? BULK_KEY_FILE :
	    BULK_PASSWORD_FILE, path, sizeof(path), d)) ||
	    (rc = path_of(dir, c->auth == BULK_AUTH_KEY ? BULK_PASSWORD_FILE :
	    BULK_KEY_FILE, other, sizeof(other), d)))
		return rc;
	if ((rc = file_write_atomic(path, secret, len, 0600, d)) != CTL_OK)
		return rc;
	n = snprintf(text, sizeof(text), "host %s\nport %u\nuser %s\ndir %s\n"
	    "auth %s\nhostkey %s\n", c->host, c->port, c->user, c->dir,
	    bulk_auth_name(c->auth), c->hostkey);
	if (n < 0 || (size_t)n >= sizeof(text))
		return ctl_diag_set(d, CTL_ERR_INTERNAL, "settings too long");
	if ((rc = path_of(dir, BULK_CONF_FILE, path, sizeof(path), d)) ||
	    (rc = file_write_atomic(path, text, (size_t)n, 0600, d)))
		return rc;
	/* The secret of the other kind is no longer used: keep no copy. */
	if (unlink(other) != 0 && errno != ENOENT)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot remove the old "
		    "secret: %s", other, strerror(errno));
	return CTL_OK;
}

int
bulk_config_secret(const char *dir, const struct bulk_sftp_conf *c,
    char **out, size_t *len, struct ctl_diag *d)
{
	char path[PUB_PATH_MAX], *s;
	uint8_t *buf = NULL;
	size_t n = 0;
	int rc;

	if ((rc = path_of(dir, c->auth == BULK_AUTH_KEY ? BULK_KEY_FILE :
	    BULK_PASSWORD_FILE, path, sizeof(path), d)))
		return rc;
	if ((rc = file_read_limited(path, BULK_SECRET_MAX, &buf, &n, d))) {
		if (rc == CTL_ERR_IO && access(path, F_OK) != 0)
			rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "the SFTP %s is "
			    "not stored: run `ctlclient bulk sftp` again",
			    bulk_auth_name(c->auth));
		return rc;
	}
	if ((s = malloc(n + 1)) == NULL) {
		secret_wipe(buf, n);
		free(buf);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	}
	if (n > 0)
		memcpy(s, buf, n);
	s[n] = '\0';
	secret_wipe(buf, n);
	free(buf);
	*out = s;
	*len = n;
	return CTL_OK;
}

int
bulk_cluster_id(const char *dir, const char *publisher, char *out,
    struct ctl_diag *d)
{
	char path[PUB_PATH_MAX], id[BULK_ID_MAX];
	uint8_t *buf = NULL, rnd[4];
	size_t len = 0;
	int rc, n;

	if ((rc = path_of(dir, BULK_ID_FILE, path, sizeof(path), d)))
		return rc;
	if (access(path, F_OK) == 0) {
		if ((rc = file_read_limited(path, BULK_ID_MAX, &buf, &len, d)))
			return rc;
		while (len > 0 && buf[len - 1] == '\n')
			len--;
		if (!bulk_name_ok((const char *)buf, len)) {
			free(buf);
			return ctl_diag_set(d, CTL_ERR_FORMAT, "%s is damaged: "
			    "remove it (a new id is made; remove this "
			    "cluster's old files from the SFTP server)", path);
		}
		memcpy(out, buf, len);
		out[len] = '\0';
		free(buf);
		return CTL_OK;
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return ctl_diag_set(d, CTL_ERR_CRYPTO, "no random bytes");
	n = snprintf(id, sizeof(id), "%.*s-%02x%02x%02x%02x",
	    (int)(BULK_ID_MAX - 10), publisher, rnd[0], rnd[1], rnd[2],
	    rnd[3]);
	if (n < 0 || !bulk_name_ok(id, (size_t)n))
		return ctl_diag_set(d, CTL_ERR_USAGE, "the publisher's name "
		    "'%s' cannot stand in a file name (letters, digits, '.' "
		    "and '-' only)", publisher);
	if ((rc = make_dir(dir, d)) != CTL_OK ||
	    (rc = file_write_atomic(path, id, (size_t)n, 0600, d)) != CTL_OK)
		return rc;
	memcpy(out, id, (size_t)n + 1);
	return CTL_OK;
}
