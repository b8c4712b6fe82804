/*
 * What TVS looks certificates up in: an immutable snapshot of trusted
 * certificates in two parts, the database part (the cluster's own
 * certificates and the trust stores) and the CTL part (the records of
 * the CTL cached), each indexed by issuer and serial number.  A snapshot
 * is built, sealed, then only read; it is reference counted so that
 * readers keep theirs while a newer one is swapped in.
 */
#ifndef PUB_TVS_SNAP_H
#define PUB_TVS_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "tvs_msg.h"

struct ctl_diag;

/* Seconds a phone may keep a "valid" answer.  CUCM answers in hours; one
 * hour bounds how long a phone keeps trusting a certificate that was
 * removed from the trust stores. */
#define PUB_TVS_TTL 3600

/* Most certificates in one snapshot: every node's four certificates, the
 * trust stores and one CTL stay far below. */
#define PUB_TVS_CACHE_MAX 4096

/* Where an answer came from, for the log line. */
#define PUB_TVS_WHERE_MAX 256

struct pub_tvs_answer {
	bool valid;
	uint8_t roles[TVS_ROLES_MAX];        /* when valid */
	size_t nroles;
	char where[PUB_TVS_WHERE_MAX];       /* "Phone-SAST-trust", "CTL", or
	                                        why it is invalid */
};

/* An immutable set of trusted certificates (reference counted). */
struct pub_tvs_snap;

/* A new, empty snapshot with one reference, or NULL when out of memory. */
struct pub_tvs_snap *pub_tvs_snap_new(void);

/* Takes one more reference to S, for another thread; returns S. */
struct pub_tvs_snap *pub_tvs_snap_get(struct pub_tvs_snap *s);

/*
 * Adds certificate DER (LEN bytes, copied) with ROLE, found at WHERE
 * ("Phone-SAST-trust", "CallManager of cucm-pub"), to the database part
 * or (FROM_CTL) the CTL part of S.  The same certificate added twice to
 * one part keeps one entry with the union of roles and places.  Only
 * before S is sealed.  Fails with CTL_ERR_FORMAT (not one DER
 * certificate), CTL_ERR_TOO_BIG (PUB_TVS_CACHE_MAX), CTL_ERR_NOMEM.
 */
int pub_tvs_snap_add(struct pub_tvs_snap *s, bool from_ctl,
    const uint8_t *der, size_t len, uint8_t role, const char *where,
    struct ctl_diag *d);

/*
 * Adds every certificate of the database part (or, FROM_CTL, the CTL
 * part) of FROM to the same part of S, with its roles and places.  Fails
 * as pub_tvs_snap_add().
 */
int pub_tvs_snap_add_all(struct pub_tvs_snap *s, bool from_ctl,
    const struct pub_tvs_snap *from, struct ctl_diag *d);

/* Makes S ready for lookups; nothing is added afterwards. */
void pub_tvs_snap_seal(struct pub_tvs_snap *s);

/* Drops a reference to S (NULL is allowed); the last one frees it. */
void pub_tvs_snap_put(struct pub_tvs_snap *s);

/* Does the database part (or, FROM_CTL, the CTL part) of S hold exactly
 * DER?  With ROLE >= 0, it must also hold that role there. */
bool pub_tvs_snap_has(const struct pub_tvs_snap *s, bool from_ctl,
    const uint8_t *der, size_t len, int role);

/* Counts of the two parts, for the log. */
void pub_tvs_snap_counts(const struct pub_tvs_snap *s, size_t *db,
    size_t *ctl);

/*
 * Answers for CERT (whose DER is DER/LEN): looked up by issuer name and
 * serial number in the database part, then in the CTL part; a hit is
 * valid only when the whole DER is equal.  Never fails: an invalid
 * answer says why in A->where.
 */
void pub_tvs_lookup(const struct pub_tvs_snap *s, X509 *cert,
    const uint8_t *der, size_t len, struct pub_tvs_answer *a);

/*
 * The answer pub_tvs_lookup() gives, without parsing the certificate,
 * when S holds exactly the bytes DER/LEN (SHA1 is their SHA-1): fills A
 * and returns the certificate's names as pub_tvs_cert_names() formats
 * them (owned by S, valid while the caller's reference is).  Returns
 * NULL and leaves A alone when S does not hold those bytes: then only
 * pub_tvs_lookup() can answer, and say why it is invalid.
 */
const char *pub_tvs_lookup_der(const struct pub_tvs_snap *s,
    const uint8_t *der, size_t len, const uint8_t sha1[20],
    struct pub_tvs_answer *a);

/*
 * X's subject, issuer and serial as the TVS log shows them:
 * `subject "CN=..;.." issuer "CN=..;.." serial 0A1B..` ("?" for a part
 * that cannot be read).  *OUT is freed by the caller.  Fails with
 * CTL_ERR_NOMEM.
 */
int pub_tvs_cert_names(X509 *x, char **out);

#endif
