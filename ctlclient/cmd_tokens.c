/*
 * ctlclient tokens [--json] [--module PATH]: what is plugged in and what
 * the PKCS#11 module makes of it.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl_err.h"
#include "hex.h"
#include "json_out.h"
#include "tok_list.h"

#define NOTES_MAX 8

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ctlclient tokens [--json] [--module PATH]\n"
	    "\n"
	    "Lists the PKCS#11 module's slots and tokens (label, maker, model,\n"
	    "serial, PIN state), the certificates on each token, the PC/SC\n"
	    "readers, and the SafeNet eTokens seen on USB.  No PIN is asked\n"
	    "for: a private key shows as \"present\" only when the token lets\n"
	    "anyone see it, \"probable\" when its public key is visible.\n"
	    "\n"
	    "  --json         one JSON object instead of text\n"
	    "  --module PATH  the PKCS#11 module (default: $%s, then\n"
	    "                 p11-kit-proxy, SafeNet, OpenSC, SoftHSM)\n",
	    "CTLCLIENT_PKCS11_MODULE");
}

struct notes {
	char text[NOTES_MAX][CTL_DIAG_MAX];
	size_t n;
};

static void note(struct notes *ns, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
note(struct notes *ns, const char *fmt, ...)
{
	va_list ap;

	if (ns->n >= NOTES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(ns->text[ns->n++], CTL_DIAG_MAX, fmt, ap);
	va_end(ap);
}

/* Advice drawn from the whole picture: what a person should do next. */
static void
make_notes(const struct tok_inventory *inv, struct notes *ns)
{
	size_t i, tokens = 0;

	for (i = 0; i < inv->nslots; i++)
		if (inv->slots[i].token != NULL &&
		    inv->slots[i].token->initialized)
			tokens++;
	/*
	 * Which of several identical eTokens is the unserved one cannot be
	 * told, so the last ones are named.
	 */
	for (i = inv->nusb - inv->usb_unserved; i < inv->nusb; i++) {
		const struct tok_usb_model *m = inv->usb[i].model;

		note(ns, "an %s is plugged in but no PKCS#11 module offers "
		    "it: install %s", m->name, m->served_by);
		if (m->ccid && !inv->pcsc_running)
			note(ns, "pcscd is not running: the %s reaches "
			    "PKCS#11 modules through it (systemctl start "
			    "pcscd)", m->name);
	}
	if (inv->module == NULL)
		note(ns, "%s", ctl_diag_msg(&inv->module_diag,
		    CTL_ERR_MODULE));
	else if (tokens == 0 && inv->nusb == 0)
		note(ns, "no token found: plug in the eToken, then run "
		    "'ctlclient tokens' again");
}

static const char *
pin_state(const struct tok_token_info *t)
{
	if (t->pin_locked)
		return "LOCKED (the security officer must unlock the token)";
	if (t->pin_final_try)
		return "FINAL TRY (one more wrong PIN locks the token)";
	if (t->pin_count_low)
		return "count low (wrong PINs were typed recently)";
	if (t->pin_to_be_changed)
		return "must be changed";
	return "ok";
}

