/*
 * The server's certificate, checked against --cafile and the host name,
 * or against the fingerprint pinned in the known-servers file.
 */
#include "net_pin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509v3.h>

#include "ctl_err.h"
#include "file_io.h"
#include "hex.h"
#include "net_reply.h"
#include "tty.h"

#define KNOWN_SERVERS_MAX   (1024u * 1024)
#define KNOWN_SERVERS_ENV   "CTLCLIENT_KNOWN_SERVERS"

static void
fingerprint_text(const uint8_t fp[32], char out[HEX_SIZE(32)])
{
	hex_format(out, HEX_SIZE(32), fp, 32, ':', 1);
}

/* One line of certificate names for people, control bytes cleaned. */
static void
cert_names(const struct net_session *s, char *out, size_t outsz)
{
	X509 *x = SSL_get1_peer_certificate(s->conn->ssl);
	char subj[256] = "?", iss[256] = "?";

	if (x != NULL) {
		X509_NAME_oneline(X509_get_subject_name(x), subj, sizeof(subj));
		X509_NAME_oneline(X509_get_issuer_name(x), iss, sizeof(iss));
		X509_free(x);
	}
	snprintf(out, outsz, "subject %s, issuer %s", subj, iss);
	net_clean_text(out);
}

int
net_check_host_name(const struct net_session *s, const char *host,
    struct ctl_diag *d)
{
	X509 *x = SSL_get1_peer_certificate(s->conn->ssl);
	unsigned char a[16];
	char names[600];
	int ok;

	if (x == NULL)
		return ctl_diag_set(d, CTL_ERR_TLS, "%s: the server sent no "
		    "certificate", s->peer);
	if (inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1)
		ok = X509_check_ip_asc(x, host, 0) == 1;
	else
		ok = X509_check_host(x, host, 0, 0, NULL) == 1;
	X509_free(x);
	if (ok)
		return CTL_OK;
	cert_names(s, names, sizeof(names));
	return ctl_diag_set(d, CTL_ERR_TLS, "%s: the server's certificate "
	    "(%s) is trusted but does not name %s; connect by a name or "
	    "address it carries", s->peer, names, host);
}

static int
known_servers_path(char *out, size_t outsz, int *is_default,
    struct ctl_diag *d)
{
	const char *env = getenv(KNOWN_SERVERS_ENV), *home;

	*is_default = 0;
	if (env != NULL && env[0] != '\0') {
		snprintf(out, outsz, "%s", env);
		return CTL_OK;
	}
	if ((home = getenv("HOME")) == NULL || home[0] != '/')
		return ctl_diag_set(d, CTL_ERR_IO, "HOME is not set: name a "
		    "known-servers file in $%s, or use --cafile",
		    KNOWN_SERVERS_ENV);
	if ((size_t)snprintf(out, outsz, "%s/.config/ctlclient/known_servers",
	    home) >= outsz)
		return ctl_diag_set(d, CTL_ERR_IO, "HOME is too long");
	*is_default = 1;
	return CTL_OK;
}

/* Creates ~/.config and ~/.config/ctlclient (0700) when missing. */
static int
make_default_dirs(const char *path, struct ctl_diag *d)
{
	char dir[4096];
	char *slash;
	int i;

	snprintf(dir, sizeof(dir), "%s", path);
	for (i = 0; i < 2; i++) {
		if ((slash = strrchr(dir, '/')) == NULL)
			return CTL_OK;
		*slash = '\0';
	}
	/* dir is now ~/.config */
	for (i = 0; i < 2; i++) {
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot create "
			    "the directory: %s", dir, strerror(errno));
		if (i == 0)
			strncat(dir, "/ctlclient", sizeof(dir) - strlen(dir) - 1);
	}
	return CTL_OK;
}

/* Parses exactly 64 hex digits (either case), N bytes at S, into FP. */
static int
parse_fingerprint(const char *s, size_t n, uint8_t fp[32])
{
	char buf[65];

	if (n != 64)
		return CTL_ERR_FORMAT;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return hex_parse(buf, fp, 32) == 0 ? CTL_OK : CTL_ERR_FORMAT;
}

int
net_pin_lookup(const char *text, size_t len, const char *path,
    const char *peer, const uint8_t fp[32], size_t *line, uint8_t old[32],
    struct ctl_diag *d)
{
	size_t off = 0, no = 0, klen = strlen(peer), n, vlen, bad = 0;
	const char *l, *nl, *v;
	uint8_t have[32];
	int found = 0;

	while (off < len) {
		l = text + off;
		nl = memchr(l, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - l) : len - off;
		off += n + (nl != NULL);
		no++;
		while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' ||
		    l[n - 1] == '\t'))
			n--;
		if (n <= klen || memcmp(l, peer, klen) != 0 ||
		    (l[klen] != ' ' && l[klen] != '\t'))
			continue;
		v = l + klen;
		while (v < l + n && (*v == ' ' || *v == '\t'))
			v++;
		vlen = (size_t)(l + n - v);
		if (parse_fingerprint(v, vlen, have) != 0) {
			if (bad == 0)
				bad = no;
			continue;
		}
		if (memcmp(have, fp, 32) == 0) {
			*line = no;
			return CTL_OK;
		}
		if (!found) {
			*line = no;
			memcpy(old, have, 32);
			found = 1;
		}
	}
	if (found)
		return ctl_diag_set(d, CTL_ERR_TLS, "%s: the server's "
		    "certificate changed since it was pinned (%s line %zu); not "
		    "connecting", peer, path, *line);
	if (bad != 0) {
		*line = bad;
		return ctl_diag_set(d, CTL_ERR_FORMAT, "%s: line %zu names %s "
		    "but holds no SHA-256 fingerprint (64 hex digits); fix or "
		    "delete it", path, bad, peer);
	}
	return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: no line names %s", path,
	    peer);
}

