/* Answers of a CTL Provider: see replies.h. */
#include "replies.h"

#include <openssl/x509.h>

const uint8_t rp_sha1[20] = {
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};

void
rp_result(struct proto_out *o, const char *name, const char *filename,
    uint8_t status, const char *message)
{
	proto_group_begin(o, PT_RESULT);
	proto_put_str(o, PT_NAME, name);
	proto_put_str(o, PT_FILENAME, filename);
	proto_put_u8(o, PT_STATUS, status);
	if (message != NULL)
		proto_put_str(o, PT_MESSAGE, message);
	proto_group_end(o);
}

void
rp_node(struct proto_out *o, const char *name, const uint8_t ip[4],
    int publisher, const uint8_t *sha1, const char *state)
{
	proto_group_begin(o, PT_NODE);
	proto_put_str(o, PT_NAME, name);
	proto_put_bytes(o, PT_IP, ip, 4);
	proto_put_u16(o, PT_PORT, 2444);
	proto_put_u8(o, PT_PUBLISHER, (uint8_t)publisher);
	proto_put_bytes(o, PT_SHA1, sha1, sha1 != NULL ? 20 : 0);
	proto_put_u8(o, PT_REACHABLE, 1);
	proto_put_str(o, PT_STATE, state);
	proto_put_u16(o, PT_TVS_PORT, 2445);
	proto_put_u16(o, PT_TFTP_PORT, 69);
	proto_group_end(o);
}

void
rp_node_cert(struct proto_out *o, const char *name, const char *purpose,
    X509 *cert)
{
	unsigned char *der = NULL;
	int n = i2d_X509(cert, &der);

	proto_group_begin(o, PT_NODE_CERT);
	proto_put_str(o, PT_NAME, name);
	proto_put_str(o, PT_PURPOSE, purpose);
	proto_put_bytes(o, PT_CERT, der, n > 0 ? (size_t)n : 0);
	proto_group_end(o);
	OPENSSL_free(der);
}

void
rp_cluster(struct proto_out *o, X509 *pub_cert)
{
	static const uint8_t pub_ip[4] = { 127, 0, 0, 2 };
	static const uint8_t sub_ip[4] = { 127, 0, 0, 3 };

	proto_put_u8(o, PT_SECURITY_MODE, 1);
	proto_put_u8(o, PT_CTL_MODE, 2);
	proto_put_bytes(o, PT_SHA1, rp_sha1, 20);
	rp_node(o, "cucm-pub", pub_ip, 1, rp_sha1, "current");
	rp_node(o, "cucm-sub1", sub_ip, 0, NULL, "stale");
	rp_node_cert(o, "cucm-pub", "CallManager", pub_cert);
}

void
rp_change(struct proto_out *o)
{
	proto_put_bytes(o, PT_SHA1, rp_sha1, 20);
	rp_result(o, "cucm-pub", "CTLFile.tlv", 0, NULL);
	rp_result(o, "cucm-sub1", "CTLFile.tlv", 1, "node unreachable");
}
