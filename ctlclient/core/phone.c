/* The phone model: see phone.h and docs/rehearsal.md. */
#include "phone.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctl_trust.h"
#include "ctl_verify.h"
#include "hex.h"

/* As Cisco documents them: 7940/7960 (and Jabber in their time)
 * predate Security by Default; the 7900-series SBD phones speak TLS 1.0
 * only; the newer ones TLS 1.2. */
static const struct phone_model models[] = {
	{ "7940", PHONE_TVS_NONE }, { "7960", PHONE_TVS_NONE },
	{ "Jabber", PHONE_TVS_NONE },
	{ "7942", PHONE_TVS_TLS10 }, { "7945", PHONE_TVS_TLS10 },
	{ "7962", PHONE_TVS_TLS10 }, { "7965", PHONE_TVS_TLS10 },
	{ "7975", PHONE_TVS_TLS10 },
	{ "7841", PHONE_TVS_TLS12 }, { "8811", PHONE_TVS_TLS12 },
	{ "8841", PHONE_TVS_TLS12 }, { "8845", PHONE_TVS_TLS12 },
	{ "8865", PHONE_TVS_TLS12 },
};

const struct phone_model *
phone_models(size_t *n)
{
	*n = sizeof(models) / sizeof(models[0]);
	return models;
}

const struct phone_model *
phone_model_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (strcasecmp(models[i].name, name) == 0)
			return &models[i];
	return NULL;
}

const char *
phone_how_name(enum phone_how h)
{
	static const char *const names[PHONE_HOW_N] = {
		"rejected", "first", "direct", "via-ctl", "via-tvs", "kept",
		"dropped", "not-used",
	};

	return (unsigned)h < PHONE_HOW_N ? names[h] : "?";
}

const char *
phone_why_name(enum phone_why w)
{
	static const char *const names[PHONE_WHY_N] = {
		"none", "bad-file", "bad-signature", "unknown-signer-no-tvs",
		"tvs-no-certificate", "tvs-invalid", "tvs-unreachable",
		"tvs-timeout", "tvs-tls", "tvs-garbage",
		"tftp-failed",
	};

	return (unsigned)w < PHONE_WHY_N ? names[w] : "?";
}

bool
phone_why_is_error(enum phone_why w)
{
	return w == PHONE_WHY_TVS_UNREACHABLE || w == PHONE_WHY_TVS_TIMEOUT ||
	    w == PHONE_WHY_TVS_GARBAGE || w == PHONE_WHY_TFTP;
}

static void
accept_as(struct phone_verdict *v, enum phone_how how, const char *msg)
{
	v->accepted = true;
	v->how = how;
	v->why = PHONE_WHY_NONE;
	snprintf(v->reason, sizeof(v->reason), "%s", msg);
}

static void
reject_as(struct phone_verdict *v, enum phone_why why, const char *msg)
{
	v->accepted = false;
	v->how = PHONE_REJECTED;
	v->why = why;
	snprintf(v->reason, sizeof(v->reason), "%s", msg);
}

/* "CN=x (serial 01:02)" for the signer record R. */
static void
signer_label(const struct ctl_record *r, char *out, size_t outsz)
{
	char serial[HEX_SIZE(32)];

	snprintf(out, outsz, "%s (serial %s)", r->subject != NULL ?
	    r->subject : "(no subject)", hex_format(serial, sizeof(serial),
	    r->serial.p, r->serial.len, ':', 1));
}

/* The TVS records of ITL, which are all a phone can authenticate TVS by. */
static size_t
tvs_pins(const struct ctl_file *itl, X509 **pins)
{
	size_t i, n = 0;

	for (i = 0; itl != NULL && i < itl->nrecords; i++)
		if (itl->records[i].has_role &&
		    itl->records[i].role == CTL_ROLE_TVS &&
		    itl->records[i].cert != NULL)
			pins[n++] = itl->records[i].cert;
	return n;
}

static enum phone_why
why_of_tvs_error(int rc)
{
	switch (rc) {
	case CTL_ERR_TIMEOUT: return PHONE_WHY_TVS_TIMEOUT;
	case CTL_ERR_TLS: return PHONE_WHY_TVS_TLS;
	case CTL_ERR_PROTOCOL: return PHONE_WHY_TVS_GARBAGE;
	default: return PHONE_WHY_TVS_UNREACHABLE;
	}
}

