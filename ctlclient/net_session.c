/* A logged-in connection to a CTL Provider, shared by the network commands. */
#include "net_session.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "commands.h"
#include "ctl_err.h"
#include "file_io.h"
#include "hex.h"
#include "secret.h"
#include "tty.h"

#define KNOWN_SERVERS_MAX   (1024u * 1024)
#define KNOWN_SERVERS_ENV   "CTLCLIENT_KNOWN_SERVERS"
#define PASSWORD_ENV        "CTLCLIENT_PASSWORD"

/* --- options --- */

void
net_opts_init(struct net_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = NET_DEFAULT_PORT;
	o->user = NET_DEFAULT_USER;
	o->timeout_s = NET_DEFAULT_TIMEOUT;
}

static int
host_char_ok(int c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

/* HOST[:PORT], [IPV6][:PORT].  Hosts are lowercased so that one server
 * has one pin. */
static int
parse_server(struct net_opts *o, const char *arg)
{
	const char *host = arg, *port = NULL, *end;
	struct in6_addr a6;
	char *stop;
	unsigned long p;
	size_t n, i;

	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL)
			goto bad_host;
		host = arg + 1;
		n = (size_t)(end - host);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			goto bad_host;
	} else {
		end = strchr(arg, ':');
		if (end != NULL && strchr(end + 1, ':') != NULL) {
			cli_error("--server %s: put an IPv6 address in brackets, "
			    "[ADDRESS]:PORT", arg);
			return -1;
		}
		n = end != NULL ? (size_t)(end - arg) : strlen(arg);
		if (end != NULL)
			port = end + 1;
	}
	if (n == 0 || n > NET_MAX_HOST)
		goto bad_host;
	memcpy(o->host, host, n);
	o->host[n] = '\0';
	if (arg[0] == '[') {
		if (inet_pton(AF_INET6, o->host, &a6) != 1)
			goto bad_host;
	} else {
		if (o->host[0] == '-' || o->host[0] == '.')
			goto bad_host;
		for (i = 0; i < n; i++)
			if (!host_char_ok(o->host[i]))
				goto bad_host;
	}
	for (i = 0; i < n; i++)
		o->host[i] = (char)tolower((unsigned char)o->host[i]);
	o->port = NET_DEFAULT_PORT;
	if (port != NULL) {
		errno = 0;
		p = strtoul(port, &stop, 10);
		if (!isdigit((unsigned char)port[0]) || *stop != '\0' ||
		    errno != 0 || p == 0 || p > 65535) {
			cli_error("--server %s: the port must be a number from "
			    "1 to 65535", arg);
			return -1;
		}
		o->port = (uint16_t)p;
	}
	o->have_server = 1;
	return 0;
bad_host:
	cli_error("--server %s: not a host name or address (HOST[:PORT])",
	    arg);
	return -1;
}

int
net_opt(struct net_opts *o, int c, const char *arg)
{
	unsigned long v;
	char *stop;

	switch (c) {
	case NET_OPT_SERVER:
		return parse_server(o, arg);
	case NET_OPT_USER:
		if (arg[0] == '\0' || strlen(arg) > NET_MAX_USER) {
			cli_error("--user: a name of 1 to %d bytes",
			    NET_MAX_USER);
			return -1;
		}
		o->user = arg;
		return 0;
	case NET_OPT_PASSWORD_FILE:
		o->password_file = arg;
		return 0;
	case NET_OPT_CAFILE:
		o->cafile = arg;
		return 0;
	case NET_OPT_ACCEPT_NEW:
		o->accept_new = 1;
		return 0;
	case NET_OPT_TIMEOUT:
		errno = 0;
		v = strtoul(arg, &stop, 10);
		if (!isdigit((unsigned char)arg[0]) || *stop != '\0' ||
		    errno != 0 || v == 0 || v > NET_MAX_TIMEOUT) {
			cli_error("--timeout %s: seconds, from 1 to %d", arg,
			    NET_MAX_TIMEOUT);
			return -1;
		}
		o->timeout_s = (int)v;
		return 0;
	}
	/* getopt_long has already said what was wrong. */
	cli_error("see --help for the options");
	return -1;
}