static void
print_text(const struct tok_inventory *inv, const struct notes *ns)
{
	const struct tok_token_info *t;
	char atr[HEX_SIZE(TOK_ATR_MAX)];
	size_t i, j;

	if (inv->module != NULL)
		printf("PKCS#11 module: %s\n", inv->module);
	else
		printf("PKCS#11 module: none loaded\n");
	for (i = 0; i < inv->nslots; i++) {
		const struct tok_slot_info *s = &inv->slots[i];

		printf("Slot 0x%lx: %s%s\n", s->id, s->description,
		    s->removable ? " (removable)" : "");
		if ((t = s->token) == NULL) {
			printf("  no token\n");
			continue;
		}
		if (!t->initialized) {
			printf("  token not initialised (%s %s)\n",
			    t->manufacturer, t->model);
			continue;
		}
		printf("  Token %s\n", t->label);
		printf("    manufacturer: %s\n    model:        %s\n"
		    "    serial:       %s\n", t->manufacturer, t->model,
		    t->serial);
		printf("    user PIN:     %s%s\n", pin_state(t),
		    t->pin_pad ? "; entered on the reader's PIN pad" : "");
		if (t->certs_unreadable)
			printf("    certificates: cannot be listed\n");
		else if (t->ncerts == 0)
			printf("    certificates: none\n");
		for (j = 0; j < t->ncerts; j++) {
			const struct tok_cert_info *c = &t->certs[j];

			printf("    Certificate %s (id %s)\n", c->label,
			    c->id_hex);
			printf("      subject:     %s\n      issuer:      %s\n"
			    "      serial:      %s\n      SHA1:        %s\n"
			    "      expires:     %s\n"
			    "      key:         %s %d bits\n"
			    "      private key: %s\n", c->subject, c->issuer,
			    c->serial_hex, c->sha1, c->not_after,
			    c->key_type, c->key_bits,
			    c->pair == TOK_PAIR_PRESENT ? "present" :
			    c->pair == TOK_PAIR_PROBABLE ? "probable (its "
			    "public key is on the token; the private key "
			    "shows after login)" : "unknown (shows after "
			    "login)");
		}
	}
	if (!inv->pcsc_running)
		printf("PC/SC readers: pcscd is not running\n");
	else if (inv->pcsc_diag.msg[0] != '\0')
		printf("PC/SC readers: %s\n", inv->pcsc_diag.msg);
	else if (inv->nreaders == 0)
		printf("PC/SC readers: none\n");
	for (i = 0; i < inv->nreaders; i++) {
		const struct tok_reader *r = &inv->readers[i];

		printf("PC/SC reader %s: %s%s\n", r->name,
		    r->card ? "card present, ATR " : "empty",
		    r->card ? hex_format(atr, sizeof(atr), r->atr,
		    r->atr_len, ':', 1) : "");
	}
	if (!inv->usb_ok)
		printf("USB eTokens: %s\n", inv->usb_diag.msg);
	else if (inv->nusb == 0)
		printf("USB eTokens: none seen\n");
	for (i = 0; i < inv->nusb; i++) {
		const struct tok_usb_model *m = inv->usb[i].model;

		printf("USB eToken: %s (%04x:%04x) on bus %u, address %u\n",
		    m->name, m->vendor, m->product, inv->usb[i].bus,
		    inv->usb[i].address);
	}
	for (i = 0; i < ns->n; i++)
		printf("Note: %s\n", ns->text[i]);
}

static void
json_token(struct json_out *j, const struct tok_token_info *t)
{
	size_t i;

	json_object_begin(j, "token");
	json_string(j, "label", t->label);
	json_string(j, "manufacturer", t->manufacturer);
	json_string(j, "model", t->model);
	json_string(j, "serial", t->serial);
	json_bool(j, "initialized", t->initialized);
	json_bool(j, "login_required", t->login_required);
	json_bool(j, "pin_pad", t->pin_pad);
	json_object_begin(j, "user_pin");
	json_bool(j, "count_low", t->pin_count_low);
	json_bool(j, "final_try", t->pin_final_try);
	json_bool(j, "locked", t->pin_locked);
	json_bool(j, "to_be_changed", t->pin_to_be_changed);
	json_object_end(j);
	if (t->certs_unreadable)
		json_null(j, "certificates");
	else {
		json_array_begin(j, "certificates");
		for (i = 0; i < t->ncerts; i++) {
			const struct tok_cert_info *c = &t->certs[i];

			json_object_begin(j, NULL);
			json_string(j, "label", c->label);
			json_string(j, "id", c->id_hex);
			json_string(j, "subject", c->subject);
			json_string(j, "issuer", c->issuer);
			json_string(j, "serial", c->serial_hex);
			json_string(j, "sha1", c->sha1);
			json_string(j, "not_after", c->not_after);
			json_string(j, "key_type", c->key_type);
			json_int(j, "key_bits", c->key_bits);
			json_string(j, "private_key",
			    tok_key_pair_name(c->pair));
			json_object_end(j);
		}
		json_array_end(j);
	}
	json_object_end(j);
}

