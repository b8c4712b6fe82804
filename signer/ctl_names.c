/* Names and codes of the .tlv format: roles, digests, tags, key sizes. */
#include "ctl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_err.h"

static const struct {
	unsigned code;
	const char *name;
	const char *title;
} roles[] = {
	{ CTL_ROLE_SAST, "SAST", "System Administrator Security Token" },
	{ CTL_ROLE_CCM, "CCM", "CCM" },
	{ CTL_ROLE_CCM_TFTP, "CCM+TFTP", "CCM+TFTP" },
	{ CTL_ROLE_TFTP, "TFTP", "TFTP" },
	{ CTL_ROLE_CAPF, "CAPF", "CAPF" },
	{ CTL_ROLE_APP_SERVER, "APP-SERVER", "APP-SERVER" },
	{ CTL_ROLE_TVS, "TVS", "TVS" },
};

const char *
ctl_role_name(unsigned role)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].code == role)
			return roles[i].name;
	return NULL;
}

const char *
ctl_role_title(unsigned role)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].code == role)
			return roles[i].title;
	return NULL;
}

int
ctl_role_parse(const char *s, uint16_t *role)
{
	size_t i;
	char *end;
	unsigned long v;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcasecmp(s, roles[i].name) == 0) {
			*role = (uint16_t)roles[i].code;
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

static const struct {
	int code;
	const char *name;
	const char *alt;
} digests[] = {
	{ CTL_DIGEST_SHA1, "sha1", "SHA-1" },
	{ CTL_DIGEST_SHA256, "sha256", "SHA-256" },
	{ CTL_DIGEST_SHA512, "sha512", "SHA-512" },
};

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
	size_t i;

	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (digests[i].code == code)
			return digests[i].name;
	return NULL;
}

int
ctl_digest_parse(const char *s, int *code)
{
	size_t i;

	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (strcasecmp(s, digests[i].name) == 0 ||
		    strcasecmp(s, digests[i].alt) == 0) {
			*code = digests[i].code;
			return CTL_OK;
		}
	return CTL_ERR_USAGE;
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
