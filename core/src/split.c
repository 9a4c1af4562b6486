// SPDX-License-Identifier: MIT
/*
 * Eager splitting for dirty logging (SPEC §5b, docs/semantics.md S15): every
 * valid block meeting the range becomes a subtree of level-3 pages with the
 * same translation, built unlinked and then swapped in by break-before-make.
 */
#include "install_internal.h"

/* Pages needed to take a block at @level down to pages: 1 for L2, 513 for L1. */
static u64 split_pages(u32 level)
{
	u64 pages = 0, tables = 1;

	for (u32 l = level + 1; l <= PGT_MAX_LEVEL; l++) {
		pages += tables;
		tables *= PGT_ENTRIES;
	}
	return pages;
}

static int split_count_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	u64 *need = v->arg;

	if (pte_is_valid_leaf(v->old, v->level) && v->level < PGT_MAX_LEVEL)
		*need += split_pages(v->level);
	return 0;
}

/* A table at level + 1 mapping the block @old of @level entirely with pages. */
static void *build_pages(struct pgt *pgt, pte_t old, u64 addr, u32 level)
{
	pte_t *table = pgt_alloc_table(pgt);
	u64 child_span = pgt_level_span(level + 1);

	for (u32 i = 0; i < PGT_ENTRIES; i++) {
		pte_t child = pte_make_leaf(pte_out(old) + i * child_span, pte_attrs(old), level + 1);
		u64 child_addr = addr + i * child_span;

		if (level + 1 < PGT_MAX_LEVEL) {
			void *sub = build_pages(pgt, child, child_addr, level + 1);

			child = pte_make_table(pgt_ops(pgt)->virt_to_phys(pgt_ctx(pgt), sub));
		}
		pgt_set_entry(pgt, &table[i], 0, child, child_addr, level + 1);
	}
	return table;
}

static int split_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	void *table;

	if (!pte_is_valid_leaf(v->old, v->level) || v->level == PGT_MAX_LEVEL)
		return 0;
	table = build_pages(v->pgt, v->old, v->addr, v->level);
	pgt_bbm_replace(v->pgt, v->ptep, v->old,
			pte_make_table(pgt_ops(v->pgt)->virt_to_phys(pgt_ctx(v->pgt), table)),
			v->addr, v->level);
	return 0;
}

int pgt_s2_split(struct pgt *pgt, ipaddr_t ia, u64 nr)
{
	u64 start = ipa_addr(ia), need = 0;
	struct pgt_walker count = { .cb = split_count_visit, .arg = &need, .flags = PGT_VISIT_LEAF };
	struct pgt_walker apply = { .cb = split_visit, .flags = PGT_VISIT_LEAF };

	if (pgt->kind == PGT_HYP_S1)
		return -CORE_EOPNOTSUPP;
	if (!pgt_range_ok(pgt, start, nr))
		return -CORE_EINVAL;
	pgt_walk(pgt, start, start + nr * PGT_PAGE_SIZE, &count);
	if (!pgt_pool_has(pgt, need))
		return -CORE_ENOMEM;
	return pgt_walk(pgt, start, start + nr * PGT_PAGE_SIZE, &apply);
}
