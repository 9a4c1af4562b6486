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

bool pgt_pool_has(const struct pgt *pgt, u64 need)
{
	return need == 0 || pgt_ops(pgt)->pool_free_pages(pgt_ctx(pgt), pgt->pool) >= need;
}