/*
 * The TVS step for a file whose signer (SIGNER, record of NEWF) the
 * phone does not know.  KIND is "CTL" or "ITL".
 */
static void
ask_tvs(const struct phone *ph, const struct ctl_record *signer,
    const char *kind, phone_tvs_fn ask, void *arg, struct phone_verdict *v)
{
	X509 *pins[CTL_MAX_RECORDS];
	struct ctl_diag d;
	char who[400], msg[2 * CTL_DIAG_MAX];
	size_t npins;
	bool valid = false;
	int rc;

	signer_label(signer, who, sizeof(who));
	if (ph->model->tvs == PHONE_TVS_NONE) {
		snprintf(msg, sizeof(msg), "the new %s's signer %s is unknown "
		    "to the phone and this model has no TVS: delete the CTL on "
		    "the phone by hand", kind, who);
		reject_as(v, PHONE_WHY_NO_TVS, msg);
		return;
	}
	if ((npins = tvs_pins(ph->itl, pins)) == 0) {
		snprintf(msg, sizeof(msg), "the new %s's signer %s is unknown "
		    "and the phone cannot authenticate TVS: no TVS certificate "
		    "in the installed ITL", kind, who);
		reject_as(v, PHONE_WHY_TVS_NO_PIN, msg);
		return;
	}
	ctl_diag_clear(&d);
	if (ask == NULL) {
		rc = ctl_diag_set(&d, CTL_ERR_NETWORK, "no way to reach TVS");
	} else if (signer->cert == NULL) {
		rc = ctl_diag_set(&d, CTL_ERR_FORMAT, "the signer record holds "
		    "no certificate to ask about");
	} else {
		rc = ask(arg, ph, pins, npins, signer->cert, &valid, &d);
	}
	if (rc != CTL_OK) {
		snprintf(msg, sizeof(msg), "the new %s's signer %s is unknown "
		    "and TVS gave no answer: %s", kind, who,
		    ctl_diag_msg(&d, rc));
		reject_as(v, why_of_tvs_error(rc), msg);
	} else if (valid) {
		snprintf(msg, sizeof(msg), "accepted via TVS: TVS vouches for "
		    "the signer %s", who);
		accept_as(v, PHONE_VIA_TVS, msg);
	} else {
		snprintf(msg, sizeof(msg), "TVS does not know the new %s's "
		    "signer %s (upload it to Phone-SAST-trust, or keep a "
		    "signer the phones know)", kind, who);
		reject_as(v, PHONE_WHY_TVS_INVALID, msg);
	}
}

/* The download states that end the judgement before any parsing. */
static bool
download_settled(const struct phone_download *dl, const char *file,
    struct phone_verdict *v)
{
	if (dl->state == PHONE_DL_FAILED) {
		char msg[2 * CTL_DIAG_MAX];

		snprintf(msg, sizeof(msg), "%s: download failed: %s", file,
		    dl->error != NULL ? dl->error : "no detail");
		reject_as(v, PHONE_WHY_TFTP, msg);
		return true;
	}
	return false;
}

/* Parses a download; a file that does not parse is one no phone takes. */
static int
parse_download(const struct phone_download *dl, const char *file,
    bool want_itl, struct ctl_file **out, struct phone_verdict *v)
{
	struct ctl_diag d;
	char msg[2 * CTL_DIAG_MAX];
	int rc;

	*out = NULL;
	ctl_diag_clear(&d);
	if ((rc = ctl_parse(dl->data, dl->len, out, &d)) != CTL_OK) {
		if (rc == CTL_ERR_NOMEM)
			return rc;
		snprintf(msg, sizeof(msg), "%s does not parse: %s", file,
		    ctl_diag_msg(&d, rc));
		reject_as(v, PHONE_WHY_BAD_FILE, msg);
		return CTL_OK;
	}
	if (ctl_is_itl(*out) != want_itl) {
		snprintf(msg, sizeof(msg), "%s holds a%s %s file", file,
		    want_itl ? "" : "n", ctl_kind(*out));
		reject_as(v, PHONE_WHY_BAD_FILE, msg);
		ctl_free(*out);
		*out = NULL;
	}
	return CTL_OK;
}

/* Step 1: the CTL.  *HELD gets the CTL the phone holds afterwards
 * (NEWF, taken over into *NEW_OWNED, or the installed one, or NULL). */
