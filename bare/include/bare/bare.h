/* SPDX-License-Identifier: MIT */
/*
 * The release platform: core/mm.h on a host with nothing in the way. Table
 * pages live in one arena, so a physical address is the arena's base plus
 * an offset and translation is arithmetic; reference counts are plain u32s
 * (atomic, so shared walks stay correct); TLB maintenance is only counted;
 * there is no observer and freed pages are not poisoned. The benchmark
 * (bench/) runs the core on it beside sim/, which keeps every check for the
 * fuzzers. One CPU frees what a shared walk unlinks at once.
 */
#ifndef BARE_BARE_H
#define BARE_BARE_H

#include "core/mm.h"

struct bare {
	u8 *arena;	/* nr_pages pages, page-aligned */
	u64 nr_pages;
	u64 base_pa;	/* the first page's physical address */
	u64 next;	/* pages below this are handed to pools */
	u32 *counts;	/* per page */
	u64 tlbi_leaf, tlbi_range, tlbi_all;
	struct pgt_mm mm;
};

/* A pool: a free list threaded through its free pages (their first word). */
struct pgt_pool {
	struct bare *bare;
	void *head;
	u64 nr_free, nr_pages;
};

/* An arena of @nr_pages pages at physical address @base_pa; -CORE_ENOMEM, or 0. */
int bare_init(struct bare *b, u64 nr_pages, u64 base_pa);
void bare_fini(struct bare *b);
/* A pool of the next @nr pages of the arena; -CORE_ENOMEM when fewer are left. */
int bare_pool_init(struct bare *b, struct pgt_pool *pool, u64 nr);
const struct pgt_mm *bare_mm(struct bare *b);

/* The same operations for other callers (the benchmark's Linux side). */
void *bare_page_alloc(struct pgt_pool *pool);
void bare_page_free(struct pgt_pool *pool, void *page);
void bare_page_get(struct bare *b, void *page);
void bare_page_put(struct bare *b, void *page);
u32 bare_page_count(const struct bare *b, const void *page);
void *bare_va(const struct bare *b, u64 pa);
u64 bare_pa(const struct bare *b, const void *va);

#endif /* BARE_BARE_H */