int
net_opts_check(const struct net_opts *o)
{
	if (!o->have_server) {
		cli_error("--server HOST[:PORT] is required");
		return -1;
	}
	return 0;
}

/* --- the terminal --- */

int
net_confirm(const char *question, const char *script_option,
    struct ctl_diag *d)
{
	char prompt[1024], answer[16];
	int r;

	snprintf(prompt, sizeof(prompt), "%s (y/n): ", question);
	if ((r = tty_read_line(prompt, true, answer, sizeof(answer), d)) != CTL_OK) {
		if (r == CTL_ERR_USAGE)
			return ctl_diag_set(d, CTL_ERR_CANCELLED, "no terminal "
			    "to confirm on; after checking what it does, "
			    "confirm with %s", script_option);
		return r;
	}
	if (strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0)
		return CTL_OK;
	return ctl_diag_set(d, CTL_ERR_CANCELLED, "stopped: not confirmed");
}

/* --- the password --- */

/* Takes the first line of the file; refuses files others can read or
 * write, as ssh refuses such private keys. */
static int
password_from_file(const char *path, char *pw, size_t pwsz,
    struct ctl_diag *d)
{
	char buf[NET_MAX_PASSWORD + 3];
	struct stat st;
	ssize_t got;
	size_t n = 0;
	char *nl;
	int fd, r = CTL_ERR_IO;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return ctl_diag_set(d, CTL_ERR_IO, "%s: cannot open the "
		    "password file: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: the password file is open "
		    "to group or others (mode %04o); refusing to use it: "
		    "chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: the password file belongs "
		    "to another user (uid %u); refusing to use it", path,
		    (unsigned)st.st_uid);
		goto out;
	}
	while (n < sizeof(buf) - 1) {
		got = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = ctl_diag_set(d, CTL_ERR_IO, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	else if (n == sizeof(buf) - 1) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: the password is longer "
		    "than %d bytes", path, NET_MAX_PASSWORD);
		goto out;
	}
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	if (n == 0 || n > NET_MAX_PASSWORD || n >= pwsz) {
		r = ctl_diag_set(d, CTL_ERR_IO, "%s: the first line must hold "
		    "a password of 1 to %d bytes", path, NET_MAX_PASSWORD);
		goto out;
	}
	memcpy(pw, buf, n + 1);
	r = CTL_OK;
out:
	secret_wipe(buf, sizeof(buf));
	close(fd);
	return r;
}

/* The password from a file, the environment, or (when ASK) the terminal.
 * *HAVE says whether one was found without asking. */
static int
password_get(const struct net_opts *o, const char *peer, int ask, char *pw,
    size_t pwsz, int *have, struct ctl_diag *d)
{
	const char *env;
	char prompt[NET_MAX_USER + NET_MAX_HOST + 40];
	int r;

	*have = 0;
	if (o->password_file != NULL) {
		if ((r = password_from_file(o->password_file, pw, pwsz, d)))
			return r;
		*have = 1;
		return CTL_OK;
	}
	if ((env = getenv(PASSWORD_ENV)) != NULL && env[0] != '\0') {
		if (strlen(env) > NET_MAX_PASSWORD)
			return ctl_diag_set(d, CTL_ERR_AUTH, "$%s is longer "
			    "than %d bytes", PASSWORD_ENV, NET_MAX_PASSWORD);
		snprintf(pw, pwsz, "%s", env);
		*have = 1;
		return CTL_OK;
	}
	if (!ask)
		return CTL_OK;
	snprintf(prompt, sizeof(prompt), "Password for %s@%s: ", o->user, peer);
	r = tty_read_line(prompt, false, pw, pwsz, d);
	if (r == CTL_ERR_USAGE)
		return ctl_diag_set(d, CTL_ERR_AUTH, "no password: no terminal "
		    "to ask on; use --password-file FILE or $%s",
		    PASSWORD_ENV);
	if (r == CTL_OK && pw[0] == '\0')
		r = ctl_diag_set(d, CTL_ERR_CANCELLED, "no password was typed");
	if (r == CTL_OK)
		*have = 1;
	return r;
}

