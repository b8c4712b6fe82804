/* mkcorpus CTLDIR PROTODIR [TVSDIR [REPLYDIR]]: writes the seed corpora
 * of the fuzz targets: .tlv files, protocol frames, TVS requests, and
 * the publisher's answers as the client reads them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ctl.h"
#include "ctl_err.h"
#include "file_io.h"
#include "proto_frame.h"
#include "replies.h"
#include "testbuild.h"
#include "tvs_msg.h"

static int
save(const char *dir, const char *name, uint8_t *b, size_t len)
{
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = file_write_atomic(path, b, len, 0644, NULL);
	free(b);
	return rc;
}

static int
save_frame(const char *dir, const char *name, struct proto_out *o)
{
	uint8_t *b;
	size_t len;
	int rc = proto_out_finish(o, &b, &len);

	proto_out_free(o);
	return rc != CTL_OK ? rc : save(dir, name, b, len);
}

/* Certificates of chosen shapes for the inputs below: keys, serials and
 * digests other than those of the sample certificates. */
enum { X_RSA2048, X_EC, X_SERIAL1, X_SERIAL20, X_ITLRECOVERY, X_TVS, NX };

static int
extra_certs(struct tg_cert x[NX])
{
	const struct tg_spec specs[NX] = {
		{ "/CN=cucm-pub/O=Open CTL/C=PL", 2048, 16, NULL, 0, NULL,
		    NULL },
		{ "/CN=cucm-pub-EC/O=Open CTL/C=PL", 0, 16, NULL, 0, NULL,
		    NULL },
		{ "/CN=SEP001122AABBCC", 1024, 1, NULL, 0, NULL, NULL },
		{ "/CN=tomcat/OU=Voice/O=Open CTL/L=Krakow/C=PL", 1024, 20,
		    EVP_sha1(), 0, NULL, NULL },
		{ "/CN=ITLRECOVERY_cucm-1051-a-pub/OU=TAC/O=Cisco/C=PL", 1024,
		    16, NULL, 0, NULL, NULL },
		{ "/CN=cucm-1051-a-pub-TVS/OU=TAC/O=Cisco/C=PL", 1024, 16,
		    NULL, 0, NULL, NULL },
	};
	int i;

	memset(x, 0, NX * sizeof(*x));
	for (i = 0; i < NX; i++)
		if (tg_make(&specs[i], &x[i]) != 0)
			return 1;
	return 0;
}

static void
extra_certs_free(struct tg_cert x[NX])
{
	for (int i = 0; i < NX; i++)
		tg_free(&x[i]);
}

/* --- .tlv files --- */

/* Builds N entries signed by SIGNER into DIR/NAME. */
static int
save_tlv(const char *dir, const char *name, const struct ctl_entry *e,
    size_t n, const struct tg_cert *signer, int digest, const char *filename)
{
	uint8_t *b;
	size_t len;
	int rc = tb_build(e, n, signer, digest, filename, &b, &len);

	return rc != CTL_OK ? rc : save(dir, name, b, len);
}

/* Saves a copy of the LEN bytes at P. */
static int
save_copy(const char *dir, const char *name, const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len);

	if (b == NULL)
		return CTL_ERR_NOMEM;
	memcpy(b, p, len);
	return save(dir, name, b, len);
}

/*
 * CTLs and ITLs of the shapes the tests build: tokenless and token CTLs,
 * one and two SASTs, each digest, each role, records with and without a
 * name and an address, ITLs signed by ITLRecovery and by CallManager, and
 * the most records a file may hold.
 */
