// SPDX-License-Identifier: MIT
/*
 * The generic walker and the entry accessors: every load, store and
 * compare-and-swap of a descriptor in the core goes through here, so the
 * reference counts, the store hook and the memory ordering are kept in one
 * place.
 */
#include "walk_internal.h"

struct walk_data {
	struct pgt *pgt;
	const struct pgt_walker *walker;
	u64 start, end;
};

static int walk_table(struct walk_data *d, pte_t *table, u32 level, u64 base);

pte_t pgt_load(const struct pgt *pgt, pte_t *ptep, bool shared)
{
	if (shared && pgt_ops(pgt)->on_access)
		pgt_ops(pgt)->on_access(pgt_ctx(pgt), pgt, ptep, PGT_ACCESS_LOAD);
	/* Acquire: a table read here must show the entries written before it was published. */
	return __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
}

static void count_update(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia, u32 level)
{
	bool was = pgt_entry_counted(pgt, old, ia, level);
	bool is = pgt_entry_counted(pgt, new_pte, ia, level);

	if (is && !was)
		pgt_ops(pgt)->page_get(pgt_ctx(pgt), pgt_page_of(ptep));
	else if (was && !is)
		pgt_ops(pgt)->page_put(pgt_ctx(pgt), pgt_page_of(ptep));
}

static void store_hook(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia, u32 level)
{
	if (pgt_ops(pgt)->on_store)
		pgt_ops(pgt)->on_store(pgt_ctx(pgt), pgt, ptep, old, new_pte, ia, level);
}

void pgt_store_entry(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia, u32 level,
		     bool was, bool is)
{
	if (pgt_ops(pgt)->on_access)
		pgt_ops(pgt)->on_access(pgt_ctx(pgt), pgt, ptep, PGT_ACCESS_STORE);
	/* Take the new reference before the entry is visible, drop the old one after. */
	if (is && !was)
		pgt_ops(pgt)->page_get(pgt_ctx(pgt), pgt_page_of(ptep));
	__atomic_store_n(ptep, new_pte, __ATOMIC_RELEASE);
	store_hook(pgt, ptep, old, new_pte, ia, level);
	if (was && !is)
		pgt_ops(pgt)->page_put(pgt_ctx(pgt), pgt_page_of(ptep));
}

bool pgt_try_set_entry(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia, u32 level)
{
	pte_t expected = old;

	if (pgt_ops(pgt)->on_access)
		pgt_ops(pgt)->on_access(pgt_ctx(pgt), pgt, ptep, PGT_ACCESS_CAS);
	if (!__atomic_compare_exchange_n(ptep, &expected, new_pte, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return false;
	store_hook(pgt, ptep, old, new_pte, ia, level);
	count_update(pgt, ptep, old, new_pte, ia, level);
	return true;
}

void pgt_tlbi_entry(struct pgt *pgt, pte_t old, u64 ia, u32 level)
{
	if (pte_is_table(old, level))
		pgt_ops(pgt)->tlbi_range(pgt_ctx(pgt), pgt, ia, pgt_level_span(level));
	else if (pte_valid(old))
		pgt_ops(pgt)->tlbi_leaf(pgt_ctx(pgt), pgt, ia, level);
	/* An invalid entry cannot be in a TLB (S13). */
}

void pgt_bbm_replace(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia, u32 level)
{
	if (pte_valid(old)) {
		pgt_set_entry(pgt, ptep, old, 0, ia, level);
		pgt_tlbi_entry(pgt, old, ia, level);
		old = 0;
	}
	if (new_pte != old)
		pgt_set_entry(pgt, ptep, old, new_pte, ia, level);
}

void *pgt_alloc_table(struct pgt *pgt)
{
	void *page = pgt_ops(pgt)->page_alloc(pgt_ctx(pgt), pgt->pool);

	/* Every caller counted its pages before changing anything (SPEC §7). */
	CORE_ASSERT(page != NULL);
	return page;
}

void pgt_free_subtree(struct pgt *pgt, void *table, u32 level)
{
	pte_t *entries = table;

	for (u32 i = 0; i < PGT_ENTRIES; i++) {
		pte_t e = __atomic_load_n(&entries[i], __ATOMIC_RELAXED);

		if (pte_is_table(e, level))
			pgt_free_subtree(pgt, pgt_table_va(pgt, e), level + 1);
	}
	pgt_ops(pgt)->page_free(pgt_ctx(pgt), pgt->pool, table);
}

void pgt_free_unlinked(struct pgt *pgt, void *table, u32 level)
{
	pgt_free_subtree(pgt, table, level);
}

static int walk_entry(struct walk_data *d, pte_t *ptep, u32 level, u64 addr)
{
	const struct pgt_walker *w = d->walker;
	bool shared = w->flags & PGT_WALK_SHARED;
	struct pgt_visit v = {
		.pgt = d->pgt,
		.ptep = ptep,
		.old = pgt_load(d->pgt, ptep, shared),
		.addr = addr,
		.level = level,
		.flags = w->flags,
		.start = d->start,
		.end = d->end,
		.arg = w->arg,
	};
	bool table = pte_is_table(v.old, level);
	bool reload = false;
	int ret;

	if (table && (w->flags & PGT_VISIT_TABLE_PRE) &&
	    (!(w->flags & PGT_WALK_PRE_COVERED) || pgt_visit_covered(&v))) {
		ret = w->cb(&v, PGT_VISIT_TABLE_PRE);
		if (ret)
			return ret;
		reload = true;
	}
	if (!table && (w->flags & PGT_VISIT_LEAF)) {
		ret = w->cb(&v, PGT_VISIT_LEAF);
		if (ret)
			return ret;
		reload = true;
	}
	/* A visit may have made the entry a table; nothing at the last level is one. */
	if (reload && level < PGT_MAX_LEVEL) {
		v.old = pgt_load(d->pgt, ptep, shared);
		table = pte_is_table(v.old, level);
	}
	if (!table)
		return 0;

	ret = walk_table(d, pgt_table_va(d->pgt, v.old), level + 1, addr);
	if (ret)
		return ret;
	if (w->flags & PGT_VISIT_TABLE_POST)
		return w->cb(&v, PGT_VISIT_TABLE_POST);
	return 0;
}

static int walk_table(struct walk_data *d, pte_t *table, u32 level, u64 base)
{
	u64 span = pgt_level_span(level);
	u64 addr = d->start > base ? d->start & ~(span - 1) : base;
	u64 table_end = base + span * PGT_ENTRIES;

	for (; addr < d->end && addr < table_end; addr += span) {
		int ret = walk_entry(d, &table[pgt_level_index(addr, level)], level, addr);

		if (ret)
			return ret;
		if (addr + span < addr) /* the last entry of the address space */
			break;
	}
	return 0;
}

int pgt_walk(struct pgt *pgt, u64 start, u64 end, const struct pgt_walker *walker)
{
	struct walk_data d = { .pgt = pgt, .walker = walker, .start = start, .end = end };

	CORE_ASSERT(start < end && end <= pgt_ia_limit(pgt));
	return walk_table(&d, pgt->root, pgt->start_level, 0);
}

bool pgt_range_ok(const struct pgt *pgt, u64 ia, u64 nr)
{
	u64 limit_pages = pgt_ia_limit(pgt) >> PGT_PAGE_SHIFT;

	if (nr == 0 || (ia & (PGT_PAGE_SIZE - 1)))
		return false;
	return (ia >> PGT_PAGE_SHIFT) < limit_pages && nr <= limit_pages - (ia >> PGT_PAGE_SHIFT);
}
