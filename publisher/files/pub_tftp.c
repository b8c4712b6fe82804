#include "pub_tftp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "ctl_err.h"

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
	int fd, rc;

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
	int fd, rc, left;

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
