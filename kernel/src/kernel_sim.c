// SPDX-License-Identifier: MIT
/*
 * The adapter's platform on the simulated machine: table pages from the
 * table's pool through sim/'s own operations (reference counts, poisoning of
 * freed pages), the tree's stores, invalidations and WARNs counted and
 * passed on. It sees no kernel header: the tree's side is kernel_glue.c.
 */
#include "s2k/kernel_sim.h"

#include <stdio.h>
#include <string.h>

#define S(ctx)	((struct s2k_sim *)(ctx))
#define MM(ctx) (sim_mm(S(ctx)->sim))

/* The kernel names a page by any address in it (an entry's, for its table's count). */
static void *page_of(void *va)
{
	return (void *)((uintptr_t)va & ~(uintptr_t)(PGT_PAGE_SIZE - 1));
}

static void *zalloc_page(void *ctx)
{
	return MM(ctx)->ops->page_alloc(MM(ctx)->ctx, S(ctx)->pool);
}

static void free_page(void *ctx, void *va)
{
	if (S(ctx)->on_free)
		S(ctx)->on_free(S(ctx)->arg, page_of(va));
	MM(ctx)->ops->page_free(MM(ctx)->ctx, S(ctx)->pool, va);
}

static void get_page(void *ctx, void *va)
{
	S(ctx)->refs++;
	MM(ctx)->ops->page_get(MM(ctx)->ctx, page_of(va));
}

static void put_page(void *ctx, void *va)
{
	S(ctx)->refs++;
	MM(ctx)->ops->page_put(MM(ctx)->ctx, page_of(va));
}

static int page_count(void *ctx, void *va)
{
	return (int)MM(ctx)->ops->page_count(MM(ctx)->ctx, page_of(va));
}

static uint64_t pages_free(void *ctx)
{
	return sim_pool_free(S(ctx)->pool);
}

/*
 * Memory that is no table page (a guest's, whose address older trees'
 * cache maintenance computes even when it is skipped): an address that
 * faults if the tree ever touches it.
 */
#define NOT_A_TABLE_PAGE 0xdead000000000000ULL

static void *phys_to_virt(void *ctx, uint64_t pa)
{
	void *va = sim_try_phys_to_virt(S(ctx)->sim, pa_init(pa));

	return va ? va : (void *)(uintptr_t)(NOT_A_TABLE_PAGE | pa);
}

static uint64_t virt_to_phys(void *ctx, void *va)
{
	uintptr_t off = (uintptr_t)va & (PGT_PAGE_SIZE - 1);

	return pa_addr(MM(ctx)->ops->virt_to_phys(MM(ctx)->ctx, page_of(va))) + off;
}

static void stored(void *ctx, void *p, uint64_t old, uint64_t new_val)
{
	S(ctx)->stores++;
	if (S(ctx)->on_store)
		S(ctx)->on_store(S(ctx)->arg, p, old, new_val);
}

static void tlbi(void *ctx, enum s2k_tlbi kind, uint64_t addr, uint64_t size, int level)
{
	S(ctx)->tlbi[kind]++;
	if (S(ctx)->on_tlbi)
		S(ctx)->on_tlbi(S(ctx)->arg, kind, addr, size, level);
}

static void warned(void *ctx, const char *file, int line, const char *cond)
{
	const char *base = strrchr(file, '/');

	/* The file's name alone: a signature must not depend on the build folder. */
	if (!S(ctx)->warnings++)
		snprintf(S(ctx)->warning, sizeof(S(ctx)->warning), "%s:%d: WARN_ON(%s)",
			 base ? base + 1 : file, line, cond);
}

const struct s2k_platform s2k_sim_platform = {
	.zalloc_page = zalloc_page,
	.free_page = free_page,
	.get_page = get_page,
	.put_page = put_page,
	.page_count = page_count,
	.pages_free = pages_free,
	.phys_to_virt = phys_to_virt,
	.virt_to_phys = virt_to_phys,
	.stored = stored,
	.tlbi = tlbi,
	.warned = warned,
};

void s2k_sim_init(struct s2k_sim *s, struct sim *sim, struct pgt_pool *pool)
{
	memset(s, 0, sizeof(*s));
	s->sim = sim;
	s->pool = pool;
}
