/*
 * Everything `ctlclient tokens` shows: the module's slots, tokens and
 * certificates, the PC/SC readers, and the eTokens seen on USB.
 */
#ifndef CTL_TOK_LIST_H
#define CTL_TOK_LIST_H

#include <stddef.h>

#include "ctl_err.h"
#include "tok_pcsc.h"
#include "tok_usb.h"

/*
 * Whether the private key that goes with a certificate is on the token,
 * as far as one can tell without logging in.
 */
enum tok_key_pair {
	TOK_PAIR_PRESENT,   /* a private key object with the same CKA_ID is
	                     * visible without login */
	TOK_PAIR_PROBABLE,  /* a public key object with the same CKA_ID is
	                     * visible: the pair was made on the token, the
	                     * private key needs a login to be seen */
	TOK_PAIR_UNKNOWN,   /* nothing visible without login says */
};

struct tok_cert_info {
	char *label;
	char *id_hex;        /* CKA_ID, lowercase hex */
	char *subject;       /* one line: "O = Cisco Systems, OU = ..., CN = ..." */
	char *issuer;
	char *serial_hex;    /* uppercase hex */
	char *not_after;     /* "2026-12-31 23:59:59 UTC" */
	char sha1[41];       /* of the DER, lowercase hex */
	int key_bits;        /* 0 when unknown */
	const char *key_type;/* "RSA", "EC", ... (static) */
	enum tok_key_pair pair;
};

struct tok_token_info {
	char *label;
	char *manufacturer;
	char *model;
	char *serial;
	int initialized;
	int login_required;
	int pin_pad;          /* protected authentication path */
	int pin_count_low;
	int pin_final_try;
	int pin_locked;
	int pin_to_be_changed;
	struct tok_cert_info *certs;
	size_t ncerts;
	int certs_unreadable; /* listing the certificates failed */
};

struct tok_slot_info {
	unsigned long id;
	char *description;
	char *manufacturer;
	int removable;
	struct tok_token_info *token;  /* NULL when the slot is empty */
};

struct tok_inventory {
	char *module;                 /* NULL when no module loaded */
	struct ctl_diag module_diag;  /* why not, when module is NULL */
	struct tok_slot_info *slots;
	size_t nslots;

	int pcsc_running;
	struct ctl_diag pcsc_diag;    /* a PC/SC failure other than "not
	                               * running"; empty when none */
	struct tok_reader *readers;
	size_t nreaders;

	int usb_ok;
	struct ctl_diag usb_diag;     /* why not, when usb_ok is 0 */
	struct tok_usb_device *usb;
	size_t nusb;
	/* eTokens on USB beyond the SafeNet-like tokens the module offers */
	size_t usb_unserved;
};

/*
 * Looks at everything, as by tok_module_find(MODULE): a part that cannot
 * be looked at is recorded in the inventory, not returned as failure, so
 * that "eToken on USB but no module" can be told.  *OUT is freed with
 * tok_inventory_free().  Fails only with CTL_ERR_NOMEM.
 */
int tok_inventory_take(const char *module, struct tok_inventory **out,
    struct ctl_diag *d);

void tok_inventory_free(struct tok_inventory *inv);

/* "present", "probable" or "unknown". */
const char *tok_key_pair_name(enum tok_key_pair p);

#endif
