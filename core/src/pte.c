// SPDX-License-Identifier: MIT
/*
 * Leaf attribute encoding for stage-2 and hyp stage-1 (SPEC §2,
 * docs/semantics.md S4, S7, S8).
 */
#include "core/pte.h"

u64 pte_state_bits(enum pgt_page_state state)
{
	static const u64 bits[] = {
		[PGT_STATE_OWNED] = 0,
		[PGT_STATE_SHARED_OWNED] = PTE_SW_SHARED_OWNED,
		[PGT_STATE_SHARED_BORROWED] = PTE_SW_SHARED_BORROWED,
	};

	return bits[state];
}

bool pgt_prot_valid(u32 prot)
{
	return prot != 0 && (prot & ~(u32)PGT_PROT_RWX) == 0;
}

bool pgt_memtype_valid(u32 prot, u32 memtype)
{
	if (memtype == PGT_MEM_NORMAL)
		return true;
	/* Executable device memory is refused, as Linux does. */
	return memtype == PGT_MEM_DEVICE && !(prot & PGT_PROT_X);
}

u64 pte_s2_attrs(u32 prot, u32 memtype, enum pgt_page_state state)
{
	u64 attrs = PTE_SH_INNER | PTE_AF | pte_state_bits(state);

	attrs |= memtype == PGT_MEM_DEVICE ? PTE_S2_MEMATTR_DEVICE : PTE_S2_MEMATTR_NORMAL;
	return pte_s2_attrs_add_prot(attrs | PTE_S2_XN, prot);
}

u64 pte_s2_attrs_add_prot(u64 attrs, u32 prot)
{
	if (prot & PGT_PROT_R)
		attrs |= PTE_S2_AP_R;
	if (prot & PGT_PROT_W)
		attrs |= PTE_S2_AP_W;
	if (prot & PGT_PROT_X)
		attrs &= ~PTE_S2_XN_MASK;
	return attrs;
}

u64 pte_s2_attrs_wrprotect(u64 attrs)
{
	return attrs & ~PTE_S2_AP_W;
}

u64 pte_s1_attrs(u32 prot, u32 memtype, enum pgt_page_state state)
{
	u64 attrs = PTE_SH_INNER | PTE_AF | pte_state_bits(state);

	attrs |= memtype == PGT_MEM_DEVICE ? PTE_S1_ATTRINDX_DEVICE : PTE_S1_ATTRINDX_NORMAL;
	attrs |= (prot & PGT_PROT_W) ? PTE_S1_AP_RW : PTE_S1_AP_RO;
	if (!(prot & PGT_PROT_X))
		attrs |= PTE_S1_XN;
	return attrs;
}
