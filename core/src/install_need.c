// SPDX-License-Identifier: MIT
/*
 * Counting pass of an install (SPEC §7): how many table pages the result has
 * that the table does not have now. It follows the same decisions as the
 * commit pass over the existing tables, and over the tables the commit would
 * create it follows their would-be contents (an empty table, or the split
 * of a leaf) without building them.
 */
#include "install_internal.h"

static u64 need_entry(struct pgt *pgt, const struct pgt_install *ins, pte_t old, u64 addr,
		      u32 level, bool shared);

/* Entries of a table at @level, based at @base, that meet the range. */
static void table_bounds(const struct pgt_install *ins, u32 level, u64 base, u64 *first,
			 u64 *last)
{
	u64 span = pgt_level_span(level);

	*first = ins->start > base ? ins->start & ~(span - 1) : base;
	*last = base + span * PGT_ENTRIES;
	if (ins->end < *last)
		*last = ins->end;
}

static u64 need_real_table(struct pgt *pgt, const struct pgt_install *ins, pte_t *table,
			   u32 level, u64 base, bool shared)
{
	u64 span = pgt_level_span(level);
	u64 first, last, need = 0;

	table_bounds(ins, level, base, &first, &last);
	for (u64 addr = first; addr < last; addr += span) {
		pte_t e = pgt_load(pgt, &table[pgt_level_index(addr, level)], shared);

		need += need_entry(pgt, ins, e, addr, level, shared);
	}
	return need;
}

/* The table that would replace @old (at @level, @addr): entries at level + 1. */
static u64 need_virtual_table(struct pgt *pgt, const struct pgt_install *ins, pte_t old,
			      u64 addr, u32 level, bool shared)
{
	u32 child_level = level + 1;
	u64 span = pgt_level_span(child_level);
	u64 first, last, need = 0;

	table_bounds(ins, child_level, addr, &first, &last);
	for (u64 a = first; a < last; a += span) {
		u32 i = pgt_level_index(a, child_level);

		need += need_entry(pgt, ins, pgt_split_child(pgt, old, addr, level, i), a,
				   child_level, shared);
	}
	return need;
}

static u64 need_entry(struct pgt *pgt, const struct pgt_install *ins, pte_t old, u64 addr,
		      u32 level, bool shared)
{
	switch (pgt_install_decide(pgt, ins, old, addr, level)) {
	case PGT_INS_DESCEND:
		return need_real_table(pgt, ins, pgt_table_va(pgt, old), level + 1, addr, shared);
	case PGT_INS_NEW_TABLE:
		return 1 + need_virtual_table(pgt, ins, old, addr, level, shared);
	case PGT_INS_NOTHING:
	case PGT_INS_WRITE:
	case PGT_INS_REPLACE_TABLE:
		break;
	}
	return 0;
}

u64 pgt_install_need(struct pgt *pgt, const struct pgt_install *ins, bool shared)
{
	return need_real_table(pgt, ins, pgt->root, pgt->start_level, 0, shared);
}

bool pgt_pool_has(const struct pgt *pgt, u64 need)
{
	return need == 0 || pgt_ops(pgt)->pool_free_pages(pgt_ctx(pgt), pgt->pool) >= need;
}
