// SPDX-License-Identifier: MIT
/*
 * A node's reg entries as CPU physical ranges: each entry is an address and
 * a size in the cells its parent declares, translated up to the root.
 */
#include "dt_internal.h"

struct dt_reg {
	const u8 *cells;
	int nr;			/* whole entries */
	struct dt_cells format; /* the parent's #address-cells, #size-cells */
};

static int dt_reg_open(const void *fdt, int node, struct dt_reg *reg, const char **why)
{
	int len, parent, ret;

	reg->nr = 0;
	reg->cells = fdt_getprop(fdt, node, "reg", &len);
	if (!reg->cells)
		return 0;
	parent = fdt_parent_offset(fdt, node);
	if (parent < 0) {
		*why = "a node with a reg has no parent to give its format";
		return -CORE_EINVAL;
	}
	ret = dt_bus_cells(fdt, parent, &reg->format, why);
	if (ret)
		return ret;
	if (len % (4 * (reg->format.addr + reg->format.size))) {
		*why = "a reg property is not a whole number of entries";
		return -CORE_EINVAL;
	}
	reg->nr = len / (4 * (reg->format.addr + reg->format.size));
	return 0;
}

int dt_reg_count(const void *fdt, int node, const char **why)
{
	struct dt_reg reg;
	int ret = dt_reg_open(fdt, node, &reg, why);

	return ret ? ret : reg.nr;
}

int dt_reg_cpu(const void *fdt, int node, int i, struct el2_range *r, const char **why)
{
	struct dt_reg reg;
	const u8 *e;
	int ret = dt_reg_open(fdt, node, &reg, why);

	if (ret)
		return ret;
	if (i < 0 || i >= reg.nr) {
		*why = "a reg property has too few entries";
		return -CORE_ENOENT;
	}
	e = reg.cells + 4 * i * (reg.format.addr + reg.format.size);
	r->base = dt_read_cells(e, reg.format.addr);
	r->size = dt_read_cells(e + 4 * reg.format.addr, reg.format.size);
	if (r->size > UINT64_MAX - r->base) {
		*why = "a reg entry runs past the end of the address space";
		return -CORE_EINVAL;
	}
	return dt_translate(fdt, node, r, why);
}
