/*
 * Fuzz target for the protocol frame parser: the header, the fields, the
 * groups, and every getter, on bytes as they would arrive from the
 * network.
 */
#include <stddef.h>
#include <stdint.h>

#include "ctl_err.h"
#include "proto_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
touch(const struct proto_fields *fs)
{
	const uint8_t *p;
	size_t n;
	char s[1025];
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	unsigned tag;

	for (tag = 1; tag <= PT_MAX_TAG; tag++) {
		(void)proto_get_bytes(fs, (uint16_t)tag, false, PROTO_MAX_FILE,
		    &p, &n, NULL);
		(void)proto_get_str(fs, (uint16_t)tag, false, s, 1024, NULL);
		(void)proto_get_u8(fs, (uint16_t)tag, false, &u8, NULL);
		(void)proto_get_u16(fs, (uint16_t)tag, false, &u16, NULL);
		(void)proto_get_u32(fs, (uint16_t)tag, false, &u32, NULL);
		(void)proto_get_u64(fs, (uint16_t)tag, false, &u64, NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t groups[] = { PT_NODE, PT_RESULT, PT_AUDIT,
	    PT_TRUST, PT_NODE_CERT };
	struct proto_header h;
	struct proto_fields fs, g;
	size_t i, k;

	if (size < PROTO_HEADER_LEN ||
	    proto_header_parse(data, &h, NULL) != CTL_OK ||
	    h.length != size - PROTO_HEADER_LEN)
		return 0;
	if (proto_fields_parse(data + PROTO_HEADER_LEN, h.length, false, &fs,
	    NULL) != CTL_OK)
		return 0;
	touch(&fs);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		for (k = 0; k < proto_count(&fs, groups[i]); k++)
			if (proto_group_at(&fs, groups[i], k, &g, NULL) ==
			    CTL_OK) {
				touch(&g);
				proto_fields_free(&g);
			}
	proto_fields_free(&fs);
	return 0;
}
