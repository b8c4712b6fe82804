/*
 * The certificate trust stores, as CUCM names them: Phone-SAST-trust,
 * CallManager-trust, tomcat-trust, CAPF-trust.  Each holds DER
 * certificates, at most once each.
 */
#ifndef PUB_TRUST_H
#define PUB_TRUST_H

#include <stddef.h>
#include <stdint.h>

struct ctl_diag;
struct pub_state;

enum pub_trust_purpose {
	PUB_TRUST_PHONE_SAST = 0,
	PUB_TRUST_CALLMANAGER = 1,
	PUB_TRUST_TOMCAT = 2,
	PUB_TRUST_CAPF = 3,
	PUB_TRUST_IPSEC = 4,      /* the nodes' IPsec certificates; not TVS's */
};
#define PUB_TRUST_NPURPOSES 5

#define PUB_TRUST_CERT_MAX 16384   /* bytes in one DER certificate */

struct pub_trust_entry {
	int64_t id;
	enum pub_trust_purpose purpose;
	char sha1[41];          /* of the DER certificate, lowercase hex */
	char *subject;          /* CUCM-style "CN=..;OU=..", owned */
	char *issuer;           /* owned */
	char serial[129];       /* hex, uppercase */
	int64_t added;          /* seconds since 1970 */
	uint8_t *der;           /* owned */
	size_t der_len;
};

/* "Phone-SAST-trust", ... (never NULL). */
const char *pub_trust_purpose_name(enum pub_trust_purpose p);

/* Parses a purpose name (as printed, case-insensitive).  CTL_OK or
 * CTL_ERR_USAGE. */
int pub_trust_purpose_parse(const char *s, enum pub_trust_purpose *p);

/*
 * Adds the certificate DER (LEN bytes, copied) to store P, and records
 * ACTOR's "trust-add" with its SHA1 in the audit log.  SHA1_OUT (may be
 * NULL; 41 bytes) gets its SHA1.  Fails with CTL_ERR_KEY when the bytes
 * are not exactly one DER certificate (PEM included), CTL_ERR_TOO_BIG
 * above PUB_TRUST_CERT_MAX, CTL_ERR_USAGE when the store holds it
 * already (nothing changed), CTL_ERR_IO.
 */
int pub_trust_add(struct pub_state *st, const char *actor,
    enum pub_trust_purpose p, const uint8_t *der, size_t len,
    char sha1_out[41], struct ctl_diag *d);

/*
 * The certificates of store P, or of every store when ALL is non-zero
 * (P ignored), in the order they were added: *OUT is an array of *N
 * entries, freed with pub_trust_list_free().  Fails with CTL_ERR_IO.
 */
int pub_trust_list(struct pub_state *st, int all, enum pub_trust_purpose p,
    struct pub_trust_entry **out, size_t *n, struct ctl_diag *d);

/* Frees what pub_trust_list() returned (NULL is allowed). */
void pub_trust_list_free(struct pub_trust_entry *v, size_t n);

/* A certificate of the cluster's own nodes.  A trust store entry with
 * the same SHA1 is a system certificate: the cluster put it there. */
struct pub_trust_system {
	const char *node;       /* the node's name */
	const char *type;       /* its certificate type, "CallManager" */
	char sha1[41];          /* of its DER, lowercase hex */
};

#define PUB_TRUST_NOTES_MAX 16

/* What a deletion leaves to say: warnings for the officer and the
 * certificate removed.  Free with pub_trust_notes_free(). */
struct pub_trust_notes {
	char *warn[PUB_TRUST_NOTES_MAX];   /* owned */
	size_t nwarn;
	uint8_t *der;                      /* the deleted certificate, owned */
	size_t der_len;
};

void pub_trust_notes_free(struct pub_trust_notes *n);

/* The services that rely on the trust store named STORE and must be
 * restarted once it changes ("Tomcat: web pages..."), or NULL for a
 * store the table does not know. */
const char *pub_trust_services(const char *store);

/*
 * Removes the certificate whose SHA1 is SHA1 (40 hex digits, any case)
 * from store P, and records ACTOR's "trust-delete".  Fails with
 * CTL_ERR_NOT_FOUND when the store does not hold it, CTL_ERR_USAGE for a
 * malformed SHA1, CTL_ERR_IO.  The requests of a client go through
 * pub_trust_delete_checked() instead.
 */
int pub_trust_delete(struct pub_state *st, const char *actor,
    enum pub_trust_purpose p, const char *sha1, struct ctl_diag *d);

/*
 * pub_trust_delete() with the rules of a deletion asked by a person.
 * Refuses, with
 * CTL_ERR_NOT_ALLOWED and nothing changed, a system certificate: one
 * whose SHA1 is that of one of the NSYS certificates at SYS.  NOTES
 * (may be NULL) gets the deleted certificate and a warning for each
 * certificate of any store that it issued (their chain now breaks).
 * Fails as pub_trust_delete() otherwise.
 */
int pub_trust_delete_checked(struct pub_state *st, const char *actor,
    enum pub_trust_purpose p, const char *sha1,
    const struct pub_trust_system *sys, size_t nsys,
    struct pub_trust_notes *notes, struct ctl_diag *d);

/*
 * Writes into OUT (OUTSZ bytes) a warning when the DER certificate (LEN
 * bytes) is expired or not yet valid at NOW, and returns 1; returns 0
 * (OUT empty) when it is valid or cannot be read.
 */
int pub_trust_validity_note(const uint8_t *der, size_t len, int64_t now,
    char *out, size_t outsz);

#endif
