/*
 * The nodes' TFTP service, where phones download ITLFile.tlv and
 * CTLFile.tlv.  `ctlpublisherd start` runs one dnsmasq (TFTP only) for
 * each node on the node's own address, port 69 (cmd_startstop.c), and
 * `ctlpublisherd run --tftp` runs its node's own (pub_run.c); this file
 * finds the program, starts and stops it, checks that the port is free
 * and that a server answers.  dnsmasq rather than tftpd-hpa: it served two to four
 * times as many transfers per second here (bench/bench_tftp.py).
 */
#ifndef PUB_TFTP_H
#define PUB_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ctl_diag;
struct pub_node;

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

/*
 * Starts node N's TFTP server, the dnsmasq at TFTPD, TFTP only: no DNS,
 * no DHCP, no configuration file, serving N's TFTP directory on N's
 * address, port 69, in the foreground (its pid is the one to stop) and
 * in a session of its own.  It logs to DIR/nodes/NAME/tftp.log (errors
 * only, and why it could not start) and writes its pid to tftp.pid
 * there.  With TIED it also ends when the calling thread does, so that
 * a node killed outright leaves no server behind.  Returns its pid, or
 * -1 with errno set.
 */
pid_t pub_tftp_spawn(const char *dir, const struct pub_node *n,
    const char *tftpd, bool tied);

/* Ends the TFTP server PID and the transfers of its process group:
 * SIGTERM, up to PUB_TFTP_STOP_MS, then SIGKILL; reaps it when it is a
 * child of this process. */
#define PUB_TFTP_STOP_MS 5000
void pub_tftp_stop(pid_t pid);

/* The last line node N's TFTP server wrote to DIR/nodes/NAME/tftp.log
 * (its reason for exiting), into BUF, control bytes shown as '?'; ""
 * when there is none. */
void pub_tftp_last_line(const char *dir, const struct pub_node *n,
    char *buf, size_t size);

#endif
