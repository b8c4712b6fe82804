/* The SFTP connection of bulk certificate management: see bulk_sftp.h. */
#include "bulk_sftp.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "clock.h"
#include "ctl_err.h"
#include "secret.h"

struct bulk_sftp {
	ssh_session ssh;
	sftp_session sftp;
	char where[400];   /* "SFTP server user@host:port" */
	char dir[BULK_DIR_MAX + 1];
	long long deadline;     /* ctl_now_ms(): no new step after it */
};

/* Refuses a new step once the connection has used its time. */
static int
in_time(const struct bulk_sftp *s, struct ctl_diag *d)
{
	if (ctl_now_ms() < s->deadline)
		return CTL_OK;
	return ctl_diag_set(d, CTL_ERR_TIMEOUT, "%s is too slow: the work "
	    "did not end within %d s; check the server and its network, then "
	    "run the command again", s->where, BULK_SFTP_TOTAL_S);
}

/* libssh's last message for S, cleaned of control bytes for a reply. */
static const char *
ssh_msg(struct bulk_sftp *s, char *buf, size_t bufsz)
{
	size_t i;

	snprintf(buf, bufsz, "%s", ssh_get_error(s->ssh));
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	return buf[0] != '\0' ? buf : "no reason given";
}

/* DIR/NAME of S into OUT. */
static int
remote_path(const struct bulk_sftp *s, const char *name, char *out,
    size_t outsz, struct ctl_diag *d)
{
	int n = snprintf(out, outsz, "%s/%s", strcmp(s->dir, "/") == 0 ? "" :
	    s->dir, name);

	if (n < 0 || (size_t)n >= outsz)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s/%s: path too long",
		    s->dir, name);
	return CTL_OK;
}

/* What an SFTP failure means, for people. */
static int
sftp_fail(struct bulk_sftp *s, const char *what, const char *path,
    struct ctl_diag *d)
{
	char m[256];
	int e = s->sftp != NULL ? sftp_get_error(s->sftp) : 0;

	switch (e) {
	case SSH_FX_NO_SUCH_FILE:
	case SSH_FX_NO_SUCH_PATH:
		return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: %s %s: no such "
		    "file or directory", s->where, what, path);
	case SSH_FX_PERMISSION_DENIED:
		return ctl_diag_set(d, CTL_ERR_REFUSED, "%s: %s %s: permission "
		    "denied; let the SFTP user read and write there",
		    s->where, what, path);
	case SSH_FX_OK:
	case SSH_FX_EOF:
	case SSH_FX_FAILURE:
		break;
	default:
		return ctl_diag_set(d, CTL_ERR_REFUSED, "%s: %s %s: SFTP "
		    "error %d", s->where, what, path, e);
	}
	return ctl_diag_set(d, CTL_ERR_NETWORK, "%s: %s %s failed: %s",
	    s->where, what, path, ssh_msg(s, m, sizeof(m)));
}

int
bulk_sftp_connect(const struct bulk_sftp_conf *c, struct bulk_sftp **out,
    char fp[BULK_FP_MAX], struct ctl_diag *d)
{
	struct bulk_sftp *s;
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *f = NULL, m[256];
	long timeout = BULK_SFTP_TIMEOUT_S;
	unsigned port = c->port;
	bool no = false;
	int rc = CTL_ERR_INTERNAL;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	snprintf(s->where, sizeof(s->where), "SFTP server %s@%s:%u", c->user,
	    c->host, c->port);
	snprintf(s->dir, sizeof(s->dir), "%s", c->dir);
	s->deadline = ctl_deadline_ms(BULK_SFTP_TOTAL_S * 1000UL);
	if ((s->ssh = ssh_new()) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Only what is set here: no ~/.ssh/config, no known_hosts of the
	 * account the publisher runs as (the pin is ours). */
	if (ssh_options_set(s->ssh, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s->ssh, SSH_OPTIONS_HOST, c->host) < 0 ||
	    ssh_options_set(s->ssh, SSH_OPTIONS_PORT, &port) < 0 ||
	    ssh_options_set(s->ssh, SSH_OPTIONS_USER, c->user) < 0 ||
	    ssh_options_set(s->ssh, SSH_OPTIONS_TIMEOUT, &timeout) < 0 ||
	    ssh_options_set(s->ssh, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(s->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
	    "/dev/null") < 0) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "%s: %s", s->where,
		    ssh_msg(s, m, sizeof(m)));
		goto out;
	}
	if (ssh_connect(s->ssh) != SSH_OK) {
		rc = ctl_diag_set(d, CTL_ERR_NETWORK, "%s: cannot connect: %s; "
		    "check that the server runs and the address and port are "
		    "right (ctlclient bulk sftp)", s->where,
		    ssh_msg(s, m, sizeof(m)));
		goto out;
	}
	if (ssh_get_server_publickey(s->ssh, &key) != SSH_OK ||
	    ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != SSH_OK ||
	    (f = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash,
	    hlen)) == NULL || strlen(f) >= BULK_FP_MAX) {
		rc = ctl_diag_set(d, CTL_ERR_NETWORK, "%s: cannot read its host "
		    "key: %s", s->where, ssh_msg(s, m, sizeof(m)));
		goto out;
	}
	snprintf(fp, BULK_FP_MAX, "%s", f);
	*out = s;
	s = NULL; /* transferred */
	rc = CTL_OK;
