// SPDX-License-Identifier: MIT
/* The release platform (bare/bare.h). */
#include "bare/bare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pgtable.h"

/*
 * A failed core assertion (a build with them on): said, then abort. Weak, so
 * that a program with sim/ as well gets sim/'s, which its hooks can catch.
 */
__attribute__((weak)) void core_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "core assertion failed: %s (%s:%d)\n", expr, file, line);
	abort();
}

static u64 index_of(const struct bare *b, const void *page)
{
	return (u64)((const u8 *)page - b->arena) >> PGT_PAGE_SHIFT;
}

void *bare_va(const struct bare *b, u64 pa)
{
	return b->arena + (pa - b->base_pa);
}

u64 bare_pa(const struct bare *b, const void *va)
{
	return b->base_pa + (u64)((const u8 *)va - b->arena);
}

int bare_init(struct bare *b, u64 nr_pages, u64 base_pa)
{
	*b = (struct bare){ .nr_pages = nr_pages, .base_pa = base_pa };
	b->arena = aligned_alloc(PGT_PAGE_SIZE, nr_pages * PGT_PAGE_SIZE);
	b->counts = calloc(nr_pages, sizeof(*b->counts));
	if (!b->arena || !b->counts) {
		bare_fini(b);
		return -CORE_ENOMEM;
	}
	b->mm.ctx = b;
	return 0;
}

void bare_fini(struct bare *b)
{
	free(b->arena);
	free(b->counts);
	b->arena = NULL;
	b->counts = NULL;
}

static void push(struct pgt_pool *pool, void *page)
{
	*(void **)page = pool->head;
	pool->head = page;
	pool->nr_free++;
}

int bare_pool_init(struct bare *b, struct pgt_pool *pool, u64 nr)
{
	if (nr > b->nr_pages - b->next)
		return -CORE_ENOMEM;
	*pool = (struct pgt_pool){ .bare = b, .nr_pages = nr };
	for (u64 i = nr; i-- > 0;)
		push(pool, b->arena + (b->next + i) * PGT_PAGE_SIZE);
	b->next += nr;
	return 0;
}

void *bare_page_alloc(struct pgt_pool *pool)
{
	void *page = pool->head;

	if (!page)
		return NULL;
	pool->head = *(void **)page;
	pool->nr_free--;
	memset(page, 0, PGT_PAGE_SIZE);
	pool->bare->counts[index_of(pool->bare, page)] = 1;
	return page;
}

void bare_page_free(struct pgt_pool *pool, void *page)
{
	pool->bare->counts[index_of(pool->bare, page)] = 0;
	push(pool, page);
}

void bare_page_get(struct bare *b, void *page)
{
	__atomic_fetch_add(&b->counts[index_of(b, page)], 1, __ATOMIC_RELAXED);
}

void bare_page_put(struct bare *b, void *page)
{
	__atomic_fetch_sub(&b->counts[index_of(b, page)], 1, __ATOMIC_RELEASE);
}

u32 bare_page_count(const struct bare *b, const void *page)
{
	return __atomic_load_n(&b->counts[index_of(b, page)], __ATOMIC_ACQUIRE);
}

/* ---- core/mm.h's operations ---- */
#define B(ctx) ((struct bare *)(ctx))

static void *mm_page_alloc(void *ctx, struct pgt_pool *pool)
{
	(void)ctx;
	return bare_page_alloc(pool);
}

static void mm_page_free(void *ctx, struct pgt_pool *pool, void *page)
{
	(void)ctx;
	bare_page_free(pool, page);
}

static u64 mm_pool_free_pages(void *ctx, struct pgt_pool *pool)
{
	(void)ctx;
	return pool->nr_free;
}

static int mm_pool_add(void *ctx, struct pgt_pool *pool, paddr_t page)
{
	push(pool, bare_va(B(ctx), pa_addr(page)));
	pool->nr_pages++;
	return 0;
}

static int mm_pool_remove(void *ctx, struct pgt_pool *pool, paddr_t page)
{
	void *want = bare_va(B(ctx), pa_addr(page)), **link = &pool->head;

	while (*link) {
		if (*link == want) {
			*link = *(void **)want;
			pool->nr_free--;
			pool->nr_pages--;
			return 0;
		}
		link = (void **)*link;
	}
	return -CORE_EBUSY;
}

static void *mm_root_adopt(void *ctx, paddr_t page)
{
	void *root = bare_va(B(ctx), pa_addr(page));

	memset(root, 0, PGT_PAGE_SIZE);
	B(ctx)->counts[index_of(B(ctx), root)] = 1;
	return root;
}

static void mm_root_release(void *ctx, void *root)
{
	B(ctx)->counts[index_of(B(ctx), root)] = 0;
}

static void mm_page_get(void *ctx, void *page)
{
	bare_page_get(B(ctx), page);
}

static void mm_page_put(void *ctx, void *page)
{
	bare_page_put(B(ctx), page);
}

static u32 mm_page_count(void *ctx, const void *page)
{
	return bare_page_count(B(ctx), page);
}

static void *mm_phys_to_virt(void *ctx, paddr_t pa)
{
	return bare_va(B(ctx), pa_addr(pa));
}

static paddr_t mm_virt_to_phys(void *ctx, const void *va)
{
	return pa_init(bare_pa(B(ctx), va));
}

static void mm_tlbi_leaf(void *ctx, const struct pgt *pgt, u64 ia, u32 level)
{
	(void)pgt, (void)ia, (void)level;
	B(ctx)->tlbi_leaf++;
}

static void mm_tlbi_range(void *ctx, const struct pgt *pgt, u64 ia, u64 size)
{
	(void)pgt, (void)ia, (void)size;
	B(ctx)->tlbi_range++;
}

static void mm_tlbi_all(void *ctx, const struct pgt *pgt)
{
	(void)pgt;
	B(ctx)->tlbi_all++;
}

static void mm_shared_enter(void *ctx)
{
	(void)ctx;
}

static void mm_shared_exit(void *ctx)
{
	(void)ctx;
}

static void mm_free_unlinked(void *ctx, struct pgt *pgt, void *table, u32 level)
{
	(void)ctx;
	pgt_free_unlinked(pgt, table, level);
}

static const struct pgt_mm_ops bare_mm_ops = {
	.page_alloc = mm_page_alloc,
	.page_free = mm_page_free,
	.pool_free_pages = mm_pool_free_pages,
	.pool_add = mm_pool_add,
	.pool_remove = mm_pool_remove,
	.root_adopt = mm_root_adopt,
	.root_release = mm_root_release,
	.page_get = mm_page_get,
	.page_put = mm_page_put,
	.page_count = mm_page_count,
	.phys_to_virt = mm_phys_to_virt,
	.virt_to_phys = mm_virt_to_phys,
	.tlbi_leaf = mm_tlbi_leaf,
	.tlbi_range = mm_tlbi_range,
	.tlbi_all = mm_tlbi_all,
	.shared_enter = mm_shared_enter,
	.shared_exit = mm_shared_exit,
	.free_unlinked = mm_free_unlinked,
};

const struct pgt_mm *bare_mm(struct bare *b)
{
	b->mm.ops = &bare_mm_ops;
	return &b->mm;
}
