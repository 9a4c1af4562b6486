// SPDX-License-Identifier: MIT
/*
 * Memory the hypervisor must leave alone: the /memreserve/ block (firmware,
 * spin tables), the fixed regions under /reserved-memory (their reg), the
 * device tree blob itself, and the initrd and the Linux kernel the boot loader
 * loaded for the host.
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

/* A /chosen bound, one or two cells (boot loaders write either). */
static int dt_chosen_bound(const void *fdt, int chosen, const char *name, u64 *val,
			   const char **why, const char *what)
{
	int len;
	const u8 *p = fdt_getprop(fdt, chosen, name, &len);

	if (!p)
		return -CORE_ENOENT;
	if (len != 4 && len != 8) {
		*why = what;
		return -CORE_EINVAL;
	}
	*val = dt_read_cells(p, len / 4);
	return 0;
}

/*
 * A range /chosen gives as @start_name and @end_name (end exclusive), as
 * linux,initrd-start and -end: *out stays empty when neither is there.
 */
static int dt_chosen_range(const void *fdt, const char *start_name, const char *end_name,
			   struct el2_range *out, const char **why, const char *bad_size,
			   const char *one_only, const char *reversed)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	u64 start, end;
	int ret_start, ret_end;

	*out = (struct el2_range){ 0, 0 };
	if (chosen < 0)
		return 0;
	ret_start = dt_chosen_bound(fdt, chosen, start_name, &start, why, bad_size);
	ret_end = dt_chosen_bound(fdt, chosen, end_name, &end, why, bad_size);
	if (ret_start == -CORE_ENOENT && ret_end == -CORE_ENOENT)
		return 0;
	if (ret_start == -CORE_EINVAL || ret_end == -CORE_EINVAL)
		return -CORE_EINVAL;
	if (ret_start || ret_end) {
		*why = one_only;
		return -CORE_EINVAL;
	}
	if (end < start) {
		*why = reversed;
		return -CORE_EINVAL;
	}
	*out = (struct el2_range){ start, end - start };
	return 0;
}

static int dt_initrd(const void *fdt, struct el2_machine *m, const char **why)
{
	struct el2_range r;
	int ret = dt_chosen_range(
		fdt, "linux,initrd-start", "linux,initrd-end", &r, why,
		"linux,initrd-start or linux,initrd-end is neither 4 nor 8 bytes long",
		"/chosen has only one of linux,initrd-start and linux,initrd-end",
		"linux,initrd-end is below linux,initrd-start");

	return ret || !r.size ? ret : dt_reserve(m, r.base, r.size, why);
}

/* The Linux kernel a boot loader left for el2 to run as its host (docs/boards.md). */
static int dt_kernel(const void *fdt, struct el2_machine *m, const char **why)
{
	int ret = dt_chosen_range(
		fdt, "s2fuzz,kernel-start", "s2fuzz,kernel-end", &m->kernel, why,
		"s2fuzz,kernel-start or s2fuzz,kernel-end is neither 4 nor 8 bytes long",
		"/chosen has only one of s2fuzz,kernel-start and s2fuzz,kernel-end",
		"s2fuzz,kernel-end is below s2fuzz,kernel-start");
	bool in_memory = false;

	if (ret)
		return ret;
	if (!fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "s2fuzz,kernel-start", NULL))
		return 0;
	if (m->kernel.size < 64) {
		*why = "the kernel /chosen names is shorter than an arm64 Image header";
		return -CORE_EINVAL;
	}
	for (u32 i = 0; i < m->nr_memory; i++)
		in_memory |= m->kernel.base >= m->memory[i].base &&
			     m->kernel.base + m->kernel.size <= m->memory[i].base + m->memory[i].size;
	if (!in_memory) {
		*why = "the kernel /chosen names does not lie in one memory region";
		return -CORE_EINVAL;
	}
	return dt_reserve(m, m->kernel.base, m->kernel.size, why);
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
	if (!ret)
		ret = dt_kernel(fdt, m, why);
	return ret;
}
