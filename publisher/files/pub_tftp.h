/*
 * The nodes' TFTP service, where phones download ITLFile.tlv and
 * CTLFile.tlv.  `ctlpublisherd start` runs tftpd-hpa's in.tftpd for
 * each node (cmd_startstop.c); this file finds the program and checks
 * that a server answers.
 */
#ifndef PUB_TFTP_H
#define PUB_TFTP_H

#include <stddef.h>
#include <stdint.h>

struct ctl_diag;

#define PUB_TFTPD_ENV     "CTLPUBLISHERD_TFTPD"  /* another in.tftpd */
#define PUB_TFTPD_PACKAGE "tftpd-hpa"

/*
 * The in.tftpd to run, into OUT (OUTLEN bytes): $CTLPUBLISHERD_TFTPD when
 * set, else in.tftpd in $PATH, /usr/sbin or /sbin.  Fails with
 * CTL_ERR_NOT_FOUND, D saying what to install.
 */
int pub_tftpd_find(char *out, size_t outlen, struct ctl_diag *d);

/*
 * Sends one TFTP read request (RFC 1350, octet mode) for FILE to IP:PORT
 * and waits up to TIMEOUT_MS for the server's first answer, data or an
 * error packet (a missing file still proves the server runs).  A data
 * answer is cut short with an error packet, so the transfer ends at
 * once.  Returns CTL_OK when the server answered, CTL_ERR_TIMEOUT when
 * nothing came, CTL_ERR_NETWORK or CTL_ERR_USAGE (IP is not IPv4).
 */
int pub_tftp_probe(const char *ip, uint16_t port, const char *file,
    int timeout_ms, struct ctl_diag *d);

#endif