static int
ctl_shapes(const char *dir, const struct seed_certs *s)
{
	static const struct {
		const char *name;
		int digest;
	} digests[] = {
		{ "tokenless-sha256.tlv", CTL_DIGEST_SHA256 },
		{ "tokenless-sha512.tlv", CTL_DIGEST_SHA512 },
	};
	static const uint16_t roles[] = { CTL_ROLE_CCM, CTL_ROLE_TFTP,
	    CTL_ROLE_APP_SERVER, CTL_ROLE_TVS, 99 };
	const struct tg_cert *node[] = { &s->pub, &s->sub1 };
	struct ctl_entry e[16];
	struct tg_cert x[NX];
	const uint8_t *odd;
	uint8_t *b;
	size_t i, len;
	int rc = 0;

	if (extra_certs(x) != 0) {
		extra_certs_free(x);
		return 1;
	}
	/* the tokenless CTL under each digest */
	tb_seed_tokenless_entries(s, e);
	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		rc |= save_tlv(dir, digests[i].name, e, 4, &s->pub,
		    digests[i].digest, NULL);
	/* records without a name or an address, as CUCM writes for a
	 * node known by address only, and one with neither */
	tb_entry(&e[1], CTL_ROLE_CCM_TFTP, &s->pub, NULL, 2, false);
	tb_entry(&e[2], CTL_ROLE_CAPF, &s->capf, "cucm-1051-a-pub", 0, false);
	tb_entry(&e[3], CTL_ROLE_CCM_TFTP, &s->sub1, NULL, 0, false);
	rc |= save_tlv(dir, "no-dns-no-ip.tlv", e, 4, &s->pub,
	    CTL_DIGEST_SHA1, NULL);
	/* SAST and CCM+TFTP alone, by the publisher and by a regenerated
	 * 2048-bit publisher certificate */
	tb_entry(&e[1], CTL_ROLE_CCM_TFTP, &s->pub, "cucm-1051-a-pub", 2,
	    false);
	rc |= save_tlv(dir, "two-records.tlv", e, 2, &s->pub, CTL_DIGEST_SHA1,
	    NULL);
	tb_entry(&e[0], CTL_ROLE_SAST, &x[X_RSA2048], "cucm-pub", 2, false);
	tb_entry(&e[1], CTL_ROLE_CCM_TFTP, &x[X_RSA2048], "cucm-pub", 2,
	    false);
	rc |= save_tlv(dir, "signer-2048.tlv", e, 2, &x[X_RSA2048],
	    CTL_DIGEST_SHA256, NULL);
	/* a signer with no SAST entry: the builder adds a token-style one */
	tb_entry(&e[0], CTL_ROLE_CCM_TFTP, &s->sub1, "cucm-1051-a-sub1", 3,
	    false);
	rc |= save_tlv(dir, "implied-sast.tlv", e, 1, &s->pub, CTL_DIGEST_SHA1,
	    NULL);
	/* token CTLs: one SAST (the first three entries); two, signed by
	 * either token; two tokens and the publisher's own SAST, as during a
	 * move to tokenless */
	tb_seed_tokens_entries(s, e);
	rc |= save_tlv(dir, "token-one-sast.tlv", e, 3, &s->token1,
	    CTL_DIGEST_SHA1, NULL);
	rc |= save_tlv(dir, "tokens-by-token1.tlv", e, 5, &s->token1,
	    CTL_DIGEST_SHA1, NULL);
	tb_entry(&e[5], CTL_ROLE_SAST, &s->pub, "cucm-1051-a-pub", 2, false);
	rc |= save_tlv(dir, "tokens-and-tokenless.tlv", e, 6, &s->pub,
	    CTL_DIGEST_SHA256, NULL);
	/* every role, and a code without a name; an EC certificate and
	 * serials of 1 and 20 bytes */
	tb_entry(&e[0], CTL_ROLE_SAST, &s->pub, "cucm-1051-a-pub", 2, false);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		tb_entry(&e[1 + i], roles[i], node[i % 2], i % 2 ?
		    "cucm-1051-a-sub1" : "cucm-1051-a-pub",
		    (uint8_t)(2 + i % 2), false);
	tb_entry(&e[1 + i], CTL_ROLE_CCM_TFTP, &x[X_EC], "cucm-pub-ec", 4,
	    false);
	tb_entry(&e[2 + i], CTL_ROLE_APP_SERVER, &x[X_SERIAL20], "tomcat", 5,
	    false);
	tb_entry(&e[3 + i], CTL_ROLE_TFTP, &x[X_SERIAL1], NULL, 6, false);
	rc |= save_tlv(dir, "every-role.tlv", e, 4 + i, &s->pub,
	    CTL_DIGEST_SHA512, NULL);
	/* ITLs: signed by ITLRecovery, then by CallManager with ITLRecovery
	 * as the second SAST; per node CCM+TFTP and TVS, and CAPF */
	tb_entry(&e[0], CTL_ROLE_SAST, &x[X_ITLRECOVERY], "cucm-1051-a-pub", 2,
	    false);
	tb_entry(&e[1], CTL_ROLE_CCM_TFTP, &s->pub, "cucm-1051-a-pub", 2,
	    false);
	tb_entry(&e[2], CTL_ROLE_CAPF, &s->capf, "cucm-1051-a-pub", 2, false);
	tb_entry(&e[3], CTL_ROLE_TVS, &x[X_TVS], "cucm-1051-a-pub", 2, false);
	tb_entry(&e[4], CTL_ROLE_CCM_TFTP, &s->sub1, "cucm-1051-a-sub1", 3,
	    false);
	tb_entry(&e[5], CTL_ROLE_TVS, &x[X_TVS], "cucm-1051-a-sub1", 3, false);
	rc |= save_tlv(dir, "itl-itlrecovery.tlv", e, 6, &x[X_ITLRECOVERY],
	    CTL_DIGEST_SHA1, "ITLFile.tlv");
	memmove(&e[1], &e[0], 6 * sizeof(e[0]));
	tb_entry(&e[0], CTL_ROLE_SAST, &s->pub, "cucm-1051-a-pub", 2, false);
	rc |= save_tlv(dir, "itl-callmanager.tlv", e, 7, &s->pub,
	    CTL_DIGEST_SHA1, "ITLFile.tlv");
	/* the most records a file may hold, bare: signed, with a certificate
	 * each, it would be some 200 KB, and an input that large slows every
	 * run of the fuzzer for no path the smaller files miss */
	if ((b = tb_tiny_records(CTL_MAX_RECORDS, &len)) == NULL)
		rc = 1;
	else
		rc |= save(dir, "most-records-bare.tlv", b, len);
	odd = tb_odd_shapes(&len);
	rc |= save_copy(dir, "odd-shapes.tlv", odd, len);
	extra_certs_free(x);
	return rc;
}

