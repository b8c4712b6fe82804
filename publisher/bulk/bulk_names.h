/*
 * The names bulk certificate management puts on the SFTP server and
 * reads back from it (docs/bulk.md): the export types, the certificate
 * types with the trust stores each goes to, the file names, and the
 * friendly names inside the PKCS12 files.  The parsers take bytes that
 * come from the SFTP server, so they check every length.
 */
#ifndef BULK_NAMES_H
#define BULK_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "pub_layout.h"
#include "pub_trust.h"

struct ctl_diag;

#define BULK_ID_MAX     (PUB_NODE_NAME_MAX + 10) /* cluster id, with NUL */
#define BULK_NAME_MAX   256     /* a file name on the server, with NUL */
#define BULK_HOST_MAX   253     /* an SFTP server's host name, bytes */
#define BULK_USER_MAX   64
#define BULK_DIR_MAX    1024

/* What an export, a consolidation or an import covers. */
enum bulk_type {
	BULK_TYPE_ALL = 0,      /* CallManager, CAPF, Tomcat, ITLRecovery */
	BULK_TYPE_TFTP = 1,     /* the TFTP certificates: CallManager,
	                           ITLRecovery */
};

/* The certificate types a file carries, as its friendly names say. */
enum bulk_cert {
	BULK_CERT_CALLMANAGER = 0,
	BULK_CERT_CAPF = 1,
	BULK_CERT_TOMCAT = 2,
	BULK_CERT_ITLRECOVERY = 3,
};
#define BULK_NCERTS 4

/* "all", "tftp" (never NULL). */
const char *bulk_type_name(enum bulk_type t);

/* Parses "all" or "tftp".  CTL_OK or CTL_ERR_USAGE. */
int bulk_type_parse(const char *s, enum bulk_type *t);

/* "CallManager", "CAPF", "Tomcat", "ITLRecovery" (never NULL). */
const char *bulk_cert_name(enum bulk_cert c);

/* Does an export of type T carry certificates of type C? */
bool bulk_cert_in_type(enum bulk_cert c, enum bulk_type t);

/*
 * The trust stores an imported certificate of type C goes to (Cisco's
 * mapping): puts 1 or 2 stores in OUT and returns how many.
 */
size_t bulk_cert_stores(enum bulk_cert c, enum pub_trust_purpose out[2]);

/*
 * Is S (LEN bytes) a name that may stand in a file name: 1 to
 * BULK_ID_MAX - 1 letters, digits, '.' and '-', not starting with '.'
 * or '-'?  Never '_', which separates the parts of a file name.  (A
 * node's name is also shorter than PUB_NODE_NAME_MAX.)
 */
bool bulk_name_ok(const char *s, size_t len);

/* Checks of the SFTP settings as a person gives them: a host name or
 * IPv4/IPv6 address, a user name, an absolute directory without "..",
 * control bytes or a trailing '/'.  CTL_OK or CTL_ERR_USAGE with why. */
int bulk_host_check(const char *s, struct ctl_diag *d);
int bulk_user_check(const char *s, struct ctl_diag *d);
int bulk_dir_check(const char *s, struct ctl_diag *d);

/*
 * The file one node's export goes to: "CLUSTER_NODE_TYPE.p12", and the
 * consolidated file: "consolidated_TYPE.p12".  OUT has BULK_NAME_MAX
 * bytes.  Fail with CTL_ERR_USAGE when CLUSTER or NODE is not a
 * bulk_name_ok() name.
 */
int bulk_node_file_name(const char *cluster, const char *node,
    enum bulk_type t, char out[BULK_NAME_MAX], struct ctl_diag *d);
void bulk_consolidated_name(enum bulk_type t, char out[BULK_NAME_MAX]);

/* A file name of ours, split. */
struct bulk_file_name {
	bool consolidated;
	char cluster[BULK_ID_MAX];        /* "" when consolidated */
	char node[PUB_NODE_NAME_MAX];     /* "" when consolidated */
	enum bulk_type type;
};

/*
 * Parses the LEN bytes at NAME (a name listed on the server) as one of
 * the names above.  Fails with CTL_ERR_FORMAT for any other name (a
 * temporary file, a stranger's file), OUT then untouched.
 */
int bulk_file_name_parse(const char *name, size_t len,
    struct bulk_file_name *out);

/*
 * The friendly name of a certificate in a PKCS12 file: "TYPE" in a
 * node's file (the file name says whose it is), "CLUSTER_NODE_TYPE" in
 * the consolidated file.  OUT has BULK_NAME_MAX bytes.
 */
void bulk_friendly_name(const char *cluster, const char *node,
    enum bulk_cert c, bool consolidated, char out[BULK_NAME_MAX]);

/*
 * Parses the LEN bytes at S as a friendly name of the form
 * bulk_friendly_name() writes when CONSOLIDATED says so.  CLUSTER and
 * NODE (BULK_ID_MAX and PUB_NODE_NAME_MAX bytes) are set only for a
 * consolidated name.  Fails with CTL_ERR_FORMAT, outputs untouched.
 */
int bulk_friendly_parse(const char *s, size_t len, bool consolidated,
    char *cluster, char *node, enum bulk_cert *c);

#endif
