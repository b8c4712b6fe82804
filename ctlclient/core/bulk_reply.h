/*
 * The answers to the bulk certificate requests (docs/protocol.md, "Bulk
 * certificate management"), read and checked field by field: the files
 * of BULK_EXPORT, BULK_CONSOLIDATE and BULK_LIST, the certificates of
 * BULK_IMPORT.  They read parsed fields only, so that the unit tests
 * run them without a server.
 */
#ifndef CTLCLIENT_BULK_REPLY_H
#define CTLCLIENT_BULK_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "proto_frame.h"

struct ctl_diag;

#define BULK_R_NAME_MAX  255   /* a file name, a cluster id, a node */
#define BULK_R_NCERTS    4     /* certificate types in one file */

/* One BULK_FILE group. */
struct bulk_r_file {
	char file[BULK_R_NAME_MAX + 1];
	char type[8];                         /* all, tftp */
	char cluster[BULK_R_NAME_MAX + 1];    /* "" for a consolidated file */
	char node[BULK_R_NAME_MAX + 1];       /* "" for a consolidated file */
	char certs[BULK_R_NCERTS][16];        /* CallManager, CAPF, ... */
	size_t ncerts;
};

/* One BULK_CERT group. */
struct bulk_r_cert {
	char cluster[BULK_R_NAME_MAX + 1];
	char node[BULK_R_NAME_MAX + 1];
	char type[16];
	char store[32];
	char sha1[41];
	bool already;
};

/* A whole answer. */
struct bulk_r {
	char cluster[BULK_R_NAME_MAX + 1];   /* the publisher's cluster */
	char type[8];                        /* "" for BULK_LIST */
	char file[BULK_R_NAME_MAX + 1];      /* consolidate, import; or "" */
	struct bulk_r_file *files;
	size_t nfiles;
	struct bulk_r_cert *certs;
	size_t ncerts;
};

/*
 * Reads the answer FS to request TYPE (PROTO_BULK_EXPORT ... LIST) into
 * *R (freed with bulk_r_free(), also after a failure).  Only the fields
 * the request answers with; every string cleaned of control bytes.
 * Fails with CTL_ERR_PROTOCOL, D saying which field.
 */
int bulk_r_parse(const struct proto_fields *fs, unsigned type,
    struct bulk_r *r, struct ctl_diag *d);
void bulk_r_free(struct bulk_r *r);

#endif
