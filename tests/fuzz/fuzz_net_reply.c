/*
 * Fuzz target for the client's answer readers: one frame as it arrives
 * from the publisher, parsed by proto/'s frame parser, then read by every
 * reader of ctlclient's core: LOGIN's answer, the only-allowed-fields
 * check, SHA-1 fields, the per-node results and CLUSTER_INFO.  What a
 * reader accepts must hold what it promises, else the target aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "net_cluster.h"
#include "net_login.h"
#include "net_reply.h"
#include "proto_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Text a reader passed on holds no control byte. */
static void
clean_or_abort(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

static void
results(const struct proto_fields *fs)
{
	struct net_result *r = NULL;
	size_t n = 0, i;

	if (net_results_parse(fs, &r, &n, NULL) != CTL_OK) {
		if (r != NULL || n != 0)
			abort();
		return;
	}
	if (n == 0 || n != proto_count(fs, PT_RESULT))
		abort();
	for (i = 0; i < n; i++) {
		clean_or_abort(r[i].name);
		clean_or_abort(r[i].message);
		if (strcmp(r[i].filename, "CTLFile.tlv") != 0 &&
		    strcmp(r[i].filename, "ITLFile.tlv") != 0)
			abort();
	}
	free(r);
}

static void
cluster(const struct proto_fields *fs)
{
	struct net_cluster c;
	size_t i, pubs = 0;

	if (net_cluster_parse(fs, &c, NULL) == CTL_OK) {
		if (c.nnodes == 0 || c.security_mode > 1 || c.ctl_mode > 2)
			abort();
		for (i = 0; i < c.nnodes; i++) {
			pubs += c.nodes[i].publisher;
			clean_or_abort(c.nodes[i].name);
			if (strcmp(c.nodes[i].state, "current") != 0 &&
			    strcmp(c.nodes[i].state, "stale") != 0 &&
			    strcmp(c.nodes[i].state, "failed") != 0)
				abort();
		}
		if (pubs != 1)
			abort();
	}
	net_cluster_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t allowed[] = { PT_SHA1, PT_RESULT };
	struct proto_header h;
	struct proto_fields fs;
	char hex[41];
	int have;

	if (size < PROTO_HEADER_LEN ||
	    proto_header_parse(data, &h, NULL) != CTL_OK ||
	    h.length != size - PROTO_HEADER_LEN)
		return 0;
	(void)net_login_answer(h.type, data + PROTO_HEADER_LEN, h.length,
	    "fuzz:2444", "admin", NULL);
	if (proto_fields_parse(data + PROTO_HEADER_LEN, h.length, false, &fs,
	    NULL) != CTL_OK)
		return 0;
	(void)net_only_fields(&fs, allowed, 2, "FUZZ", NULL);
	if (net_get_sha1(&fs, PT_SHA1, 1, 0, hex, &have, NULL) == CTL_OK &&
	    (!have || strlen(hex) != 40))
		abort();
	(void)net_get_sha1(&fs, PT_SHA1, 0, 1, hex, &have, NULL);
	results(&fs);
	cluster(&fs);
	proto_fields_free(&fs);
	return 0;
}
