#include "rehearse_served.h"

#include <stdio.h>
#include <stdlib.h>

#include "ctl_err.h"

void
rehearse_node_of(const struct net_node *n, struct rehearse_node *r)
{
	snprintf(r->name, sizeof(r->name), "%s", n->name);
	snprintf(r->tftp_host, sizeof(r->tftp_host), "%s", n->ip);
	snprintf(r->tvs_host, sizeof(r->tvs_host), "%s", n->ip);
	r->tftp_port = n->tftp_port != 0 ? n->tftp_port :
	    (uint16_t)(n->port + 3);
	r->tvs_port = n->tvs_port != 0 ? n->tvs_port : (uint16_t)(n->port + 1);
}

/* A served file that does not parse is a finding. */
int
rehearse_served_read(const struct rehearse_node *pub, int timeout_ms,
    struct ctl_file *out[2], struct ctl_diag *d)
{
	static const char *const files[2] = { REHEARSE_CTL_FILE,
	    REHEARSE_ITL_FILE };
	char err[CTL_DIAG_MAX];
	struct ctl_diag pd;
	uint8_t *data = NULL;
	size_t i, len;
	int rc;

	for (i = 0; i < 2; i++) {
		switch (rehearse_tftp_get(pub->tftp_host, pub->tftp_port,
		    files[i], timeout_ms, &data, &len, err, sizeof(err))) {
		case PHONE_DL_FAILED:
			return ctl_diag_set(d, CTL_ERR_NETWORK, "reading what "
			    "phones hold now: %s", err);
		case PHONE_DL_ABSENT:
			continue;
		case PHONE_DL_OK:
			break;
		}
		ctl_diag_clear(&pd);
		rc = ctl_parse(data, len, &out[i], &pd);
		free(data);
		data = NULL;
		if (rc != CTL_OK)
			return ctl_diag_set(d, rc, "%s served by %s does not "
			    "parse, so no phone holds it: %s", files[i],
			    pub->name, ctl_diag_msg(&pd, rc));
	}
	return CTL_OK;
}