static int
judge_ctl(const struct phone *ph, const struct phone_download *dl,
    bool nonsecure, phone_tvs_fn ask, void *arg, struct phone_verdict *v,
    struct ctl_file **new_owned, const struct ctl_file **held)
{
	struct ctl_file *newf = NULL;
	struct ctl_trust t;
	struct ctl_diag d;
	int rc;

	*held = ph->ctl;
	*new_owned = NULL;
	if (download_settled(dl, "CTLFile.tlv", v))
		return CTL_OK;
	if (dl->state == PHONE_DL_ABSENT) {
		/* A secure cluster without a CTL on TFTP is a mistake the
		 * phone rides out on the CTL it has; a non-secure cluster
		 * tells phones to forget theirs. */
		if (nonsecure && ph->ctl != NULL) {
			*held = NULL;
			accept_as(v, PHONE_DROPPED, "no CTLFile.tlv on a "
			    "non-secure cluster: the phone drops its CTL");
		} else {
			accept_as(v, PHONE_KEPT, ph->ctl != NULL ?
			    "no CTLFile.tlv on the server: the phone keeps its "
			    "CTL" : "no CTLFile.tlv on the server and none on "
			    "the phone");
		}
		return CTL_OK;
	}
	if ((rc = parse_download(dl, "CTLFile.tlv", false, &newf, v)) !=
	    CTL_OK || newf == NULL)
		return rc;
	ctl_diag_clear(&d);
	if ((rc = ctl_trust_direct(ph->ctl, newf, &t, &d)) != CTL_OK) {
		reject_as(v, PHONE_WHY_BAD_FILE, ctl_diag_msg(&d, rc));
	} else if (t.accept) {
		accept_as(v, ph->ctl == NULL ? PHONE_FIRST : PHONE_DIRECT,
		    t.reason);
	} else if (!t.tvs_could_help) {
		reject_as(v, PHONE_WHY_BAD_SIGNATURE, t.reason);
	} else {
		ask_tvs(ph, &newf->records[t.new_signer], "CTL", ask, arg, v);
	}
	if (v->accepted) {
		*held = newf;
		*new_owned = newf;
		newf = NULL;   /* transferred */
	}
	ctl_free(newf);
	return CTL_OK;
}

/* Does CTL hold CERT as a SAST or CCM+TFTP record? */
static bool
ctl_vouches(const struct ctl_file *ctl, X509 *cert)
{
	size_t i;

	for (i = 0; ctl != NULL && cert != NULL && i < ctl->nrecords; i++) {
		const struct ctl_record *r = &ctl->records[i];

		if (r->has_role && (r->role == CTL_ROLE_SAST ||
		    r->role == CTL_ROLE_CCM_TFTP) && r->cert != NULL &&
		    X509_cmp(r->cert, cert) == 0)
			return true;
	}
	return false;
}

/*
 * The installed ITL as the phone judges a new one by: ITL itself, or NULL
 * for a blank one.  An ITL with no TVS and no CCM+TFTP record is the
 * rollback ITL of "Prepare Cluster for Rollback to pre-8.0": the phone
 * treats it as blank and takes the next ITL as its first.  The CTL has
 * no such rule.
 */
static const struct ctl_file *
itl_in_force(const struct ctl_file *itl)
{
	size_t i;

	for (i = 0; itl != NULL && i < itl->nrecords; i++)
		if (itl->records[i].has_role &&
		    (itl->records[i].role == CTL_ROLE_TVS ||
		    itl->records[i].role == CTL_ROLE_CCM_TFTP))
			return itl;
	return NULL;
}

/*
 * Cisco's ITL documents: the phone checks a new ITL against the TFTP
 * certificate of the ITL it holds.  So an ITL signed by the very
 * certificate of a CCM+TFTP record of ITL is taken directly (what a
 * reset ITL signed by the CallManager key relies on).  MSG gets why.
 */
static bool
itl_tftp_signed(const struct ctl_file *itl, const struct ctl_record *signer,
    char *msg, size_t msgsz)
{
	char who[400];
	size_t i;

	for (i = 0; itl != NULL && signer->cert != NULL &&
	    i < itl->nrecords; i++) {
		const struct ctl_record *r = &itl->records[i];

		if (r->has_role && r->role == CTL_ROLE_CCM_TFTP &&
		    r->cert != NULL && X509_cmp(r->cert, signer->cert) == 0) {
			signer_label(signer, who, sizeof(who));
			snprintf(msg, msgsz, "the ITL's signer %s is the TFTP "
			    "(CCM+TFTP) certificate of the installed ITL", who);
			return true;
		}
	}
	return false;
}

