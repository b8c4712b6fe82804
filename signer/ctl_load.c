/* Reading a .tlv file from disk. */
#include "ctl.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"
#include "file_io.h"

int
ctl_load(const char *path, struct ctl_file **out, struct ctl_diag *d)
{
	struct ctl_diag pd;
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	*out = NULL;
	ctl_diag_clear(&pd);
	if ((rc = file_read_limited(path, CTL_MAX_FILE, &buf, &len, d)))
		goto out;
	if ((rc = ctl_parse(buf, len, out, &pd)) != CTL_OK)
		ctl_diag_set(d, rc, "%s: %s", path, ctl_diag_msg(&pd, rc));
out:
	free(buf);
	return rc;
}
