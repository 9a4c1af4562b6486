// SPDX-License-Identifier: MIT
/*
 * Counting pass of an install (SPEC §7): how many table pages the result has
 * that the table does not have now. It follows the same decisions as the
 * commit pass over the existing tables, and over the tables the commit would
 * create it follows their would-be contents (an empty table, or the split
 * of a leaf) without building them.
 */
#include "install_internal.h"

/*
 * One counting pass. It stops once more pages are needed than @limit (the
 * pool's free pages): the install fails with -ENOMEM then whatever the rest
 * would add, and a range of billions of pages is not walked page by page.
 */
struct need_walk {
	struct pgt *pgt;
	const struct pgt_install *ins;
	bool shared;
	u64 need, limit;
};

static void need_entry(struct need_walk *w, pte_t old, u64 addr, u32 level);

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

static void need_real_table(struct need_walk *w, pte_t *table, u32 level, u64 base)
{
	u64 span = pgt_level_span(level);
	u64 first, last;

	table_bounds(w->ins, level, base, &first, &last);
	for (u64 addr = first; addr < last && w->need <= w->limit; addr += span) {
		pte_t e = pgt_load(w->pgt, &table[pgt_level_index(addr, level)], w->shared);

		need_entry(w, e, addr, level);
	}
}

/* The table that would replace @old (at @level, @addr): entries at level + 1. */
static void need_virtual_table(struct need_walk *w, pte_t old, u64 addr, u32 level)
{
	u32 child_level = level + 1;
	u64 span = pgt_level_span(child_level);
	u64 first, last;

	table_bounds(w->ins, child_level, addr, &first, &last);
	for (u64 a = first; a < last && w->need <= w->limit; a += span) {
		u32 i = pgt_level_index(a, child_level);

		need_entry(w, pgt_split_child(w->pgt, old, addr, level, i), a, child_level);
	}
}

static void need_entry(struct need_walk *w, pte_t old, u64 addr, u32 level)
{
	switch (pgt_install_decide(w->pgt, w->ins, old, addr, level)) {
	case PGT_INS_DESCEND:
		need_real_table(w, pgt_table_va(w->pgt, old), level + 1, addr);
		break;
	case PGT_INS_NEW_TABLE:
		w->need++;
		need_virtual_table(w, old, addr, level);
		break;
	case PGT_INS_NOTHING:
	case PGT_INS_WRITE:
	case PGT_INS_REPLACE_TABLE:
		break;
	}
}

u64 pgt_install_need(struct pgt *pgt, const struct pgt_install *ins, bool shared)
{
	struct need_walk w = { pgt, ins, shared, 0,
			       pgt_ops(pgt)->pool_free_pages(pgt_ctx(pgt), pgt->pool) };

	need_real_table(&w, pgt->root, pgt->start_level, 0);
	return w.need;
}

/*
 * May a covered entry at @level hold the install's leaf? The same answer for
 * every covered entry (their addresses are aligned to the level's span),
 * except for host default leaves, which depend on the layout: no, then.
 */
static bool interior_leaf_fits(const struct pgt *pgt, const struct pgt_install *ins, u32 level)
{
	if (!pgt_level_can_hold_leaf(level) || (ins->only_level && level != ins->only_level))
		return false;
	if (!ins->valid)
		return true;
	if ((ins->out - ins->start) & (pgt_level_span(level) - 1))
		return false;
	if (pgt->kind == PGT_HOST_S2)
		return !ins->host_default && level == PGT_MAX_LEVEL;
	return true;
}

/*
 * A new table hangs under an entry (levels start..2) that meets the range
 * and gets no leaf: one the range only partly covers (the first and the last
 * at each level), or a covered one where the leaf cannot go. So the install
 * needs at most this many pages, whatever the table holds now.
 */
u64 pgt_install_bound(const struct pgt *pgt, const struct pgt_install *ins)
{
	u64 bound = 0;

	/* One page: one entry per level meets it, so one new table at most under each. */
	if (ins->end - ins->start == PGT_PAGE_SIZE)
		return PGT_MAX_LEVEL - pgt->start_level;

	for (u32 level = pgt->start_level; level < PGT_MAX_LEVEL; level++) {
		u64 span = pgt_level_span(level);
		u64 first_whole = (ins->start + span - 1) & ~(span - 1);
		u64 end_whole = ins->end & ~(span - 1);

		bound += (ins->start & (span - 1)) != 0;
		bound += (ins->end & (span - 1)) != 0;
		if (end_whole > first_whole && !interior_leaf_fits(pgt, ins, level))
			bound += (end_whole - first_whole) / span;
	}
	return bound;
}

bool pgt_install_pool_ok(struct pgt *pgt, const struct pgt_install *ins, bool shared)
{
	return pgt_pool_has(pgt, pgt_install_bound(pgt, ins)) ||
	       pgt_pool_has(pgt, pgt_install_need(pgt, ins, shared));
}

bool pgt_pool_has(const struct pgt *pgt, u64 need)
{
	return need == 0 || pgt_ops(pgt)->pool_free_pages(pgt_ctx(pgt), pgt->pool) >= need;
}