out:
	ssh_string_free_char(f);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	bulk_sftp_close(s);
	return rc;
}

int
bulk_sftp_login(struct bulk_sftp *s, const struct bulk_sftp_conf *c,
    const char *secret, size_t len, struct ctl_diag *d)
{
	ssh_key key = NULL;
	char m[256];
	int r;

	if (strlen(secret) != len)
		return ctl_diag_set(d, CTL_ERR_KEY, "the SFTP %s holds a NUL "
		    "byte", bulk_auth_name(c->auth));
	if (c->auth == BULK_AUTH_KEY) {
		if (ssh_pki_import_privkey_base64(secret, NULL, NULL, NULL,
		    &key) != SSH_OK)
			return ctl_diag_set(d, CTL_ERR_KEY, "the SFTP private "
			    "key cannot be read (an OpenSSH or PEM key without "
			    "a passphrase is needed)");
		r = ssh_userauth_publickey(s->ssh, NULL, key);
		ssh_key_free(key);
	} else {
		r = ssh_userauth_password(s->ssh, NULL, secret);
	}
	if (r == SSH_AUTH_DENIED || r == SSH_AUTH_PARTIAL)
		return ctl_diag_set(d, CTL_ERR_REFUSED, "%s refused the %s: check "
		    "the user and the %s, then run `ctlclient bulk sftp` again",
		    s->where, bulk_auth_name(c->auth), bulk_auth_name(c->auth));
	if (r != SSH_AUTH_SUCCESS)
		return ctl_diag_set(d, CTL_ERR_NETWORK, "%s: login failed: %s",
		    s->where, ssh_msg(s, m, sizeof(m)));
	if ((s->sftp = sftp_new(s->ssh)) == NULL)
		return ctl_diag_set(d, CTL_ERR_NETWORK, "%s: cannot open an SFTP "
		    "channel: %s", s->where, ssh_msg(s, m, sizeof(m)));
	if (sftp_init(s->sftp) != SSH_OK)
		return ctl_diag_set(d, CTL_ERR_NETWORK, "%s: the SFTP subsystem "
		    "does not start: %s", s->where, ssh_msg(s, m, sizeof(m)));
	return CTL_OK;
}

int
bulk_sftp_open(const char *dir, struct bulk_sftp_conf *c,
    struct bulk_sftp **out, struct ctl_diag *d)
{
	struct bulk_sftp *s = NULL;
	char fp[BULK_FP_MAX], *secret = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = bulk_config_load(dir, c, d)) != CTL_OK ||
	    (rc = bulk_sftp_connect(c, &s, fp, d)) != CTL_OK)
		goto out;
	if (strcmp(fp, c->hostkey) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "%s: its host key has "
		    "changed: pinned %s, now %s.  Nothing was sent to it.  If "
		    "the server's key was changed on purpose (check with its "
		    "administrator), run `ctlclient bulk sftp` again to pin "
		    "the new key", s->where, c->hostkey, fp);
		goto out;
	}
	if ((rc = bulk_config_secret(dir, c, &secret, &len, d)) != CTL_OK)
		goto out;
	rc = bulk_sftp_login(s, c, secret, len, d);
	secret_free_str(secret);
	if (rc != CTL_OK)
		goto out;
	*out = s;
	s = NULL; /* transferred */
out:
	bulk_sftp_close(s);
	return rc;
}

void
bulk_sftp_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
}

static bool
name_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int
bulk_sftp_list(struct bulk_sftp *s, char ***names, size_t *n,
    struct ctl_diag *d)
{
	sftp_dir dir;
	sftp_attributes a;
	char **v = NULL;
	size_t k = 0;
	int rc = CTL_OK;