/* --- protocol frames --- */

/* Puts the SHA-1 of LEN bytes at P under TAG, as the server sends it. */
static void
put_sha1_of(struct proto_out *o, uint16_t tag, const uint8_t *p, size_t len)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(p, len, md, &mdlen, EVP_sha1(), NULL) != 1)
		o->err = CTL_ERR_CRYPTO;
	proto_put_bytes(o, tag, md, 20);
}

/* The requests a client or a publisher sends, each with its fields. */
static int
request_frames(const char *dir, const uint8_t *ctl, size_t ctl_len,
    const struct ctl_bytes *cert)
{
	static const char *const purposes[] = { "Phone-SAST-trust",
	    "CallManager-trust", "tomcat-trust", "CAPF-trust" };
	static const struct {
		const char *name;
		uint8_t type;
	} bare[] = {
		{ "req-cluster-info", PROTO_CLUSTER_INFO },
		{ "req-fetch-ctl", PROTO_FETCH_CTL },
		{ "req-delete-ctl", PROTO_DELETE_CTL },
		{ "req-trust-list-all", PROTO_TRUST_LIST },
		{ "req-audit-all", PROTO_AUDIT },
	};
	struct proto_out o;
	char name[64];
	uint8_t v;
	size_t i;
	uint32_t id = 10;
	int rc = 0;

	for (i = 0; i < sizeof(bare) / sizeof(bare[0]); i++) {
		proto_out_init(&o, bare[i].type, id++);
		rc |= save_frame(dir, bare[i].name, &o);
	}
	proto_out_init(&o, PROTO_UPLOAD_CTL, id++);
	proto_put_bytes(&o, PT_FILE, ctl, ctl_len);
	proto_put_bytes(&o, PT_BASE_SHA1, "", 0);    /* no CTL yet */
	rc |= save_frame(dir, "req-upload-first", &o);
	for (v = 0; v <= 1; v++) {
		snprintf(name, sizeof(name), "req-security-mode-%u", v);
		proto_out_init(&o, PROTO_SET_SECURITY_MODE, id++);
		proto_put_u8(&o, PT_MODE, v);
		rc |= save_frame(dir, name, &o);
	}
	for (v = 1; v <= 3; v++) {      /* mixed mode, update, non-secure */
		snprintf(name, sizeof(name), "req-tokenless-%u", v);
		proto_out_init(&o, PROTO_TOKENLESS, id++);
		proto_put_u8(&o, PT_ACTION, v);
		rc |= save_frame(dir, name, &o);
	}
	for (i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++) {
		snprintf(name, sizeof(name), "req-trust-list-%zu", i);
		proto_out_init(&o, PROTO_TRUST_LIST, id++);
		proto_put_str(&o, PT_PURPOSE, purposes[i]);
		rc |= save_frame(dir, name, &o);
	}
	proto_out_init(&o, PROTO_TRUST_UPLOAD, id++);
	proto_put_str(&o, PT_PURPOSE, "Phone-SAST-trust");
	proto_put_bytes(&o, PT_CERT, cert->p, cert->len);
	rc |= save_frame(dir, "req-trust-upload", &o);
	proto_out_init(&o, PROTO_TRUST_DELETE, id++);
	proto_put_str(&o, PT_PURPOSE, "CallManager-trust");
	put_sha1_of(&o, PT_SHA1, cert->p, cert->len);
	rc |= save_frame(dir, "req-trust-delete", &o);
	proto_out_init(&o, PROTO_CERT_CSR, id++);
	proto_put_str(&o, PT_NAME, "cucm-pub");
	proto_put_str(&o, PT_CERT_TYPE, "CallManager");
	proto_put_u8(&o, PT_MULTI_SAN, 1);
	rc |= save_frame(dir, "req-cert-csr", &o);
	proto_out_init(&o, PROTO_CERT_UPLOAD, id++);
	proto_put_str(&o, PT_NAME, "cucm-pub");
	proto_put_str(&o, PT_CERT_TYPE, "CallManager");
	proto_put_bytes(&o, PT_CERT, cert->p, cert->len);
	rc |= save_frame(dir, "req-cert-upload", &o);
	proto_out_init(&o, PROTO_AUDIT, id++);
	proto_put_u32(&o, PT_LIMIT, 20);
	rc |= save_frame(dir, "req-audit-20", &o);
	/* between nodes: push, delete and status of each file */
	for (i = 0; i < 2; i++) {
		const char *file = i ? "ITLFile.tlv" : "CTLFile.tlv";

		snprintf(name, sizeof(name), "node-push-%zu", i);
		proto_out_init(&o, PROTO_NODE_PUSH, 1);
		proto_put_str(&o, PT_FILENAME, file);
		proto_put_bytes(&o, PT_FILE, ctl, ctl_len);
		put_sha1_of(&o, PT_SHA1, ctl, ctl_len);
		rc |= save_frame(dir, name, &o);
		snprintf(name, sizeof(name), "node-delete-%zu", i);
		proto_out_init(&o, PROTO_NODE_DELETE, 1);
		proto_put_str(&o, PT_FILENAME, file);
		rc |= save_frame(dir, name, &o);
		snprintf(name, sizeof(name), "node-status-%zu", i);
		proto_out_init(&o, PROTO_NODE_STATUS, 1);
		proto_put_str(&o, PT_FILENAME, file);
		rc |= save_frame(dir, name, &o);
	}
	return rc;
}

