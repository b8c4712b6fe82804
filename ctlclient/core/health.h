/*
 * The health checks of a cluster, as pure functions over what was
 * collected (health_collect.h): certificates about to expire, an
 * ITLRecovery key weaker than the server keys, IPsec trust out of step,
 * an ITL phones refuse, nodes serving different files, a mixed-mode
 * cluster without a CTL, a TVS presenting a certificate the ITL does
 * not carry.  Each finding names the node, the certificate or file and
 * what to do.
 */
#ifndef CTLCLIENT_HEALTH_H
#define CTLCLIENT_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cert_info.h"
#include "ctl_err.h"

/* Worst first in the exit status: 0 healthy, 1 warnings, 2 problems. */
enum health_level {
	HEALTH_OK = 0, HEALTH_WARNING = 1, HEALTH_PROBLEM = 2,
};

/* What phones accept of an ITL. */
#define HEALTH_ITL_MAX_BYTES  65536
#define HEALTH_ITL_MAX_CERTS  39
/* TVS records read from one ITL, at most. */
#define HEALTH_MAX_TVS        64
#define HEALTH_DEFAULT_DAYS   30

/* The names the IPsec check looks for. */
#define HEALTH_IPSEC_TYPE     "IPsec"
#define HEALTH_IPSEC_STORE    "IPsec-trust"

/* One certificate: a node's own, or one in a trust store. */
struct health_cert {
	const char *node;       /* the node; "" for the cluster's stores */
	const char *type;       /* "CallManager", or the store's name */
	bool store;
	const struct cert_info *info;
};

enum health_file_state {
	HEALTH_FILE_UNKNOWN = 0,    /* not asked (no TFTP port known) */
	HEALTH_FILE_FAILED,         /* the download failed: ERROR says why */
	HEALTH_FILE_ABSENT,         /* the node serves no such file */
	HEALTH_FILE_PRESENT,
};

/* A CTLFile.tlv or ITLFile.tlv as one node serves it over TFTP. */
struct health_file {
	enum health_file_state state;
	char error[CTL_DIAG_MAX];
	char sha1[41];
	size_t len;
	bool parsed;            /* a valid .tlv file: the counts below hold */
	size_t ncerts;          /* records that carry a certificate */
	char tvs[HEALTH_MAX_TVS][41];   /* SHA-1s of its TVS certificates */
	size_t ntvs;
};

enum health_tvs_state {
	HEALTH_TVS_UNKNOWN = 0,     /* not asked (no TVS port known) */
	HEALTH_TVS_FAILED,          /* no TLS handshake: ERROR says why */
	HEALTH_TVS_SEEN,            /* SHA1 is the certificate presented */
};

struct health_node {
	char name[65];
	bool publisher;
	struct health_file ctl, itl;
	enum health_tvs_state tvs;
	char tvs_sha1[41];
	char tvs_error[CTL_DIAG_MAX];
};

struct health_input {
	time_t now;
	int days;               /* warn of certificates ending within */
	int security_mode;      /* 0 non-secure, 1 mixed */
	const struct health_cert *certs;
	size_t ncerts;
	const struct health_node *nodes;
	size_t nnodes;
};

struct health_finding {
	enum health_level level;
	char check[24];         /* "expired", "tvs-certificate", ... */
	char node[65];          /* "" when it concerns the cluster */
	char subject[320];      /* the certificate or file concerned */
	char message[512];      /* what is wrong */
	char action[320];       /* what to do */
};

struct health_report {
	struct health_finding *v;
	size_t n, cap;
};

/*
 * Runs every check on IN and appends the findings to *OUT (initialised
 * to zeros; free with health_report_free()).  Fails only with
 * CTL_ERR_NOMEM.
 */
int health_check(const struct health_input *in, struct health_report *out);

/* The worst level of R's findings (HEALTH_OK for none). */
enum health_level health_worst(const struct health_report *r);

/* "ok", "warning", "problem". */
const char *health_level_name(enum health_level l);

void health_report_free(struct health_report *r);

#endif