static void
warn_changed(const char *peer, const char *path, size_t line,
    const uint8_t old[32], const uint8_t fp[32], const char *names)
{
	char a[HEX_SIZE(32)], b[HEX_SIZE(32)];

	fingerprint_text(fp, a);
	fingerprint_text(old, b);
	fprintf(stderr,
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "@    WARNING: THE SERVER'S CERTIFICATE HAS CHANGED!       @\n"
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
	    "Someone could be listening in on you right now (man-in-the-middle\n"
	    "attack), and would get your password and your trust lists.\n"
	    "It is also possible that the server's certificate was just\n"
	    "regenerated.\n"
	    "The certificate %s sent (%s) has the SHA-256 fingerprint\n"
	    "  %s\n"
	    "but line %zu of %s pins\n"
	    "  %s\n"
	    "Check the new fingerprint with the publisher's administrator.  If\n"
	    "the change is expected, delete line %zu of %s and connect again.\n",
	    peer, names, a, line, path, b, line, path);
}

static int
append_pin(const char *path, int is_default, const char *old, size_t oldlen,
    const char *peer, const uint8_t fp[32], struct ctl_diag *d)
{
	char hex[HEX_SIZE(32)], *buf = NULL;
	size_t n = 0, cap;
	int r;

	if (is_default && (r = make_default_dirs(path, d)) != CTL_OK)
		return r;
	hex_format(hex, sizeof(hex), fp, 32, '\0', 0);
	cap = oldlen + strlen(peer) + sizeof(hex) + 4;
	if ((buf = malloc(cap)) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	if (oldlen > 0) {
		memcpy(buf, old, oldlen);
		n = oldlen;
		if (buf[n - 1] != '\n')
			buf[n++] = '\n';
	}
	n += (size_t)snprintf(buf + n, cap - n, "%s %s\n", peer, hex);
	r = file_write_atomic(path, buf, n, 0600, d);
	free(buf);
	return r;
}

int
net_pin_check(const struct net_session *s, const struct net_opts *o,
    struct ctl_diag *d)
{
	char path[4096], fptext[HEX_SIZE(32)], names[600], question[2048];
	uint8_t fp[32], old[32], *text = NULL;
	size_t len = 0, line = 0;
	struct ctl_diag ld;
	struct stat st;
	int r, is_default;

	if (proto_peer_sha256(s->conn, fp) != CTL_OK)
		return ctl_diag_set(d, CTL_ERR_TLS, "%s: cannot read the "
		    "server's certificate", s->peer);
	if ((r = known_servers_path(path, sizeof(path), &is_default, d)))
		return r;
	if (stat(path, &st) == 0) {
		if ((r = file_read_limited(path, KNOWN_SERVERS_MAX, &text,
		    &len, d)) != CTL_OK)
			return r;
	} else if (errno != ENOENT) {
		return ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
		    strerror(errno));
	}
	cert_names(s, names, sizeof(names));
	fingerprint_text(fp, fptext);
	ctl_diag_clear(&ld);
	r = net_pin_lookup((const char *)text, len, path, s->peer, fp, &line,
	    old, &ld);
	if (r == CTL_OK)
		goto out;
	if (r == CTL_ERR_TLS)
		warn_changed(s->peer, path, line, old, fp, names);
	if (r != CTL_ERR_NOT_FOUND) {
		r = ctl_diag_set(d, CTL_ERR_TLS, "%s", ld.msg);
		goto out;
	}
	if (!o->accept_new) {
		if (!tty_present()) {
			r = ctl_diag_set(d, CTL_ERR_TLS, "%s: server not known "
			    "(certificate SHA-256 %s) and no terminal to ask "
			    "on; check the fingerprint, then pin it with "
			    "--accept-new, or use --cafile", s->peer, fptext);
			goto out;
		}
		snprintf(question, sizeof(question), "The authenticity of "
		    "server %s can't be established.\nIts certificate: %s\n"
		    "SHA-256 fingerprint: %s\nAre you sure you want to trust "
		    "it and continue connecting?", s->peer, names, fptext);
		if ((r = tty_confirm(question, "--accept-new", d)) ==
		    CTL_ERR_CANCELLED) {
			r = ctl_diag_set(d, CTL_ERR_CANCELLED, "%s: server not "
			    "trusted; not connecting", s->peer);
			goto out;
		}
		if (r != CTL_OK)
			goto out;
	}
	if ((r = append_pin(path, is_default, (const char *)text, len,
	    s->peer, fp, d)) != CTL_OK)
		goto out;
	fprintf(stderr, "ctlclient: pinned the certificate of %s (SHA-256 "
	    "%s) in %s\n", s->peer, fptext, path);
out:
	free(text);
	return r;
}
