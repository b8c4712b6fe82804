#include "pub_layout.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_err.h"

void
pub_layout_node_name(const char *prefix, unsigned index, char *out)
{
	if (prefix == NULL)
		prefix = PUB_DEFAULT_PREFIX;
	if (index == 0)
		snprintf(out, PUB_NODE_NAME_MAX, "%s-pub", prefix);
	else
		snprintf(out, PUB_NODE_NAME_MAX, "%s-sub%u", prefix, index);
}

void
pub_layout_node_ip(const char *subnet, unsigned index, char *out)
{
	snprintf(out, PUB_IP_MAX, "%s.%u", subnet != NULL ? subnet :
	    PUB_DEFAULT_SUBNET, 2 + index);
}

const char *
pub_layout_loopback_alias(bool publisher, const char *ip)
{
	return publisher && strcmp(ip, PUB_DEFAULT_SUBNET ".2") == 0 ?
	    "127.0.0.1" : NULL;
}

static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
pub_layout_check_prefix(const char *prefix, struct ctl_diag *d)
{
	size_t n = strlen(prefix), i;

	if (n == 0 || n > PUB_PREFIX_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--prefix: a node name "
		    "prefix has 1 to %d characters (this one has %zu)",
		    PUB_PREFIX_MAX, n);
	for (i = 0; i < n; i++)
		if (!is_alnum(prefix[i]) && prefix[i] != '-')
			return ctl_diag_set(d, CTL_ERR_USAGE, "--prefix: "
			    "character %zu is not a letter, a digit or '-': "
			    "node names are DNS labels", i + 1);
	if (prefix[0] == '-' || prefix[n - 1] == '-')
		return ctl_diag_set(d, CTL_ERR_USAGE, "--prefix %s: a DNS label "
		    "neither starts nor ends with '-'", prefix);
	return CTL_OK;
}

/* Reads one octet of 1 to 3 decimal digits without a leading zero at
 * *P, moving *P past it.  Returns -1 when there is none. */
static int
octet(const char **p)
{
	const char *s = *p;
	unsigned v = 0, n = 0;

	while (s[n] >= '0' && s[n] <= '9' && n < 4)
		v = v * 10 + (unsigned)(s[n++] - '0');
	if (n == 0 || n > 3 || v > 255 || (n > 1 && s[0] == '0'))
		return -1;
	*p = s + n;
	return (int)v;
}

int
pub_layout_check_subnet(const char *subnet, struct ctl_diag *d)
{
	const char *p = subnet;

	if (strncmp(p, "127.", 4) != 0)
		return ctl_diag_set(d, CTL_ERR_USAGE, "--subnet: the nodes "
		    "share this machine, so the subnet is a loopback one, "
		    "127.A.B (A and B 0 to 255)");
	p += 4;
	if (octet(&p) < 0 || *p++ != '.' || octet(&p) < 0 || *p != '\0')
		return ctl_diag_set(d, CTL_ERR_USAGE, "--subnet: write three "
		    "octets, 127.A.B, with A and B 0 to 255 in decimal (node "
		    "I gets 127.A.B.(2+I))");
	return CTL_OK;
}

int
pub_layout_ports(unsigned base, unsigned index, struct pub_ports *out,
    struct ctl_diag *d)
{
	if (base < 1 || base > PUB_PORT_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "port %u: the base port "
		    "must be 1 to %d (node I uses base + %d * I, + 1, + 2, + 3)",
		    base, PUB_PORT_MAX, PUB_PORT_STEP);
	if (index >= PUB_NODES_MAX)
		return ctl_diag_set(d, CTL_ERR_USAGE, "node %u: at most %d "
		    "nodes", index, PUB_NODES_MAX);
	out->ctl = (uint16_t)(base + PUB_PORT_STEP * index);
	out->tvs = (uint16_t)(out->ctl + 1);
	out->dist = (uint16_t)(out->ctl + 2);
	out->tftp = (uint16_t)(out->ctl + 3);
	return CTL_OK;
}

int
pub_layout_path(const char *dir, const char *node, const char *name,
    char **out)
{
	int n;

	if (node != NULL)
		n = asprintf(out, "%s/%s/%s/%s", dir, PUB_DIR_NODES, node, name);
	else
		n = asprintf(out, "%s/%s", dir, name);
	if (n < 0) {
		*out = NULL;
		return CTL_ERR_NOMEM;
	}
	return CTL_OK;
}
