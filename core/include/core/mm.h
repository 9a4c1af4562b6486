/* SPDX-License-Identifier: MIT */
/*
 * The platform interface: everything that differs between the EL2 image and
 * the simulated machine of the tests and fuzzers. The core reaches memory,
 * page reference counts, TLB maintenance and deferred freeing only through
 * these operations, so the same code runs on a real MMU and on the host.
 */
#ifndef CORE_MM_H
#define CORE_MM_H

#include "core/pte.h"

struct pgt;
/* A pool of table pages; defined by the platform. */
struct pgt_pool;

enum pgt_access {
	PGT_ACCESS_LOAD,
	PGT_ACCESS_CAS,
	PGT_ACCESS_STORE, /* a plain store, not a compare-and-swap */
};

struct pgt_mm_ops {
	/* A zeroed table page from @pool with reference count 1, or NULL. */
	void *(*page_alloc)(void *ctx, struct pgt_pool *pool);
	/* Return a table page to @pool; its contents are dead from now on. */
	void (*page_free)(void *ctx, struct pgt_pool *pool, void *page);
	u64 (*pool_free_pages)(void *ctx, struct pgt_pool *pool);
	/* Give @pool one more page (a memcache top-up). */
	int (*pool_add)(void *ctx, struct pgt_pool *pool, paddr_t page);
	/* Take a free page out of @pool again (reclaim); -EBUSY if in use. */
	int (*pool_remove)(void *ctx, struct pgt_pool *pool, paddr_t page);
	/* Use the page at @page as a root table (a guest's pgd): zeroed, count 1. */
	void *(*root_adopt)(void *ctx, paddr_t page);
	void (*root_release)(void *ctx, void *root);

	/* Reference counts of table pages; get/put are atomic. */
	void (*page_get)(void *ctx, void *page);
	void (*page_put)(void *ctx, void *page);
	u32 (*page_count)(void *ctx, const void *page);

	void *(*phys_to_virt)(void *ctx, paddr_t pa);
	paddr_t (*virt_to_phys)(void *ctx, const void *va);

	/*
	 * TLB maintenance for one table's translation regime, with the
	 * barriers the architecture needs around it (DSB before, DSB+ISB
	 * after): one leaf by address and level, a range, or everything.
	 */
	void (*tlbi_leaf)(void *ctx, const struct pgt *pgt, u64 ia, u32 level);
	void (*tlbi_range)(void *ctx, const struct pgt *pgt, u64 ia, u64 size);
	void (*tlbi_all)(void *ctx, const struct pgt *pgt);

	/*
	 * Shared walks (SPEC §9): a walker is inside a read-side section
	 * between enter and exit; a table unlinked by a shared walk is handed
	 * to free_unlinked, which must not call pgt_free_unlinked() until no
	 * walker that could have seen it is still inside.
	 */
	void (*shared_enter)(void *ctx);
	void (*shared_exit)(void *ctx);
	void (*free_unlinked)(void *ctx, struct pgt *pgt, void *table, u32 level);

	/*
	 * Observation hooks, may be NULL. on_store: every store to an entry,
	 * after it. on_access: before it happens, every load of a shared walk,
	 * every compare-and-swap and every plain store. Plain stores are
	 * reported from exclusive walks too: the platform knows whether shared
	 * walks are running (they never overlap exclusive ones, SPEC §9).
	 */
	void (*on_store)(void *ctx, const struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte,
			 u64 ia, u32 level);
	void (*on_access)(void *ctx, const struct pgt *pgt, pte_t *ptep, enum pgt_access kind);
};

struct pgt_mm {
	const struct pgt_mm_ops *ops;
	void *ctx;
};

#endif /* CORE_MM_H */
