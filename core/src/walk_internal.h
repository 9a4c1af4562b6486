/* SPDX-License-Identifier: MIT */
/*
 * The generic walker and the entry accessors every visitor uses. Private to
 * core/: the walker is how operations are written, not part of the API.
 */
#ifndef CORE_WALK_INTERNAL_H
#define CORE_WALK_INTERNAL_H

#include "core/pgtable.h"

enum pgt_visit_kind {
	PGT_VISIT_LEAF = 1U << 0,
	PGT_VISIT_TABLE_PRE = 1U << 1,
	PGT_VISIT_TABLE_POST = 1U << 2,
};

/* Walk flag: a shared walk (SPEC §9): acquire loads, CAS updates. */
#define PGT_WALK_SHARED (1U << 8)
/*
 * Walk flag: TABLE_PRE only for a table whose whole span lies inside the
 * range (pgt_visit_covered); a visitor that only descends into the others
 * saves a call per level.
 */
#define PGT_WALK_PRE_COVERED (1U << 9)

/* What a visitor sees of one entry. */
struct pgt_visit {
	struct pgt *pgt;
	pte_t *ptep;
	pte_t old;	/* the value the walker read */
	u64 addr;	/* first input address the entry translates */
	u32 level;
	u32 flags;	/* the walker's flags */
	u64 start, end; /* the walk's whole range */
	void *arg;
};

typedef int (*pgt_visitor_fn)(struct pgt_visit *v, enum pgt_visit_kind kind);

struct pgt_walker {
	pgt_visitor_fn cb;
	void *arg;
	u32 flags; /* which visits, plus PGT_WALK_SHARED */
};

/*
 * Visit every entry meeting [start, end) in address order: TABLE_PRE before
 * descending into a table, LEAF for anything that is not a table (then
 * descend if the visitor made it one), TABLE_POST after the table's entries.
 * Stops at the first non-zero return.
 */
int pgt_walk(struct pgt *pgt, u64 start, u64 end, const struct pgt_walker *walker);

static inline u64 pgt_entry_span(const struct pgt_visit *v)
{
	return pgt_level_span(v->level);
}

/* Does the entry's whole span lie inside the walk's range? */
static inline bool pgt_visit_covered(const struct pgt_visit *v)
{
	return v->addr >= v->start && v->addr + pgt_entry_span(v) <= v->end;
}

static inline const struct pgt_mm_ops *pgt_ops(const struct pgt *pgt)
{
	return pgt->mm->ops;
}

static inline void *pgt_ctx(const struct pgt *pgt)
{
	return pgt->mm->ctx;
}

static inline void *pgt_table_va(const struct pgt *pgt, pte_t table)
{
	return pgt_ops(pgt)->phys_to_virt(pgt_ctx(pgt), pte_table_pa(table));
}

/* The table page an entry lives in. */
static inline void *pgt_page_of(pte_t *ptep)
{
	return (void *)((uintptr_t)ptep & ~(uintptr_t)(PGT_PAGE_SIZE - 1));
}

pte_t pgt_load(const struct pgt *pgt, pte_t *ptep, bool shared);

/* pgt_get_leaf; @shared: as a shared walk reads (SPEC §9), inside its section. */
int pgt_find_leaf(struct pgt *pgt, u64 ia, pte_t *entry, u32 *level, bool shared);

/* pgt_set_entry's store once @was and @is (old and new counted) are known. */
void pgt_store_entry(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia, u32 level,
		     bool was, bool is);

/*
 * Store @new over @old (exclusive walks), keeping the table page's reference
 * count in step with SPEC §3 and reporting the store to the platform hook.
 * Inline for the case with nothing to keep in step (the entry counted before
 * as after, no hook: an attribute change on the release platform): one store.
 */
static inline void pgt_set_entry(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia,
				 u32 level)
{
	bool was = pgt_entry_counted(pgt, old, ia, level);
	bool is = pgt_entry_counted(pgt, new_pte, ia, level);

	if (was == is && !pgt_ops(pgt)->on_access && !pgt_ops(pgt)->on_store) {
		__atomic_store_n(ptep, new_pte, __ATOMIC_RELEASE);
		return;
	}
	pgt_store_entry(pgt, ptep, old, new_pte, ia, level, was, is);
}

/* Compare-and-swap for shared walks; the count and hook as above on success. */
bool pgt_try_set_entry(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia, u32 level);

/*
 * Break-before-make (SPEC §7) in an exclusive walk: write zero, invalidate
 * the old entry's whole span, then write @new.
 */
void pgt_bbm_replace(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 ia, u32 level);

/* Invalidate whatever the TLB may hold for @old at (ia, level). */
void pgt_tlbi_entry(struct pgt *pgt, pte_t old, u64 ia, u32 level);

/* Free a table page and every table below it; caller has invalidated. */
void pgt_free_subtree(struct pgt *pgt, void *table, u32 level);

/* Allocate a zeroed table page; the caller has checked the pool. */
void *pgt_alloc_table(struct pgt *pgt);

static inline u64 pgt_ia_limit(const struct pgt *pgt)
{
	return 1ULL << pgt->ia_bits;
}

/* Is [ia, ia + nr pages) a well-formed range of this table (S1, S3)? */
bool pgt_range_ok(const struct pgt *pgt, u64 ia, u64 nr);

#endif /* CORE_WALK_INTERNAL_H */
