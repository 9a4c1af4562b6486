// SPDX-License-Identifier: MIT
/*
 * The table library's range operations (SPEC §5b): map, unmap and
 * set_owner on stage-2, map and unmap on hyp stage-1. Each checks its
 * arguments (docs/semantics.md S1-S6) and hands an install to the engine.
 */
#include "install_internal.h"

static bool output_range_ok(u64 pa, u64 nr)
{
	u64 limit = 1ULL << (PGT_PA_BITS - PGT_PAGE_SHIFT);

	return !(pa & (PGT_PAGE_SIZE - 1)) && (pa >> PGT_PAGE_SHIFT) < limit &&
	       nr <= limit - (pa >> PGT_PAGE_SHIFT);
}

static bool is_stage2(const struct pgt *pgt)
{
	return pgt->kind != PGT_HYP_S1;
}

static int install_range(struct pgt *pgt, u64 ia, u64 nr, struct pgt_install ins)
{
	ins.start = ia;
	ins.end = ia + nr * PGT_PAGE_SIZE;
	return pgt_install(pgt, &ins);
}

int pgt_s2_map(struct pgt *pgt, ipaddr_t ia, u64 nr, paddr_t pa, u32 prot, u32 memtype)
{
	if (!is_stage2(pgt))
		return -CORE_EOPNOTSUPP;
	if (!pgt_range_ok(pgt, ipa_addr(ia), nr) || !output_range_ok(pa_addr(pa), nr) ||
	    !pgt_prot_valid(prot) || !pgt_memtype_valid(prot, memtype))
		return -CORE_EINVAL;
	return install_range(pgt, ipa_addr(ia), nr,
			     (struct pgt_install){
				     .valid = true,
				     .attrs = pte_s2_attrs(prot, memtype, PGT_STATE_OWNED),
				     .out = pa_addr(pa),
			     });
}

int pgt_s2_unmap(struct pgt *pgt, ipaddr_t ia, u64 nr)
{
	return pgt_s2_set_owner(pgt, ia, nr, 0);
}

int pgt_s2_set_owner(struct pgt *pgt, ipaddr_t ia, u64 nr, u32 owner)
{
	if (!is_stage2(pgt))
		return -CORE_EOPNOTSUPP;
	if (!pgt_range_ok(pgt, ipa_addr(ia), nr) || owner > PTE_OWNER_MAX)
		return -CORE_EINVAL;
	return install_range(pgt, ipa_addr(ia), nr,
			     (struct pgt_install){ .inval = pte_make_annotation(owner) });
}

int pgt_s1_map(struct pgt *pgt, vaddr_t va, u64 nr, paddr_t pa, u32 prot, u32 memtype)
{
	if (is_stage2(pgt))
		return -CORE_EOPNOTSUPP;
	/* Stage 1 cannot say write-only (S4). */
	if (!pgt_range_ok(pgt, va_addr(va), nr) || !output_range_ok(pa_addr(pa), nr) ||
	    !pgt_prot_valid(prot) || !pgt_memtype_valid(prot, memtype) ||
	    (prot & (PGT_PROT_R | PGT_PROT_W)) == PGT_PROT_W)
		return -CORE_EINVAL;
	return install_range(pgt, va_addr(va), nr,
			     (struct pgt_install){
				     .valid = true,
				     .attrs = pte_s1_attrs(prot, memtype, PGT_STATE_OWNED),
				     .out = pa_addr(pa),
			     });
}

int pgt_s1_unmap(struct pgt *pgt, vaddr_t va, u64 nr)
{
	if (is_stage2(pgt))
		return -CORE_EOPNOTSUPP;
	if (!pgt_range_ok(pgt, va_addr(va), nr))
		return -CORE_EINVAL;
	return install_range(pgt, va_addr(va), nr, (struct pgt_install){ .inval = 0 });
}
