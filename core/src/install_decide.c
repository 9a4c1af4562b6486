// SPDX-License-Identifier: MIT
/*
 * The pure part of installing: what to do with one entry, and what the
 * entries of a split leaf are. No side effects, so the counting pass and the
 * commit pass cannot disagree.
 */
#include "core/host_layout.h"
#include "install_internal.h"

pte_t pgt_install_leaf(const struct pgt_install *ins, u64 addr, u32 level)
{
	if (!ins->valid)
		return ins->inval;
	return pte_make_leaf(ins->out + (addr - ins->start), ins->attrs, level);
}

/* SPEC §4.1: may a leaf of @level at @addr (covered by the range) be written? */
static bool leaf_fits(const struct pgt *pgt, const struct pgt_install *ins, u64 addr, u32 level)
{
	u64 span = pgt_level_span(level);

	if (!pgt_level_can_hold_leaf(level))
		return false;
	if (ins->only_level && level != ins->only_level)
		return false;
	if (!ins->valid)
		return true;
	if ((ins->out + (addr - ins->start)) & (span - 1))
		return false;
	if (pgt->kind == PGT_HOST_S2) {
		/* Non-default host leaves are pages; default ones stay in a region. */
		if (!ins->host_default)
			return level == PGT_MAX_LEVEL;
		return host_layout_block_ok(pgt->layout, addr, span);
	}
	return true;
}

/* S11: does @old already give every page we would write its descriptor? */
static bool leaf_identical(const struct pgt_install *ins, pte_t old, u64 addr, u32 level)
{
	if (!ins->valid)
		return old == ins->inval;
	return pte_is_valid_leaf(old, level) && pte_attrs(old) == ins->attrs &&
	       pte_out(old) - addr == ins->out - ins->start;
}

enum pgt_install_action pgt_install_decide(const struct pgt *pgt, const struct pgt_install *ins,
					   pte_t old, u64 addr, u32 level)
{
	u64 span = pgt_level_span(level);
	bool covered = addr >= ins->start && addr + span <= ins->end;
	bool fits = covered && leaf_fits(pgt, ins, addr, level);

	if (pte_is_table(old, level))
		return fits ? PGT_INS_REPLACE_TABLE : PGT_INS_DESCEND;
	if (leaf_identical(ins, old, addr, level))
		return PGT_INS_NOTHING;
	return fits ? PGT_INS_WRITE : PGT_INS_NEW_TABLE;
}

bool pgt_split_is_zero(const struct pgt *pgt, pte_t old, u64 addr, u32 level)
{
	/* S17: the rest of a host default leaf is zero; the host refaults it. */
	return old == 0 ||
	       (pte_valid(old) && pgt->kind == PGT_HOST_S2 &&
		!pgt_entry_counted(pgt, old, addr, level));
}

pte_t pgt_split_child(const struct pgt *pgt, pte_t old, u64 addr, u32 level, u32 i)
{
	u64 child_span = pgt_level_span(level + 1);

	if (!pte_valid(old))
		return old; /* every piece keeps it */
	if (pgt_split_is_zero(pgt, old, addr, level))
		return 0;
	return pte_make_leaf(pte_out(old) + i * child_span, pte_attrs(old), level + 1);
}

bool pgt_leaf_change_in_place(pte_t old, pte_t new_pte, u32 level)
{
	const u64 in_place = PTE_S2_AP_R | PTE_S2_AP_W | PTE_S2_XN_MASK | PTE_AF | PTE_SW_MASK;

	return pte_is_valid_leaf(old, level) && pte_is_valid_leaf(new_pte, level) &&
	       ((old ^ new_pte) & ~in_place) == 0;
}
