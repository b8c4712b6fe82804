/*
 * The client's answer readers on answers as they come off the wire: each
 * row builds one answer (a good one, or one damaged in one place), turns
 * it into a frame, parses the frame as the session does, and names the
 * reader, the code it must return and the words its message must hold.
 * Rows come in pairs at each limit: the largest good value, and one past.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_err.h"
#include "net_cluster.h"
#include "net_login.h"
#include "net_pin.h"
#include "net_reply.h"
#include "proto_frame.h"
#include "replies.h"
#include "seedcerts.h"

static struct seed_certs seed;

static const uint8_t ip_pub[4] = { 127, 0, 0, 2 };
static const uint8_t ip_sub[4] = { 127, 0, 0, 3 };

enum reader {
	R_RESULTS,          /* net_results_parse */
	R_CLUSTER,          /* net_cluster_parse */
	R_SHA1_REQUIRED,    /* net_get_sha1(PT_SHA1, required, not empty) */
	R_SHA1_OPTIONAL,    /* net_get_sha1(PT_SHA1, optional, empty ok) */
	R_ONLY,             /* net_only_fields({ SHA1, RESULT }) */
	R_LOGIN,            /* net_login_answer */
};

struct row {
	const char *name;
	enum reader reader;
	uint8_t type;                       /* PROTO_OK unless said */
	void (*build)(struct proto_out *o);
	int rc;
	const char *words;                  /* in the message; NULL on success */
	void (*check)(const void *out);     /* on success; NULL for none */
};

/* --- RESULT groups --- */

static void b_results_one(struct proto_out *o)
{
	rp_result(o, "cucm-pub", "CTLFile.tlv", 0, NULL);
}

static void b_results_change(struct proto_out *o) { rp_change(o); }

static void b_results_none(struct proto_out *o)
{
	proto_put_bytes(o, PT_SHA1, rp_sha1, 20);
}

static void b_results_no_name(struct proto_out *o)
{
	proto_group_begin(o, PT_RESULT);
	proto_put_str(o, PT_FILENAME, "CTLFile.tlv");
	proto_put_u8(o, PT_STATUS, 0);
	proto_group_end(o);
}

static void b_results_itl(struct proto_out *o)
{
	rp_result(o, "cucm-pub", "ITLFile.tlv", 0, NULL);
}

static void b_results_bad_file(struct proto_out *o)
{
	rp_result(o, "cucm-pub", "CTLFile.tlv", 0, NULL);
	rp_result(o, "cucm-sub1", "passwd", 0, NULL);
}

static void b_results_status_1(struct proto_out *o)
{
	rp_result(o, "cucm-pub", "CTLFile.tlv", 1, "disk full");
}

static void b_results_status_2(struct proto_out *o)
{
	rp_result(o, "cucm-pub", "CTLFile.tlv", 2, NULL);
}

static void b_results_extra(struct proto_out *o)
{
	proto_group_begin(o, PT_RESULT);
	proto_put_str(o, PT_NAME, "cucm-pub");
	proto_put_str(o, PT_FILENAME, "CTLFile.tlv");
	proto_put_u8(o, PT_STATUS, 0);
	proto_put_u16(o, PT_PORT, 2444);
	proto_group_end(o);
}

static void b_results_name_64(struct proto_out *o)
{
	char name[65];

	memset(name, 'n', 64);
	name[64] = '\0';
	rp_result(o, name, "CTLFile.tlv", 0, NULL);
}

static void b_results_name_65(struct proto_out *o)
{
	char name[66];

	memset(name, 'n', 65);
	name[65] = '\0';
	rp_result(o, name, "CTLFile.tlv", 0, NULL);
}

static void b_results_escape(struct proto_out *o)
{
	rp_result(o, "cucm\x1b[2J", "CTLFile.tlv", 1, "bad\x07news\x7f");
}

struct results { struct net_result *r; size_t n; };

static void c_results_one(const void *out)
{
	const struct results *x = out;

	assert_int_equal(x->n, 1);
	assert_string_equal(x->r[0].name, "cucm-pub");
	assert_true(x->r[0].passed);
	assert_string_equal(x->r[0].message, "");
}

