/*
 * What a CUCM cluster restarts after a node certificate of each type is
 * regenerated, and whether the phones reset, as the CUCM certificate
 * regeneration procedure says; and what it takes on this appliance.
 * One table, read by the publisher's CERT_REGENERATE answer and by
 * `ctlclient cert plan`, so the two cannot disagree.
 */
#ifndef CTL_CERT_RESTART_H
#define CTL_CERT_RESTART_H

#include <stdbool.h>

struct cert_restart {
	const char *type;       /* "CallManager", as CERT_TYPE spells it */
	const char *services;   /* the CUCM services, in the order restarted
	                         * on each node, publisher first */
	bool phones_reset;      /* CUCM resets every phone afterwards */
	const char *here;       /* what it takes on this appliance */
};

/* The row of TYPE (any case), or NULL for a type the table lacks. */
const struct cert_restart *cert_restart_find(const char *type);

#endif
