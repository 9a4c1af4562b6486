// SPDX-License-Identifier: MIT
/*
 * Bus addresses to CPU physical addresses. A reg entry is in its parent's
 * address space; each bus's ranges maps its children's space into its own
 * parent's, window by window, up to the root, whose space is the CPU's
 * (Devicetree Specification v0.4, 2.3.8). An empty ranges is the identity.
 * A bus without ranges has a space the CPU cannot reach directly (an I2C bus,
 * say), so nothing below it can be translated.
 */
#include "dt_internal.h"

/*
 * Entry @e (child address, parent address, size) of a ranges: 1 when its
 * window holds all of @r, which is then moved into the parent's space; 0 when
 * it does not; -EINVAL when the move would wrap past 2^64.
 */
static int dt_window_apply(const u8 *e, const struct dt_cells *child, int parent_addr,
			   struct el2_range *r)
{
	u64 child_base = dt_read_cells(e, child->addr);
	u64 parent_base = dt_read_cells(e + 4 * child->addr, parent_addr);
	u64 size = dt_read_cells(e + 4 * (child->addr + parent_addr), child->size);
	u64 off = r->base - child_base;

	if (r->base < child_base || off > size || r->size > size - off)
		return 0;
	if (off > UINT64_MAX - parent_base || r->size > UINT64_MAX - (parent_base + off))
		return -CORE_EINVAL;
	r->base = parent_base + off;
	return 1;
}

/* @r from @bus's children's space into that of @bus's parent @up. */
static int dt_ranges_apply(const void *fdt, int bus, int up, struct el2_range *r, const char **why)
{
	struct dt_cells child, parent;
	const u8 *p;
	int len, entry, ret;

	p = fdt_getprop(fdt, bus, "ranges", &len);
	if (!p) {
		*why = "a bus on the way to the root has no ranges: its addresses are not the CPU's";
		return -EL2_EFAULT;
	}
	if (!len)
		return 0;
	ret = dt_bus_cells(fdt, bus, &child, why);
	if (!ret)
		ret = dt_bus_cells(fdt, up, &parent, why);
	if (ret)
		return ret;
	entry = 4 * (child.addr + parent.addr + child.size);
	if (len % entry) {
		*why = "a ranges property is not a whole number of entries";
		return -CORE_EINVAL;
	}
	for (int off = 0; off < len; off += entry) {
		ret = dt_window_apply(p + off, &child, parent.addr, r);
		if (ret < 0) {
			*why = "a ranges window maps an address past the end of the address space";
			return ret;
		}
		if (ret)
			return 0;
	}
	*why = "an address lies outside every window of its bus's ranges";
	return -EL2_EFAULT;
}

int dt_translate(const void *fdt, int node, struct el2_range *r, const char **why)
{
	int depth = fdt_node_depth(fdt, node);

	if (depth < 0) {
		*why = "a node's depth cannot be found";
		return -CORE_EINVAL;
	}
	/* The node is at @depth; its reg is in the space of the bus at depth - 1. */
	for (int d = depth - 1; d >= 1; d--) {
		int bus = fdt_supernode_atdepth_offset(fdt, node, d, NULL);
		int up = fdt_supernode_atdepth_offset(fdt, node, d - 1, NULL);
		int ret;

		if (bus < 0 || up < 0) {
			*why = "a node's parents cannot be found";
			return -CORE_EINVAL;
		}
		ret = dt_ranges_apply(fdt, bus, up, r, why);
		if (ret)
			return ret;
	}
	return 0;
}
