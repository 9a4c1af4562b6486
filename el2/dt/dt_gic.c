// SPDX-License-Identifier: MIT
/*
 * The GICv3 the hypervisor programs: its distributor and first
 * redistributor region, the first two entries of an "arm,gic-v3" node's reg
 * (binding arm,gic-v3.yaml). A machine without one has a GICv2 or something
 * else, which is for the caller to refuse or to live with.
 */
#include "dt_internal.h"

int dt_gic(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why)
{
	struct el2_range gicd, gicr;
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	int ret;

	while (node >= 0 && !dt_node_enabled(fdt, node))
		node = fdt_node_offset_by_compatible(fdt, node, "arm,gic-v3");
	if (node < 0)
		return 0;
	ret = dt_reg_count(fdt, node, why);
	if (ret >= 0 && ret < 2) {
		*why = "the arm,gic-v3 node has fewer than two reg entries (distributor, redistributors)";
		ret = -CORE_EINVAL;
	}
	if (ret >= 0)
		ret = dt_reg_cpu(fdt, node, 0, &gicd, why);
	if (!ret)
		ret = dt_reg_cpu(fdt, node, 1, &gicr, why);
	if (ret)
		return ret;
	m->has_gicv3 = true;
	m->gicd_base = gicd.base;
	m->gicr_base = gicr.base;
	return 0;
}