/* Per-node results of a distribution: the publisher stored the file, a
 * subscriber did not. */
static void
put_results(struct proto_out *o)
{
	proto_group_begin(o, PT_RESULT);
	proto_put_str(o, PT_NAME, "cucm-1051-a-pub");
	proto_put_str(o, PT_FILENAME, "CTLFile.tlv");
	proto_put_u8(o, PT_STATUS, 0);
	proto_group_end(o);
	proto_group_begin(o, PT_RESULT);
	proto_put_str(o, PT_NAME, "cucm-1051-a-sub1");
	proto_put_str(o, PT_FILENAME, "CTLFile.tlv");
	proto_put_u8(o, PT_STATUS, 1);
	proto_put_str(o, PT_MESSAGE, "connection refused");
	proto_group_end(o);
}

/* The server's answers to each request, and its error replies. */
static int
reply_frames(const char *dir, const uint8_t *ctl, size_t ctl_len,
    const struct ctl_file *f)
{
	static const char *const errors[] = { "", "malformed request",
	    "request type 0x30 is not served here", "log in first",
	    "wrong user name or password",
	    "too many failed logins: wait 30 seconds",
	    "there is no CTL file on the server",
	    "the CTL changed since you read it", "not a valid .tlv file",
	    "another change is in progress", "the database is locked",
	    "only the publisher takes uploads" };
	static const char *const cert_purposes[] = { "CallManager", "CAPF",
	    "TVS", "ITLRecovery" };
	struct proto_out o;
	char name[64];
	size_t i;
	uint32_t id = 100;
	int rc = 0;

	proto_out_init(&o, PROTO_OK, id++);      /* login, mode, delete */
	rc |= save_frame(dir, "ok-empty", &o);
	/* CLUSTER_INFO: the publisher and a subscriber, with the
	 * certificates of each */
	proto_out_init(&o, PROTO_OK, id++);
	proto_put_u8(&o, PT_SECURITY_MODE, 1);
	proto_put_u8(&o, PT_CTL_MODE, 1);
	put_sha1_of(&o, PT_SHA1, ctl, ctl_len);
	for (i = 0; i < 2; i++) {
		proto_group_begin(&o, PT_NODE);
		proto_put_str(&o, PT_NAME, i ? "cucm-1051-a-sub1" :
		    "cucm-1051-a-pub");
		proto_put_bytes(&o, PT_IP, i ? "\x7f\0\0\x03" : "\x7f\0\0\x02",
		    4);
		proto_put_u16(&o, PT_PORT, 2444);
		proto_put_u16(&o, PT_TVS_PORT, 2445);
		proto_put_u16(&o, PT_TFTP_PORT, 69);
		proto_put_u8(&o, PT_PUBLISHER, i == 0);
		if (i == 0)
			put_sha1_of(&o, PT_SHA1, ctl, ctl_len);
		proto_put_u8(&o, PT_REACHABLE, i == 0);
		proto_put_str(&o, PT_STATE, i ? "stale" : "current");
		proto_group_end(&o);
	}
	for (i = 0; i < f->nrecords && i < 4; i++) {
		proto_group_begin(&o, PT_NODE_CERT);
		proto_put_str(&o, PT_NAME, "cucm-1051-a-pub");
		proto_put_str(&o, PT_PURPOSE, cert_purposes[i]);
		proto_put_bytes(&o, PT_CERT, f->records[i].cert_der.p,
		    f->records[i].cert_der.len);
		proto_group_end(&o);
	}
	rc |= save_frame(dir, "ok-cluster-info", &o);
	proto_out_init(&o, PROTO_OK, id++);
	proto_put_bytes(&o, PT_FILE, ctl, ctl_len);
	put_sha1_of(&o, PT_SHA1, ctl, ctl_len);
	rc |= save_frame(dir, "ok-fetch-ctl", &o);
	/* UPLOAD_CTL and TOKENLESS: the new SHA-1 and each node's result;
	 * DELETE_CTL: the results alone */
	proto_out_init(&o, PROTO_OK, id++);
	put_sha1_of(&o, PT_SHA1, ctl, ctl_len);
	put_results(&o);
	rc |= save_frame(dir, "ok-upload", &o);
	proto_out_init(&o, PROTO_OK, id++);
	put_results(&o);
	rc |= save_frame(dir, "ok-delete", &o);
	/* TRUST_LIST, and the SHA-1 TRUST_UPLOAD answers with */
	proto_out_init(&o, PROTO_OK, id++);
	for (i = 0; i < f->nrecords && i < 3; i++) {
		proto_group_begin(&o, PT_TRUST);
		proto_put_str(&o, PT_PURPOSE, i ? "CallManager-trust" :
		    "Phone-SAST-trust");
		proto_put_bytes(&o, PT_CERT, f->records[i].cert_der.p,
		    f->records[i].cert_der.len);
		put_sha1_of(&o, PT_SHA1, f->records[i].cert_der.p,
		    f->records[i].cert_der.len);
		proto_group_end(&o);
	}
	rc |= save_frame(dir, "ok-trust-list", &o);
	proto_out_init(&o, PROTO_OK, id++);
	put_sha1_of(&o, PT_SHA1, f->records[0].cert_der.p,
	    f->records[0].cert_der.len);
	rc |= save_frame(dir, "ok-trust-upload", &o);
	/* AUDIT, the 20 entries a client asks for: first uploads (no old
	 * SHA-1), changes, refusals */
	proto_out_init(&o, PROTO_OK, id++);
	for (i = 0; i < 20; i++) {
		proto_group_begin(&o, PT_AUDIT);
		proto_put_u64(&o, PT_TIME, 1425667513 + 60 * i);
		proto_put_str(&o, PT_USER, i % 3 == 2 ? "-" : "admin");
		proto_put_str(&o, PT_OPERATION, i % 3 == 2 ? "login" :
		    "upload-ctl");
		if (i % 3 == 1)
			put_sha1_of(&o, PT_OLD_SHA1, ctl, ctl_len / 2);
		else
			proto_put_bytes(&o, PT_OLD_SHA1, "", 0);
		if (i % 3 < 2)
			put_sha1_of(&o, PT_NEW_SHA1, ctl, ctl_len);
		else
			proto_put_bytes(&o, PT_NEW_SHA1, "", 0);
		proto_put_str(&o, PT_MESSAGE, i % 3 == 2 ? "refused" :
		    "signed by cucm-1051-a-pub");
		proto_group_end(&o);
	}
	rc |= save_frame(dir, "ok-audit", &o);
	/* every error code a server sends */
	for (i = PE_MALFORMED; i <= PE_NOT_ALLOWED; i++) {
		snprintf(name, sizeof(name), "error-%zu", i);
		proto_out_init(&o, PROTO_ERROR, id++);
		proto_put_u32(&o, PT_ERROR, (uint32_t)i);
		proto_put_str(&o, PT_MESSAGE, errors[i]);
		rc |= save_frame(dir, name, &o);
	}
	return rc;
}

