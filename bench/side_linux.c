// SPDX-License-Identifier: MIT
/*
 * A kernel tree's pgtable.c as a benchmark side (bench/bench.h), through the
 * adapter's API (kernel/include/s2k/kernel_table.h) on the release
 * platform's allocator: pages from one arena, arithmetic translation, plain
 * counts, invalidations only counted. The host rows do what pKVM's host
 * abort handler asks of the tree: get_leaf for the level of the hole, the
 * largest block at that level or below that lies in memory, one map.
 */
#include "bench.h"

#include <stdlib.h>

#include "bare/bare.h"
#include "s2k/kernel_table.h"

#define PROT_RW	 6U
#define PROT_RWX 7U

struct linux_table {
	struct bare bare;
	struct pgt_pool pool;
	struct s2k_table *t;
	struct bench_memory mem;
};

#define L(ctx) ((struct linux_table *)(ctx))

static void *zalloc_page(void *ctx)
{
	return bare_page_alloc(&L(ctx)->pool);
}

static void free_page(void *ctx, void *va)
{
	bare_page_free(&L(ctx)->pool, va);
}

static void get_page(void *ctx, void *va)
{
	bare_page_get(&L(ctx)->bare, va);
}

static void put_page(void *ctx, void *va)
{
	bare_page_put(&L(ctx)->bare, va);
}

static int page_count(void *ctx, void *va)
{
	return (int)bare_page_count(&L(ctx)->bare, va);
}

static uint64_t pages_free(void *ctx)
{
	return L(ctx)->pool.nr_free;
}

static void *phys_to_virt(void *ctx, uint64_t pa)
{
	return bare_va(&L(ctx)->bare, pa);
}

static uint64_t virt_to_phys(void *ctx, void *va)
{
	return bare_pa(&L(ctx)->bare, va);
}

static void stored(void *ctx, void *p, uint64_t old, uint64_t new_val)
{
	(void)ctx, (void)p, (void)old, (void)new_val;
}

static void tlbi(void *ctx, enum s2k_tlbi kind, uint64_t addr, uint64_t size, int level)
{
	(void)kind, (void)addr, (void)size, (void)level;
	L(ctx)->bare.tlbi_leaf++;
}

static void warned(void *ctx, const char *file, int line, const char *cond)
{
	(void)ctx, (void)file, (void)line, (void)cond;
}

static const struct s2k_platform bare_platform = {
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

static void *table_new(uint64_t pool_pages, const struct bench_memory *mem)
{
	struct linux_table *l = calloc(1, sizeof(*l));
	int rc = 0;

	if (!l)
		return NULL;
	if (!bare_init(&l->bare, pool_pages, 0x800000000ULL) &&
	    !bare_pool_init(&l->bare, &l->pool, pool_pages))
		l->t = s2k_table_create(S2K_GUEST_S2, 48, 0, &bare_platform, l, &rc);
	if (!l->t) {
		bare_fini(&l->bare);
		free(l);
		return NULL;
	}
	if (mem)
		l->mem = *mem;
	return l;
}

static void *guest_new(const void *ctx, uint64_t pool_pages)
{
	(void)ctx;
	return table_new(pool_pages, NULL);
}

static void *host_new(const void *ctx, uint64_t pool_pages, const struct bench_memory *mem)
{
	(void)ctx;
	return table_new(pool_pages, mem);
}

static void destroy(void *p)
{
	s2k_table_destroy(L(p)->t);
	bare_fini(&L(p)->bare);
	free(p);
}

static int map(void *p, uint64_t ia, uint64_t size, uint64_t pa)
{
	return s2k_map(L(p)->t, ia, size, pa, PROT_RW);
}

static int unmap(void *p, uint64_t ia, uint64_t size)
{
	return (int)s2k_unmap(L(p)->t, ia, size);
}

static int wrprotect(void *p, uint64_t ia, uint64_t size)
{
	return s2k_wrprotect(L(p)->t, ia, size);
}

static int mkold(void *p, uint64_t ia, uint64_t size)
{
	s2k_mkold(L(p)->t, ia, size);
	return 0;
}

static bool in_memory(const struct bench_memory *m, uint64_t base, uint64_t size)
{
	return base >= m->base && base + size <= m->base + m->size;
}

static int host_abort(void *p, uint64_t addr)
{
	struct linux_table *l = p;
	uint64_t pte = 0, granule = 0;
	int level = 0;

	if (s2k_get_leaf(l->t, addr, &pte, &level))
		return -1;
	if (pte & 1)
		return 0; /* mapped already: the fault is retried */
	for (; level <= 3; level++) {
		granule = 1ULL << (12 + 9 * (3 - level));
		if (level >= 1 && in_memory(&l->mem, addr & ~(granule - 1), granule))
			break;
	}
	addr &= ~(granule - 1);
	return s2k_map(l->t, addr, granule, addr, PROT_RWX);
}

static int set_owner(void *p, uint64_t ia, uint64_t size, unsigned owner)
{
	return s2k_set_owner(L(p)->t, ia, size, owner);
}

static uint64_t tables(void *p)
{
	return L(p)->pool.nr_pages - L(p)->pool.nr_free;
}

struct bench_side bench_linux_side(void)
{
	return (struct bench_side){
		.name = s2k_tree.version,
		.guest_new = guest_new,
		.host_new = host_new,
		.destroy = destroy,
		.map = map,
		.unmap = unmap,
		.wrprotect = wrprotect,
		.mkold = mkold,
		.host_abort = host_abort,
		.set_owner = set_owner,
		.tables = tables,
	};
}
