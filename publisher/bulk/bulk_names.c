/* The names on the SFTP server and in the PKCS12 files. */
#include "bulk_names.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctl_err.h"

#define P12_SUFFIX ".p12"
#define CONSOLIDATED "consolidated"

static const char *const type_names[] = { "all", "tftp" };
static const char *const cert_names[BULK_NCERTS] = {
	[BULK_CERT_CALLMANAGER] = "CallManager", [BULK_CERT_CAPF] = "CAPF",
	[BULK_CERT_TOMCAT] = "Tomcat", [BULK_CERT_ITLRECOVERY] = "ITLRecovery",
};

const char *
bulk_type_name(enum bulk_type t)
{
	return t == BULK_TYPE_TFTP ? type_names[1] : type_names[0];
}

int
bulk_type_parse(const char *s, enum bulk_type *t)
{
	if (strcmp(s, "all") == 0)
		*t = BULK_TYPE_ALL;
	else if (strcmp(s, "tftp") == 0)
		*t = BULK_TYPE_TFTP;
	else
		return CTL_ERR_USAGE;
	return CTL_OK;
}

const char *
bulk_cert_name(enum bulk_cert c)
{
	return (unsigned)c < BULK_NCERTS ? cert_names[c] : "?";
}

bool
bulk_cert_in_type(enum bulk_cert c, enum bulk_type t)
{
	return t == BULK_TYPE_ALL || c == BULK_CERT_CALLMANAGER ||
	    c == BULK_CERT_ITLRECOVERY;
}

size_t
bulk_cert_stores(enum bulk_cert c, enum pub_trust_purpose out[2])
{
	switch (c) {
	case BULK_CERT_CAPF:
		out[0] = PUB_TRUST_CALLMANAGER;
		return 1;
	case BULK_CERT_TOMCAT:
		out[0] = PUB_TRUST_TOMCAT;
		return 1;
	default:
		/* CallManager and ITLRecovery sign what phones download:
		 * TVS vouches for them from Phone-SAST-trust. */
		out[0] = PUB_TRUST_PHONE_SAST;
		out[1] = PUB_TRUST_CALLMANAGER;
		return 2;
	}
}

bool
bulk_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= BULK_ID_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* WHAT (S) is 1 to MAX letters, digits or bytes of EXTRA, not starting
 * with '-' (it must never read as an option). */
static int
chars_check(const char *s, size_t max, const char *extra, const char *what,
    const char *allowed, struct ctl_diag *d)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max)
		return ctl_diag_set(d, CTL_ERR_USAGE, "the SFTP %s is empty "
		    "or longer than %zu bytes", what, max);
	if (s[0] == '-')
		return ctl_diag_set(d, CTL_ERR_USAGE, "the SFTP %s starts "
		    "with '-'", what);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(extra, c) != NULL))
			return ctl_diag_set(d, CTL_ERR_USAGE, "the SFTP %s "
			    "holds a character other than %s (byte %zu)", what,
			    allowed, i + 1);
	}
	return CTL_OK;
}

int
bulk_host_check(const char *s, struct ctl_diag *d)
{
	return chars_check(s, BULK_HOST_MAX, ".-:", "host name",
	    "letters, digits, '.', '-' and ':'", d);
}

int
bulk_user_check(const char *s, struct ctl_diag *d)
{
	return chars_check(s, BULK_USER_MAX, ".-_", "user name",
	    "letters, digits, '.', '-' and '_'", d);
}

int
bulk_dir_check(const char *s, struct ctl_diag *d)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > BULK_DIR_MAX || s[0] != '/')
		return ctl_diag_set(d, CTL_ERR_USAGE, "the SFTP directory must "
		    "be an absolute path of at most %d bytes", BULK_DIR_MAX);
	if (n > 1 && s[n - 1] == '/')
		return ctl_diag_set(d, CTL_ERR_USAGE, "the SFTP directory ends "
		    "with '/': give it without");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			return ctl_diag_set(d, CTL_ERR_USAGE, "the SFTP "
			    "directory holds a control byte or a backslash "
			    "(byte %zu)", i + 1);
		/* ".." as a whole path element */
		if (c == '.' && i > 0 && s[i - 1] == '/' && i + 1 < n &&
		    s[i + 1] == '.' && (i + 2 == n || s[i + 2] == '/'))
			return ctl_diag_set(d, CTL_ERR_USAGE, "the SFTP "
			    "directory holds \"..\"");
	}
	return CTL_OK;
}

