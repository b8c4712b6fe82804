/* ctlclient audit --server HOST[:PORT] [--limit N] [--json] */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net_cmd.h"
#include "commands.h"
#include "ctl_err.h"
#include "json_out.h"
#include "net_reply.h"

#define AUDIT_MAX_OPERATION 256
#define AUDIT_MAX_LIMIT     100000

enum { OPT_LIMIT = 0x2000 };

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctlclient audit --server HOST[:PORT] [--limit N] [--json]\n\n"
	    "Shows the publisher's audit log: every change to the cluster's\n"
	    "CTL, security mode and trust stores, with who made it, when, and\n"
	    "the SHA-1 of the CTL before and after.\n\n"
	    "  --limit N   at most N entries (the server's default otherwise)\n"
	    "  --json      one JSON object instead of the table\n\n"
	    NET_OPTIONS_HELP
	    "\nExit status: 0 shown, 1 failed, 2 bad usage.\n");
}

struct audit_entry {
	uint64_t time;
	char user[NET_MAX_USER + 1];
	char operation[AUDIT_MAX_OPERATION + 1];
	char old_sha1[41];
	char new_sha1[41];
	char message[NET_MAX_MESSAGE + 1];
};

static int
entry_parse(const struct proto_fields *g, struct audit_entry *e,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_TIME, PT_USER, PT_OPERATION,
	    PT_OLD_SHA1, PT_NEW_SHA1, PT_MESSAGE };
	int rc, have;

	memset(e, 0, sizeof(*e));
	if ((rc = net_only_fields(g, allowed, 6, "an AUDIT", d)) ||
	    (rc = proto_get_u64(g, PT_TIME, true, &e->time, d)) ||
	    (rc = proto_get_str(g, PT_USER, true, e->user, NET_MAX_USER, d)) ||
	    (rc = proto_get_str(g, PT_OPERATION, true, e->operation,
	    AUDIT_MAX_OPERATION, d)) ||
	    (rc = net_get_sha1(g, PT_OLD_SHA1, 0, 1, e->old_sha1, &have, d)) ||
	    (rc = net_get_sha1(g, PT_NEW_SHA1, 0, 1, e->new_sha1, &have, d)))
		return rc;
	rc = proto_get_str(g, PT_MESSAGE, false, e->message, NET_MAX_MESSAGE,
	    d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	net_clean_text(e->user);
	net_clean_text(e->operation);
	net_clean_text(e->message);
	return CTL_OK;
}

static void
time_text(uint64_t t, char *out, size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((uint64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, outsz, "%llu", (unsigned long long)t);
}

static void
print(const struct audit_entry *e, size_t n, int json)
{
	struct json_out j;
	char when[64];
	size_t i;

	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j, NULL);
		json_array_begin(&j, "entries");
		for (i = 0; i < n; i++) {
			json_object_begin(&j, NULL);
			json_int(&j, "time", (long long)e[i].time);
			json_string(&j, "user", e[i].user);
			json_string(&j, "operation", e[i].operation);
			json_string(&j, "old_sha1", e[i].old_sha1[0] ?
			    e[i].old_sha1 : NULL);
			json_string(&j, "new_sha1", e[i].new_sha1[0] ?
			    e[i].new_sha1 : NULL);
			json_string(&j, "message", e[i].message[0] ?
			    e[i].message : NULL);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
		return;
	}
	if (n == 0) {
		printf("The audit log is empty.\n");
		return;
	}
	for (i = 0; i < n; i++) {
		time_text(e[i].time, when, sizeof(when));
		printf("%s  %-12s %s\n", when, e[i].user, e[i].operation);
		/* Trust store entries carry a certificate's SHA1, not a CTL's. */
		if (e[i].old_sha1[0] || e[i].new_sha1[0])
			printf("    %s %s -> %s\n", strncmp(e[i].operation,
			    "trust-", 6) == 0 ? "certificate" : "CTL",
			    e[i].old_sha1[0] ?
			    e[i].old_sha1 : "(none)", e[i].new_sha1[0] ?
			    e[i].new_sha1 : "(none)");
		if (e[i].message[0])
			printf("    %s\n", e[i].message);
	}
}

static int
audit(struct net_session *s, int have_limit, uint32_t limit, int json,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_AUDIT };
	struct net_reply a = { { NULL, 0 }, NULL };
	struct proto_fields g = { NULL, 0 };
	struct audit_entry *e = NULL;
	struct proto_out o;
	struct ctl_diag pd;
	size_t i, n;
	int rc;

	net_request(s, &o, PROTO_AUDIT);
	if (have_limit)
		proto_put_u32(&o, PT_LIMIT, limit);
	rc = net_call(s, &o, &a, d);
	proto_out_free(&o);
	if (rc != CTL_OK)
		goto out;
	ctl_diag_clear(&pd);
	n = proto_count(&a.fs, PT_AUDIT);
	if ((rc = net_only_fields(&a.fs, allowed, 1, "AUDIT", &pd)) == CTL_OK &&
	    have_limit && n > limit)
		rc = ctl_diag_set(&pd, CTL_ERR_PROTOCOL, "%zu entries, more "
		    "than the %u asked for", n, limit);
	if (rc != CTL_OK) {
		rc = ctl_diag_set(d, rc, "%s: malformed answer to AUDIT: %s",
		    s->peer, ctl_diag_msg(&pd, rc));
		goto out;
	}
	if (n > 0 && (e = calloc(n, sizeof(*e))) == NULL) {
		rc = ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		ctl_diag_clear(&pd);
		if ((rc = proto_group_at(&a.fs, PT_AUDIT, i, &g, &pd)) ==
		    CTL_OK)
			rc = entry_parse(&g, &e[i], &pd);
		proto_fields_free(&g);
		if (rc != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "%s: malformed "
			    "answer to AUDIT: entry %zu: %s", s->peer, i + 1,
			    ctl_diag_msg(&pd, rc));
			goto out;
		}
	}
	print(e, n, json);
	rc = CTL_OK;
out:
	free(e);
	net_reply_free(&a);
	return rc;
}

struct audit_cmd {
	int json, have_limit;
	uint32_t limit;
};

static int
audit_option(void *ctx, int c, const char *arg, struct ctl_diag *d)
{
	struct audit_cmd *ac = ctx;
	unsigned long v;
	char *stop;

	if (c == 'j') {
		ac->json = 1;
		return CTL_OK;
	}
	errno = 0;
	v = strtoul(arg, &stop, 10);
	if (!isdigit((unsigned char)arg[0]) || *stop != '\0' || errno != 0 ||
	    v == 0 || v > AUDIT_MAX_LIMIT)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--limit %s: a number "
		    "from 1 to %d", arg, AUDIT_MAX_LIMIT);
	ac->limit = (uint32_t)v;
	ac->have_limit = 1;
	return CTL_OK;
}

static int
audit_run(struct net_session *s, void *ctx, struct ctl_diag *d)
{
	const struct audit_cmd *ac = ctx;

	return audit(s, ac->have_limit, ac->limit, ac->json, d);
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct net_cmd cmd = {
		.name = "audit", .opts = opts, .usage = usage,
		.option = audit_option, .run = audit_run,
	};
	struct audit_cmd ac = { 0, 0, 0 };

	return net_cmd_main(&cmd, &ac, argc, argv);
}
