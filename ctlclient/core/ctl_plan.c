/* The records of a token CTL, gathered before it is built and signed. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_cert.h"
#include "ctl_err.h"
#include "ctl_plan.h"
#include "net_cluster.h"
#include "sources.h"

#define MAX_DNS_NAME 255

void
ctl_plan_init(struct ctl_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void
ctl_plan_free(struct ctl_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		X509_free(p->e[i].cert);
		free(p->dns[i]);
	}
	free(p->e);
	free(p->dns);
	ctl_plan_init(p);
}

int
ctl_plan_find(const struct ctl_plan *p, uint16_t role, const X509 *cert)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->e[i].role == role && X509_cmp(p->e[i].cert, cert) == 0)
			return (int)i;
	return -1;
}

/* The subject in CUCM's form, or "?" (never NULL; freed by the caller). */
static char *
subject_of(const X509 *x)
{
	char *s = NULL;

	if (ctl_name_format(X509_get_subject_name(x), &s) != CTL_OK || s == NULL)
		s = strdup("?");
	return s;
}

int
ctl_plan_add(struct ctl_plan *p, uint16_t role, X509 *cert, const char *dns,
    const uint8_t ip[4], bool token_style, struct ctl_diag *d)
{
	struct ctl_entry *e;
	char **names, *copy = NULL, *subj;
	const char *rn;
	int at;

	if ((at = ctl_plan_find(p, role, cert)) >= 0) {
		subj = subject_of(cert);
		rn = ctl_role_name(role);
		at = ctl_diag_set(d, CTL_ERR_USAGE, "%s is already record %d of "
		    "the CTL, as %s", subj ? subj : "the certificate", at + 1,
		    rn ? rn : "that role");
		free(subj);
		return at;
	}
	if (p->n >= CTL_MAX_RECORDS)
		return ctl_diag_set(d, CTL_ERR_USAGE, "more than the %d records "
		    "a CTL may hold", CTL_MAX_RECORDS);
	if (dns != NULL && dns[0] != '\0' && (copy = strdup(dns)) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	if ((e = realloc(p->e, (p->n + 1) * sizeof(*e))) != NULL)
		p->e = e;
	if ((names = realloc(p->dns, (p->n + 1) * sizeof(*names))) != NULL)
		p->dns = names;
	if (e == NULL || names == NULL) {
		free(copy);
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	}
	if (X509_up_ref(cert) != 1) {
		free(copy);
		return ctl_diag_set(d, CTL_ERR_CRYPTO, "cannot hold a "
		    "certificate");
	}
	e = &p->e[p->n];
	memset(e, 0, sizeof(*e));
	e->role = role;
	e->cert = cert;
	e->dns_name = copy;
	if (ip != NULL)
		memcpy(e->ip, ip, 4);
	e->token_style = token_style;
	p->dns[p->n] = copy;    /* owned here, e->dns_name borrows it */
	p->n++;
	return CTL_OK;
}

static int
node_ip(const struct net_node *n, uint8_t ip[4], struct ctl_diag *d)
{
	struct in_addr a;

	if (inet_pton(AF_INET, n->ip, &a) != 1)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "node %s: address "
		    "'%s' is not IPv4", n->name, n->ip);
	memcpy(ip, &a.s_addr, 4);
	return CTL_OK;
}

int
ctl_plan_add_cluster(struct ctl_plan *p, const struct net_cluster *c,
    struct ctl_diag *d)
{
	const struct net_node *n, *pub = NULL;
	uint8_t ip[4];
	size_t i;
	int rc;

	for (i = 0; i < c->nnodes; i++) {
		n = &c->nodes[i];
		if (n->publisher)
			pub = n;
		if (n->certs[NET_CERT_CALLMANAGER] == NULL)
			return ctl_diag_set(d, CTL_ERR_NOT_FOUND, "node %s sent "
			    "no CallManager certificate: the CTL cannot name "
			    "it", n->name);
		if ((rc = node_ip(n, ip, d)) != CTL_OK ||
		    (rc = ctl_plan_add(p, CTL_ROLE_CCM_TFTP,
		    n->certs[NET_CERT_CALLMANAGER], n->name, ip, false, d)))
			return rc;
	}
	if (pub == NULL)
		return ctl_diag_set(d, CTL_ERR_PROTOCOL, "the cluster names no "
		    "publisher");
	if ((rc = node_ip(pub, ip, d)) != CTL_OK)
		return rc;
	if (pub->certs[NET_CERT_CAPF] == NULL)
		fprintf(stderr, "note: the publisher %s sent no CAPF "
		    "certificate; the CTL has no CAPF record\n", pub->name);
	else if ((rc = ctl_plan_add(p, CTL_ROLE_CAPF, pub->certs[NET_CERT_CAPF],
	    pub->name, ip, false, d)) != CTL_OK)
		return rc;
	if (pub->certs[NET_CERT_ITLRECOVERY] == NULL)
		fprintf(stderr, "note: the publisher %s sent no ITLRecovery "
		    "certificate; the CTL has no ITLRecovery record\n",
		    pub->name);
	else if ((rc = ctl_plan_add(p, CTL_ROLE_SAST,
	    pub->certs[NET_CERT_ITLRECOVERY], pub->name, ip, false, d)))
		return rc;
	return CTL_OK;
}

