/*
 * The .tlv trust-list format (CTLFile.tlv, ITLFile.tlv): constants, the
 * parsed form of a file, and parsing.  docs/ctl-format.md describes the
 * bytes; this header describes the C view of them.
 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

struct ctl_diag;

/* Named maximums.  CUCM's files are a few kilobytes: a cluster of 20
 * nodes with every role stays far below these. */
#define CTL_MAX_FILE     (1024u * 1024u)  /* bytes in one .tlv file */
#define CTL_MAX_RECORDS  256              /* certificate records per file */
#define CTL_MAX_FIELDS   64               /* fields in the header or a record */

/* Header tags. */
enum {
	CTL_H_VERSION = 1, CTL_H_HEADERLENGTH = 2, CTL_H_SIGNERID = 3,
	CTL_H_SIGNERNAME = 4, CTL_H_SERIALNUMBER = 5, CTL_H_CANAME = 6,
	CTL_H_SIGNATUREINFO = 7, CTL_H_DIGESTALGORITHM = 8,
	CTL_H_SIGNATUREALGOINFO = 9, CTL_H_SIGNATUREALGORITHM = 10,
	CTL_H_SIGNATUREMODULUS = 11, CTL_H_SIGNATURE = 12, CTL_H_PADDING = 13,
	CTL_H_FILENAME = 14, CTL_H_TIMESTAMP = 15, CTL_H_SIGNERVERSION = 28,
};

/* Record tags. */
enum {
	CTL_R_RECORDLENGTH = 1, CTL_R_DNSNAME = 2, CTL_R_SUBJECTNAME = 3,
	CTL_R_FUNCTION = 4, CTL_R_ISSUERNAME = 5, CTL_R_SERIALNUMBER = 6,
	CTL_R_PUBLICKEY = 7, CTL_R_SIGNATURE = 8, CTL_R_CERTIFICATE = 9,
	CTL_R_IPADDRESS = 10, CTL_R_CERTHASH = 11, CTL_R_HASHALGORITHM = 12,
};

/* Record roles (the FUNCTION field). */
enum ctl_role {
	CTL_ROLE_SAST = 0, CTL_ROLE_CCM = 1, CTL_ROLE_CCM_TFTP = 2,
	CTL_ROLE_TFTP = 3, CTL_ROLE_CAPF = 4, CTL_ROLE_APP_SERVER = 7,
	CTL_ROLE_TVS = 21,
};

/* Digest codes (DIGESTALGORITHM, HASHALGORITHM). */
enum ctl_digest {
	CTL_DIGEST_SHA1 = 1, CTL_DIGEST_SHA256 = 2, CTL_DIGEST_SHA512 = 3,
};

/* One field as it sits in the file: where, which tag, how long. */
struct ctl_field {
	uint8_t tag;
	uint8_t depth;        /* 0 at top level, 1 inside a container, ... */
	size_t off;           /* absolute offset of the tag byte */
	size_t len;           /* value length (0 for padding) */
	const uint8_t *val;   /* points into ctl_file.raw */
};

/* A byte string inside ctl_file.raw (len 0 and p NULL when absent). */
struct ctl_bytes {
	const uint8_t *p;
	size_t len;
};

struct ctl_header {
	uint8_t version_major, version_minor;
	uint16_t header_length;
	const char *signer_name;      /* SIGNERNAME, NULL when absent */
	struct ctl_bytes serial;      /* SERIALNUMBER */
	const char *ca_name;          /* CANAME */
	int digest;                   /* DIGESTALGORITHM code, -1 when absent */
	int sig_algorithm;            /* SIGNATUREALGORITHM, -1 when absent */
	int sig_modulus;              /* SIGNATUREMODULUS code, -1 when absent */
	struct ctl_bytes signature;   /* SIGNATURE value */
	size_t signature_off;         /* offset of the SIGNATURE tag byte */
	const char *filename;         /* FILENAME */
	bool has_timestamp;
	uint32_t timestamp;
	bool has_signer_version;
	uint8_t signer_version_major, signer_version_minor;
	struct ctl_field fields[CTL_MAX_FIELDS];  /* in file order */
	size_t nfields;
};

