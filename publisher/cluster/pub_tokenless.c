#include "pub_tokenless.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "ctl_build.h"
#include "ctl_err.h"
#include "ctl_signer.h"
#include "pub_certgen.h"
#include "pub_node.h"
#include "pub_state.h"

/* Loads node N's certificate for purpose P (and its key when KEY is not
 * NULL). */
static int
load_node_cert(struct pub_state *st, const struct pub_node *n,
    enum pub_cert_purpose p, X509 **cert, EVP_PKEY **key, struct ctl_diag *d)
{
	char *cpath = NULL, *kpath = NULL;
	int rc;

	if ((rc = pub_node_cert_paths(st, n->name, p, &cpath, &kpath, d)) ==
	    CTL_OK)
		rc = pub_certgen_load(cpath, kpath, cert, key, d);
	free(cpath);
	free(kpath);
	return rc;
}

static void
set_entry(struct ctl_entry *e, uint16_t role, X509 *cert,
    const struct pub_node *n)
{
	memset(e, 0, sizeof(*e));
	e->role = role;
	e->cert = cert;
	e->dns_name = n->name;
	/* A node address that does not parse is written as 0.0.0.0,
	 * "none", as CUCM does for a record without one. */
	if (inet_pton(AF_INET, n->ip, e->ip) != 1)
		memset(e->ip, 0, sizeof(e->ip));
}

int
pub_tokenless_build(struct pub_state *st, int digest, uint32_t timestamp,
    uint8_t **out, size_t *len, struct ctl_diag *d)
{
	struct pub_node *nodes = NULL;
	struct ctl_entry *entries = NULL;
	X509 **certs = NULL, *capf = NULL, *itlrec = NULL;
	struct pub_settings set;
	EVP_PKEY *key = NULL;
	struct ctl_build_opts o;
	struct ctl_signer s;
	size_t n = 0, i, ne = 0;
	char label[PUB_NODE_NAME_MAX + 16];
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = pub_settings_get(st, &set, d)) != CTL_OK ||
	    (rc = pub_node_list(st, &nodes, &n, d)) != CTL_OK)
		return rc;
	if (n == 0 || !nodes[0].publisher) {
		rc = ctl_diag_set(d, CTL_ERR_NOT_FOUND, "%s: the cluster has "
		    "no publisher", pub_state_dir(st));
		goto out;
	}
	if ((certs = calloc(n, sizeof(*certs))) == NULL ||
	    (entries = calloc(n + 4, sizeof(*entries))) == NULL) {
		rc = CTL_ERR_NOMEM;
		goto out;
	}
	/* nodes[0] is the publisher: pub_node_list() orders by index. */
	if ((rc = load_node_cert(st, &nodes[0], PUB_CERT_CALLMANAGER, &certs[0],
	    &key, d)) != CTL_OK ||
	    (rc = load_node_cert(st, &nodes[0], PUB_CERT_CAPF, &capf, NULL,
	    d)) != CTL_OK)
		goto out;
	for (i = 1; i < n; i++)
		if ((rc = load_node_cert(st, &nodes[i], PUB_CERT_CALLMANAGER,
		    &certs[i], NULL, d)) != CTL_OK)
			goto out;
	/* A cluster whose ITL the ITLRecovery certificate signs (CUCM 12
	 * and later) also names it in the CTL, so that a phone holding the
	 * CTL takes that ITL through it, without asking TVS. */
	if (set.itl_signer == PUB_ITL_ITLRECOVERY &&
	    (rc = load_node_cert(st, &nodes[0], PUB_CERT_ITLRECOVERY, &itlrec,
	    NULL, d)) != CTL_OK)
		goto out;
	set_entry(&entries[ne++], CTL_ROLE_SAST, certs[0], &nodes[0]);
	set_entry(&entries[ne++], CTL_ROLE_CCM_TFTP, certs[0], &nodes[0]);
	set_entry(&entries[ne++], CTL_ROLE_CAPF, capf, &nodes[0]);
	for (i = 1; i < n; i++)
		set_entry(&entries[ne++], CTL_ROLE_CCM_TFTP, certs[i], &nodes[i]);
	if (itlrec != NULL)
		set_entry(&entries[ne++], CTL_ROLE_SAST, itlrec, &nodes[0]);
	snprintf(label, sizeof(label), "%s CallManager", nodes[0].name);
	ctl_signer_key(&s, key, certs[0], label);
	o.digest = digest != 0 ? digest : CTL_DIGEST_SHA1;
	o.filename = PUB_CTL_FILENAME;
	o.timestamp = timestamp != 0 ? timestamp : (uint32_t)time(NULL);
	rc = ctl_build(entries, ne, &s, &o, out, len, NULL, d);
out:
	if (certs != NULL)
		for (i = 0; i < n; i++)
			X509_free(certs[i]);
	free(certs);
	X509_free(capf);
	X509_free(itlrec);
	EVP_PKEY_free(key);
	free(entries);
	free(nodes);
	return rc;
}
