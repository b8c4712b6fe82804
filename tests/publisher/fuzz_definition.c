/*
 * Fuzz target: cluster definitions (pub_definition_parse).  Beyond not
 * crashing, what it accepts must hold what init relies on, or it aborts:
 * 1 to 16 nodes, the publisher first and alone, names and addresses
 * unique, every port set, a node's TCP ports distinct.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_err.h"
#include "pub_definition.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct pub_definition *def)
{
	size_t i, j;

	if (def->n < 1 || def->n > PUB_NODES_MAX || !def->nodes[0].publisher)
		abort();
	for (i = 0; i < def->n; i++) {
		const struct pub_def_node *a = &def->nodes[i];

		if ((i > 0 && a->publisher) || a->name[0] == '\0' ||
		    strlen(a->name) > PUB_DEF_LABEL_MAX || a->ports.ctl == 0 ||
		    a->ports.tvs == 0 || a->ports.dist == 0 ||
		    a->ports.tftp == 0 || a->ports.ctl == a->ports.tvs ||
		    a->ports.ctl == a->ports.dist ||
		    a->ports.tvs == a->ports.dist)
			abort();
		for (j = 0; j < i; j++)
			if (strcasecmp(a->name, def->nodes[j].name) == 0 ||
			    strcmp(a->ip, def->nodes[j].ip) == 0)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pub_definition *def = malloc(sizeof(*def));
	struct ctl_diag d;

	if (def == NULL)
		return 0;
	if (pub_definition_parse((const char *)data, size, "fuzz", def, &d) ==
	    CTL_OK)
		check(def);
	free(def);
	return 0;
}
