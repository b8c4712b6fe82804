#include "pub_tftp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ctl_err.h"
#include "file_io.h"
#include "pub_layout.h"
#include "pub_node.h"

/* TFTP opcodes (RFC 1350). */
enum { TFTP_RRQ = 1, TFTP_DATA = 3, TFTP_ERROR = 5 };

#define TFTP_MAX_PACKET 1024    /* enough for the 512-byte default block */

/* IP:PORT into SA, and a new UDP socket into *FD; a negative code (D
 * set) when IP is not IPv4 or there is no socket. */
static int
udp_to(const char *ip, uint16_t port, struct sockaddr_in *sa, int *fd,
    struct ctl_diag *d)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1)
		return ctl_diag_set(d, CTL_ERR_USAGE, "%s: not an IPv4 address",
		    ip);
	if ((*fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return ctl_diag_set(d, CTL_ERR_NETWORK, "cannot make a UDP "
		    "socket: %s", strerror(errno));
	return CTL_OK;
}

static int
executable(const char *path)
{
	return access(path, X_OK) == 0;
}

int
pub_tftpd_find(char *out, size_t outlen, struct ctl_diag *d)
{
	static const char *const fixed[] = { "/usr/sbin/" PUB_TFTPD_NAME,
	    "/sbin/" PUB_TFTPD_NAME };
	const char *env = getenv(PUB_TFTPD_ENV), *path = getenv("PATH");
	char *copy = NULL, *dir, *save = NULL;
	size_t i;

	if (env != NULL && env[0] != '\0') {
		if (!executable(env))
			return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s=%s: not an "
			    "executable program: unset it to use %s, which "
			    "`apt-get install %s` installs", PUB_TFTPD_ENV, env,
			    PUB_TFTPD_NAME, PUB_TFTPD_PACKAGE);
		snprintf(out, outlen, "%s", env);
		return CTL_OK;
	}
	if (path != NULL && (copy = strdup(path)) != NULL) {
		for (dir = strtok_r(copy, ":", &save); dir != NULL;
		    dir = strtok_r(NULL, ":", &save)) {
			if ((size_t)snprintf(out, outlen, "%s/%s", dir,
			    PUB_TFTPD_NAME) <
			    outlen && dir[0] == '/' && executable(out)) {
				free(copy);
				return CTL_OK;
			}
		}
		free(copy);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (executable(fixed[i])) {
			snprintf(out, outlen, "%s", fixed[i]);
			return CTL_OK;
		}
	out[0] = '\0';
	return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s not found (in $PATH, "
	    "/usr/sbin, /sbin): install it with `apt-get install %s`, or name "
	    "it in $%s", PUB_TFTPD_NAME, PUB_TFTPD_PACKAGE, PUB_TFTPD_ENV);
}

int
pub_tftp_port_free(const char *ip, uint16_t port, struct ctl_diag *d)
{
	struct sockaddr_in sa;
	int fd = -1, rc;

	if ((rc = udp_to(ip, port, &sa, &fd, d)) != CTL_OK)
		return rc;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
	    errno == EADDRINUSE)
		rc = ctl_diag_set(d, CTL_ERR_NETWORK, "TFTP port %s:%u/udp is in "
		    "use by another program (`ss -ulpn 'sport = :%u'` names "
		    "it): stop that program, or give this cluster other "
		    "addresses (`ctlpublisherd init --subnet 127.A.B`)", ip,
		    port, port);
	close(fd);
	return rc;
}

