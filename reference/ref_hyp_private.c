// SPDX-License-Identifier: MIT
/*
 * The hypervisor's private hyp stage-1 ranges (S32): its own text, data and
 * devices, which it maps once at init as Linux maps hyp text and private
 * mappings. They must keep away from the linear map (VA = PA +
 * hyp_va_offset) of every memory region, which is all the pKVM layer ever
 * writes, so no operation touches them after init.
 */
#include "ref_priv.h"

#define PAGE_MASK ((1ull << REF_PAGE_SHIFT) - 1)
#define TOP_PAGE  (1ull << (48 - REF_PAGE_SHIFT)) /* VAs and PAs end at 2^48 */

/* nr pages from byte address base: aligned, non-empty, ending by 2^48. */
static bool span_ok(uint64_t base, uint64_t nr)
{
	uint64_t first = base >> REF_PAGE_SHIFT;

	if (base & PAGE_MASK)
		return false;
	if (nr == 0 || first >= TOP_PAGE)
		return false;
	return nr <= TOP_PAGE - first;
}

/*
 * Stage 1 always reads (S4: no write-only); W with X breaks W^X; device
 * memory is never executable (S4).
 */
static bool prot_ok(unsigned int prot, unsigned int memtype)
{
	const unsigned int all = REF_PROT_R | REF_PROT_W | REF_PROT_X;

	if (memtype != REF_MT_NORMAL && memtype != REF_MT_DEVICE)
		return false;
	if ((prot & ~all) || !(prot & REF_PROT_R))
		return false;
	if ((prot & REF_PROT_W) && (prot & REF_PROT_X))
		return false;
	return !(memtype == REF_MT_DEVICE && (prot & REF_PROT_X));
}

/* Pages [a, a + an) and [b, b + bn) share a page. */
static bool overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a < b + bn && b < a + an;
}

/*
 * Check the private ranges of a description already checked otherwise
 * (so every region's linear VAs are below 2^48): -EINVAL or 0.
 */
int ref_hyp_private_check(const struct ref_desc *d)
{
	uint64_t off = d->hyp_va_offset >> REF_PAGE_SHIFT;
	unsigned int i, j;

	if (d->nr_hyp_private > REF_MAX_HYP_PRIVATE)
		return -REF_EINVAL;
	for (i = 0; i < d->nr_hyp_private; i++) {
		const struct ref_hyp_private *p = &d->hyp_private[i];
		uint64_t va = p->va >> REF_PAGE_SHIFT;

		if (!span_ok(p->va, p->nr) || !span_ok(p->pa, p->nr))
			return -REF_EINVAL;
		if (!prot_ok(p->prot, p->memtype))
			return -REF_EINVAL;
		for (j = 0; j < i; j++)
			if (overlap(va, p->nr, d->hyp_private[j].va >> REF_PAGE_SHIFT,
				    d->hyp_private[j].nr))
				return -REF_EINVAL;
		for (j = 0; j < d->nr_mem; j++)
			if (overlap(va, p->nr, (d->mem[j].base >> REF_PAGE_SHIFT) + off,
				    d->mem[j].size >> REF_PAGE_SHIFT))
				return -REF_EINVAL;
	}
	return 0;
}

/* Add every private range to the init transaction, in array order. */
int ref_hyp_private_write(struct ref_txn *t, struct ref *r)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < r->desc.nr_hyp_private && !ret; i++) {
		const struct ref_hyp_private *p = &r->desc.hyp_private[i];
		uint64_t va = p->va >> REF_PAGE_SHIFT, pa = p->pa >> REF_PAGE_SHIFT;

		ret = ref_hyp_write_va(t, r, va, va + p->nr, ref_s1_tmpl(p->prot, p->memtype),
				       pa - va);
	}
	return ret;
}