/* --- the server's certificate --- */

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
	size_t i;

	if (x != NULL) {
		X509_NAME_oneline(X509_get_subject_name(x), subj, sizeof(subj));
		X509_NAME_oneline(X509_get_issuer_name(x), iss, sizeof(iss));
		X509_free(x);
	}
	snprintf(out, outsz, "subject %s, issuer %s", subj, iss);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
}

/* With --cafile the chain was checked in the handshake; the certificate
 * must also name the host we meant to reach. */
static int
check_host_name(const struct net_session *s, const char *host,
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
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return hex_parse(buf, fp, 32);
}

/*
 * Looks PEER up in TEXT (LEN bytes): 1 and the line number in *LINE when
 * a line pins FP, 0 when no line names PEER, -1 (and the first line
 * naming PEER in *LINE, its fingerprint in OLD) when lines name PEER
 * with other fingerprints only.
 */
static int
pin_lookup(const char *text, size_t len, const char *peer,
    const uint8_t fp[32], size_t *line, uint8_t old[32], char *bad,
    size_t badsz)
{
	size_t off = 0, no = 0, klen = strlen(peer), n, vlen;
	const char *l, *nl, *v;
	uint8_t have[32];
	int found = 0;

	bad[0] = '\0';
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
			if (bad[0] == '\0')
				snprintf(bad, badsz, "line %zu", no);
			continue;
		}
		if (memcmp(have, fp, 32) == 0) {
			*line = no;
			return 1;
		}
		if (!found) {
			*line = no;
			memcpy(old, have, 32);
			found = 1;
		}
	}
	return found ? -1 : 0;
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

/* Without --cafile: the certificate must match its pin, or be pinned now
 * (first contact) when the person agrees or --accept-new says so. */