static void c_results_change(const void *out)
{
	const struct results *x = out;

	assert_int_equal(x->n, 2);
	assert_true(x->r[0].passed);
	assert_false(x->r[1].passed);
	assert_string_equal(x->r[1].message, "node unreachable");
}

static void c_results_failed(const void *out)
{
	const struct results *x = out;

	assert_int_equal(x->n, 1);
	assert_false(x->r[0].passed);
	assert_string_equal(x->r[0].message, "disk full");
}

static void c_results_escape(const void *out)
{
	const struct results *x = out;

	assert_string_equal(x->r[0].name, "cucm?[2J");
	assert_string_equal(x->r[0].message, "bad?news?");
}

/* --- CLUSTER_INFO --- */

static void b_cluster(struct proto_out *o) { rp_cluster(o, seed.pub.cert); }

static void b_cluster_head(struct proto_out *o, uint8_t sec, uint8_t mode)
{
	proto_put_u8(o, PT_SECURITY_MODE, sec);
	proto_put_u8(o, PT_CTL_MODE, mode);
}

/* A publisher's NODE without the TVS and TFTP ports, one field off when
 * asked: an IP of IPLEN bytes, REACH, a SHA1 of SHA1LEN bytes (none when
 * 0), STATE. */
static void
b_node_raw(struct proto_out *o, const uint8_t *ip, size_t iplen,
    uint8_t reach, size_t sha1len, const char *state)
{
	proto_group_begin(o, PT_NODE);
	proto_put_str(o, PT_NAME, "cucm-pub");
	proto_put_bytes(o, PT_IP, ip, iplen);
	proto_put_u16(o, PT_PORT, 2444);
	proto_put_u8(o, PT_PUBLISHER, 1);
	if (sha1len > 0)
		proto_put_bytes(o, PT_SHA1, rp_sha1, sha1len);
	proto_put_u8(o, PT_REACHABLE, reach);
	proto_put_str(o, PT_STATE, state);
	proto_group_end(o);
}

static void b_cluster_bare(struct proto_out *o)
{
	/* The oldest servers: no CTL, no certificates, no TVS or TFTP port. */
	b_cluster_head(o, 0, 0);
	b_node_raw(o, ip_pub, 4, 0, 0, "failed");
}

static void b_cluster_no_node(struct proto_out *o)
{
	b_cluster_head(o, 1, 2);
}

static void b_cluster_two_pubs(struct proto_out *o)
{
	b_cluster_head(o, 1, 2);
	rp_node(o, "cucm-pub", ip_pub, 1, NULL, "current");
	rp_node(o, "cucm-sub1", ip_sub, 1, NULL, "current");
}

static void b_cluster_no_pub(struct proto_out *o)
{
	b_cluster_head(o, 1, 2);
	rp_node(o, "cucm-sub1", ip_sub, 0, NULL, "current");
}

/* One good node under the modes given. */
static void b_cluster_modes(struct proto_out *o, uint8_t sec, uint8_t mode)
{
	b_cluster_head(o, sec, mode);
	rp_node(o, "cucm-pub", ip_pub, 1, NULL, "current");
}

static void b_cluster_mixed_max(struct proto_out *o)
{
	b_cluster_modes(o, 1, 2);
}
static void b_cluster_sec_2(struct proto_out *o) { b_cluster_modes(o, 2, 0); }
static void b_cluster_mode_3(struct proto_out *o) { b_cluster_modes(o, 1, 3); }

static void b_cluster_no_mode(struct proto_out *o)
{
	proto_put_u8(o, PT_SECURITY_MODE, 1);
	rp_node(o, "cucm-pub", ip_pub, 1, NULL, "current");
}

static void b_cluster_ip_5(struct proto_out *o)
{
	static const uint8_t ip5[5] = { 10, 0, 0, 1, 9 };

	b_cluster_head(o, 0, 0);
	b_node_raw(o, ip5, 5, 1, 0, "current");
}

