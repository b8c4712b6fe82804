/*
 * The phone model: given a phone model and the trust lists it holds,
 * does it accept the CTLFile.tlv and ITLFile.tlv it downloads on reset?
 * The direct part (signer in the installed file) is signer/ctl_trust.c;
 * this adds what depends on the model: Trust Verification Service for
 * phones with Security by Default (authenticated only by the TVS
 * certificates of the installed ITL), the ITL checked against the CTL
 * the phone now holds, and absent files.  TVS is asked through a
 * callback, so the model runs without a network in the unit tests.
 * docs/rehearsal.md describes the rules and the model table.
 */
#ifndef CTLCLIENT_PHONE_H
#define CTLCLIENT_PHONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ctl.h"
#include "ctl_err.h"

/* How a model reaches TVS, if at all. */
enum phone_tvs {
	PHONE_TVS_NONE,   /* no Security by Default: no TVS, no ITL */
	PHONE_TVS_TLS10,  /* 7900 series: TLS 1.0 only */
	PHONE_TVS_TLS12,
};

struct phone_model {
	const char *name;     /* "8845", "7975", "Jabber" */
	enum phone_tvs tvs;
};

/* The model called NAME (case-insensitive), or NULL. */
const struct phone_model *phone_model_find(const char *name);

/* The known models, in table order; *N gets how many. */
const struct phone_model *phone_models(size_t *n);

/* How a file was taken (or not). */
enum phone_how {
	PHONE_REJECTED,   /* the phone keeps what it had */
	PHONE_FIRST,      /* it held no file of this kind */
	PHONE_DIRECT,     /* signed by a SAST of the file it holds */
	PHONE_VIA_CTL,    /* ITL signed by a SAST or CCM+TFTP of its CTL */
	PHONE_VIA_TVS,    /* TVS vouched for the signer */
	PHONE_KEPT,       /* not on the server: the phone keeps its own */
	PHONE_DROPPED,    /* no CTL on a non-secure cluster: CTL dropped */
	PHONE_NOT_USED,   /* an ITL on a model without Security by Default */
	PHONE_HOW_N,
};

/* Why a file was rejected. */
enum phone_why {
	PHONE_WHY_NONE,
	PHONE_WHY_BAD_FILE,       /* does not parse, or is the wrong kind */
	PHONE_WHY_BAD_SIGNATURE,  /* does not verify on its own */
	PHONE_WHY_NO_TVS,         /* unknown signer, model without TVS */
	PHONE_WHY_TVS_NO_PIN,     /* no TVS certificate in the installed ITL */
	PHONE_WHY_TVS_INVALID,    /* TVS answered: not trusted */
	PHONE_WHY_TVS_UNREACHABLE,/* cannot connect, or connection closed */
	PHONE_WHY_TVS_TIMEOUT,
	PHONE_WHY_TVS_TLS,        /* handshake failed or TVS not authenticated */
	PHONE_WHY_TVS_GARBAGE,    /* the answer is not a TVS answer */
	PHONE_WHY_TFTP,           /* the download failed */
	PHONE_WHY_N,
};

/* Short names for reports: "direct", "tvs-timeout", ... */
const char *phone_how_name(enum phone_how h);
const char *phone_why_name(enum phone_why w);

/* Is W a failure of the network or of a server (TFTP, TVS) rather than
 * a verdict on the file? */
bool phone_why_is_error(enum phone_why w);

#define PHONE_DEVICE_MAX 64

/* A phone before its reset.  The files are the caller's. */
struct phone {
	const struct phone_model *model;
	char device[PHONE_DEVICE_MAX + 1];  /* CP-8845-SEP0A0000000001 */
	const struct ctl_file *ctl;         /* installed CTL, or NULL */
	const struct ctl_file *itl;         /* installed ITL, or NULL */
};

/* One file as the phone's TFTP download left it. */
enum phone_dl { PHONE_DL_OK, PHONE_DL_ABSENT, PHONE_DL_FAILED };
struct phone_download {
	enum phone_dl state;
	const uint8_t *data;    /* PHONE_DL_OK: the bytes served */
	size_t len;
	const char *error;      /* PHONE_DL_FAILED: what went wrong */
};

/*
 * Asks the TVS of PH's node whether CERT is trusted, authenticating the
 * server only when its certificate is one of the NPINNED in PINNED (the
 * TVS records of PH's installed ITL).  Returns CTL_OK with *VALID set
 * when an answer came; otherwise CTL_ERR_NETWORK, CTL_ERR_TIMEOUT,
 * CTL_ERR_TLS or CTL_ERR_PROTOCOL with the reason in D.  Called from
 * the thread running phone_reset().
 */
typedef int (*phone_tvs_fn)(void *arg, const struct phone *ph,
    X509 *const *pinned, size_t npinned, X509 *cert, bool *valid,
    struct ctl_diag *d);

struct phone_verdict {
	bool accepted;          /* false only when rejected */
	enum phone_how how;
	enum phone_why why;     /* PHONE_WHY_NONE when accepted */
	char reason[2 * CTL_DIAG_MAX];
};

/*
 * Resets PH: judges CTL, then ITL, as the phone would, and fills *CTLV
 * and *ITLV.  The ITL is judged against the CTL the phone holds after
 * the first step (the new one if taken, else its old one).  NONSECURE
 * says the cluster is in non-secure mode: a phone then drops its CTL
 * when the server has none.  ASK is called for unknown signers on
 * models with TVS.  Returns CTL_OK, or CTL_ERR_NOMEM.
 */
int phone_reset(const struct phone *ph, const struct phone_download *ctl,
    const struct phone_download *itl, bool nonsecure, phone_tvs_fn ask,
    void *arg, struct phone_verdict *ctlv, struct phone_verdict *itlv);

#endif