static int
check_pin(const struct net_session *s, const struct net_opts *o,
    struct ctl_diag *d)
{
	char path[4096], bad[32], fptext[HEX_SIZE(32)], names[600];
	char question[2048], answer[8];
	uint8_t fp[32], old[32], *text = NULL;
	size_t len = 0, line = 0;
	struct stat st;
	int r, is_default, found;

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
	found = pin_lookup((const char *)text, len, s->peer, fp, &line, old,
	    bad, sizeof(bad));
	if (found == 1) {
		r = CTL_OK;
		goto out;
	}
	if (found == -1) {
		warn_changed(s->peer, path, line, old, fp, names);
		r = ctl_diag_set(d, CTL_ERR_TLS, "%s: the server's certificate "
		    "changed since it was pinned (%s line %zu); not "
		    "connecting", s->peer, path, line);
		goto out;
	}
	if (bad[0] != '\0') {
		r = ctl_diag_set(d, CTL_ERR_TLS, "%s: %s names %s but holds no "
		    "SHA-256 fingerprint (64 hex digits); fix or delete it",
		    path, bad, s->peer);
		goto out;
	}
	if (!o->accept_new) {
		snprintf(question, sizeof(question), "The authenticity of "
		    "server %s can't be established.\nIts certificate: %s\n"
		    "SHA-256 fingerprint: %s\nAre you sure you want to trust "
		    "it and continue connecting (yes/no)? ", s->peer, names,
		    fptext);
		r = tty_read_line(question, true, answer, sizeof(answer), d);
		if (r == CTL_ERR_USAGE) {
			r = ctl_diag_set(d, CTL_ERR_TLS, "%s: server not known "
			    "(certificate SHA-256 %s) and no terminal to ask "
			    "on; check the fingerprint, then pin it with "
			    "--accept-new, or use --cafile", s->peer, fptext);
			goto out;
		}
		if (r != CTL_OK)
			goto out;
		if (strcasecmp(answer, "yes") != 0) {
			r = ctl_diag_set(d, CTL_ERR_CANCELLED, "%s: server not "
			    "trusted; not connecting", s->peer);
			goto out;
		}
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

/* --- login --- */

static int
login_error(uint32_t code)
{
	switch (code) {
	case PE_LOGIN_REQUIRED: case PE_LOGIN_REFUSED: case PE_RATE_LIMITED:
		return CTL_ERR_AUTH;
	}
	return CTL_ERR_REFUSED;
}

static void
clean_text(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/*
 * LOGIN, built and written here rather than through proto_call so that
 * every copy of the frame holding the password is wiped as soon as it
 * is sent; PW itself is wiped by the caller at the same point.
 */
static int
login(struct net_session *s, const char *user, char *pw, struct ctl_diag *d)
{
	struct proto_out o;
	struct proto_header h;
	struct proto_fields fs = { NULL, 0 };
	struct ctl_diag pd;
	uint8_t *frame = NULL, *payload = NULL;
	char msg[NET_MAX_MESSAGE + 1] = "";
	uint32_t code = 0;
	size_t len = 0, done = 0;
	int r, ret;

	net_request(s, &o, PROTO_LOGIN);
	proto_put_str(&o, PT_USER, user);
	proto_put_str(&o, PT_PASSWORD, pw);
	r = proto_out_finish(&o, &frame, &len);
	secret_wipe(o.payload.p, o.payload.len);
	proto_out_free(&o);
	if (r != CTL_OK) {
		r = ctl_diag_set(d, r, "cannot encode LOGIN: %s",
		    ctl_strerror(r));
		goto out;
	}
	while (done < len) {
		ERR_clear_error();
		ret = SSL_write(s->conn->ssl, frame + done, (int)(len - done));
		if (ret <= 0) {
			r = ctl_diag_set(d, CTL_ERR_NETWORK, "%s: the "
			    "connection broke while logging in", s->peer);
			ERR_clear_error();
			goto out;
		}
		done += (size_t)ret;
	}
	secret_wipe(frame, len);
	secret_wipe(pw, strlen(pw));
	if ((r = proto_recv(s->conn, &h, &payload, d)) != CTL_OK)
		goto out;
	if (h.id != o.id || (h.type != PROTO_OK && h.type != PROTO_ERROR)) {
		r = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: answer of type "
		    "0x%02x to request %u, expected one to LOGIN (request %u)",
		    s->peer, h.type, h.id, o.id);
		goto out;
	}
	if ((r = proto_fields_parse(payload, h.length, false, &fs, &pd))) {
		r = ctl_diag_set(d, r, "%s: malformed answer to LOGIN: %s",
		    s->peer, pd.msg);
		goto out;
	}
	if (h.type == PROTO_OK) {
		r = net_only_fields(&fs, NULL, 0, "LOGIN", d);
		goto out;
	}
	if ((r = proto_get_u32(&fs, PT_ERROR, true, &code, &pd)) != CTL_OK) {
		r = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: malformed error "
		    "answer to LOGIN: %s", s->peer, pd.msg);
		goto out;
	}
	(void)proto_get_str(&fs, PT_MESSAGE, false, msg, NET_MAX_MESSAGE,
	    NULL);
	clean_text(msg);
	r = ctl_diag_set(d, login_error(code), "%s: login as %s refused: %s",
	    s->peer, user, msg[0] ? msg : "no reason given");
out:
	if (frame != NULL) {
		secret_wipe(frame, len);
		free(frame);
	}
	proto_fields_free(&fs);
	free(payload);
	return r;
}

int
net_open(const struct net_opts *o, struct net_session **out,
    struct ctl_diag *d)
{
	struct net_session *s = NULL;
	char pw[NET_MAX_PASSWORD + 1] = "";
	int r, have_pw = 0;

