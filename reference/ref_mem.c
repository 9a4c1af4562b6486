// SPDX-License-Identifier: MIT
/*
 * The machine description (§8): validation and the memory/MMIO questions the
 * host stage-2 rules ask (§3 defaults, §4.1 and S18 block placement, §6).
 */
#include "ref_priv.h"

#define PAGE_MASK ((1ull << REF_PAGE_SHIFT) - 1)

/* Both values page-aligned and base + size representable. */
static bool region_ok(const struct ref_region *rg)
{
	return !(rg->base & PAGE_MASK) && !(rg->size & PAGE_MASK) && rg->size &&
	       rg->base + rg->size > rg->base;
}

/*
 * Check a description and convert its regions to pages (S29): ia_bits in
 * [32, 48]; 1..8 regions, page-aligned, non-empty, sorted, not overlapping,
 * below 2^ia_bits; a non-empty carve-out made of memory; both pools fit in
 * it; at most 16 VM slots; hyp_va_offset page-aligned with every memory
 * page's VA = PA + offset below 2^48 without wrapping (S10).
 */
int ref_mem_from_desc(struct ref_mem *m, const struct ref_desc *d)
{
	uint64_t carve_pages, prev_end = 0, last_end;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	if (d->host_ia_bits < 32 || d->host_ia_bits > 48)
		return -REF_EINVAL;
	if (d->nr_mem < 1 || d->nr_mem > REF_MAX_REGIONS)
		return -REF_EINVAL;
	if (d->nr_vm_slots > REF_MAX_VMS)
		return -REF_EINVAL;
	m->top = 1ull << (d->host_ia_bits - REF_PAGE_SHIFT);
	for (i = 0; i < d->nr_mem; i++) {
		const struct ref_region *rg = &d->mem[i];

		if (!region_ok(rg) || rg->base < prev_end)
			return -REF_EINVAL;
		if ((rg->base + rg->size) >> REF_PAGE_SHIFT > m->top)
			return -REF_EINVAL;
		m->start[i] = rg->base >> REF_PAGE_SHIFT;
		m->end[i] = (rg->base + rg->size) >> REF_PAGE_SHIFT;
		prev_end = rg->base + rg->size;
	}
	m->nr = d->nr_mem;
	if (!region_ok(&d->carveout))
		return -REF_EINVAL;
	if (!ref_mem_all_memory(m, d->carveout.base >> REF_PAGE_SHIFT,
				(d->carveout.base + d->carveout.size) >> REF_PAGE_SHIFT))
		return -REF_EINVAL;
	carve_pages = d->carveout.size >> REF_PAGE_SHIFT;
	if (d->host_pool_pages > carve_pages ||
	    d->hyp_pool_pages > carve_pages - d->host_pool_pages)
		return -REF_EINVAL;
	if (d->hyp_va_offset & PAGE_MASK)
		return -REF_EINVAL;
	last_end = m->end[m->nr - 1] << REF_PAGE_SHIFT;
	if (last_end + d->hyp_va_offset < last_end || last_end + d->hyp_va_offset > (1ull << 48))
		return -REF_EINVAL;
	return 0;
}

/* pfn lies in a memory region. */
bool ref_mem_is_memory(const struct ref_mem *m, uint64_t pfn)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (pfn >= m->start[i] && pfn < m->end[i])
			return true;
	return false;
}

/* Every page of [lo, hi) is memory (possibly across touching regions). */
bool ref_mem_all_memory(const struct ref_mem *m, uint64_t lo, uint64_t hi)
{
	uint64_t cur = lo;
	unsigned int i;

	for (i = 0; i < m->nr && cur < hi; i++)
		if (m->start[i] <= cur && cur < m->end[i])
			cur = m->end[i];
	return cur >= hi;
}

/* No page of [lo, hi) is memory. */
bool ref_mem_no_memory(const struct ref_mem *m, uint64_t lo, uint64_t hi)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (m->start[i] < hi && lo < m->end[i])
			return false;
	return true;
}

/*
 * [lo, hi) lies inside one memory region or inside one MMIO gap below
 * 2^ia_bits (§4.1, S18, S19): where a host default block may go.
 */
bool ref_mem_block_fits(const struct ref_mem *m, uint64_t lo, uint64_t hi)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (m->start[i] <= lo && hi <= m->end[i])
			return true;
	return hi <= m->top && ref_mem_no_memory(m, lo, hi);
}

/* A host stage-2 valid leaf with `tmpl` over [lo, hi) is a default one (§3). */
bool ref_host_is_default(const struct ref_mem *m, uint64_t lo, uint64_t hi, uint64_t tmpl)
{
	if (tmpl == ref_host_mem_default())
		return ref_mem_all_memory(m, lo, hi);
	if (tmpl == ref_host_mmio_default())
		return ref_mem_no_memory(m, lo, hi);
	return false;
}