int
bulk_node_file_name(const char *cluster, const char *node, enum bulk_type t,
    char out[BULK_NAME_MAX], struct ctl_diag *d)
{
	if (!bulk_name_ok(cluster, strlen(cluster)))
		return ctl_diag_set(d, CTL_ERR_USAGE, "cluster id '%s' cannot "
		    "stand in a file name", cluster);
	if (!bulk_name_ok(node, strlen(node)) ||
	    strlen(node) >= PUB_NODE_NAME_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "node name '%s' cannot "
		    "stand in a file name (letters, digits, '.' and '-' only)",
		    node);
	snprintf(out, BULK_NAME_MAX, "%s_%s_%s" P12_SUFFIX, cluster, node,
	    bulk_type_name(t));
	return CTL_OK;
}

void
bulk_consolidated_name(enum bulk_type t, char out[BULK_NAME_MAX])
{
	snprintf(out, BULK_NAME_MAX, CONSOLIDATED "_%s" P12_SUFFIX,
	    bulk_type_name(t));
}

/* The type spelled by the LEN bytes at S. */
static int
type_of(const char *s, size_t len, enum bulk_type *t)
{
	if (len == 3 && memcmp(s, "all", 3) == 0)
		*t = BULK_TYPE_ALL;
	else if (len == 4 && memcmp(s, "tftp", 4) == 0)
		*t = BULK_TYPE_TFTP;
	else
		return CTL_ERR_FORMAT;
	return CTL_OK;
}

/* Splits the LEN bytes at S at '_' into at most MAX parts (the start
 * and length of each); returns how many, or MAX + 1 when there are more. */
static size_t
split(const char *s, size_t len, const char **part, size_t *plen,
    size_t max)
{
	size_t n = 0, i, start = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '_')
			continue;
		if (n == max)
			return max + 1;
		part[n] = s + start;
		plen[n] = i - start;
		n++;
		start = i + 1;
	}
	return n;
}

int
bulk_file_name_parse(const char *name, size_t len,
    struct bulk_file_name *out)
{
	const size_t slen = sizeof(P12_SUFFIX) - 1;
	const char *part[3];
	size_t plen[3], n;
	struct bulk_file_name f;

	if (len < slen || len >= BULK_NAME_MAX ||
	    memcmp(name + len - slen, P12_SUFFIX, slen) != 0 ||
	    memchr(name, '\0', len) != NULL)
		return CTL_ERR_FORMAT;
	memset(&f, 0, sizeof(f));
	n = split(name, len - slen, part, plen, 3);
	if (n == 2) {
		if (plen[0] != sizeof(CONSOLIDATED) - 1 ||
		    memcmp(part[0], CONSOLIDATED, plen[0]) != 0 ||
		    type_of(part[1], plen[1], &f.type) != CTL_OK)
			return CTL_ERR_FORMAT;
		f.consolidated = true;
	} else if (n == 3) {
		if (!bulk_name_ok(part[0], plen[0]) ||
		    !bulk_name_ok(part[1], plen[1]) ||
		    plen[1] >= PUB_NODE_NAME_MAX ||
		    type_of(part[2], plen[2], &f.type) != CTL_OK)
			return CTL_ERR_FORMAT;
		memcpy(f.cluster, part[0], plen[0]);
		memcpy(f.node, part[1], plen[1]);
	} else {
		return CTL_ERR_FORMAT;
	}
	*out = f;
	return CTL_OK;
}

void
bulk_friendly_name(const char *cluster, const char *node, enum bulk_cert c,
    bool consolidated, char out[BULK_NAME_MAX])
{
	if (consolidated)
		snprintf(out, BULK_NAME_MAX, "%s_%s_%s", cluster, node,
		    bulk_cert_name(c));
	else
		snprintf(out, BULK_NAME_MAX, "%s", bulk_cert_name(c));
}

int
bulk_friendly_parse(const char *s, size_t len, bool consolidated,
    char *cluster, char *node, enum bulk_cert *c)
{
	const char *part[3];
	size_t plen[3], n, want = consolidated ? 3 : 1;
	unsigned i;

	if (memchr(s, '\0', len) != NULL)
		return CTL_ERR_FORMAT;
	if ((n = split(s, len, part, plen, 3)) != want)
		return CTL_ERR_FORMAT;
	if (consolidated && (!bulk_name_ok(part[0], plen[0]) ||
	    !bulk_name_ok(part[1], plen[1]) || plen[1] >= PUB_NODE_NAME_MAX))
		return CTL_ERR_FORMAT;
	for (i = 0; i < BULK_NCERTS; i++) {
		if (strlen(cert_names[i]) != plen[n - 1] ||
		    strncasecmp(cert_names[i], part[n - 1], plen[n - 1]) != 0)
			continue;
		if (consolidated) {
			memcpy(cluster, part[0], plen[0]);
			cluster[plen[0]] = '\0';
			memcpy(node, part[1], plen[1]);
			node[plen[1]] = '\0';
		}
		*c = (enum bulk_cert)i;
		return CTL_OK;
	}
	return CTL_ERR_FORMAT;
}
