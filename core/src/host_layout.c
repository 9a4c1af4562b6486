// SPDX-License-Identifier: MIT
/*
 * Queries on the host memory map. Up to eight regions, so a linear scan is
 * both the simplest and the fastest choice.
 */
#include "core/host_layout.h"
#include "core/geometry.h"

#define HOST_MEM_ATTRS (PTE_S2_MEMATTR_NORMAL | PTE_S2_AP_R | PTE_S2_AP_W | PTE_SH_INNER | PTE_AF)

static u64 region_end(const struct host_region *r)
{
	return r->base + r->size;
}

bool host_layout_valid(const struct host_layout *l)
{
	u64 prev_end = 0;

	if (l->nr_regions == 0 || l->nr_regions > HOST_MAX_REGIONS)
		return false;
	if (l->ia_bits < PGT_MIN_IA_BITS || l->ia_bits > PGT_MAX_IA_BITS)
		return false;
	for (u32 i = 0; i < l->nr_regions; i++) {
		const struct host_region *r = &l->regions[i];

		if (r->size == 0 || ((r->base | r->size) & (PGT_PAGE_SIZE - 1)))
			return false;
		if (r->base < prev_end || r->base > (1ULL << l->ia_bits) ||
		    r->size > (1ULL << l->ia_bits) - r->base)
			return false;
		prev_end = region_end(r);
	}
	return true;
}

static const struct host_region *region_of(const struct host_layout *l, u64 addr)
{
	for (u32 i = 0; i < l->nr_regions; i++) {
		const struct host_region *r = &l->regions[i];

		if (addr >= r->base && addr < region_end(r))
			return r;
	}
	return NULL;
}

bool host_layout_is_memory(const struct host_layout *l, u64 addr)
{
	return region_of(l, addr) != NULL;
}

bool host_layout_range_is_memory(const struct host_layout *l, u64 base, u64 size)
{
	const struct host_region *r = region_of(l, base);

	/* Adjacent regions may together hold a range. */
	while (r && size > region_end(r) - base) {
		size -= region_end(r) - base;
		base = region_end(r);
		r = region_of(l, base);
	}
	return r != NULL;
}

bool host_layout_block_ok(const struct host_layout *l, u64 base, u64 size)
{
	const struct host_region *r = region_of(l, base);

	if (r)
		return size <= region_end(r) - base;
	/* An MMIO gap: no memory may start inside the block. */
	for (u32 i = 0; i < l->nr_regions; i++) {
		if (l->regions[i].base > base && l->regions[i].base - base < size)
			return false;
	}
	return size <= (1ULL << l->ia_bits) - base;
}

u64 host_default_attrs(const struct host_layout *l, u64 addr)
{
	return host_layout_is_memory(l, addr) ? HOST_MEM_ATTRS : HOST_MEM_ATTRS | PTE_S2_XN;
}
