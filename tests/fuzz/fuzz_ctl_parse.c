/*
 * Fuzz target for the .tlv parser: parse, and when that succeeds, verify,
 * check the file against itself as an installed file, and render both
 * views, so that every reader of parsed data sees the mutated bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctl.h"
#include "ctl_err.h"
#include "ctl_render.h"
#include "ctl_trust.h"
#include "ctl_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct ctl_file *f = NULL;
	struct ctl_diag d;
	struct ctl_view v = { 0 };
	struct ctl_trust t;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		return 0;
	if (ctl_parse(data, size, &f, &d) != CTL_OK)
		return 0;
	v.f = f;
	v.verify_rc = ctl_verify(f, &v.signer, &d);
	v.verify_msg = d.msg;
	ctl_render_text(sink, &v);
	ctl_render_json(sink, &v);
	(void)ctl_trust_direct(f, f, &t, &d);
	ctl_free(f);
	return 0;
}
