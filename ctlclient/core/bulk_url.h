/*
 * The SFTP server of `ctlclient bulk sftp --url`, parsed:
 * sftp://USER@HOST[:PORT]/DIR, HOST a name, an IPv4 address or [IPv6].
 */
#ifndef CTLCLIENT_BULK_URL_H
#define CTLCLIENT_BULK_URL_H

#include <stdint.h>

struct ctl_diag;

#define BULK_URL_PORT     22
#define BULK_URL_USER_MAX 64
#define BULK_URL_HOST_MAX 253
#define BULK_URL_DIR_MAX  1024

struct bulk_url {
	char user[BULK_URL_USER_MAX + 1];
	char host[BULK_URL_HOST_MAX + 1];   /* IPv6 without the brackets */
	uint16_t port;
	char dir[BULK_URL_DIR_MAX + 1];     /* absolute, no trailing '/' */
};

/*
 * Parses S into *U.  The user is required, the port is 22 unless given,
 * DIR is the path after the host (at least "/"; a trailing '/' is
 * dropped).  Fails with CTL_ERR_USAGE, D saying what is wrong (the URL
 * named in it); *U is then undefined.  No %-escapes: the characters
 * allowed in each part need none.
 */
int bulk_url_parse(const char *s, struct bulk_url *u, struct ctl_diag *d);

#endif
