/*
 * The phone trust model: would a phone that holds one trust list accept
 * another?  This file holds the direct part, decided from the two files
 * alone; the Trust Verification Service step builds on it.
 */
#ifndef CTL_TRUST_H
#define CTL_TRUST_H

#include <stdbool.h>

#include "ctl.h"
#include "ctl_err.h"

struct ctl_trust {
	bool accept;
	int new_signer;          /* signer record in the new file, or -1 */
	int installed_match;     /* matching SAST record in the installed
	                            file, or -1 */
	bool tvs_could_help;     /* rejected only because the signer is
	                            unknown: a TVS-capable phone asks TVS */
	char reason[CTL_DIAG_MAX];
};

/*
 * Decides whether a phone holding INSTALLED (NULL: the phone holds no
 * file of this kind) accepts NEWF, as a phone does without TVS: NEWF must
 * verify, and its signer must be a SAST of INSTALLED whose key verifies
 * NEWF's signature.  Fills *T (with a reason either way) and returns
 * CTL_OK; returns CTL_ERR_USAGE with D set when the two files are not of
 * the same kind (a CTL is checked against a CTL, an ITL against an ITL).
 */
int ctl_trust_direct(const struct ctl_file *installed,
    const struct ctl_file *newf, struct ctl_trust *t, struct ctl_diag *d);

#endif