int
ctl_plan_add_ctl(struct ctl_plan *p, const struct ctl_file *f,
    struct ctl_diag *d)
{
	const struct ctl_record *r;
	bool empty_dns;
	size_t i;
	int rc;

	for (i = 0; i < f->nrecords; i++) {
		r = &f->records[i];
		if (!r->has_role || r->cert == NULL)
			return ctl_diag_set(d, CTL_ERR_FORMAT, "record %zu of "
			    "the cluster's CTL has no %s: it cannot be written "
			    "again", i + 1, r->has_role ? "readable "
			    "certificate" : "role");
		empty_dns = r->dns_name == NULL || r->dns_name[0] == '\0';
		if ((rc = ctl_plan_add(p, r->role, r->cert, r->dns_name,
		    r->has_ip ? r->ip : NULL, r->role == CTL_ROLE_SAST &&
		    empty_dns, d)) != CTL_OK)
			return rc;
	}
	return CTL_OK;
}

int
ctl_plan_add_arg(struct ctl_plan *p, struct cli_sources *src,
    const char *opt, const char *arg, struct ctl_diag *d)
{
	char *copy = strdup(arg), *tok, *save = NULL, *eq;
	const char *role = NULL, *cert = NULL, *dns = NULL, *ip = NULL,
	    **slot;
	struct in_addr a;
	uint16_t code = 0;
	uint8_t addr[4] = { 0, 0, 0, 0 };
	X509 *x = NULL;
	int rc = CTL_ERR_USAGE;

	if (copy == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(tok, '=')) == NULL) {
			rc = ctl_diag_set(d, rc, "%s %s: '%s' is not KEY=VALUE",
			    opt, arg, tok);
			goto out;
		}
		*eq++ = '\0';
		slot = strcmp(tok, "role") == 0 ? &role :
		    strcmp(tok, "cert") == 0 ? &cert :
		    strcmp(tok, "dns") == 0 ? &dns :
		    strcmp(tok, "ip") == 0 ? &ip : NULL;
		if (slot == NULL || *slot != NULL) {
			rc = ctl_diag_set(d, rc, "%s %s: %s key '%s' (role, "
			    "cert, dns, ip, once each)", opt, arg,
			    slot == NULL ? "unknown" : "repeated", tok);
			goto out;
		}
		*slot = eq;
	}
	if (role == NULL || cert == NULL) {
		rc = ctl_diag_set(d, rc, "%s %s: role= and cert= are required",
		    opt, arg);
		goto out;
	}
	if (ctl_role_parse(role, &code) != CTL_OK) {
		rc = ctl_diag_set(d, rc, "%s %s: unknown role '%s' (SAST, CCM, "
		    "CCM+TFTP, TFTP, CAPF, APP-SERVER, TVS, FIREWALL or a "
		    "number)", opt, arg, role);
		goto out;
	}
	if (dns != NULL && strlen(dns) > MAX_DNS_NAME) {
		rc = ctl_diag_set(d, rc, "%s %s: DNS name longer than %d "
		    "characters", opt, arg, MAX_DNS_NAME);
		goto out;
	}
	if (ip != NULL) {
		if (inet_pton(AF_INET, ip, &a) != 1) {
			rc = ctl_diag_set(d, rc, "%s %s: ip '%s' is not an "
			    "IPv4 address A.B.C.D", opt, arg, ip);
			goto out;
		}
		memcpy(addr, &a.s_addr, 4);
	}
	if ((rc = cli_cert_open(src, cert, &x, d)) != CTL_OK)
		goto out;
	rc = ctl_plan_add(p, code, x, dns, addr, code == CTL_ROLE_SAST &&
	    (dns == NULL || dns[0] == '\0'), d);