/* Step 2: the ITL, against the installed ITL and the CTL now HELD. */
static int
judge_itl(const struct phone *ph, const struct phone_download *dl,
    const struct ctl_file *held, phone_tvs_fn ask, void *arg,
    struct phone_verdict *v)
{
	const struct ctl_file *installed = itl_in_force(ph->itl);
	struct ctl_file *newf = NULL;
	const struct ctl_record *signer;
	struct ctl_trust t;
	struct ctl_diag d;
	char who[400], msg[2 * CTL_DIAG_MAX];
	int rc;

	if (ph->model->tvs == PHONE_TVS_NONE) {
		/* The ITL is part of Security by Default; these phones
		 * neither fetch nor hold one. */
		accept_as(v, PHONE_NOT_USED, "this model has no Security "
		    "by Default and does not use the ITL");
		return CTL_OK;
	}
	if (download_settled(dl, "ITLFile.tlv", v))
		return CTL_OK;
	if (dl->state == PHONE_DL_ABSENT) {
		accept_as(v, PHONE_KEPT, ph->itl != NULL ? "no "
		    "ITLFile.tlv on the server: the phone keeps its ITL" :
		    "no ITLFile.tlv on the server and none on the phone");
		return CTL_OK;
	}
	if ((rc = parse_download(dl, "ITLFile.tlv", true, &newf, v)) !=
	    CTL_OK || newf == NULL)
		return rc;
	ctl_diag_clear(&d);
	if ((rc = ctl_trust_direct(installed, newf, &t, &d)) != CTL_OK) {
		reject_as(v, PHONE_WHY_BAD_FILE, ctl_diag_msg(&d, rc));
		goto out;
	}
	if (t.new_signer < 0) {
		reject_as(v, PHONE_WHY_BAD_SIGNATURE, t.reason);
		goto out;
	}
	signer = &newf->records[t.new_signer];
	if (t.accept && (installed == NULL || X509_cmp(signer->cert,
	    installed->records[t.installed_match].cert) == 0)) {
		accept_as(v, installed == NULL ? PHONE_FIRST : PHONE_DIRECT,
		    installed == NULL && ph->itl != NULL ? "the installed ITL "
		    "holds no TVS and no CCM+TFTP record (a rollback ITL): "
		    "the phone treats it as blank and takes this one as its "
		    "first" : t.reason);
		goto out;
	}
	/* The phone looks in its CTL before asking TVS: a signer the CTL
	 * holds needs no TVS. */
	if (ctl_vouches(held, signer->cert)) {
		signer_label(signer, who, sizeof(who));
		snprintf(msg, sizeof(msg), "the ITL's signer %s is a SAST or "
		    "CCM+TFTP record of the CTL the phone holds", who);
		accept_as(v, PHONE_VIA_CTL, msg);
		goto out;
	}
	/* After the CTL, before TVS: a signer both files hold stays
	 * "via-ctl", as before this rule. */
	if (t.tvs_could_help && itl_tftp_signed(installed, signer, msg,
	    sizeof(msg))) {
		accept_as(v, PHONE_DIRECT, msg);
		goto out;
	}
	ask_tvs(ph, signer, "ITL", ask, arg, v);
out:
	ctl_free(newf);
	return CTL_OK;
}

int
phone_reset(const struct phone *ph, const struct phone_download *ctl,
    const struct phone_download *itl, bool nonsecure, phone_tvs_fn ask,
    void *arg, struct phone_verdict *ctlv, struct phone_verdict *itlv)
{
	struct ctl_file *new_ctl = NULL;
	const struct ctl_file *held = NULL;
	int rc;

	memset(ctlv, 0, sizeof(*ctlv));
	memset(itlv, 0, sizeof(*itlv));
	if ((rc = judge_ctl(ph, ctl, nonsecure, ask, arg, ctlv, &new_ctl,
	    &held)) != CTL_OK)
		goto out;
	rc = judge_itl(ph, itl, held, ask, arg, itlv);
out:
	ctl_free(new_ctl);
	return rc;
}
