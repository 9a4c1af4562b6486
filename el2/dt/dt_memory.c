// SPDX-License-Identifier: MIT
/*
 * RAM: the reg entries of the root's children whose device_type is "memory"
 * (Devicetree Specification v0.4, 3.4). The node name is free ("memory",
 * "memory@40000000"), a node may have several entries, and boot loaders
 * often leave an entry of size 0 in the tree for them to fill in.
 */
#include "dt_internal.h"

static int dt_memory_node(const void *fdt, int node, struct el2_machine *m, const char **why)
{
	int nr = dt_reg_count(fdt, node, why);

	if (nr < 0)
		return nr;
	for (int i = 0; i < nr; i++) {
		struct el2_range r;
		int ret = dt_reg_cpu(fdt, node, i, &r, why);

		if (ret)
			return ret;
		if (!r.size)
			continue;
		if (dt_range_add(m->memory, &m->nr_memory, EL2_MAX_MEMORY, r)) {
			*why = "more separate memory ranges than EL2_MAX_MEMORY";
			return -EL2_ENOSPC;
		}
	}
	return 0;
}

int dt_memory(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why)
{
	int node, ret, nodes = 0;

	for (node = fdt_first_subnode(fdt, 0); node >= 0; node = fdt_next_subnode(fdt, node)) {
		if (!dt_prop_is(fdt, node, "device_type", "memory") || !dt_node_enabled(fdt, node))
			continue;
		nodes++;
		ret = dt_memory_node(fdt, node, m, why);
		if (ret)
			return ret;
	}
	if (m->nr_memory)
		return 0;
	if (nodes)
		*why = "the /memory nodes have only entries of size 0 (for the boot loader to fill in)";
	else
		*why = "no /memory node (no enabled root child with device_type \"memory\")";
	return -CORE_ENOENT;
}