/*
 * Frames that are almost right, each one byte off a valid one: the header
 * (magic, version, reserved bits, a payload past the maximum) and the
 * fields (unknown tags, a length past the end, a group inside a group),
 * and a field header cut short.
 */
static int
frame_near_misses(const char *dir)
{
	static const struct {
		const char *name;
		bool group;     /* patch the frame with a group */
		size_t at;
		uint8_t val;
	} rows[] = {
		{ "bad-magic", false, 3, 'Q' },
		{ "version-2", false, 4, PROTO_VERSION + 1 },
		{ "reserved-set", false, 7, 1 },
		{ "payload-too-big", false, 12, 0x7f },
		{ "unknown-tag", false, PROTO_HEADER_LEN + 1, PT_MAX_TAG + 1 },
		{ "tag-zero", false, PROTO_HEADER_LEN + 1, 0 },
		{ "field-past-end", false, PROTO_HEADER_LEN + 3, 0x7f },
		{ "group-in-group", true, PROTO_HEADER_LEN + 6 + 1, PT_NODE },
	};
	struct proto_out o;
	uint8_t *frame[2] = { NULL, NULL }, *b;
	size_t len[2], i;
	int rc = 0;

	proto_out_init(&o, PROTO_LOGIN, 7);
	proto_put_str(&o, PT_USER, "admin");
	proto_put_str(&o, PT_PASSWORD, "secret");
	rc |= proto_out_finish(&o, &frame[0], &len[0]);
	proto_out_free(&o);
	proto_out_init(&o, PROTO_OK, 7);
	proto_group_begin(&o, PT_NODE);
	proto_put_str(&o, PT_NAME, "cucm-1051-a-pub");
	proto_group_end(&o);
	rc |= proto_out_finish(&o, &frame[1], &len[1]);
	proto_out_free(&o);
	for (i = 0; rc == 0 && i < sizeof(rows) / sizeof(rows[0]); i++) {
		if ((b = malloc(len[rows[i].group])) == NULL) {
			rc = 1;
			break;
		}
		memcpy(b, frame[rows[i].group], len[rows[i].group]);
		b[rows[i].at] = rows[i].val;
		rc |= save(dir, rows[i].name, b, len[rows[i].group]);
	}
	/* three bytes of a field header, counted in the payload length */
	if (rc == 0 && (b = malloc(len[0] + 3)) != NULL) {
		memcpy(b, frame[0], len[0]);
		memcpy(b + len[0], "\0\1\0", 3);
		for (i = 0; i < 4; i++)     /* the payload length, big-endian */
			b[12 + i] = (uint8_t)((len[0] + 3 - PROTO_HEADER_LEN) >>
			    (24 - 8 * i));
		rc |= save(dir, "field-header-cut", b, len[0] + 3);
	}
	free(frame[0]);
	free(frame[1]);
	return rc;
}

