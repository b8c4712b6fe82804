/*
 * The plan of a certificate regeneration, as the CUCM certificate
 * regeneration procedure orders it, for one cluster: the facts of the
 * cluster in, the steps or a refusal out.  A pure function, so every
 * rule has a row in tests/client/test_cert_plan.c; `ctlclient cert
 * plan` (cmd_cert_plan.c) gathers the facts, prints and runs the steps.
 */
#ifndef CTLCLIENT_CERT_PLAN_H
#define CTLCLIENT_CERT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_diag;

/* In the order the plan regenerates them: the types that do not touch
 * the phones, then ITLRecovery (the way back for phones that lose trust
 * exists before the steps that may need it), CAPF, CallManager, and TVS
 * last. */
enum cert_plan_type {
	CP_TOMCAT, CP_TOMCAT_ECDSA, CP_IPSEC, CP_ITLRECOVERY, CP_CAPF,
	CP_CALLMANAGER, CP_CALLMANAGER_ECDSA, CP_TVS, CP_NTYPES,
};

/* "CallManager", ... as CERT_TYPE spells them. */
const char *cert_plan_type_name(enum cert_plan_type t);

/*
 * Parses a comma-separated list of types (any case, repeats allowed)
 * into *MASK (bit 1u << type).  CTL_ERR_USAGE with why in D for an
 * empty list or item, or an unknown type.
 */
int cert_plan_types_parse(const char *list, unsigned *mask,
    struct ctl_diag *d);

/* Who signs the ITL the phones hold. */
enum cert_plan_signer {
	CP_SIGNER_UNKNOWN, CP_SIGNER_ITLRECOVERY, CP_SIGNER_CALLMANAGER,
};

struct cert_plan_node {
	char name[65];
	bool publisher;
	unsigned types;         /* the types it has, 1u << type */
};

/* What the cluster is now. */
struct cert_plan_facts {
	int security_mode;      /* 0 non-secure, 1 mixed */
	enum cert_plan_signer itl_signer;
	int recovery_bits;      /* ITLRecovery's RSA key; 0: none */
	int server_bits;        /* the largest CallManager RSA key */
	const struct cert_plan_node *nodes;     /* any order */
	size_t nnodes;
};

struct cert_plan_request {
	unsigned types;         /* 1u << type */
	const char *const *nodes;   /* NNODES names; 0: every node that */
	size_t nnodes;              /* has the type */
	bool force;             /* go on over a refusal */
};

enum cert_plan_action {
	CP_STEP_REGENERATE,     /* CERT_REGENERATE of TYPE on NODE */
	CP_STEP_CTL_UPDATE,     /* utils ctl update CTLFile (tokenless) */
	CP_STEP_RESTART,        /* what CUCM restarts on NODE */
	CP_STEP_RESET_PHONES,   /* CUCM resets the phones */
};

/* The rules a plan is refused by. */
enum cert_plan_rule {
	CP_RULE_NONE,
	CP_RULE_SIGNER_AND_TVS, /* the ITL's signer and TVS together */
	CP_RULE_RECOVERY_KEY,   /* ITLRecovery shorter than the servers */
};

/* "signer-and-tvs", "itlrecovery-key" (what FORCE names). */
const char *cert_plan_rule_name(enum cert_plan_rule r);

struct cert_plan_step {
	enum cert_plan_action action;
	enum cert_plan_type type;
	char node[65];          /* REGENERATE, RESTART; "" otherwise */
	const char *key;        /* REGENERATE: the key asked for, NULL for
	                         * the type's default */
	const char *services;   /* RESTART: the CUCM services */
	bool phone_files;       /* it changes what phones download */
	enum cert_plan_rule forced;  /* REGENERATE over this refusal */
};

#define CERT_PLAN_MAX_NODES 64
#define CERT_PLAN_MAX_STEPS (CP_NTYPES * (2 * CERT_PLAN_MAX_NODES + 2))

struct cert_plan {
	struct cert_plan_step steps[CERT_PLAN_MAX_STEPS];
	size_t n;
	enum cert_plan_rule refused[2];     /* the rules met, in order */
	size_t nrefused;
};

/*
 * Plans RQ on the cluster F into *OUT.  CTL_ERR_USAGE with why in D for
 * no type, a node F does not have, a type a named node lacks, or a type
 * no node has.  CTL_ERR_REFUSED with the procedure's reason in D when a
 * rule refuses the plan and RQ->force is not set; with it, the plan is
 * made, the rules met are in OUT->refused and the regenerations they
 * concern are marked forced.  *OUT holds the steps in order either way
 * (empty on CTL_ERR_USAGE).
 */
int cert_plan_make(const struct cert_plan_facts *f,
    const struct cert_plan_request *rq, struct cert_plan *out,
    struct ctl_diag *d);

#endif