	*out = NULL;
	signal(SIGPIPE, SIG_IGN);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	s->next_id = 1;
	s->timeout_s = o->timeout_s;
	if (strchr(o->host, ':') != NULL)
		snprintf(s->peer, sizeof(s->peer), "[%s]:%u", o->host, o->port);
	else
		snprintf(s->peer, sizeof(s->peer), "%s:%u", o->host, o->port);
	/* A bad password file fails before any connection is made. */
	if ((r = password_get(o, s->peer, 0, pw, sizeof(pw), &have_pw, d)))
		goto fail;
	if ((r = proto_tls_client_ctx(o->cafile, NULL, NULL, &s->ctx, d)))
		goto fail;
	if ((r = proto_connect(s->ctx, o->host, o->port, o->timeout_s * 1000,
	    &s->conn, d)) != CTL_OK)
		goto fail;
	if (o->cafile != NULL)
		r = check_host_name(s, o->host, d);
	else
		r = check_pin(s, o, d);
	if (r != CTL_OK)
		goto fail;
	/* Asked only now: never type a password for an unchecked server. */
	if (!have_pw && (r = password_get(o, s->peer, 1, pw, sizeof(pw),
	    &have_pw, d)) != CTL_OK)
		goto fail;
	if ((r = login(s, o->user, pw, d)) != CTL_OK)
		goto fail;
	secret_wipe(pw, sizeof(pw));
	*out = s;
	return CTL_OK;
fail:
	secret_wipe(pw, sizeof(pw));
	net_close(s);
	return r;
}

void
net_request(struct net_session *s, struct proto_out *r, uint8_t type)
{
	proto_out_init(r, type, s->next_id++);
}

int
net_call(struct net_session *s, struct proto_out *r, struct net_reply *a,
    struct ctl_diag *d)
{
	int rc = proto_call(s->conn, r, &a->fs, &a->payload, d);

	if (rc != CTL_OK && d != NULL)
		clean_text(d->msg);
	return rc;
}

static void
set_read_timeout(int fd, int seconds)
{
	struct timeval tv = { seconds, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int
net_call_change(struct net_session *s, struct proto_out *r,
    struct net_reply *a, struct ctl_diag *d)
{
	int rc;

	set_read_timeout(s->conn->fd, s->timeout_s * NET_CHANGE_FACTOR);
	rc = net_call(s, r, a, d);
	set_read_timeout(s->conn->fd, s->timeout_s);
	return rc;
}

void
net_reply_free(struct net_reply *a)
{
	proto_fields_free(&a->fs);
	free(a->payload);
	a->payload = NULL;
}

void
net_close(struct net_session *s)
{
	if (s == NULL)
		return;
	proto_close(s->conn);
	SSL_CTX_free(s->ctx);
	free(s);
}

/* --- checking answers --- */

int
net_only_fields(const struct proto_fields *fs, const uint16_t *allowed,
    size_t n, const char *what, struct ctl_diag *d)
{
	size_t i, k;

	for (i = 0; i < fs->n; i++) {
		for (k = 0; k < n; k++)
			if (fs->f[i].tag == allowed[k])
				break;
		if (k == n)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "the answer to "
			    "%s holds an unexpected %s field", what,
			    proto_tag_name(fs->f[i].tag) ?
			    proto_tag_name(fs->f[i].tag) : "?");
	}
	return CTL_OK;
}

int
net_get_sha1(const struct proto_fields *fs, uint16_t tag, int required,
    int empty_ok, char out[41], int *have, struct ctl_diag *d)
{
	const uint8_t *p = NULL;
	size_t n = 0;
	int r;

	out[0] = '\0';
	*have = 0;
	r = proto_get_bytes(fs, tag, required, 20, &p, &n, d);
	if (r == CTL_ERR_NOT_FOUND)
		return CTL_OK;
	if (r != CTL_OK)
		return r;
	if (n == 0 && empty_ok)
		return CTL_OK;
	if (n != 20)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "field %s is %zu bytes, "
		    "expected 20", proto_tag_name(tag), n);
	hex_format(out, 41, p, 20, '\0', 0);
	*have = 1;
	return CTL_OK;
}

static int
result_parse(const struct proto_fields *g, struct net_result *r,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_NAME, PT_FILENAME, PT_STATUS,
	    PT_MESSAGE };
	uint8_t status;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = net_only_fields(g, allowed, 4, "a RESULT", d)) ||
	    (rc = proto_get_str(g, PT_NAME, true, r->name, 64, d)) ||
	    (rc = proto_get_str(g, PT_FILENAME, true, r->filename,
	    sizeof(r->filename) - 1, d)) ||
	    (rc = proto_get_u8(g, PT_STATUS, true, &status, d)))
		return rc;
	rc = proto_get_str(g, PT_MESSAGE, false, r->message, NET_MAX_MESSAGE,
	    d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	if (strcmp(r->filename, "CTLFile.tlv") != 0 &&
	    strcmp(r->filename, "ITLFile.tlv") != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "FILENAME is neither "
		    "CTLFile.tlv nor ITLFile.tlv");
	if (status > 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "STATUS %u is neither "
		    "0 (Passed) nor 1 (Failed)", status);
	r->passed = status == 0;
	clean_text(r->name);
	clean_text(r->message);
	return CTL_OK;
}