/* One frame of each shape the protocol uses. */
static int
frames(const char *dir, const uint8_t *ctl, size_t ctl_len)
{
	struct proto_out o;
	struct ctl_file *f = NULL;
	uint8_t sha[20] = { 0x8c, 0x92, 0xd1 };
	int rc = 0, i;

	proto_out_init(&o, PROTO_LOGIN, 1);
	proto_put_str(&o, PT_USER, "admin");
	proto_put_str(&o, PT_PASSWORD, "secret");
	rc |= save_frame(dir, "login", &o);
	proto_out_init(&o, PROTO_UPLOAD_CTL, 2);
	proto_put_bytes(&o, PT_FILE, ctl, ctl_len);
	proto_put_bytes(&o, PT_BASE_SHA1, sha, 20);
	rc |= save_frame(dir, "upload", &o);
	proto_out_init(&o, PROTO_OK, 3);
	proto_put_u8(&o, PT_SECURITY_MODE, 1);
	proto_put_u8(&o, PT_CTL_MODE, 2);
	for (i = 0; i < 3; i++) {
		proto_group_begin(&o, PT_NODE);
		proto_put_str(&o, PT_NAME, "cucm-sub");
		proto_put_bytes(&o, PT_IP, "\x7f\0\0\x02", 4);
		proto_put_u16(&o, PT_PORT, 2444);
		proto_put_u8(&o, PT_REACHABLE, 1);
		proto_put_bytes(&o, PT_SHA1, sha, 20);
		proto_group_end(&o);
	}
	proto_group_begin(&o, PT_NODE_CERT);
	proto_put_str(&o, PT_NAME, "cucm-sub");
	proto_put_str(&o, PT_PURPOSE, "CallManager");
	proto_put_bytes(&o, PT_CERT, ctl, ctl_len > 64 ? 64 : ctl_len);
	proto_group_end(&o);
	rc |= save_frame(dir, "cluster-info", &o);
	proto_out_init(&o, PROTO_OK, 4);
	proto_group_begin(&o, PT_AUDIT);
	proto_put_u64(&o, PT_TIME, 1425667513);
	proto_put_str(&o, PT_OPERATION, "upload");
	proto_put_bytes(&o, PT_OLD_SHA1, "", 0);
	proto_group_end(&o);
	rc |= save_frame(dir, "audit", &o);
	proto_out_init(&o, PROTO_ERROR, 5);
	proto_put_u32(&o, PT_ERROR, PE_CONFLICT);
	proto_put_str(&o, PT_MESSAGE, "the CTL changed since you read it");
	rc |= save_frame(dir, "error", &o);
	/* the certificates the frames below carry come from the CTL */
	if (ctl_parse(ctl, ctl_len, &f, NULL) != CTL_OK || f->nrecords < 4) {
		ctl_free(f);
		return 1;
	}
	rc |= request_frames(dir, ctl, ctl_len, &f->records[0].cert_der);
	rc |= reply_frames(dir, ctl, ctl_len, f);
	rc |= frame_near_misses(dir);
	ctl_free(f);
	return rc;
}

/* --- TVS messages --- */

/* Appends element TAG (N bytes at V) to the message *B of *LEN bytes and
 * sets the header's length to match: shapes the builder refuses. */
static int
add_element(uint8_t **b, size_t *len, uint8_t tag, const void *v, size_t n)
{
	uint8_t *nb = realloc(*b, *len + 3 + n);
	size_t body;

	if (nb == NULL)
		return 1;
	nb[*len] = tag;
	nb[*len + 1] = (uint8_t)(n >> 8);
	nb[*len + 2] = (uint8_t)n;
	memcpy(nb + *len + 3, v, n);
	*len += 3 + n;
	body = *len - TVS_HEADER_LEN;
	nb[8] = (uint8_t)(body >> 8);
	nb[9] = (uint8_t)body;
	*b = nb;
	return 0;
}

/* Answers of each shape: valid with one, several and the most roles,
 * invalid, to a verify and to a query. */
