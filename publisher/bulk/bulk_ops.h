/*
 * The four operations of bulk certificate management (docs/bulk.md),
 * run by the publisher against the stored SFTP server:
 *   export       one PKCS12 file per node of this cluster
 *   consolidate  one file with every cluster's certificates
 *   import       the other clusters' certificates into the trust stores
 *   list         what is on the server, per cluster and node
 * Each fills a struct bulk_report with what it did, per file or
 * certificate, for the reply.
 */
#ifndef BULK_OPS_H
#define BULK_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "bulk_names.h"
#include "pub_trust.h"

struct ctl_diag;
struct pub_state;

/* One line of a report: a file (export, consolidate, list) or one
 * certificate put into one trust store (import). */
struct bulk_row {
	char cluster[BULK_ID_MAX];
	char node[PUB_NODE_NAME_MAX];      /* "" for a consolidated file */
	char file[BULK_NAME_MAX];
	enum bulk_type type;
	unsigned certs;                    /* files: 1 << enum bulk_cert */
	enum bulk_cert cert;               /* import */
	enum pub_trust_purpose store;      /* import */
	char sha1[41];                     /* import */
	bool already;                      /* import: the store held it */
};

struct bulk_report {
	char cluster[BULK_ID_MAX];   /* this cluster's id */
	char file[BULK_NAME_MAX];    /* consolidate, import: the file */
	struct bulk_row *v;
	size_t n;
	size_t added, already, skipped;  /* import; skipped: this cluster's */
};

void bulk_report_free(struct bulk_report *r);

/*
 * Each works on cluster directory DIR with its state ST, connects to
 * the stored SFTP server (bulk_sftp_open()) and fails as it does, and
 * with CTL_ERR_FORMAT for a file on the server that is not what its
 * name says (D names it), before anything is written or changed.
 *
 * bulk_export() writes every node's file of type T; nodes are read from
 * the state.
 * bulk_consolidate() reads every node's file of type T on the server
 * and writes consolidated_T.p12; fails with CTL_ERR_NOT_FOUND when
 * fewer than two clusters have exported T.
 * bulk_import() adds every certificate of consolidated_T.p12 that is
 * not this cluster's to the trust stores of bulk_cert_stores(), in one
 * transaction with ACTOR's "trust-add" entries and one "bulk-import";
 * a certificate a store holds already is reported, not an error.
 * Fails with CTL_ERR_NOT_FOUND when there is no such file, or it holds
 * no other cluster's certificate; nothing is changed then.
 * bulk_list() lists the files of ours on the server.
 */
int bulk_export(const char *dir, struct pub_state *st, enum bulk_type t,
    struct bulk_report *r, struct ctl_diag *d);
int bulk_consolidate(const char *dir, struct pub_state *st,
    enum bulk_type t, struct bulk_report *r, struct ctl_diag *d);
int bulk_import(const char *dir, struct pub_state *st, const char *actor,
    enum bulk_type t, struct bulk_report *r, struct ctl_diag *d);
int bulk_list(const char *dir, struct pub_state *st, struct bulk_report *r,
    struct ctl_diag *d);

#endif