static void b_cluster_state(struct proto_out *o)
{
	b_cluster_head(o, 0, 0);
	rp_node(o, "cucm-pub", ip_pub, 1, NULL, "busy");
}

static void b_cluster_reach_2(struct proto_out *o)
{
	b_cluster_head(o, 0, 0);
	b_node_raw(o, ip_pub, 4, 2, 0, "current");
}

static void b_cluster_node_sha1_19(struct proto_out *o)
{
	b_cluster_head(o, 1, 2);
	b_node_raw(o, ip_pub, 4, 1, 19, "current");
}

static void b_cluster_empty_sha1(struct proto_out *o)
{
	/* The cluster's SHA1 may be absent, not empty. */
	b_cluster_head(o, 0, 0);
	proto_put_bytes(o, PT_SHA1, rp_sha1, 0);
	rp_node(o, "cucm-pub", ip_pub, 1, NULL, "current");
}

static void b_cluster_cert_unknown_node(struct proto_out *o)
{
	b_cluster_mixed_max(o);
	rp_node_cert(o, "cucm-sub9", "CallManager", seed.pub.cert);
}

static void b_cluster_cert_unknown_purpose(struct proto_out *o)
{
	b_cluster_mixed_max(o);
	rp_node_cert(o, "cucm-pub", "tomcat", seed.pub.cert);
}

static void b_cluster_cert_twice(struct proto_out *o)
{
	b_cluster_mixed_max(o);
	rp_node_cert(o, "cucm-pub", "CallManager", seed.pub.cert);
	rp_node_cert(o, "cucm-pub", "CallManager", seed.sub1.cert);
}

static void b_cluster_cert_all(struct proto_out *o)
{
	b_cluster_mixed_max(o);
	rp_node_cert(o, "cucm-pub", "CallManager", seed.pub.cert);
	rp_node_cert(o, "cucm-pub", "CAPF", seed.capf.cert);
	rp_node_cert(o, "cucm-pub", "TVS", seed.sub1.cert);
	rp_node_cert(o, "cucm-pub", "ITLRecovery", seed.token1.cert);
}

static void b_cluster_cert_garbage(struct proto_out *o)
{
	b_cluster_mixed_max(o);
	proto_group_begin(o, PT_NODE_CERT);
	proto_put_str(o, PT_NAME, "cucm-pub");
	proto_put_str(o, PT_PURPOSE, "CAPF");
	proto_put_bytes(o, PT_CERT, "\x30\x03\x02\x01\x01", 5);
	proto_group_end(o);
}

static void b_cluster_cert_trailing(struct proto_out *o)
{
	unsigned char *der = NULL, *p;
	int n = i2d_X509(seed.pub.cert, &der);

	b_cluster_mixed_max(o);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	memcpy(p, der, (size_t)n);
	p[n] = 0;
	proto_group_begin(o, PT_NODE_CERT);
	proto_put_str(o, PT_NAME, "cucm-pub");
	proto_put_str(o, PT_PURPOSE, "CAPF");
	proto_put_bytes(o, PT_CERT, p, (size_t)n + 1);
	proto_group_end(o);
	free(p);
	OPENSSL_free(der);
}

static void b_cluster_extra(struct proto_out *o)
{
	b_cluster_mixed_max(o);
	proto_put_str(o, PT_USER, "admin");
}

static void c_cluster(const void *out)
{
	const struct net_cluster *c = out;

	assert_int_equal(c->security_mode, 1);
	assert_int_equal(c->ctl_mode, 2);
	assert_string_equal(c->sha1, "abababababababababababababababababababab");
	assert_int_equal(c->nnodes, 2);
	assert_string_equal(c->nodes[0].name, "cucm-pub");
	assert_string_equal(c->nodes[0].ip, "127.0.0.2");
	assert_int_equal(c->nodes[0].tvs_port, 2445);
	assert_int_equal(c->nodes[0].tftp_port, 69);
	assert_true(c->nodes[0].publisher);
	assert_non_null(c->nodes[0].certs[NET_CERT_CALLMANAGER]);
	assert_null(c->nodes[0].certs[NET_CERT_CAPF]);
	assert_string_equal(c->nodes[1].sha1, "");
	assert_string_equal(c->nodes[1].state, "stale");
}