out:
	X509_free(x);
	free(copy);
	return rc;
}

/* Resolves one --delete selector to a record index. */
static int
select_record(const struct ctl_plan *p, const char *sel, size_t *at,
    struct ctl_diag *d)
{
	char *end, *subj;
	unsigned long v;
	size_t i, hits = 0;

	if (sel[0] >= '0' && sel[0] <= '9') {
		v = strtoul(sel, &end, 10);
		if (*end == '\0') {
			if (v < 1 || v > p->n)
				return ctl_diag_set(d, CTL_ERR_USAGE, "--delete "
				    "%s: the CTL has records 1 to %zu", sel,
				    p->n);
			*at = v - 1;
			return CTL_OK;
		}
	}
	if (sel[0] == '\0')
		return ctl_diag_set(d, CTL_ERR_USAGE, "--delete: empty "
		    "selector");
	for (i = 0; i < p->n; i++) {
		if ((subj = subject_of(p->e[i].cert)) == NULL)
			return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
		if (strstr(subj, sel) != NULL) {
			*at = i;
			hits++;
		}
		free(subj);
	}
	if (hits == 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--delete %s: no record's "
		    "subject contains it", sel);
	if (hits > 1)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--delete %s: %zu records' "
		    "subjects contain it; name one by its number", sel, hits);
	return CTL_OK;
}

int
ctl_plan_delete(struct ctl_plan *p, const char *const *sel, size_t n,
    const X509 *keep, struct ctl_diag *d)
{
	bool *gone = NULL;
	size_t i, at = 0, j, sast_left = 0;
	int rc;

	if (n == 0)
		return CTL_OK;
	if ((gone = calloc(p->n ? p->n : 1, sizeof(*gone))) == NULL)
		return ctl_diag_set(d, CTL_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if ((rc = select_record(p, sel[i], &at, d)) != CTL_OK)
			goto out;
		if (p->e[at].role == CTL_ROLE_SAST &&
		    X509_cmp(p->e[at].cert, keep) == 0) {
			rc = ctl_diag_set(d, CTL_ERR_USAGE, "--delete %s: record "
			    "%zu is the signing token's SAST record; phones "
			    "would reject every CTL it signs after this one",
			    sel[i], at + 1);
			goto out;
		}
		gone[at] = true;
	}
	for (i = 0; i < p->n; i++)
		if (!gone[i] && p->e[i].role == CTL_ROLE_SAST)
			sast_left++;
	if (sast_left == 0) {
		rc = ctl_diag_set(d, CTL_ERR_USAGE, "--delete would remove the "
		    "last SAST record: no one could sign the next CTL");
		goto out;
	}
	for (i = 0, j = 0; i < p->n; i++) {
		if (gone[i]) {
			X509_free(p->e[i].cert);
			free(p->dns[i]);
			continue;
		}
		p->e[j] = p->e[i];
		p->dns[j] = p->dns[i];
		j++;
	}
	p->n = j;
	rc = CTL_OK;
out:
	free(gone);
	return rc;
}

size_t
ctl_plan_tokens(const struct ctl_plan *p)
{
	size_t i, k = 0;

	for (i = 0; i < p->n; i++)
		if (p->e[i].role == CTL_ROLE_SAST && p->e[i].token_style)
			k++;
	return k;
}

void
ctl_plan_print(FILE *out, const struct ctl_plan *p, const X509 *signer)
{
	const struct ctl_entry *e;
	const char *rn;
	char ip[INET_ADDRSTRLEN], *subj, code[8];
	size_t i;

	fprintf(out, "  #  %-10s %-15s %-15s %s\n", "Role", "IP Address",
	    "Hostname", "Subject Name");
	for (i = 0; i < p->n; i++) {
		e = &p->e[i];
		if ((rn = ctl_role_name(e->role)) == NULL) {
			snprintf(code, sizeof(code), "%u", (unsigned)e->role);
			rn = code;
		}
		if (inet_ntop(AF_INET, e->ip, ip, sizeof(ip)) == NULL)
			snprintf(ip, sizeof(ip), "?");
		subj = subject_of(e->cert);
		fprintf(out, "%3zu  %-10s %-15s %-15s %s%s\n", i + 1, rn, ip,
		    e->dns_name != NULL ? e->dns_name : "", subj ? subj : "?",
		    e->role == CTL_ROLE_SAST && signer != NULL &&
		    X509_cmp(e->cert, signer) == 0 ? "  (signs the file)" : "");
		free(subj);
	}
}