static int
tvs_answers(const char *dir)
{
	static const struct {
		const char *name;
		uint8_t command;
		bool valid;
		size_t nroles;
		uint32_t ttl;
	} rows[] = {
		{ "answer-verify-valid", TVS_CMD_VERIFY_RESP, true, 1, 86400 },
		{ "answer-verify-roles", TVS_CMD_VERIFY_RESP, true, 3, 3600 },
		{ "answer-verify-most-roles", TVS_CMD_VERIFY_RESP, true,
		    TVS_ROLES_MAX, 0xffffffff },
		{ "answer-verify-no-roles", TVS_CMD_VERIFY_RESP, true, 0, 0 },
		{ "answer-verify-invalid", TVS_CMD_VERIFY_RESP, false, 0, 0 },
		{ "answer-query-valid", TVS_CMD_QUERY_RESP, true, 2, 600 },
		{ "answer-query-invalid", TVS_CMD_QUERY_RESP, false, 0, 0 },
	};
	static const uint8_t roles[TVS_ROLES_MAX] = { CTL_ROLE_CCM_TFTP,
	    CTL_ROLE_TVS, CTL_ROLE_CAPF, CTL_ROLE_SAST, CTL_ROLE_TFTP,
	    CTL_ROLE_APP_SERVER, CTL_ROLE_CCM };
	struct tvs_response r;
	uint8_t buf[64], *b;
	size_t i, len;
	int rc = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.command = rows[i].command;
		r.session = (uint32_t)(0x1000 + i);
		r.valid = rows[i].valid;
		memcpy(r.roles, roles, rows[i].nroles);
		r.nroles = rows[i].nroles;
		r.ttl = rows[i].ttl;
		if (tvs_response_build(&r, buf, sizeof(buf), &len, NULL) !=
		    CTL_OK || (b = malloc(len)) == NULL) {
			rc = 1;
			continue;
		}
		memcpy(b, buf, len);
		rc |= save(dir, rows[i].name, b, len);
	}
	return rc;
}

/* Requests that are almost right, from the valid request *B (LEN bytes,
 * certificate DER/N at its end): an element twice, one missing, one
 * unknown, a header that does not match. */
static int
tvs_near_misses(const char *dir, const uint8_t *b, size_t len,
    const unsigned char *der, size_t n)
{
	static const uint8_t name[] = { TVS_DEVICE_NAME_KIND, 'S', 'E', 'P' };
	uint8_t *m;
	size_t mlen;
	int rc = 0, i;

	for (i = 0; i < 3; i++) {
		if ((m = malloc(len)) == NULL)
			return 1;
		memcpy(m, b, len);
		mlen = len;
		if (i == 0)
			rc |= add_element(&m, &mlen, TVS_TAG_CERTIFICATE, der,
			    n) || save(dir, "two-certs", m, mlen);
		else if (i == 1)
			rc |= add_element(&m, &mlen, TVS_TAG_DEVICE_NAME, name,
			    sizeof(name)) || save(dir, "two-devices", m, mlen);
		else
			rc |= add_element(&m, &mlen, 42, "x", 1) || save(dir,
			    "unknown-element", m, mlen);
	}
	/* the certificate element cut off: a request with no certificate */
	if ((m = malloc(len)) == NULL)
		return 1;
	memcpy(m, b, len - n - 3);
	mlen = len - n - 3;
	m[8] = (uint8_t)((mlen - TVS_HEADER_LEN) >> 8);
	m[9] = (uint8_t)(mlen - TVS_HEADER_LEN);
	rc |= save(dir, "no-cert", m, mlen);
	/* version 2, a reserved byte set, and a length past the limit */
	for (i = 0; i < 3; i++) {
		if ((m = malloc(len)) == NULL)
			return 1;
		memcpy(m, b, len);
		if (i == 0)
			m[1] = TVS_VERSION + 1;
		else if (i == 1)
			m[3] = 1;
		else
			m[8] = m[9] = 0xff;
		rc |= save(dir, i == 0 ? "version-2" : i == 1 ? "reserved-set" :
		    "length-too-big", m, len);
	}
	return rc;
}

