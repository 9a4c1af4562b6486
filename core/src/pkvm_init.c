// SPDX-License-Identifier: MIT
/*
 * The machine description and the initial state (SPEC §5, §8, S10, S23):
 * every memory page host-owned, the carve-out the hypervisor's, annotated
 * in host stage-2 and mapped in hyp stage-1 from the pools it holds, then
 * the hypervisor's private hyp stage-1 ranges (S32).
 */
#include "pkvm_internal.h"

u64 pkvm_desc_memory_pages(const struct pkvm_desc *d)
{
	u64 pages = 0;

	for (u32 i = 0; i < d->layout.nr_regions && i < HOST_MAX_REGIONS; i++)
		pages += d->layout.regions[i].size >> PGT_PAGE_SHIFT;
	return pages;
}

int pkvm_desc_check(const struct pkvm_desc *d)
{
	const struct host_layout *l = &d->layout;
	u64 va_limit = 1ULL << PGT_MAX_IA_BITS;
	u64 carve_pages = d->carveout_size >> PGT_PAGE_SHIFT;

	if (!host_layout_valid(l) || d->nr_vm_slots > PKVM_MAX_VMS)
		return -CORE_EINVAL;
	if (d->carveout_size == 0 || ((d->carveout_base | d->carveout_size) & (PGT_PAGE_SIZE - 1)) ||
	    d->carveout_size > va_limit || d->carveout_base > va_limit - d->carveout_size ||
	    !host_layout_range_is_memory(l, d->carveout_base, d->carveout_size))
		return -CORE_EINVAL;
	if (d->host_pool_pages > carve_pages || d->hyp_pool_pages > carve_pages - d->host_pool_pages)
		return -CORE_EINVAL;
	/* S10: every memory page has a hyp VA below 2^48. */
	if (d->hyp_va_offset & (PGT_PAGE_SIZE - 1))
		return -CORE_EINVAL;
	for (u32 i = 0; i < l->nr_regions; i++) {
		u64 end = l->regions[i].base + l->regions[i].size;

		if (d->hyp_va_offset > va_limit || end > va_limit - d->hyp_va_offset)
			return -CORE_EINVAL;
	}
	return pkvm_desc_check_hyp_private(d);
}

int pkvm_init(struct pkvm *p, const struct pkvm_desc *d, const struct pgt_mm *mm,
	      struct pgt_pool *host_pool, struct pgt_pool *hyp_pool,
	      struct pgt_pool *const *memcaches, struct pkvm_page *pages)
{
	u64 carve_pfn = d->carveout_base >> PGT_PAGE_SHIFT;
	u64 carve_nr = d->carveout_size >> PGT_PAGE_SHIFT;
	struct pgt_install host_ins, hyp_ins;
	int ret = pkvm_desc_check(d);

	if (ret)
		return ret;
	*p = (struct pkvm){ .desc = *d, .mm = mm, .pages = pages };
	p->nr_pages = pkvm_desc_memory_pages(d);
	for (u32 i = 0; i < d->nr_vm_slots; i++)
		p->vms[i].memcache = memcaches[i];

	ret = pgt_init(&p->host_s2, PGT_HOST_S2, d->layout.ia_bits, 0, mm, host_pool,
		       &p->desc.layout);
	if (ret)
		return ret;
	ret = pgt_init(&p->hyp_s1, PGT_HYP_S1, PGT_MAX_IA_BITS, 0, mm, hyp_pool, NULL);
	if (ret)
		return ret;
	host_ins = host_s2_ins_owner(carve_pfn, carve_nr, PKVM_OWNER_HYP);
	hyp_ins = pkvm_hyp_ins_map(p, carve_pfn, carve_nr, PGT_STATE_OWNED);
	ret = pkvm_commit(&p->host_s2, &host_ins, &p->hyp_s1, &hyp_ins);
	if (ret)
		return ret;
	return pkvm_hyp_private_map(p);
}

struct pkvm_page *pkvm_page(struct pkvm *p, u64 pfn)
{
	u64 index = 0, addr = pkvm_pfn_addr(pfn);

	for (u32 i = 0; i < p->desc.layout.nr_regions; i++) {
		const struct host_region *r = &p->desc.layout.regions[i];

		if (addr >= r->base && addr - r->base < r->size)
			return &p->pages[index + ((addr - r->base) >> PGT_PAGE_SHIFT)];
		index += r->size >> PGT_PAGE_SHIFT;
	}
	return NULL;
}

bool pkvm_vm_live(const struct pkvm *p, u32 vm)
{
	return vm < p->desc.nr_vm_slots && p->vms[vm].state == PKVM_VM_LIVE;
}
