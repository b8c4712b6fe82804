/* mkcorpus CTLDIR PROTODIR [TVSDIR [REPLYDIR]]: writes the seed corpora
 * of the fuzz targets: .tlv files, protocol frames, TVS requests, and
 * the publisher's answers as the client reads them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One frame of each shape the protocol uses. */
static int
frames(const char *dir, const uint8_t *ctl, size_t ctl_len)
{
	struct proto_out o;
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
	return rc;
}

/* One TVS request of each shape, and a few that are almost right. */
static int
tvs_requests(const char *dir, X509 *x)
{
	unsigned char *der = NULL;
	uint8_t *b = NULL;
	size_t len = 0;
	int n = i2d_X509(x, &der), rc = 0;

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
	OPENSSL_free(der);
	return rc;
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
