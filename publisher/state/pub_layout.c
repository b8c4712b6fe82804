#include "pub_layout.h"

#include <stdio.h>
#include <stdlib.h>

#include "ctl_err.h"

void
pub_layout_node_name(unsigned index, char *out)
{
	if (index == 0)
		snprintf(out, PUB_NODE_NAME_MAX, "cucm-pub");
	else
		snprintf(out, PUB_NODE_NAME_MAX, "cucm-sub%u", index);
}

void
pub_layout_node_ip(unsigned index, char *out)
{
	snprintf(out, PUB_IP_MAX, "127.0.0.%u", 2 + index);
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