static void c_cluster_bare(const void *out)
{
	const struct net_cluster *c = out;

	assert_int_equal(c->nnodes, 1);
	assert_string_equal(c->sha1, "");
	assert_int_equal(c->nodes[0].tvs_port, 0);
	assert_int_equal(c->nodes[0].tftp_port, 0);
	assert_false(c->nodes[0].reachable);
}

static void c_cluster_cert_all(const void *out)
{
	const struct net_cluster *c = out;
	size_t k;

	for (k = 0; k < NET_CERT_N; k++)
		assert_non_null(c->nodes[0].certs[k]);
}

/* --- SHA1 fields --- */

static void b_sha1_20(struct proto_out *o)
{
	proto_put_bytes(o, PT_SHA1, rp_sha1, 20);
}

static void b_sha1_0(struct proto_out *o)
{
	proto_put_bytes(o, PT_SHA1, rp_sha1, 0);
}

static void b_sha1_19(struct proto_out *o)
{
	proto_put_bytes(o, PT_SHA1, rp_sha1, 19);
}

static void b_sha1_21(struct proto_out *o)
{
	static const uint8_t v[21];

	proto_put_bytes(o, PT_SHA1, v, 21);
}

static void b_sha1_twice(struct proto_out *o)
{
	proto_put_bytes(o, PT_SHA1, rp_sha1, 20);
	proto_put_bytes(o, PT_SHA1, rp_sha1, 20);
}

static void b_nothing(struct proto_out *o) { (void)o; }

struct sha1 { char hex[41]; int have; };

static void c_sha1_have(const void *out)
{
	const struct sha1 *x = out;

	assert_true(x->have);
	assert_string_equal(x->hex, "abababababababababababababababababababab");
}

static void c_sha1_none(const void *out)
{
	const struct sha1 *x = out;

	assert_false(x->have);
	assert_string_equal(x->hex, "");
}

/* --- only the fields expected --- */

static void b_only_user(struct proto_out *o)
{
	b_results_change(o);
	proto_put_str(o, PT_USER, "admin");
}

/* --- LOGIN --- */

static void b_login_error(struct proto_out *o, uint32_t code,
    const char *message)
{
	proto_put_u32(o, PT_ERROR, code);
	if (message != NULL)
		proto_put_str(o, PT_MESSAGE, message);
}

static void b_login_refused(struct proto_out *o)
{
	b_login_error(o, PE_LOGIN_REFUSED, "bad user or password");
}

static void b_login_rate(struct proto_out *o)
{
	b_login_error(o, PE_RATE_LIMITED, "too many tries");
}

static void b_login_conflict(struct proto_out *o)
{
	b_login_error(o, PE_CONFLICT, NULL);
}

static void b_login_unknown(struct proto_out *o)
{
	b_login_error(o, 99, NULL);
}

static void b_login_escape(struct proto_out *o)
{
	b_login_error(o, PE_LOGIN_REFUSED, "\x1b]0;owned\x07");
}

static void b_login_ok_extra(struct proto_out *o)
{
	proto_put_str(o, PT_USER, "admin");
}

