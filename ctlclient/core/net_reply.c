/* Checking the answers of a CTL Provider: see net_reply.h. */
#include "net_reply.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "hex.h"

void
net_clean_text(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int
net_only_fields(const struct proto_fields *fs, const uint16_t *allowed,
    size_t n, const char *what, struct ctl_diag *d)
{
	size_t i, k;

	for (i = 0; i < fs->n; i++) {
		for (k = 0; k < n; k++)
			if (fs->f[i].tag == allowed[k])
				break;
		if (k == n)
			return ctl_diag_set(d, CTL_ERR_PROTOCOL, "the answer to "
			    "%s holds an unexpected %s field", what,
			    proto_tag_name(fs->f[i].tag) ?
			    proto_tag_name(fs->f[i].tag) : "?");
	}
	return CTL_OK;
}

int
net_get_sha1(const struct proto_fields *fs, uint16_t tag, int required,
    int empty_ok, char out[41], int *have, struct ctl_diag *d)
{
	const uint8_t *p = NULL;
	size_t n = 0;
	int r;

	out[0] = '\0';
	*have = 0;
	r = proto_get_bytes(fs, tag, required, 20, &p, &n, d);
	if (r == CTL_ERR_NOT_FOUND)
		return CTL_OK;
	if (r != CTL_OK)
		return r;
	if (n == 0 && empty_ok)
		return CTL_OK;
	if (n != 20)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "field %s is %zu bytes, "
		    "expected 20", proto_tag_name(tag), n);
	hex_format(out, 41, p, 20, '\0', 0);
	*have = 1;
	return CTL_OK;
}

static int
result_parse(const struct proto_fields *g, struct net_result *r,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_NAME, PT_FILENAME, PT_STATUS,
	    PT_MESSAGE };
	uint8_t status;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = net_only_fields(g, allowed, 4, "a RESULT", d)) ||
	    (rc = proto_get_str(g, PT_NAME, true, r->name, 64, d)) ||
	    (rc = proto_get_str(g, PT_FILENAME, true, r->filename,
	    sizeof(r->filename) - 1, d)) ||
	    (rc = proto_get_u8(g, PT_STATUS, true, &status, d)))
		return rc;
	rc = proto_get_str(g, PT_MESSAGE, false, r->message, NET_MAX_MESSAGE,
	    d);
	if (rc != CTL_OK && rc != CTL_ERR_NOT_FOUND)
		return rc;
	if (strcmp(r->filename, "CTLFile.tlv") != 0 &&
	    strcmp(r->filename, "ITLFile.tlv") != 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "FILENAME is neither "
		    "CTLFile.tlv nor ITLFile.tlv");
	if (status > 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "STATUS %u is neither "
		    "0 (Passed) nor 1 (Failed)", status);
	r->passed = status == 0;
	net_clean_text(r->name);
	net_clean_text(r->message);
	return CTL_OK;
}

int
net_results_parse(const struct proto_fields *fs, struct net_result **out,
    size_t *n, struct ctl_diag *d)
{
	struct proto_fields g = { NULL, 0 };
	struct net_result *r = NULL;
	struct ctl_diag gd;
	size_t i, count = proto_count(fs, PT_RESULT);
	int rc = CTL_OK;

	*out = NULL;
	*n = 0;
	if (count == 0)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "the answer names no "
		    "node (no RESULT field)");
	if ((r = calloc(count, sizeof(*r))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	for (i = 0; i < count; i++) {
		ctl_diag_clear(&gd);
		if ((rc = proto_group_at(fs, PT_RESULT, i, &g, &gd)) == CTL_OK)
			rc = result_parse(&g, &r[i], &gd);
		proto_fields_free(&g);
		if (rc != CTL_OK) {
			rc = ctl_diag_set(d, CTL_ERR_PROTOCOL, "RESULT %zu: %s",
			    i + 1, ctl_diag_msg(&gd, rc));
			free(r);
			return rc;
		}
	}
	*out = r;
	*n = count;
	return CTL_OK;
}

size_t
net_results_print(FILE *f, const struct net_result *r, size_t n)
{
	size_t i, failed = 0;

	fprintf(f, "%-24s %-12s %-7s %s\n", "Node", "File", "Status",
	    "Reason");
	for (i = 0; i < n; i++) {
		if (r[i].message[0] != '\0')
			fprintf(f, "%-24s %-12s %-7s %s\n", r[i].name,
			    r[i].filename, r[i].passed ? "Passed" : "Failed",
			    r[i].message);
		else
			fprintf(f, "%-24s %-12s %s\n", r[i].name, r[i].filename,
			    r[i].passed ? "Passed" : "Failed");
		failed += !r[i].passed;
	}
	return failed;
}
