#include "cert_restart.h"

#include <stddef.h>
#include <strings.h>

/* The procedure's per-type sections; docs/certificates.md shows this
 * table too ("What a CUCM cluster restarts"). */
static const struct cert_restart rows[] = {
	{ "CallManager", "Cisco CallManager, CTIManager, Trust Verification "
	  "Service, TFTP", true, "the ITL is already served by every node" },
	{ "CallManager-ECDSA", "Cisco CallManager, CTIManager, Trust "
	  "Verification Service, TFTP", true,
	  "nothing here serves it to phones" },
	{ "Tomcat", "Cisco Tomcat", false, "restart this node's "
	  "ctlpublisherd to serve the new certificate" },
	{ "Tomcat-ECDSA", "Cisco Tomcat", false, "nothing here serves it" },
	{ "IPsec", "Cisco DRF Master (publisher), then DRF Local", false,
	  "nothing here uses it" },
	{ "TVS", "Trust Verification Service, TFTP", true,
	  "the ITL is already served by every node" },
	{ "ITLRecovery", "Trust Verification Service, TFTP", true,
	  "the ITL is already served by every node" },
	{ "CAPF", "Certificate Authority Proxy Function (publisher), Trust "
	  "Verification Service, TFTP", true,
	  "the ITL is already served by every node" },
};

const struct cert_restart *
cert_restart_find(const char *type)
{
	size_t i;

	for (i = 0; type != NULL && i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strcasecmp(type, rows[i].type) == 0)
			return &rows[i];
	return NULL;
}