static const struct row rows[] = {
	{ "results: one node passed", R_RESULTS, PROTO_OK, b_results_one,
	  CTL_OK, NULL, c_results_one },
	{ "results: a change, one node failed", R_RESULTS, PROTO_OK,
	  b_results_change, CTL_OK, NULL, c_results_change },
	{ "results: ITLFile.tlv", R_RESULTS, PROTO_OK, b_results_itl, CTL_OK,
	  NULL, NULL },
	{ "results: STATUS 1 (the largest)", R_RESULTS, PROTO_OK,
	  b_results_status_1, CTL_OK, NULL, c_results_failed },
	{ "results: STATUS 2", R_RESULTS, PROTO_OK, b_results_status_2,
	  CTL_ERR_PROTOCOL, "RESULT 1: STATUS 2 is neither 0 (Passed) nor 1",
	  NULL },
	{ "results: none", R_RESULTS, PROTO_OK, b_results_none,
	  CTL_ERR_PROTOCOL, "names no node (no RESULT field)", NULL },
	{ "results: no NAME", R_RESULTS, PROTO_OK, b_results_no_name,
	  CTL_ERR_PROTOCOL, "RESULT 1: ", NULL },
	{ "results: a FILENAME of another kind", R_RESULTS, PROTO_OK,
	  b_results_bad_file, CTL_ERR_PROTOCOL,
	  "RESULT 2: FILENAME is neither CTLFile.tlv nor ITLFile.tlv", NULL },
	{ "results: an unexpected field", R_RESULTS, PROTO_OK, b_results_extra,
	  CTL_ERR_PROTOCOL, "a RESULT holds an unexpected PORT field", NULL },
	{ "results: NAME of 64 bytes (the largest)", R_RESULTS, PROTO_OK,
	  b_results_name_64, CTL_OK, NULL, NULL },
	{ "results: NAME of 65 bytes", R_RESULTS, PROTO_OK, b_results_name_65,
	  CTL_ERR_PROTOCOL, "RESULT 1: ", NULL },
	{ "results: control bytes cleaned", R_RESULTS, PROTO_OK,
	  b_results_escape, CTL_OK, NULL, c_results_escape },

	{ "cluster: as ctlpublisherd sends it", R_CLUSTER, PROTO_OK, b_cluster,
	  CTL_OK, NULL, c_cluster },
	{ "cluster: no CTL, certificate or ports", R_CLUSTER, PROTO_OK,
	  b_cluster_bare, CTL_OK, NULL, c_cluster_bare },
	{ "cluster: every certificate of a node", R_CLUSTER, PROTO_OK,
	  b_cluster_cert_all, CTL_OK, NULL, c_cluster_cert_all },
	{ "cluster: modes 1 and 2 (the largest)", R_CLUSTER, PROTO_OK,
	  b_cluster_mixed_max, CTL_OK, NULL, NULL },
	{ "cluster: SECURITY_MODE 2", R_CLUSTER, PROTO_OK, b_cluster_sec_2,
	  CTL_ERR_PROTOCOL, "SECURITY_MODE 2 is neither 0 (non-secure) nor 1",
	  NULL },
	{ "cluster: CTL_MODE 3", R_CLUSTER, PROTO_OK, b_cluster_mode_3,
	  CTL_ERR_PROTOCOL, "CTL_MODE 3 is not 0 (none), 1 (token) or 2",
	  NULL },
	{ "cluster: no CTL_MODE", R_CLUSTER, PROTO_OK, b_cluster_no_mode,
	  CTL_ERR_PROTOCOL, "CTL_MODE", NULL },
	{ "cluster: no NODE", R_CLUSTER, PROTO_OK, b_cluster_no_node,
	  CTL_ERR_PROTOCOL, "no NODE in the answer", NULL },
	{ "cluster: two publishers", R_CLUSTER, PROTO_OK, b_cluster_two_pubs,
	  CTL_ERR_PROTOCOL, "2 nodes say they are the publisher, expected one",
	  NULL },
	{ "cluster: no publisher", R_CLUSTER, PROTO_OK, b_cluster_no_pub,
	  CTL_ERR_PROTOCOL, "0 nodes say they are the publisher", NULL },
	{ "cluster: IP of 5 bytes", R_CLUSTER, PROTO_OK, b_cluster_ip_5,
	  CTL_ERR_PROTOCOL, "NODE 1: ", NULL },
	{ "cluster: an unknown STATE", R_CLUSTER, PROTO_OK, b_cluster_state,
	  CTL_ERR_PROTOCOL, "NODE 1: STATE is not one of current, stale, failed",
	  NULL },
	{ "cluster: REACHABLE 2", R_CLUSTER, PROTO_OK, b_cluster_reach_2,
	  CTL_ERR_PROTOCOL, "NODE 1: PUBLISHER or REACHABLE is neither 0 nor 1",
	  NULL },
	{ "cluster: a node's SHA1 of 19 bytes", R_CLUSTER, PROTO_OK,
	  b_cluster_node_sha1_19, CTL_ERR_PROTOCOL,
	  "NODE 1: field SHA1 is 19 bytes, expected 20", NULL },
	{ "cluster: an empty SHA1 for the cluster", R_CLUSTER, PROTO_OK,
	  b_cluster_empty_sha1, CTL_ERR_PROTOCOL,
	  "field SHA1 is 0 bytes, expected 20", NULL },
	{ "cluster: a certificate of an unknown node", R_CLUSTER, PROTO_OK,
	  b_cluster_cert_unknown_node, CTL_ERR_PROTOCOL,
	  "NODE_CERT 1: a certificate for an unknown node or purpose", NULL },
	{ "cluster: a certificate of an unknown purpose", R_CLUSTER, PROTO_OK,
	  b_cluster_cert_unknown_purpose, CTL_ERR_PROTOCOL,
	  "NODE_CERT 1: a certificate for an unknown node or purpose", NULL },
	{ "cluster: two CallManager certificates", R_CLUSTER, PROTO_OK,
	  b_cluster_cert_twice, CTL_ERR_PROTOCOL,
	  "NODE_CERT 2: two CallManager certificates for one node", NULL },
	{ "cluster: CERT not a certificate", R_CLUSTER, PROTO_OK,
	  b_cluster_cert_garbage, CTL_ERR_PROTOCOL,
	  "NODE_CERT 1: CERT is not one DER certificate", NULL },
	{ "cluster: CERT with a byte after it", R_CLUSTER, PROTO_OK,
	  b_cluster_cert_trailing, CTL_ERR_PROTOCOL,
	  "NODE_CERT 1: CERT is not one DER certificate", NULL },
	{ "cluster: an unexpected field", R_CLUSTER, PROTO_OK, b_cluster_extra,
	  CTL_ERR_PROTOCOL, "the answer to CLUSTER_INFO holds an unexpected "
	  "USER field", NULL },

	{ "sha1: 20 bytes", R_SHA1_REQUIRED, PROTO_OK, b_sha1_20, CTL_OK, NULL,
	  c_sha1_have },
	{ "sha1: 19 bytes", R_SHA1_REQUIRED, PROTO_OK, b_sha1_19,
	  CTL_ERR_PROTOCOL, "field SHA1 is 19 bytes, expected 20", NULL },
	{ "sha1: 21 bytes", R_SHA1_REQUIRED, PROTO_OK, b_sha1_21,
	  CTL_ERR_PROTOCOL, "SHA1", NULL },
	{ "sha1: empty where a SHA1 is required", R_SHA1_REQUIRED, PROTO_OK,
	  b_sha1_0, CTL_ERR_PROTOCOL, "field SHA1 is 0 bytes, expected 20",
	  NULL },
	{ "sha1: absent where required", R_SHA1_REQUIRED, PROTO_OK, b_nothing,
	  CTL_ERR_PROTOCOL, "SHA1", NULL },
	{ "sha1: twice", R_SHA1_REQUIRED, PROTO_OK, b_sha1_twice,
	  CTL_ERR_PROTOCOL, "SHA1", NULL },
	{ "sha1: empty where allowed", R_SHA1_OPTIONAL, PROTO_OK, b_sha1_0,
	  CTL_OK, NULL, c_sha1_none },
	{ "sha1: absent where allowed", R_SHA1_OPTIONAL, PROTO_OK, b_nothing,
	  CTL_OK, NULL, c_sha1_none },
	{ "sha1: 20 bytes where optional", R_SHA1_OPTIONAL, PROTO_OK, b_sha1_20,
	  CTL_OK, NULL, c_sha1_have },

	{ "only: no field", R_ONLY, PROTO_OK, b_nothing, CTL_OK, NULL, NULL },
	{ "only: the fields allowed", R_ONLY, PROTO_OK, b_results_change,
	  CTL_OK, NULL, NULL },
	{ "only: one more", R_ONLY, PROTO_OK, b_only_user, CTL_ERR_PROTOCOL,
	  "the answer to TEST holds an unexpected USER field", NULL },

	{ "login: OK", R_LOGIN, PROTO_OK, b_nothing, CTL_OK, NULL, NULL },
	{ "login: OK with a field", R_LOGIN, PROTO_OK, b_login_ok_extra,
	  CTL_ERR_PROTOCOL, "the answer to LOGIN holds an unexpected USER",
	  NULL },
	{ "login: refused", R_LOGIN, PROTO_ERROR, b_login_refused, CTL_ERR_AUTH,
	  "srv:2444: login as admin refused: bad user or password", NULL },
	{ "login: rate-limited", R_LOGIN, PROTO_ERROR, b_login_rate,
	  CTL_ERR_AUTH, "refused: too many tries", NULL },
	{ "login: conflict", R_LOGIN, PROTO_ERROR, b_login_conflict,
	  CTL_ERR_CONFLICT, "refused: no reason given", NULL },
	{ "login: an unknown code", R_LOGIN, PROTO_ERROR, b_login_unknown,
	  CTL_ERR_REFUSED, "refused: no reason given", NULL },
	{ "login: control bytes cleaned", R_LOGIN, PROTO_ERROR, b_login_escape,
	  CTL_ERR_AUTH, "refused: ?]0;owned?", NULL },
	{ "login: ERROR without a code", R_LOGIN, PROTO_ERROR, b_nothing,
	  CTL_ERR_PROTOCOL, "srv:2444: malformed error answer to LOGIN", NULL },
	{ "login: an answer of another type", R_LOGIN, PROTO_CLUSTER_INFO,
	  b_nothing, CTL_ERR_PROTOCOL, "answer of type 0x02 to LOGIN", NULL },
};