int
net_results_parse(const struct proto_fields *fs, struct net_result **out,
    size_t *n, struct ctl_diag *d)
{
	struct proto_fields g = { NULL, 0 };
	struct net_result *r = NULL;
	struct ctl_diag gd;
	size_t i, count = proto_count(fs, PT_RESULT);
	int rc = CTL_OK;

	*out = NULL;
	*n = 0;
	if (count == 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "the answer names no "
		    "node (no RESULT field)");
	if ((r = calloc(count, sizeof(*r))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	for (i = 0; i < count; i++) {
		ctl_diag_clear(&gd);
		if ((rc = proto_group_at(fs, PT_RESULT, i, &g, &gd)) == CTL_OK)
			rc = result_parse(&g, &r[i], &gd);
		proto_fields_free(&g);
		if (rc != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "RESULT %zu: %s",
			    i + 1, ctl_diag_msg(&gd, rc));
			free(r);
			return rc;
		}
	}
	*out = r;
	*n = count;
	return CTL_OK;
}

size_t
net_results_print(FILE *f, const struct net_result *r, size_t n)
{
	size_t i, failed = 0;

	fprintf(f, "%-24s %-12s %-7s %s\n", "Node", "File", "Status",
	    "Reason");
	for (i = 0; i < n; i++) {
		if (r[i].message[0] != '\0')
			fprintf(f, "%-24s %-12s %-7s %s\n", r[i].name,
			    r[i].filename, r[i].passed ? "Passed" : "Failed",
			    r[i].message);
		else
			fprintf(f, "%-24s %-12s %s\n", r[i].name, r[i].filename,
			    r[i].passed ? "Passed" : "Failed");
		failed += !r[i].passed;
	}
	return failed;
}

int
net_parse_sha1(const char *s, uint8_t out[20])
{
	char buf[41];
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == ':')
			continue;
		if (n == sizeof(buf) - 1)
			return -1;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return hex_parse(buf, out, 20);
}

int
net_exit_status(int code)
{
	if (code == CTL_OK)
		return EXIT_OK;
	if (code == CTL_ERR_FORMAT || code == CTL_ERR_USAGE)
		return EXIT_INVALID;
	return EXIT_FAIL;
}

/* --- CLUSTER_INFO --- */

