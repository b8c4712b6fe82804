/*
 * The check before moving phones from cluster A to cluster B (Cisco's
 * bulk certificate management procedure): would A's phones, holding A's
 * files and pointed at B's TFTP servers, accept B's CTL and ITL?  Each
 * class of phone is judged with the phone model (phone.h); where a phone
 * would ask A's TVS, the answer comes from TVS's own lookup rule applied
 * to what A's TVS vouches for, not from the network.  Nothing is reset
 * and no TVS is asked.  cmd_move_check.c reads the files and the cluster
 * and prints the verdict.
 */
#ifndef CTLCLIENT_MOVE_CHECK_H
#define CTLCLIENT_MOVE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

#include "ctl.h"
#include "phone.h"

struct ctl_diag;

/* Three model families, each holding CTL+ITL or the ITL alone. */
#define MOVE_CHECK_MAX_CLASSES 6
#define MOVE_CHECK_WHERE_MAX   160

/* What A's TVS would answer, without asking it. */
struct move_tvs {
	/* Where A's TVS finds CERT (a phrase for the report), or NULL
	 * when it answers invalid. */
	const char *(*vouches)(void *arg, X509 *cert);
	void *arg;
	/* The certificates A's TVS servers present; a phone that holds
	 * none of them in its ITL cannot authenticate A's TVS. */
	X509 *const *presented;
	size_t npresented;
};

/* The files on each side: what A's phones hold, what B serves. */
struct move_files {
	const struct ctl_file *a_ctl, *a_itl;   /* NULL: none held */
	const struct ctl_file *b_ctl, *b_itl;   /* NULL: none served */
};

/* One class of phone and its verdict. */
struct move_class {
	enum phone_tvs family;
	const struct phone_model *model;   /* the one played */
	char models[64];                   /* "7942 7945 7962 7965 7975" */
	bool holds_ctl, holds_itl;
	bool accepted;                     /* takes (or keeps) both files */
	struct phone_verdict ctl, itl;
	char tvs_where[MOVE_CHECK_WHERE_MAX]; /* where TVS found a signer */
};

struct move_result {
	struct move_class classes[MOVE_CHECK_MAX_CLASSES];
	size_t nclasses;
	size_t tvs_rejecting;   /* classes with TVS that reject a file */
	size_t warnings;        /* classes without TVS that reject a file */
};

/* "no TVS", "TVS, TLS 1.0", "TVS, TLS 1.2". */
const char *move_family_name(enum phone_tvs f);

/* What the class holds: "CTL+ITL", "CTL", "ITL" or "nothing". */
const char *move_holds_name(const struct move_class *c);

/*
 * Judges F for every class of phone: the three model families, each
 * holding A's CTL and ITL, and (when A has a CTL) the ITL alone, as a
 * phone whose CTL was deleted by hand.  B serving no CTL is taken as B
 * being non-secure.  Fills *R and returns CTL_OK, or CTL_ERR_NOMEM.
 */
int move_check_run(const struct move_files *f, const struct move_tvs *tvs,
    struct move_result *r, struct ctl_diag *d);

#endif
