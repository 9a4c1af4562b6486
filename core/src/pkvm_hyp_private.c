// SPDX-License-Identifier: MIT
/*
 * The hypervisor's private hyp stage-1 ranges (docs/semantics.md S32): its
 * text, data and devices, mapped once at init next to the linear map that
 * the ownership layer keeps, as Linux maps hyp text and private mappings.
 * They are checked to lie apart from every VA the layer uses, so no
 * transition ever meets them.
 */
#include "pkvm_internal.h"

/* In pages: 2^48 for both VAs (hyp stage-1 input) and PAs (S10, S3). */
#define PRIVATE_LIMIT (1ULL << (PGT_MAX_IA_BITS - PGT_PAGE_SHIFT))

/* W^X, and never executable device memory (S4). */
static bool private_attrs_ok(u32 prot, u32 memtype)
{
	static const u32 allowed[] = { PGT_PROT_R, PGT_PROT_RW, PGT_PROT_R | PGT_PROT_X };

	for (u32 i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (prot == allowed[i])
			return pgt_memtype_valid(prot, memtype);
	}
	return false;
}

/* [addr, addr + nr pages) page-aligned, non-empty and below 2^48. */
static bool private_span_ok(u64 addr, u64 nr)
{
	u64 first = addr >> PGT_PAGE_SHIFT;

	return !(addr & (PGT_PAGE_SIZE - 1)) && nr != 0 && first < PRIVATE_LIMIT &&
	       nr <= PRIVATE_LIMIT - first;
}

static bool pages_overlap(u64 a, u64 a_nr, u64 b, u64 b_nr)
{
	return a < b + b_nr && b < a + a_nr;
}

/* Is the VA range of @r apart from every other one and from the linear map? */
static bool private_va_free(const struct pkvm_desc *d, u32 idx)
{
	const struct pkvm_hyp_private *r = &d->hyp_private[idx];
	u64 va = r->va >> PGT_PAGE_SHIFT, off = d->hyp_va_offset >> PGT_PAGE_SHIFT;

	for (u32 i = 0; i < idx; i++) {
		const struct pkvm_hyp_private *o = &d->hyp_private[i];

		if (pages_overlap(va, r->nr, o->va >> PGT_PAGE_SHIFT, o->nr))
			return false;
	}
	/* The layout check has kept every region's linear VAs below 2^48. */
	for (u32 i = 0; i < d->layout.nr_regions; i++) {
		const struct host_region *m = &d->layout.regions[i];

		if (pages_overlap(va, r->nr, (m->base >> PGT_PAGE_SHIFT) + off,
				  m->size >> PGT_PAGE_SHIFT))
			return false;
	}
	return true;
}

int pkvm_desc_check_hyp_private(const struct pkvm_desc *d)
{
	if (d->nr_hyp_private > PKVM_MAX_HYP_PRIVATE)
		return -CORE_EINVAL;
	for (u32 i = 0; i < d->nr_hyp_private; i++) {
		const struct pkvm_hyp_private *r = &d->hyp_private[i];

		if (!private_span_ok(r->va, r->nr) || !private_span_ok(r->pa, r->nr) ||
		    !private_attrs_ok(r->prot, r->memtype) || !private_va_free(d, i))
			return -CORE_EINVAL;
	}
	return 0;
}

int pkvm_hyp_private_map(struct pkvm *p)
{
	for (u32 i = 0; i < p->desc.nr_hyp_private; i++) {
		const struct pkvm_hyp_private *r = &p->desc.hyp_private[i];
		int ret = pgt_s1_map(&p->hyp_s1, va_init(r->va), r->nr, pa_init(r->pa), r->prot,
				     r->memtype);

		/* The description was checked: only the hyp pool can run short. */
		if (ret)
			return ret;
	}
	return 0;
}
