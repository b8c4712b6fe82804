#include "sources.h"

#include <string.h>

#include "ctl_cert.h"
#include "ctl_err.h"

int
cli_signer_open(const char *spec, struct cli_signer *cs, struct ctl_diag *d)
{
	memset(cs, 0, sizeof(*cs));
	return ctl_signer_file_open(spec, &cs->s, d);
}

void
cli_signer_close(struct cli_signer *cs)
{
	if (cs->s.cert != NULL)
		ctl_signer_file_free(&cs->s);
}

int
cli_cert_open(const char *spec, X509 **out, struct ctl_diag *d)
{
	return ctl_cert_load_file(spec, out, d);
}
