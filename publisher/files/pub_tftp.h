/*
 * The nodes' TFTP service, where phones download ITLFile.tlv and
 * CTLFile.tlv.  `ctlpublisherd start` runs one dnsmasq (TFTP only) for
 * each node on the node's own address, port 69 (cmd_startstop.c); this
 * file finds the program, checks that the port is free and that a
 * server answers.  dnsmasq rather than tftpd-hpa: it served two to four
 * times as many transfers per second here (bench/bench_tftp.py).
 */
#ifndef PUB_TFTP_H
#define PUB_TFTP_H

#include <stddef.h>
#include <stdint.h>

struct ctl_diag;

#define PUB_TFTPD_ENV     "CTLPUBLISHERD_DNSMASQ"  /* another dnsmasq */
#define PUB_TFTPD_PACKAGE "dnsmasq-base"
#define PUB_TFTPD_NAME    "dnsmasq"

/* dnsmasq serves TFTP on the standard port only, so every node has its
 * own address and port 69 on it. */
#define PUB_TFTP_PORT 69

/*
 * Transfers one node's server runs at once.  A reset of 40,000 phones in
 * 120 s on 3 nodes asks about 110 transfers/s of each node; a phone
 * whose packets are lost waits seconds before it sends again, so a
 * transfer can last 5 to 10 s: 1024 keeps such phones from being
 * refused (dnsmasq's default is 50), and needs one descriptor each.
 */
#define PUB_TFTP_MAX 1024

/*
 * The dnsmasq to run, into OUT (OUTLEN bytes): $CTLPUBLISHERD_DNSMASQ
 * when set, else dnsmasq in $PATH, /usr/sbin or /sbin.  Fails with
 * CTL_ERR_NOT_FOUND, D saying what to install.
 */
int pub_tftpd_find(char *out, size_t outlen, struct ctl_diag *d);

/*
 * Checks that UDP port PORT on IP can be bound now, so that a node's
 * server can start there.  Fails with CTL_ERR_NETWORK when another
 * process holds it, D saying how to find it and what to do; a port
 * this process may not bind (not root) is left to the server to try,
 * which may hold CAP_NET_BIND_SERVICE itself.
 */
int pub_tftp_port_free(const char *ip, uint16_t port, struct ctl_diag *d);

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
