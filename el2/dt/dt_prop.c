// SPDX-License-Identifier: MIT
/*
 * Reading properties without trusting them: lengths are checked before any
 * byte is read, strings must end inside their property, and cells are put
 * together a byte at a time (the MMU is off: a wide unaligned load faults).
 */
#include "dt_internal.h"

u64 dt_read_cells(const u8 *p, int nr)
{
	u64 v = 0;

	for (int i = 0; i < nr * 4; i++)
		v = (v << 8) | p[i];
	return v;
}

bool dt_prop_is(const void *fdt, int node, const char *name, const char *s)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);
	size_t want = strlen(s) + 1;

	return p && (size_t)len == want && !memcmp(p, s, want);
}

bool dt_node_enabled(const void *fdt, int node)
{
	if (!fdt_getprop(fdt, node, "status", NULL))
		return true;
	return dt_prop_is(fdt, node, "status", "okay") || dt_prop_is(fdt, node, "status", "ok");
}

int dt_prop_u32(const void *fdt, int node, const char *name, u32 dflt, u32 *val, const char **why)
{
	int len;
	const u8 *p = fdt_getprop(fdt, node, name, &len);

	if (!p) {
		*val = dflt;
		return 0;
	}
	if (len != 4) {
		*why = "a one-cell property is not 4 bytes long";
		return -CORE_EINVAL;
	}
	*val = (u32)dt_read_cells(p, 1);
	return 0;
}

/*
 * libfdt gives the defaults (2 and 1) for absent properties and rejects
 * values above 4; 3-cell (PCI) addresses and 0-cell sizes are valid trees
 * that name nothing this hypervisor reads.
 */
int dt_bus_cells(const void *fdt, int bus, struct dt_cells *c, const char **why)
{
	c->addr = fdt_address_cells(fdt, bus);
	c->size = fdt_size_cells(fdt, bus);
	if (c->addr < 0 || c->size < 0) {
		*why = "bad #address-cells or #size-cells";
		return -CORE_EINVAL;
	}
	if (c->addr < 1 || c->addr > 2 || c->size < 1 || c->size > 2) {
		*why = "a bus has #address-cells or #size-cells other than 1 or 2";
		return -CORE_EOPNOTSUPP;
	}
	return 0;
}
