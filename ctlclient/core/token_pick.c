#include "token_pick.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_err.h"
#include "tok_list.h"
#include "tty.h"
#include "wbuf.h"

/* RFC 7512 percent-encoding of a URI attribute value. */
static int
put_value(struct wbuf *w, const char *v)
{
	static const char *keep = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
	char enc[4];
	int rc = CTL_OK;

	for (; *v != '\0' && rc == CTL_OK; v++) {
		if (strchr(keep, *v) != NULL) {
			rc = wb_put_u8(w, (uint8_t)*v);
		} else {
			snprintf(enc, sizeof(enc), "%%%02X", (unsigned char)*v);
			rc = wb_put_bytes(w, enc, 3);
		}
	}
	return rc;
}

static char *
token_uri(const struct tok_token_info *t)
{
	struct wbuf w;
	size_t len;

	wb_init(&w, 1024);
	if (wb_put_bytes(&w, "pkcs11:token=", 13) != CTL_OK ||
	    put_value(&w, t->label) != CTL_OK ||
	    wb_put_bytes(&w, ";serial=", 8) != CTL_OK ||
	    put_value(&w, t->serial) != CTL_OK || wb_put_u8(&w, 0) != CTL_OK) {
		wb_free(&w);
		return NULL;
	}
	return (char *)wb_steal(&w, &len);
}

static bool
chosen(char **uris, size_t n, const char *uri)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(uris[i], uri) == 0)
			return true;
	return false;
}

/* The first token with a certificate that is not chosen yet. */
static const struct tok_token_info *
next_candidate(const struct tok_inventory *inv, char **uris, size_t n,
    char **uri)
{
	size_t i;

	*uri = NULL;
	for (i = 0; i < inv->nslots; i++) {
		const struct tok_token_info *t = inv->slots[i].token;

		if (t == NULL || !t->initialized || t->ncerts == 0)
			continue;
		if ((*uri = token_uri(t)) == NULL)
			return NULL;
		if (!chosen(uris, n, *uri))
			return t;
		free(*uri);
		*uri = NULL;
	}
	return NULL;
}

int
token_pick(const char *module, size_t want, char **uris, struct ctl_diag *d)
{
	struct tok_inventory *inv = NULL;
	const struct tok_token_info *t;
	struct ctl_diag cd;
	char *uri = NULL;
	size_t have = 0, i;
	unsigned waited;
	int rc = CTL_OK;

	for (i = 0; i < want; i++)
		uris[i] = NULL;
	while (have < want) {
		printf("Please insert a Security Token%s.\n", have > 0 ?
		    " (the next one)" : "");
		fflush(stdout);
		for (waited = 0; ; waited++) {
			tok_inventory_free(inv);
			inv = NULL;
			if ((rc = tok_inventory_take(module, &inv, d)) != CTL_OK)
				goto out;
			if ((t = next_candidate(inv, uris, have, &uri)) != NULL)
				break;
			if (waited >= TOKEN_PICK_WAIT_S) {
				rc = ctl_diag_set(d, CTL_ERR_TIMEOUT, "no new "
				    "Security Token in %d s", TOKEN_PICK_WAIT_S);
				goto out;
			}
			sleep(1);
		}
		printf("\nSecurity Token Information (token %s, serial %s)\n"
		    "  Subject Name: %s\n  Issuer Name:  %s\n"
		    "  Expires on:   %s\n", t->label, t->serial,
		    t->certs[0].subject, t->certs[0].issuer,
		    t->certs[0].not_after ? t->certs[0].not_after : "?");
		fflush(stdout);
		ctl_diag_clear(&cd);
		if ((rc = tty_confirm("Add this Security Token?", "--token URI",
		    &cd)) != CTL_OK) {
			rc = ctl_diag_set(d, rc, "the Security Token was not "
			    "added: %s", ctl_diag_msg(&cd, rc));
			goto out;
		}
		uris[have++] = uri;
		uri = NULL; /* transferred */
	}
out:
	free(uri);
	tok_inventory_free(inv);
	if (rc != CTL_OK)
		for (i = 0; i < have; i++) {
			free(uris[i]);
			uris[i] = NULL;
		}
	return rc;
}