/* One TVS request of each shape, and a few that are almost right. */
static int
tvs_requests(const char *dir, X509 *x)
{
	static const char *const devices[] = { "A", "SEP001122AABBCC",
	    "CP-8845-SEPF4CFE24C3B01",
	    "SEP0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789AB" };
	struct tg_cert extra[NX];
	unsigned char *der = NULL, *xder[NX] = { NULL };
	uint8_t *b = NULL, *stream = NULL;
	size_t len = 0, slen = 0, i;
	char name[64];
	int n = i2d_X509(x, &der), xn[NX], rc = 0;

	if (n <= 0)
		return 1;
	if (tvs_request_build(TVS_CMD_VERIFY_REQ, 1, "CP-7975-SEP001122AABBCC",
	    der, (size_t)n, &b, &len, NULL) != CTL_OK)
		rc = 1;
	else {
		uint8_t *two = malloc(2 * len);

		/* two requests back to back, as one connection carries them */
		if (two) {
			memcpy(two, b, len);
			memcpy(two + len, b, len);
			rc |= save(dir, "two-requests", two, 2 * len);
		}
		rc |= tvs_near_misses(dir, b, len, der, (size_t)n);
		rc |= save(dir, "verify", b, len);
	}
	if (tvs_request_build(TVS_CMD_QUERY_REQ, 2, "SEP001122AABBCC", der,
	    (size_t)n, &b, &len, NULL) != CTL_OK)
		rc = 1;
	else {
		uint8_t *cut = malloc(len);

		if (cut) {      /* the certificate one byte short */
			memcpy(cut, b, len);
			cut[9]--;
			cut[len - n - 1]--;
			rc |= save(dir, "cut-cert", cut, len - 1);
		}
		rc |= save(dir, "query", b, len);
	}
	/* each device name length, and certificates of other shapes; all of
	 * them back to back in one stream, as a busy connection sends */
	if (extra_certs(extra) != 0)
		rc = 1;
	for (i = 0; rc == 0 && i < NX; i++) {
		uint8_t cmd = i % 2 ? TVS_CMD_QUERY_REQ : TVS_CMD_VERIFY_REQ;
		/* sessions 0 and near the top: the whole range */
		uint32_t session = (uint32_t)(i == 0 ? 0 : 0xffffffffu - i);
		uint8_t *ns;

		b = NULL;
		if ((xn[i] = i2d_X509(extra[i].cert, &xder[i])) <= 0 ||
		    tvs_request_build(cmd, session, devices[i % 4], xder[i],
		    (size_t)xn[i], &b, &len, NULL) != CTL_OK ||
		    (ns = realloc(stream, slen + len)) == NULL) {
			free(b);
			rc = 1;
			break;
		}
		memcpy(ns + slen, b, len);
		stream = ns;
		slen += len;
		snprintf(name, sizeof(name), "%s-%zu", cmd == TVS_CMD_VERIFY_REQ
		    ? "verify" : "query", i);
		rc |= save(dir, name, b, len);
	}
	if (stream != NULL)
		rc |= save(dir, "many-requests", stream, slen);
	for (i = 0; i < NX; i++)
		OPENSSL_free(xder[i]);
	extra_certs_free(extra);
	OPENSSL_free(der);
	return rc | tvs_answers(dir);
}

/* The publisher's answers, one frame each, as the client receives them. */
static int
replies(const char *dir, const struct seed_certs *s)
{
	struct proto_out o;
	int rc = 0;

	proto_out_init(&o, PROTO_OK, 1);
	rc |= save_frame(dir, "login-ok", &o);
	proto_out_init(&o, PROTO_ERROR, 1);
	proto_put_u32(&o, PT_ERROR, PE_LOGIN_REFUSED);
	proto_put_str(&o, PT_MESSAGE, "bad user or password");
	rc |= save_frame(dir, "login-refused", &o);
	proto_out_init(&o, PROTO_OK, 2);
	rp_cluster(&o, s->pub.cert);
	rc |= save_frame(dir, "cluster-info", &o);
	proto_out_init(&o, PROTO_OK, 2);
	rp_cluster(&o, s->pub.cert);
	rp_node_cert(&o, "cucm-pub", "CAPF", s->capf.cert);
	rp_node_cert(&o, "cucm-sub1", "CallManager", s->sub1.cert);
	rc |= save_frame(dir, "cluster-info-certs", &o);
	proto_out_init(&o, PROTO_OK, 3);
	rp_change(&o);
	rc |= save_frame(dir, "change", &o);
	proto_out_init(&o, PROTO_OK, 4);
	rp_result(&o, "cucm-pub", "ITLFile.tlv", 0, NULL);
	rc |= save_frame(dir, "results", &o);
	return rc;
}

int
main(int argc, char **argv)
{
	struct seed_certs s;
	struct ctl_entry e;
	uint8_t *b;
	size_t len;
	int rc = 0;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: mkcorpus CTLDIR PROTODIR [TVSDIR "
		    "[REPLYDIR]]\n");
		return 2;
	}
	if (seed_certs_make(&s) != 0)
		return 1;
	if (tb_seed_tokenless(&s, &b, &len) != CTL_OK)
		rc = 1;
	else
		rc |= frames(argv[2], b, len) || save(argv[1], "tokenless.tlv",
		    b, len);
	rc |= tb_seed_tokens(&s, &s.token2, &b, &len) || save(argv[1],
	    "tokens.tlv", b, len);
	rc |= ctl_shapes(argv[1], &s);
	memset(&e, 0, sizeof(e));
	e.role = CTL_ROLE_TVS;
	e.cert = s.capf.cert;
	e.dns_name = "cucm-1051-a-pub";
	rc |= tb_build(&e, 1, &s.pub, CTL_DIGEST_SHA256, "ITLFile.tlv", &b,
	    &len) || save(argv[1], "itl.tlv", b, len);
	if (argc >= 4)
		rc |= tvs_requests(argv[3], s.pub.cert);
	if (argc == 5)
		rc |= replies(argv[4], &s);
	seed_certs_free(&s);
	if (rc != 0)
		fprintf(stderr, "mkcorpus: cannot write the corpora into %s "
		    "and %s\n", argv[1], argv[2]);
	return rc != 0;
}