struct ctl_record {
	size_t off;                   /* offset of the record's first byte */
	uint16_t length;              /* RECORDLENGTH */
	const char *dns_name;         /* DNSNAME, NULL when absent */
	const char *subject;          /* SUBJECTNAME */
	bool has_role;
	uint16_t role;                /* FUNCTION */
	const char *issuer;           /* ISSUERNAME */
	struct ctl_bytes serial;      /* SERIALNUMBER */
	struct ctl_bytes public_key;  /* PUBLICKEY */
	struct ctl_bytes cert_sig;    /* SIGNATURE (the certificate's own) */
	struct ctl_bytes cert_der;    /* CERTIFICATE */
	bool has_ip;
	uint8_t ip[4];                /* IPADDRESS */
	struct ctl_bytes cert_hash;   /* CERTHASH */
	int hash_algorithm;           /* HASHALGORITHM, -1 when absent */
	X509 *cert;                   /* CERTIFICATE decoded; NULL when absent
	                                 or when cert_der is not one DER
	                                 certificate */
	struct ctl_field fields[CTL_MAX_FIELDS];
	size_t nfields;
};

/* A field the parser did not know, kept so that nothing is hidden. */
struct ctl_unknown {
	int record;                   /* record index, or -1 for the header */
	uint8_t tag;
	size_t off;
	size_t len;
};

struct ctl_file {
	uint8_t *raw;                 /* the whole file, owned */
	size_t len;
	struct ctl_header hdr;
	struct ctl_record *records;
	size_t nrecords;
	struct ctl_unknown *unknown;
	size_t nunknown;
};

/*
 * Parses LEN bytes at DATA (copied; the caller keeps DATA).  Succeeds only
 * for a structurally valid file: every length inside its container, no
 * trailing bytes, no duplicate singleton field, HEADERLENGTH and each
 * RECORDLENGTH equal to what they enclose.  On
 * success *OUT is a new ctl_file (free with ctl_free); on failure it is
 * NULL and D names the byte offset and field.  Does not check signatures.
 */
int ctl_parse(const uint8_t *data, size_t len, struct ctl_file **out,
    struct ctl_diag *d);

void ctl_free(struct ctl_file *f);

/*
 * Reads PATH (at most CTL_MAX_FILE bytes; "-" is standard input) and
 * parses it.  Messages in D start with PATH.
 */
int ctl_load(const char *path, struct ctl_file **out, struct ctl_diag *d);

/* Is F an ITL (FILENAME "ITLFile.tlv") rather than a CTL? */
bool ctl_is_itl(const struct ctl_file *f);

/* "CTL" or "ITL", for messages. */
const char *ctl_kind(const struct ctl_file *f);

/* Display name of a role ("CCM+TFTP"), or NULL for a code without one. */
const char *ctl_role_name(unsigned role);

/* The long form `show ctl` prints for a role ("System Administrator
 * Security Token" for SAST), or NULL for a code without one. */
const char *ctl_role_title(unsigned role);

/* Parses a role name (case-insensitive; also FIREWALL, written as CCM, and
 * decimal codes) into *ROLE.  Returns CTL_OK or CTL_ERR_USAGE. */
int ctl_role_parse(const char *s, uint16_t *role);

/* The OpenSSL digest for a digest code, or NULL. */
const EVP_MD *ctl_digest_md(int code);

/* "sha1", "sha256", "sha512", or NULL. */
const char *ctl_digest_name(int code);

/* Parses "sha1"/"sha256"/"sha512" (also "SHA-256" forms). */
int ctl_digest_parse(const char *s, int *code);

/* Modulus code for a key of BITS bits, or -1 when the format has none. */
int ctl_modulus_code(int bits);

/* Key bits for a modulus code, or 0. */
int ctl_modulus_bits(int code);

/* Name of a header tag or record tag as `show ctl` prints it, or NULL. */
const char *ctl_header_tag_name(unsigned tag);
const char *ctl_record_tag_name(unsigned tag);

#endif