	*names = NULL;
	*n = 0;
	if ((rc = in_time(s, d)) != CTL_OK)
		return rc;
	if ((dir = sftp_opendir(s->sftp, s->dir)) == NULL)
		return sftp_fail(s, "listing", s->dir, d);
	if ((v = calloc(BULK_LIST_MAX, sizeof(*v))) == NULL) {
		sftp_closedir(dir);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	}
	while (rc == CTL_OK && (a = sftp_readdir(s->sftp, dir)) != NULL) {
		if (a->name != NULL &&
		    a->type == SSH_FILEXFER_TYPE_REGULAR &&
		    name_printable(a->name)) {
			if (k == BULK_LIST_MAX)
				rc = ctl_diag_set(d, CTL_ERR_TOO_BIG, "%s: %s "
				    "holds more than %d files; clear it out",
				    s->where, s->dir, BULK_LIST_MAX);
			else if ((v[k] = strdup(a->name)) == NULL)
				rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of "
				    "memory");
			else
				k++;
		}
		sftp_attributes_free(a);
		if (rc == CTL_OK)
			rc = in_time(s, d);
	}
	if (rc == CTL_OK && !sftp_dir_eof(dir))
		rc = sftp_fail(s, "listing", s->dir, d);
	sftp_closedir(dir);
	if (rc != CTL_OK) {
		bulk_sftp_names_free(v, k);
		return rc;
	}
	*names = v;
	*n = k;
	return CTL_OK;
}

int
bulk_sftp_get(struct bulk_sftp *s, const char *name, uint8_t **out,
    size_t *len, struct ctl_diag *d)
{
	char path[BULK_DIR_MAX + BULK_NAME_MAX + 2];
	sftp_file f = NULL;
	uint8_t *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = in_time(s, d)) != CTL_OK ||
	    (rc = remote_path(s, name, path, sizeof(path), d)) != CTL_OK)
		return rc;
	if ((f = sftp_open(s->sftp, path, O_RDONLY, 0)) == NULL)
		return sftp_fail(s, "reading", path, d);
	/* One byte more than the limit tells a file that is too big. */
	if ((buf = malloc(BULK_FILE_MAX + 1)) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (n <= BULK_FILE_MAX) {
		if ((rc = in_time(s, d)) != CTL_OK)
			goto out;
		r = sftp_read(f, buf + n, BULK_FILE_MAX + 1 - n);
		if (r < 0) {
			rc = sftp_fail(s, "reading", path, d);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > BULK_FILE_MAX) {
		rc = ctl_diag_set(d, CTL_ERR_TOO_BIG, "%s: %s is larger than "
		    "%u bytes: not a file of ours", s->where, path,
		    BULK_FILE_MAX);
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL; /* transferred */
	rc = CTL_OK;
out:
	free(buf);
	sftp_close(f);
	return rc;
}

int
bulk_sftp_put(struct bulk_sftp *s, const char *name, const uint8_t *p,
    size_t len, struct ctl_diag *d)
{
	char path[BULK_DIR_MAX + BULK_NAME_MAX + 2];
	char tmp[BULK_DIR_MAX + BULK_NAME_MAX + 16], tname[BULK_NAME_MAX + 8];
	sftp_file f;
	size_t at = 0;
	ssize_t r;
	int rc;

	snprintf(tname, sizeof(tname), ".%s.part", name);
	if ((rc = in_time(s, d)) != CTL_OK ||
	    (rc = remote_path(s, name, path, sizeof(path), d)) != CTL_OK ||
	    (rc = remote_path(s, tname, tmp, sizeof(tmp), d)) != CTL_OK)
		return rc;
	if ((f = sftp_open(s->sftp, tmp, O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) == NULL)
		return sftp_fail(s, "writing", tmp, d);
	while (at < len) {
		if ((rc = in_time(s, d)) != CTL_OK ||
		    (r = sftp_write(f, p + at, len - at)) <= 0) {
			if (rc == CTL_OK)
				rc = sftp_fail(s, "writing", tmp, d);
			sftp_close(f);
			(void)sftp_unlink(s->sftp, tmp);
			return rc;
		}
		at += (size_t)r;
	}
	if (sftp_close(f) != SSH_OK) {
		rc = sftp_fail(s, "writing", tmp, d);
		(void)sftp_unlink(s->sftp, tmp);
		return rc;
	}
	/* Plain SFTP renames refuse an existing target: remove it first
	 * when that is why (the old file stays whole until then). */
	if (sftp_rename(s->sftp, tmp, path) != SSH_OK &&
	    (sftp_unlink(s->sftp, path) != SSH_OK ||
	    sftp_rename(s->sftp, tmp, path) != SSH_OK)) {
		rc = sftp_fail(s, "renaming into", path, d);
		(void)sftp_unlink(s->sftp, tmp);
		return rc;
	}
	return CTL_OK;
}

void
bulk_sftp_close(struct bulk_sftp *s)
{
	if (s == NULL)
		return;
	if (s->sftp != NULL)
		sftp_free(s->sftp);
	if (s->ssh != NULL) {
		if (ssh_is_connected(s->ssh))
			ssh_disconnect(s->ssh);
		ssh_free(s->ssh);
	}
	free(s);
}
