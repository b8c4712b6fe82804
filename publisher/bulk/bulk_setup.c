/* Setting up the SFTP server, with the host key pinned: see bulk_setup.h. */
#include "bulk_setup.h"

#include <stdio.h>
#include <string.h>

#include "bulk_sftp.h"
#include "ctl_err.h"
#include "pub_audit.h"
#include "pub_log.h"

const char *
bulk_pin_state_name(enum bulk_pin_state s)
{
	switch (s) {
	case BULK_PIN_NEW: return "new";
	case BULK_PIN_CHANGED: return "changed";
	default: return "pinned";
	}
}

int
bulk_setup(const char *dir, struct pub_state *st, const char *actor,
    struct bulk_sftp_conf *c, const char *secret, size_t len,
    struct bulk_setup_result *r, struct ctl_diag *d)
{
	struct bulk_sftp_conf old;
	struct bulk_sftp *s = NULL;
	char detail[2048];     /* pub_audit_add() cuts it */
	bool have_old, same;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = bulk_config_load(dir, &old, NULL);
	have_old = rc == CTL_OK;
	same = have_old && strcmp(old.host, c->host) == 0 &&
	    old.port == c->port;
	if ((rc = bulk_sftp_connect(c, &s, r->fp, d)) != CTL_OK)
		goto out;
	if (c->hostkey[0] != '\0' && strcmp(c->hostkey, r->fp) != 0) {
		rc = ctl_diag_set(d, CTL_ERR_REFUSED, "SFTP server %s:%u: its "
		    "host key is now %s, not the %s you accepted; nothing was "
		    "stored: check the server, then run `ctlclient bulk sftp` "
		    "again", c->host, c->port, r->fp, c->hostkey);
		goto out;
	}
	if (c->hostkey[0] == '\0') {
		if (!same || strcmp(old.hostkey, r->fp) != 0) {
			r->state = same ? BULK_PIN_CHANGED : BULK_PIN_NEW;
			if (same)
				snprintf(r->old_fp, sizeof(r->old_fp), "%s",
				    old.hostkey);
			rc = CTL_OK;
			goto out;
		}
		snprintf(c->hostkey, sizeof(c->hostkey), "%s", r->fp);
	}
	if ((rc = bulk_sftp_login(s, c, secret, len, d)) != CTL_OK ||
	    (rc = bulk_config_save(dir, c, (const uint8_t *)secret, len, d)) !=
	    CTL_OK)
		goto out;
	snprintf(detail, sizeof(detail), "%s@%s:%u%s, %s login, host key %s",
	    c->user, c->host, c->port, c->dir, bulk_auth_name(c->auth),
	    c->hostkey);
	if ((rc = pub_audit_add(st, actor, "bulk-sftp", NULL, NULL, detail,
	    d)) != CTL_OK)
		goto out;
	pub_log("bulk: SFTP server set to %s by %s", detail, actor);
	r->state = BULK_PIN_PINNED;
out:
	bulk_sftp_close(s);
	return rc;
}