const char *
net_ctl_mode_name(int mode)
{
	static const char *const names[] = { "none", "token", "tokenless" };

	return mode >= 0 && mode <= 2 ? names[mode] : "?";
}

static int
node_parse(const struct proto_fields *g, struct net_node *nd,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_NAME, PT_IP, PT_PORT,
	    PT_PUBLISHER, PT_SHA1, PT_REACHABLE, PT_STATE, PT_TVS_PORT,
	    PT_TFTP_PORT };
	const uint8_t *ip;
	uint8_t pub, reach;
	size_t n;
	int rc, have;

	memset(nd, 0, sizeof(*nd));
	/* TVS_PORT and TFTP_PORT came later: a server without them is
	 * still read, the ports then unknown (0). */
	if ((rc = net_only_fields(g, allowed, 9, "a NODE", d)) ||
	    ((rc = proto_get_u16(g, PT_TVS_PORT, false, &nd->tvs_port, d)) &&
	    rc != CTL_ERR_NOT_FOUND) ||
	    ((rc = proto_get_u16(g, PT_TFTP_PORT, false, &nd->tftp_port, d)) &&
	    rc != CTL_ERR_NOT_FOUND) ||
	    (rc = proto_get_str(g, PT_NAME, true, nd->name, 64, d)) ||
	    (rc = proto_get_bytes(g, PT_IP, true, 4, &ip, &n, d)) ||
	    (rc = proto_get_u16(g, PT_PORT, true, &nd->port, d)) ||
	    (rc = proto_get_u8(g, PT_PUBLISHER, true, &pub, d)) ||
	    (rc = net_get_sha1(g, PT_SHA1, 0, 1, nd->sha1, &have, d)) ||
	    (rc = proto_get_u8(g, PT_REACHABLE, true, &reach, d)) ||
	    (rc = proto_get_str(g, PT_STATE, true, nd->state,
	    sizeof(nd->state) - 1, d)))
		return rc;
	if (n != 4)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "IP is %zu bytes, "
		    "expected 4", n);
	if (pub > 1 || reach > 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "PUBLISHER or "
		    "REACHABLE is neither 0 nor 1");
	if (strcmp(nd->state, "current") != 0 &&
	    strcmp(nd->state, "stale") != 0 &&
	    strcmp(nd->state, "failed") != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "STATE is not one of "
		    "current, stale, failed");
	snprintf(nd->ip, sizeof(nd->ip), "%u.%u.%u.%u", ip[0], ip[1], ip[2],
	    ip[3]);
	nd->publisher = pub;
	nd->reachable = reach;
	clean_text(nd->name);
	return CTL_OK;
}

static const char *const node_cert_names[NET_CERT_N] = {
	"CallManager", "CAPF", "TVS", "ITLRecovery",
};

const char *
net_cert_name(enum net_cert c)
{
	return c < NET_CERT_N ? node_cert_names[c] : "?";
}

/* One NODE_CERT group: a certificate of a node already listed. */
static int
node_cert_parse(const struct proto_fields *g, struct net_cluster *c,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_NAME, PT_PURPOSE, PT_CERT };
	char name[65], purpose[65];
	const uint8_t *der, *p;
	size_t len, i, k;
	X509 *x;
	int rc;

	if ((rc = net_only_fields(g, allowed, 3, "a NODE_CERT", d)) ||
	    (rc = proto_get_str(g, PT_NAME, true, name, 64, d)) ||
	    (rc = proto_get_str(g, PT_PURPOSE, true, purpose, 64, d)) ||
	    (rc = proto_get_bytes(g, PT_CERT, true, PROTO_MAX_FILE, &der,
	    &len, d)))
		return rc;
	for (i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].name, name) == 0)
			break;
	for (k = 0; k < NET_CERT_N; k++)
		if (strcmp(node_cert_names[k], purpose) == 0)
			break;
	if (i == c->nnodes || k == NET_CERT_N)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "a certificate for "
		    "an unknown node or purpose");
	if (c->nodes[i].certs[k] != NULL)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "two %s certificates "
		    "for one node", node_cert_names[k]);
	p = der;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != der + len) {
		X509_free(x);
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "CERT is not one DER "
		    "certificate");
	}
	c->nodes[i].certs[k] = x;
	return CTL_OK;
}

