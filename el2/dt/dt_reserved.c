// SPDX-License-Identifier: MIT
/*
 * Memory the hypervisor must leave alone: the /memreserve/ block (firmware,
 * spin tables), the fixed regions under /reserved-memory (their reg), the
 * device tree blob itself and the initrd the boot loader loaded for the host.
 * Dynamic /reserved-memory regions (a size and no reg) do not exist yet: the
 * host kernel places them later, inside memory it owns.
 */
#include "dt_internal.h"

static int dt_reserve(struct el2_machine *m, u64 base, u64 size, const char **why)
{
	struct el2_range r = { .base = base, .size = size };

	if (!size)
		return 0;
	if (size > UINT64_MAX - base) {
		*why = "a reserved range runs past the end of the address space";
		return -CORE_EINVAL;
	}
	if (dt_range_add(m->reserved, &m->nr_reserved, EL2_MAX_RESERVED, r)) {
		*why = "more separate reserved ranges than EL2_MAX_RESERVED";
		return -EL2_ENOSPC;
	}
	return 0;
}

static int dt_memreserve(const void *fdt, struct el2_machine *m, const char **why)
{
	int nr = fdt_num_mem_rsv(fdt);

	if (nr < 0) {
		*why = "the /memreserve/ block is malformed";
		return -CORE_EINVAL;
	}
	for (int i = 0; i < nr; i++) {
		u64 base, size;
		int ret;

		if (fdt_get_mem_rsv(fdt, i, &base, &size)) {
			*why = "a /memreserve/ entry cannot be read";
			return -CORE_EINVAL;
		}
		ret = dt_reserve(m, base, size, why);
		if (ret)
			return ret;
	}
	return 0;
}

static int dt_reserved_node(const void *fdt, int node, struct el2_machine *m, const char **why)
{
	int nr = dt_reg_count(fdt, node, why);

	if (nr < 0)
		return nr;
	for (int i = 0; i < nr; i++) {
		struct el2_range r;
		int ret = dt_reg_cpu(fdt, node, i, &r, why);

		if (!ret)
			ret = dt_reserve(m, r.base, r.size, why);
		if (ret)
			return ret;
	}
	return 0;
}

static int dt_reserved_memory(const void *fdt, struct el2_machine *m, const char **why)
{
	int parent = fdt_path_offset(fdt, "/reserved-memory");
	int node, ret;

	if (parent < 0)
		return 0;
	for (node = fdt_first_subnode(fdt, parent); node >= 0; node = fdt_next_subnode(fdt, node)) {
		if (!dt_node_enabled(fdt, node))
			continue;
		ret = dt_reserved_node(fdt, node, m, why);
		if (ret)
			return ret;
	}
	return 0;
}

/* linux,initrd-start and -end: one or two cells each (boot loaders write either). */
static int dt_initrd_bound(const void *fdt, int chosen, const char *name, u64 *val,
			   const char **why)
{
	int len;
	const u8 *p = fdt_getprop(fdt, chosen, name, &len);

	if (!p)
		return -CORE_ENOENT;
	if (len != 4 && len != 8) {
		*why = "linux,initrd-start or linux,initrd-end is neither 4 nor 8 bytes long";
		return -CORE_EINVAL;
	}
	*val = dt_read_cells(p, len / 4);
	return 0;
}

static int dt_initrd(const void *fdt, struct el2_machine *m, const char **why)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	u64 start, end;
	int ret_start, ret_end;

	if (chosen < 0)
		return 0;
	ret_start = dt_initrd_bound(fdt, chosen, "linux,initrd-start", &start, why);
	ret_end = dt_initrd_bound(fdt, chosen, "linux,initrd-end", &end, why);
	if (ret_start == -CORE_ENOENT && ret_end == -CORE_ENOENT)
		return 0;
	if (ret_start == -CORE_EINVAL || ret_end == -CORE_EINVAL)
		return -CORE_EINVAL;
	if (ret_start || ret_end) {
		*why = "/chosen has only one of linux,initrd-start and linux,initrd-end";
		return -CORE_EINVAL;
	}
	if (end < start) {
		*why = "linux,initrd-end is below linux,initrd-start";
		return -CORE_EINVAL;
	}
	return dt_reserve(m, start, end - start, why);
}

int dt_reserved(const void *fdt, u64 fdt_pa, struct el2_machine *m, const char **why)
{
	int ret = dt_reserve(m, fdt_pa, fdt_totalsize(fdt), why);

	if (!ret)
		ret = dt_memreserve(fdt, m, why);
	if (!ret)
		ret = dt_reserved_memory(fdt, m, why);
	if (!ret)
		ret = dt_initrd(fdt, m, why);
	return ret;
}