int
pub_tftp_probe(const char *ip, uint16_t port, const char *file,
    int timeout_ms, struct ctl_diag *d)
{
	static const uint8_t abort_pkt[] = { 0, TFTP_ERROR, 0, 0, 'p', 'r',
	    'o', 'b', 'e', 0 };
	struct sockaddr_in to, from;
	socklen_t fromlen;
	uint8_t pkt[TFTP_MAX_PACKET];
	size_t flen = strlen(file), n;
	struct pollfd pfd;
	long deadline;
	ssize_t got;
	int fd = -1, rc, left;

	if (flen == 0 || flen > TFTP_MAX_PACKET - 16)
		return ctl_diag_set(d, CTL_ERR_USAGE, "'%s': not a file name "
		    "for a TFTP request", file);
	if ((rc = udp_to(ip, port, &to, &fd, d)) != CTL_OK)
		return rc;
	/* RRQ: opcode, file name, NUL, mode, NUL. */
	pkt[0] = 0;
	pkt[1] = TFTP_RRQ;
	memcpy(pkt + 2, file, flen + 1);
	memcpy(pkt + 2 + flen + 1, "octet", 6);
	n = 2 + flen + 1 + 6;
	if (sendto(fd, pkt, n, 0, (struct sockaddr *)&to, sizeof(to)) !=
	    (ssize_t)n) {
		rc = ctl_diag_set(d, CTL_ERR_NETWORK, "TFTP %s:%u: cannot send "
		    "a read request: %s", ip, port, strerror(errno));
		goto out;
	}
	deadline = ctl_now_ms() + timeout_ms;
	for (;;) {
		left = (int)(deadline - ctl_now_ms());
		if (left <= 0) {
			rc = ctl_diag_set(d, CTL_ERR_TIMEOUT, "TFTP %s:%u: no "
			    "answer within %d ms", ip, port, timeout_ms);
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		fromlen = sizeof(from);
		got = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from,
		    &fromlen);
		/* The answer comes from the server's address but from a new
		 * port (its transfer ID); anything else is not it. */
		if (got < 4 || from.sin_addr.s_addr != to.sin_addr.s_addr ||
		    pkt[0] != 0 || (pkt[1] != TFTP_DATA && pkt[1] != TFTP_ERROR))
			continue;
		if (pkt[1] == TFTP_DATA)
			(void)sendto(fd, abort_pkt, sizeof(abort_pkt), 0,
			    (struct sockaddr *)&from, fromlen);
		rc = CTL_OK;
		goto out;
	}
out:
	close(fd);
	return rc;
}

/* The child's side of pub_tftp_spawn(): never returns. */
static void
exec_tftpd(const char *tftpd, const char *log, const char *line,
    char *const *argv, bool tied)
{
	struct rlimit rl;
	int fd;

	setsid();
	if (tied)
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* One descriptor per transfer, or dnsmasq lowers --tftp-max to
	 * fit; not much more, as it closes every possible one at start. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < PUB_TFTP_MAX + 256) {
		rl.rlim_cur = rl.rlim_max < PUB_TFTP_MAX + 256 ? rl.rlim_max :
		    PUB_TFTP_MAX + 256;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) >= 0) {
		(void)file_write_all(fd, line, strlen(line));
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	if ((fd = open("/dev/null", O_RDONLY)) >= 0)
		dup2(fd, STDIN_FILENO);
	execv(tftpd, argv);
	_exit(127);
}

