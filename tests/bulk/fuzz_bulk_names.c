/*
 * Fuzz target for what bulk certificate management reads from places it
 * does not control: names listed on the SFTP server and friendly names
 * inside PKCS12 files (the publisher), PKCS12 files themselves (through
 * bulk_p12_parse), the SFTP URL a person types and the answers to the
 * bulk requests (ctlclient).  Property: a file name that parses is
 * written back byte for byte by the function that makes such names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bulk_names.h"
#include "bulk_p12.h"
#include "bulk_reply.h"
#include "bulk_url.h"
#include "ctl_err.h"
#include "proto_frame.h"

/* A parsed name written again must be the same bytes. */
static void
round_trip(const uint8_t *data, size_t size)
{
	struct bulk_file_name f;
	char again[BULK_NAME_MAX];

	if (bulk_file_name_parse((const char *)data, size, &f) != CTL_OK)
		return;
	if (f.consolidated)
		bulk_consolidated_name(f.type, again);
	else if (bulk_node_file_name(f.cluster, f.node, f.type, again,
	    NULL) != CTL_OK)
		abort();
	if (strlen(again) != size || memcmp(again, data, size) != 0)
		abort();
}

static void
replies(const uint8_t *data, size_t size)
{
	static const unsigned types[] = { PROTO_BULK_EXPORT,
	    PROTO_BULK_CONSOLIDATE, PROTO_BULK_IMPORT, PROTO_BULK_LIST };
	struct proto_fields fs;
	struct bulk_r r;
	size_t i;

	if (proto_fields_parse(data, size, false, &fs, NULL) != CTL_OK)
		return;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		(void)bulk_r_parse(&fs, types[i], &r, NULL);
		bulk_r_free(&r);
	}
	proto_fields_free(&fs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bulk_file_name fn = { true, "", "", BULK_TYPE_ALL };
	struct bulk_certs certs = { NULL, 0 };
	char cluster[BULK_ID_MAX], node[PUB_NODE_NAME_MAX], *s;
	enum bulk_cert c;
	struct bulk_url u;

	round_trip(data, size);
	(void)bulk_friendly_parse((const char *)data, size, false, cluster,
	    node, &c);
	(void)bulk_friendly_parse((const char *)data, size, true, cluster,
	    node, &c);
	if ((s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		(void)bulk_url_parse(s, &u, NULL);
		(void)bulk_dir_check(s, NULL);
		free(s);
	}
	replies(data, size);
	(void)bulk_p12_parse("input", data, size, &fn, &certs, NULL);
	bulk_certs_free(&certs);
	return 0;
}
