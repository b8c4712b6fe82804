/* Names and codes of the .tlv format: roles, digests, tags, key sizes. */
#include "ctl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_err.h"

/* A code of the format, its name, and a second spelling or a title. */
struct named {
	long code;
	const char *name;
	const char *other;
};

#define NELEM(t) (sizeof(t) / sizeof((t)[0]))

/* Roles: the name `show ctl` prints, and its long form. */
static const struct named roles[] = {
	{ CTL_ROLE_SAST, "SAST", "System Administrator Security Token" },
	{ CTL_ROLE_CCM, "CCM", "CCM" },
	{ CTL_ROLE_CCM_TFTP, "CCM+TFTP", "CCM+TFTP" },
	{ CTL_ROLE_TFTP, "TFTP", "TFTP" },
	{ CTL_ROLE_CAPF, "CAPF", "CAPF" },
	{ CTL_ROLE_APP_SERVER, "APP-SERVER", "APP-SERVER" },
	{ CTL_ROLE_TVS, "TVS", "TVS" },
};

/* Digests: our name, and OpenSSL's spelling, both accepted. */
static const struct named digests[] = {
	{ CTL_DIGEST_SHA1, "sha1", "SHA-1" },
	{ CTL_DIGEST_SHA256, "sha256", "SHA-256" },
	{ CTL_DIGEST_SHA512, "sha512", "SHA-512" },
};

/* The name (or, when OTHER, the other spelling) of CODE in T (N
 * entries), or NULL when T has no such code. */
static const char *
name_of(const struct named *t, size_t n, long code, bool other)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return other ? t[i].other : t[i].name;
	return NULL;
}

/* The entry of T (N entries) named S in any case (or spelt S the other
 * way, when OTHER_TOO), or NULL. */
static const struct named *
by_name(const struct named *t, size_t n, const char *s, bool other_too)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(s, t[i].name) == 0 ||
		    (other_too && strcasecmp(s, t[i].other) == 0))
			return &t[i];
	return NULL;
}

const char *
ctl_role_name(unsigned role)
{
	return name_of(roles, NELEM(roles), role, false);
}

const char *
ctl_role_title(unsigned role)
{
	return name_of(roles, NELEM(roles), role, true);
}

int
ctl_role_parse(const char *s, uint16_t *role)
{
	const struct named *r = by_name(roles, NELEM(roles), s, false);
	char *end;
	unsigned long v;

	if (r != NULL) {
		*role = (uint16_t)r->code;
		return CTL_OK;
	}
	/* A firewall (ASA) entry is written with the CCM role, as the CTL
	 * client does. */
	if (strcasecmp(s, "FIREWALL") == 0) {
		*role = CTL_ROLE_CCM;
		return CTL_OK;
	}
	if (*s >= '0' && *s <= '9') {
		v = strtoul(s, &end, 10);
		if (*end == '\0' && v <= 0xffff) {
			*role = (uint16_t)v;
			return CTL_OK;
		}
	}
	return CTL_ERR_USAGE;
}

const EVP_MD *
ctl_digest_md(int code)
{
	switch (code) {
	case CTL_DIGEST_SHA1: return EVP_sha1();
	case CTL_DIGEST_SHA256: return EVP_sha256();
	case CTL_DIGEST_SHA512: return EVP_sha512();
	}
	return NULL;
}

const char *
ctl_digest_name(int code)
{
	return name_of(digests, NELEM(digests), code, false);
}

int
ctl_digest_parse(const char *s, int *code)
{
	const struct named *g = by_name(digests, NELEM(digests), s, true);

	if (g == NULL)
		return CTL_ERR_USAGE;
	*code = (int)g->code;
	return CTL_OK;
}

int
ctl_modulus_code(int bits)
{
	switch (bits) {
	case 512: return 0;
	case 1024: return 1;
	case 2048: return 2;
	case 4096: return 3;
	}
	return -1;
}

int
ctl_modulus_bits(int code)
{
	return code >= 0 && code <= 3 ? 512 << code : 0;
}

/* CUCM's own spellings, misspelt ALGORTITHM included, so that output can be
 * compared with `show ctl` line by line. */
const char *
ctl_header_tag_name(unsigned tag)
{
	switch (tag) {
	case CTL_H_VERSION: return "VERSION";
	case CTL_H_HEADERLENGTH: return "HEADERLENGTH";
	case CTL_H_SIGNERID: return "SIGNERID";
	case CTL_H_SIGNERNAME: return "SIGNERNAME";
	case CTL_H_SERIALNUMBER: return "SERIALNUMBER";
	case CTL_H_CANAME: return "CANAME";
	case CTL_H_SIGNATUREINFO: return "SIGNATUREINFO";
	case CTL_H_DIGESTALGORITHM: return "DIGESTALGORTITHM";
	case CTL_H_SIGNATUREALGOINFO: return "SIGNATUREALGOINFO";
	case CTL_H_SIGNATUREALGORITHM: return "SIGNATUREALGORTITHM";
	case CTL_H_SIGNATUREMODULUS: return "SIGNATUREMODULUS";
	case CTL_H_SIGNATURE: return "SIGNATURE";
	case CTL_H_PADDING: return "PADDING";
	case CTL_H_FILENAME: return "FILENAME";
	case CTL_H_TIMESTAMP: return "TIMESTAMP";
	case CTL_H_SIGNERVERSION: return "SIGNERVERSION";
	}
	return NULL;
}

const char *
ctl_record_tag_name(unsigned tag)
{
	switch (tag) {
	case CTL_R_RECORDLENGTH: return "RECORDLENGTH";
	case CTL_R_DNSNAME: return "DNSNAME";
	case CTL_R_SUBJECTNAME: return "SUBJECTNAME";
	case CTL_R_FUNCTION: return "FUNCTION";
	case CTL_R_ISSUERNAME: return "ISSUERNAME";
	case CTL_R_SERIALNUMBER: return "SERIALNUMBER";
	case CTL_R_PUBLICKEY: return "PUBLICKEY";
	case CTL_R_SIGNATURE: return "SIGNATURE";
	case CTL_R_CERTIFICATE: return "CERTIFICATE";
	case CTL_R_IPADDRESS: return "IPADDRESS";
	case CTL_R_CERTHASH: return "CERTHASH";
	case CTL_R_HASHALGORITHM: return "HASHALGORITHM";
	}
	return NULL;
}

bool
ctl_is_itl(const struct ctl_file *f)
{
	return f->hdr.filename != NULL &&
	    strcasecmp(f->hdr.filename, "ITLFile.tlv") == 0;
}

const char *
ctl_kind(const struct ctl_file *f)
{
	return ctl_is_itl(f) ? "ITL" : "CTL";
}