pid_t
pub_tftp_spawn(const char *dir, const struct pub_node *n, const char *tftpd,
    bool tied)
{
	/* dnsmasq works from "/": every path it gets is absolute. */
	char *top = realpath(dir, NULL), *root = realpath(n->tftp_dir, NULL);
	char *log = NULL, *pidf = NULL;
	char a_root[PATH_MAX + 16], a_addr[PUB_IP_MAX + 24],
	    a_log[PATH_MAX + 24], a_pid[PATH_MAX + 16], a_max[32],
	    a_user[300], a_group[300], line[512], pwbuf[1024], grbuf[1024];
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	pid_t pid = -1;
	time_t now = time(NULL);
	struct tm tm;
	char *argv[] = { (char *)tftpd, "--keep-in-foreground",
	    "--conf-file=/dev/null", "--port=0", "--enable-tftp",
	    "--tftp-secure", "--quiet-tftp", a_root, a_max, a_addr,
	    "--bind-interfaces", a_log, a_pid, a_user, a_group, NULL };

	if (top == NULL || root == NULL ||
	    pub_layout_path(top, n->name, "tftp.log", &log) != CTL_OK ||
	    pub_layout_path(top, n->name, "tftp.pid", &pidf) != CTL_OK) {
		errno = ENOENT;
		goto out;
	}
	snprintf(a_root, sizeof(a_root), "--tftp-root=%s", root);
	snprintf(a_addr, sizeof(a_addr), "--listen-address=%s", n->ip);
	snprintf(a_log, sizeof(a_log), "--log-facility=%s", log);
	snprintf(a_pid, sizeof(a_pid), "--pid-file=%s", pidf);
	snprintf(a_max, sizeof(a_max), "--tftp-max=%d", PUB_TFTP_MAX);
	/* dnsmasq started as root changes to "nobody" and group "dip", who
	 * could not read the root-owned directory nor write the log: it
	 * stays the user and group it is started as (root, or a service
	 * user that binds port 69 with CAP_NET_BIND_SERVICE), and as root
	 * it serves world-readable files only, which the TFTP files are
	 * (0644).  Any change of them would also cancel TIED. */
	snprintf(a_user, sizeof(a_user), "--user=root");
	snprintf(a_group, sizeof(a_group), "--group=root");
	if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 &&
	    pwp != NULL)
		snprintf(a_user, sizeof(a_user), "--user=%.280s", pw.pw_name);
	if (getgrgid_r(getegid(), &gr, grbuf, sizeof(grbuf), &grp) == 0 &&
	    grp != NULL)
		snprintf(a_group, sizeof(a_group), "--group=%.280s",
		    gr.gr_name);
	/* An id without a name: dnsmasq keeps what it is started as. */
	if (pwp == NULL && geteuid() != 0)
		argv[13] = NULL;
	else if (grp == NULL && getegid() != 0)
		argv[14] = NULL;
	gmtime_r(&now, &tm);
	/* A line cut short still ends the line. */
	if (snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02dZ %s %s %s, "
	    "%s:%d/udp (node %s)\n", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tftpd, a_root, a_max,
	    n->ip, PUB_TFTP_PORT, n->name) >= (int)sizeof(line))
		line[sizeof(line) - 2] = '\n';
	if ((pid = fork()) == 0)
		exec_tftpd(tftpd, log, line, argv, tied);
out:
	free(top);
	free(log);
	free(root);
	free(pidf);
	return pid;
}

void
pub_tftp_stop(pid_t pid)
{
	pid_t target = getpgid(pid) == pid ? -pid : pid;
	int waited;

	kill(target, SIGTERM);
	for (waited = 0; waited < PUB_TFTP_STOP_MS && kill(target, 0) == 0;
	    waited += 50) {
		/* Our own child stays a zombie, and in the group, until it
		 * is reaped. */
		if (waitpid(pid, NULL, WNOHANG) == pid && target == -pid &&
		    kill(target, 0) != 0)
			break;
		usleep(50000);
	}
	if (kill(target, 0) == 0) {
		kill(target, SIGKILL);
		/* Not our child (stop): ECHILD at once. */
		(void)waitpid(pid, NULL, 0);
	}
	(void)waitpid(pid, NULL, WNOHANG);
}

void
pub_tftp_last_line(const char *dir, const struct pub_node *n, char *buf,
    size_t size)
{
	char *log = NULL, line[512];
	FILE *f;

	buf[0] = '\0';
	if (pub_layout_path(dir, n->name, "tftp.log", &log) == CTL_OK &&
	    (f = fopen(log, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			snprintf(buf, size, "%s", line);
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	for (; *buf != '\0'; buf++)
		if ((unsigned char)*buf < 0x20 || *buf == 0x7f)
			*buf = '?';
	free(log);
}
