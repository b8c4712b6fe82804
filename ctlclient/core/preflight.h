/*
 * Preflight: before a CTL is pushed, would the phones of this cluster
 * accept it?  Phones hold the cluster's present CTL.  A phone accepts a
 * new CTL when its signer is a SAST of the CTL it holds; otherwise a
 * phone that supports Security by Default asks TVS, which vouches for
 * the cluster's own certificates, its trust stores (Phone-SAST-trust,
 * CallManager-trust, ...) and the certificates of the CTL on the server;
 * a phone without TVS (7940/7960) rejects it and needs its CTL deleted
 * by hand.
 */
#ifndef CTLCLIENT_PREFLIGHT_H
#define CTLCLIENT_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ctl_err.h"

struct net_session;

struct preflight {
	bool tvs_accept;        /* phones with TVS accept the new CTL */
	bool direct_accept;     /* phones without TVS accept it too */
	/* Room for a message that quotes another one. */
	char tvs_reason[2 * CTL_DIAG_MAX];
	char direct_reason[2 * CTL_DIAG_MAX];
};

/*
 * Evaluates the CTL of LEN bytes at NEWCTL for the phones of the cluster
 * S is logged in to, reading what the cluster holds now (its CTL, node
 * certificates, trust stores).  Prints the verdict per class of phone on
 * standard output, fills *P, and returns CTL_OK; fails only when the
 * cluster cannot be read (then nothing is known and nothing should be
 * pushed).
 */
int preflight_run(struct net_session *s, const uint8_t *newctl, size_t len,
    struct preflight *p, struct ctl_diag *d);

/*
 * The same for a CTL the publisher will build and sign itself with
 * SIGNER's key (a tokenless CTL): would the phones accept a CTL signed
 * by SIGNER?
 */
int preflight_signer(struct net_session *s, X509 *signer,
    struct preflight *p, struct ctl_diag *d);

/*
 * The rule for pushing: CTL_OK when phones with TVS accept; otherwise
 * CTL_ERR_UNTRUSTED with the reason in D, unless FORCE (then a warning
 * is printed and CTL_OK returned).  Phones without TVS that would reject
 * only get a warning.
 */
int preflight_decide(const struct preflight *p, bool force,
    struct ctl_diag *d);

/* What a cluster's TVS vouches for (docs/tvs.md): its nodes' own
 * certificates, its trust stores, and the records of its CTL. */
struct preflight_tvs;

/*
 * Reads what the TVS of the cluster S is logged in to vouches for:
 * CLUSTER_INFO, TRUST_LIST and the cluster's CTL.  *OUT is freed with
 * preflight_tvs_free().  Fails when the cluster cannot be read.
 */
int preflight_tvs_read(struct net_session *s, struct preflight_tvs **out,
    struct ctl_diag *d);

/*
 * Where TVS finds CERT ("in Phone-SAST-trust"), applying TVS's own rule:
 * found by issuer and serial, and the whole DER equal; NULL when TVS
 * answers invalid.  The string lives as long as T.
 */
const char *preflight_tvs_vouches(const struct preflight_tvs *t, X509 *cert);

void preflight_tvs_free(struct preflight_tvs *t);

#endif