static void
print_json(const struct tok_inventory *inv, const struct notes *ns)
{
	struct json_out j;
	char atr[HEX_SIZE(TOK_ATR_MAX)], id[8];
	size_t i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "module", inv->module);
	json_string(&j, "module_error", inv->module == NULL ?
	    ctl_diag_msg(&inv->module_diag, CTL_ERR_MODULE) : NULL);
	json_array_begin(&j, "slots");
	for (i = 0; i < inv->nslots; i++) {
		const struct tok_slot_info *s = &inv->slots[i];

		json_object_begin(&j, NULL);
		json_int(&j, "id", (long long)s->id);
		json_string(&j, "description", s->description);
		json_string(&j, "manufacturer", s->manufacturer);
		json_bool(&j, "removable", s->removable);
		if (s->token != NULL)
			json_token(&j, s->token);
		else
			json_null(&j, "token");
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_begin(&j, "pcsc");
	json_bool(&j, "running", inv->pcsc_running);
	json_string(&j, "error", inv->pcsc_diag.msg[0] != '\0' ?
	    inv->pcsc_diag.msg : NULL);
	json_array_begin(&j, "readers");
	for (i = 0; i < inv->nreaders; i++) {
		const struct tok_reader *r = &inv->readers[i];

		json_object_begin(&j, NULL);
		json_string(&j, "name", r->name);
		json_bool(&j, "card", r->card);
		json_string(&j, "atr", r->card ? hex_format(atr, sizeof(atr),
		    r->atr, r->atr_len, '\0', 0) : NULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_object_begin(&j, "usb");
	json_bool(&j, "scanned", inv->usb_ok);
	json_string(&j, "error", inv->usb_ok ? NULL : inv->usb_diag.msg);
	json_array_begin(&j, "etokens");
	for (i = 0; i < inv->nusb; i++) {
		const struct tok_usb_model *m = inv->usb[i].model;

		json_object_begin(&j, NULL);
		json_string(&j, "name", m->name);
		snprintf(id, sizeof(id), "%04x", m->vendor);
		json_string(&j, "vendor_id", id);
		snprintf(id, sizeof(id), "%04x", m->product);
		json_string(&j, "product_id", id);
		json_int(&j, "bus", inv->usb[i].bus);
		json_int(&j, "address", inv->usb[i].address);
		json_bool(&j, "ccid", m->ccid);
		json_string(&j, "served_by", m->served_by);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_int(&j, "unserved", (long long)inv->usb_unserved);
	json_object_end(&j);
	json_array_begin(&j, "notes");
	for (i = 0; i < ns->n; i++)
		json_string(&j, NULL, ns->text[i]);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

int
cmd_tokens(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tok_inventory *inv = NULL;
	struct ctl_diag d = { "" };
	struct notes ns;
	const char *module = NULL;
	int c, json = 0, r;

	optind = 1;
	while ((c = cli_getopt(argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'm': module = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return EXIT_INVALID;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ctlclient: tokens takes no argument '%s': "
		    "see ctlclient tokens --help\n", argv[optind]);
		return 2;
	}
	if ((r = tok_inventory_take(module, &inv, &d)) != CTL_OK) {
		fprintf(stderr, "ctlclient: tokens: %s\n", ctl_diag_msg(&d, r));
		return 1;
	}
	memset(&ns, 0, sizeof(ns));
	make_notes(inv, &ns);
	if (json)
		print_json(inv, &ns);
	else
		print_text(inv, &ns);
	/* Listing without a module is a failure to list tokens. */
	r = inv->module != NULL ? 0 : 1;
	if (r != 0)
		fprintf(stderr, "ctlclient: tokens: %s\n",
		    ctl_diag_msg(&inv->module_diag, CTL_ERR_MODULE));
	tok_inventory_free(inv);
	return r;
}