/* Builds row R's answer and parses it as the session does: header, then
 * fields.  *FRAME holds the bytes the fields point into. */
static void
wire(const struct row *r, uint8_t **frame, struct proto_header *h,
    struct proto_fields *fs)
{
	struct proto_out o;
	size_t len = 0;

	proto_out_init(&o, r->type, 7);
	r->build(&o);
	assert_int_equal(proto_out_finish(&o, frame, &len), CTL_OK);
	proto_out_free(&o);
	assert_int_equal(proto_header_parse(*frame, h, NULL), CTL_OK);
	assert_int_equal(h->length, len - PROTO_HEADER_LEN);
	assert_int_equal(proto_fields_parse(*frame + PROTO_HEADER_LEN,
	    h->length, false, fs, NULL), CTL_OK);
}

static int
read_row(const struct row *r, const struct proto_header *h,
    const uint8_t *payload, const struct proto_fields *fs,
    struct ctl_diag *d)
{
	static const uint16_t allowed[] = { PT_SHA1, PT_RESULT };
	struct results res = { NULL, 0 };
	struct net_cluster c;
	struct sha1 s;
	int rc = CTL_ERR_INTERNAL;
	const void *out = NULL;

	memset(&c, 0, sizeof(c));
	memset(&s, 0x55, sizeof(s));
	switch (r->reader) {
	case R_RESULTS:
		rc = net_results_parse(fs, &res.r, &res.n, d);
		if (rc != CTL_OK) {
			assert_null(res.r);
			assert_int_equal(res.n, 0);
		}
		out = &res;
		break;
	case R_CLUSTER:
		rc = net_cluster_parse(fs, &c, d);
		out = &c;
		break;
	case R_SHA1_REQUIRED:
	case R_SHA1_OPTIONAL:
		rc = net_get_sha1(fs, PT_SHA1, r->reader == R_SHA1_REQUIRED,
		    r->reader == R_SHA1_OPTIONAL, s.hex, &s.have, d);
		out = &s;
		break;
	case R_ONLY:
		rc = net_only_fields(fs, allowed, 2, "TEST", d);
		break;
	case R_LOGIN:
		rc = net_login_answer(h->type, payload, h->length, "srv:2444",
		    "admin", d);
		break;
	}
	if (rc == CTL_OK && r->check != NULL)
		r->check(out);
	free(res.r);
	net_cluster_free(&c);
	return rc;
}

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct proto_fields fs = { NULL, 0 };
		struct proto_header h;
		struct ctl_diag d;
		uint8_t *frame = NULL;
		int rc;

		print_message("%s\n", r->name);
		wire(r, &frame, &h, &fs);
		ctl_diag_clear(&d);
		rc = read_row(r, &h, frame + PROTO_HEADER_LEN, &fs, &d);
		if (rc != r->rc)
			fail_msg("%s: code %d (%s), expected %d", r->name, rc,
			    d.msg, r->rc);
		if (r->words == NULL)
			assert_string_equal(d.msg, "");
		else if (strstr(d.msg, r->words) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", r->name,
			    d.msg, r->words);
		proto_fields_free(&fs);
		free(frame);
	}
}

