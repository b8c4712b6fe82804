/*
 * The records of a token-signed CTL before it is built: from the
 * cluster's certificates (set-mixed-mode), from the CTL the cluster holds
 * (update, set-non-secure), from --add, less --delete.  The plan owns its
 * certificates and DNS names; ctl_build() takes its entries as they are.
 */
#ifndef CTLCLIENT_CTL_PLAN_H
#define CTLCLIENT_CTL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/x509.h>

#include "ctl.h"
#include "ctl_build.h"

struct ctl_diag;
struct cli_sources;
struct net_cluster;

struct ctl_plan {
	struct ctl_entry *e;    /* N entries, in file order; each cert is a
	                           reference the plan holds */
	char **dns;             /* N owned DNS names (NULL for none): what
	                           e[i].dns_name points to */
	size_t n;
};

/* An empty plan. */
void ctl_plan_init(struct ctl_plan *p);

/* Frees what P holds and leaves it empty. */
void ctl_plan_free(struct ctl_plan *p);

/*
 * Appends a record of ROLE for CERT (the plan takes its own reference),
 * DNS (copied; NULL or "" for an empty DNS name), IP (NULL for 0.0.0.0),
 * written token-style when TOKEN_STYLE.  Fails with CTL_ERR_USAGE when
 * the plan already holds CERT in ROLE (D names the record), or when it
 * would exceed CTL_MAX_RECORDS.
 */
int ctl_plan_add(struct ctl_plan *p, uint16_t role, X509 *cert,
    const char *dns, const uint8_t ip[4], bool token_style,
    struct ctl_diag *d);

/* Index of the record holding CERT in ROLE, or -1. */
int ctl_plan_find(const struct ctl_plan *p, uint16_t role, const X509 *cert);

/*
 * Appends what the CTL of cluster C is made of: every node's CallManager
 * certificate as CCM+TFTP (DNS name the node's name, IP its address), the
 * publisher's CAPF certificate as CAPF and its ITLRecovery certificate as
 * a SAST record written the server's way (with its DNS name), as CUCM
 * 11.5 and later do.  Fails with CTL_ERR_NOT_FOUND when a node sent no
 * CallManager certificate; a publisher without CAPF or ITLRecovery
 * certificate is noted on standard error and left out.
 */
int ctl_plan_add_cluster(struct ctl_plan *p, const struct net_cluster *c,
    struct ctl_diag *d);

/*
 * Appends every record of F as it stands: same role, DNS name, IP and
 * certificate; a SAST record with an empty DNS name is a token's and is
 * written token-style.  Fails with CTL_ERR_FORMAT for a record without
 * a role or a readable certificate.
 */
int ctl_plan_add_ctl(struct ctl_plan *p, const struct ctl_file *f,
    struct ctl_diag *d);

/*
 * Appends the record ARG describes, "role=ROLE,cert=CERT[,dns=N][,ip=A]"
 * (FIREWALL is written as CCM; CERT a PEM or DER file or a PKCS#11 URI,
 * read without a PIN through SRC; a SAST without dns= is a token's
 * record).  OPT names the option in messages.  Fails with CTL_ERR_USAGE
 * for a bad ARG, or the errors of cli_cert_open().
 */
int ctl_plan_add_arg(struct ctl_plan *p, struct cli_sources *src,
    const char *opt, const char *arg, struct ctl_diag *d);

/*
 * Removes the records the N selectors in SEL name, each a 1-based record
 * number or a substring of one record's subject (CUCM form).  Refuses
 * (CTL_ERR_USAGE, nothing removed) a selector that names no record or
 * several, the SAST record of KEEP (the signing token), and removing
 * every SAST record.
 */
int ctl_plan_delete(struct ctl_plan *p, const char *const *sel, size_t n,
    const X509 *keep, struct ctl_diag *d);

/* Number of SAST records written token-style. */
size_t ctl_plan_tokens(const struct ctl_plan *p);

/* Lists the records as the CTL client does: number, role, subject, DNS
 * name, IP; the record of SIGNER is marked. */
void ctl_plan_print(FILE *out, const struct ctl_plan *p, const X509 *signer);

#endif