static int
cluster_parse(const struct proto_fields *fs, struct net_cluster *c,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SECURITY_MODE, PT_CTL_MODE,
	    PT_SHA1, PT_NODE, PT_NODE_CERT };
	struct proto_fields g = { NULL, 0 };
	struct ctl_diag gd;
	uint8_t sec, mode;
	size_t i, pubs = 0;
	int rc, have;

	if ((rc = net_only_fields(fs, allowed, 5, "CLUSTER_INFO", d)) ||
	    (rc = proto_get_u8(fs, PT_SECURITY_MODE, true, &sec, d)) ||
	    (rc = proto_get_u8(fs, PT_CTL_MODE, true, &mode, d)) ||
	    (rc = net_get_sha1(fs, PT_SHA1, 0, 0, c->sha1, &have, d)))
		return rc;
	if (sec > 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "SECURITY_MODE %u is "
		    "neither 0 (non-secure) nor 1 (mixed)", sec);
	if (mode > 2)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "CTL_MODE %u is not "
		    "0 (none), 1 (token) or 2 (tokenless)", mode);
	c->security_mode = sec;
	c->ctl_mode = mode;
	c->nnodes = proto_count(fs, PT_NODE);
	if (c->nnodes == 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "no NODE in the "
		    "answer");
	if ((c->nodes = calloc(c->nnodes, sizeof(*c->nodes))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	for (i = 0; i < c->nnodes; i++) {
		ctl_diag_clear(&gd);
		if ((rc = proto_group_at(fs, PT_NODE, i, &g, &gd)) == CTL_OK)
			rc = node_parse(&g, &c->nodes[i], &gd);
		proto_fields_free(&g);
		if (rc != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "NODE %zu: %s",
			    i + 1, ctl_diag_msg(&gd, rc));
		pubs += c->nodes[i].publisher;
	}
	if (pubs != 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "%zu nodes say they "
		    "are the publisher, expected one", pubs);
	for (i = 0; i < proto_count(fs, PT_NODE_CERT); i++) {
		ctl_diag_clear(&gd);
		if ((rc = proto_group_at(fs, PT_NODE_CERT, i, &g, &gd)) ==
		    CTL_OK)
			rc = node_cert_parse(&g, c, &gd);
		proto_fields_free(&g);
		if (rc != CTL_OK)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "NODE_CERT %zu: "
			    "%s", i + 1, ctl_diag_msg(&gd, rc));
	}
	return CTL_OK;
}

int
net_cluster_info(struct net_session *s, struct net_cluster *c,
    struct ctl_diag *d)
{
	struct proto_out o;
	struct net_reply a = { { NULL, 0 }, NULL };
	struct ctl_diag pd;
	int rc;

	memset(c, 0, sizeof(*c));
	net_request(s, &o, PROTO_CLUSTER_INFO);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	if ((rc = cluster_parse(&a.fs, c, &pd)) != CTL_OK) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to CLUSTER_INFO: "
		    "%s", s->peer, ctl_diag_msg(&pd, rc));
		net_cluster_free(c);
	}
out:
	net_reply_free(&a);
	return rc;
}

void
net_cluster_free(struct net_cluster *c)
{
	size_t i, k;

	for (i = 0; c->nodes != NULL && i < c->nnodes; i++)
		for (k = 0; k < NET_CERT_N; k++)
			X509_free(c->nodes[i].certs[k]);
	free(c->nodes);
	c->nodes = NULL;
	c->nnodes = 0;
}