/* The known-servers file: which line pins the server's fingerprint. */
#define FP_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const struct pin_row {
	const char *name;
	const char *text;
	int rc;
	size_t line;
	const char *words;
} pin_rows[] = {
	{ "empty file", "", CTL_ERR_NOT_FOUND, 0, "no line names" },
	{ "pinned", "srv:2444 " FP_A "\n", CTL_OK, 1, NULL },
	{ "pinned, upper case, tabs, CRLF, no last newline",
	  "other:1 " FP_B "\r\nsrv:2444\t\t" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", CTL_OK, 2, NULL },
	{ "another port only", "srv:24440 " FP_A "\nsrv:244 " FP_A "\n",
	  CTL_ERR_NOT_FOUND, 0, "no line names srv:2444" },
	{ "changed", "srv:2444 " FP_B "\n", CTL_ERR_TLS, 1,
	  "srv:2444: the server's certificate changed since it was pinned "
	  "(known line 1)" },
	{ "changed, then pinned again", "srv:2444 " FP_B "\nsrv:2444 " FP_A
	  "\n", CTL_OK, 2, NULL },
	{ "63 hex digits", "srv:2444 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaa\n", CTL_ERR_FORMAT, 1, "holds no SHA-256" },
	{ "a fingerprint cut short", "srv:2444 aaaa\n", CTL_ERR_FORMAT, 1,
	  "known: line 1 names srv:2444 but holds no SHA-256 fingerprint" },
	{ "a fingerprint with one digit more", "x:1 y\nsrv:2444 " FP_A "a\n",
	  CTL_ERR_FORMAT, 2, "line 2 names srv:2444" },
	{ "a bad line and a changed one", "srv:2444 zz\nsrv:2444 " FP_B
	  "\n", CTL_ERR_TLS, 2, "changed since it was pinned" },
	{ "the name alone", "srv:2444\n", CTL_ERR_NOT_FOUND, 0, NULL },
};

static void
test_pin_lookup(void **state)
{
	uint8_t fp[32], old[32];
	size_t i, line;
	int rc;

	(void)state;
	memset(fp, 0xaa, sizeof(fp));
	for (i = 0; i < sizeof(pin_rows) / sizeof(pin_rows[0]); i++) {
		const struct pin_row *r = &pin_rows[i];
		struct ctl_diag d;

		print_message("pin: %s\n", r->name);
		ctl_diag_clear(&d);
		line = 0;
		memset(old, 0, sizeof(old));
		rc = net_pin_lookup(r->text, strlen(r->text), "known",
		    "srv:2444", fp, &line, old, &d);
		if (rc != r->rc)
			fail_msg("%s: code %d (%s), expected %d", r->name, rc,
			    d.msg, r->rc);
		assert_int_equal(line, r->line);
		if (r->words != NULL && strstr(d.msg, r->words) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"", r->name,
			    d.msg, r->words);
		if (rc == CTL_ERR_TLS)
			assert_int_equal(old[0], 0xbb);
	}
}

static int
setup(void **state)
{
	(void)state;
	return seed_certs_make(&seed) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	seed_certs_free(&seed);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_pin_lookup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
