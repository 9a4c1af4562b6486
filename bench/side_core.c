// SPDX-License-Identifier: MIT
/* Our core as a benchmark side (bench/bench.h), on any platform. */
#include "bench.h"

#include <stdlib.h>

#include "core/host_s2.h"
#include "core/pgtable.h"

struct core_table {
	struct pgt pgt;
	struct host_layout layout;
	struct bench_plat *plat;
	const struct bench_platform *platform;
};

static struct core_table *make(const struct bench_platform *platform, uint64_t pool_pages)
{
	struct core_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->platform = platform;
	t->plat = platform->create(pool_pages);
	if (!t->plat) {
		free(t);
		return NULL;
	}
	return t;
}

static void *guest_new(const void *ctx, uint64_t pool_pages)
{
	const struct bench_platform *platform = ctx;
	struct core_table *t = make(platform, pool_pages);

	if (t && pgt_init(&t->pgt, PGT_GUEST_S2, 48, 1, platform->mm(t->plat),
			  platform->pool(t->plat), NULL)) {
		platform->destroy(t->plat);
		free(t);
		return NULL;
	}
	return t;
}

static void *host_new(const void *ctx, uint64_t pool_pages, const struct bench_memory *mem)
{
	const struct bench_platform *platform = ctx;
	struct core_table *t = make(platform, pool_pages);

	if (!t)
		return NULL;
	t->layout = (struct host_layout){ .nr_regions = 1, .ia_bits = 48 };
	t->layout.regions[0] = (struct host_region){ mem->base, mem->size };
	if (pgt_init(&t->pgt, PGT_HOST_S2, 48, 0, platform->mm(t->plat), platform->pool(t->plat),
		     &t->layout)) {
		platform->destroy(t->plat);
		free(t);
		return NULL;
	}
	return t;
}

static void destroy(void *p)
{
	struct core_table *t = p;

	pgt_destroy(&t->pgt);
	t->platform->destroy(t->plat);
	free(t);
}

#define T ((struct core_table *)p)
#define PAGES(size) ((size) >> PGT_PAGE_SHIFT)

static int map(void *p, uint64_t ia, uint64_t size, uint64_t pa)
{
	return pgt_s2_map(&T->pgt, ipa_init(ia), PAGES(size), pa_init(pa), PGT_PROT_RW,
			  PGT_MEM_NORMAL);
}

static int unmap(void *p, uint64_t ia, uint64_t size)
{
	return pgt_s2_unmap(&T->pgt, ipa_init(ia), PAGES(size));
}

static int wrprotect(void *p, uint64_t ia, uint64_t size)
{
	return pgt_s2_wrprotect(&T->pgt, ipa_init(ia), PAGES(size));
}

static int mkold(void *p, uint64_t ia, uint64_t size)
{
	return pgt_s2_mkold(&T->pgt, ipa_init(ia), PAGES(size)) < 0;
}

static int host_abort(void *p, uint64_t addr)
{
	return host_s2_mem_abort(&T->pgt, addr);
}

static int set_owner(void *p, uint64_t ia, uint64_t size, unsigned owner)
{
	return pgt_s2_set_owner(&T->pgt, ipa_init(ia), PAGES(size), owner);
}

static uint64_t tables(void *p)
{
	return T->platform->pages_used(T->plat);
}

struct bench_side bench_core_side(const char *name, const struct bench_platform *platform)
{
	return (struct bench_side){
		.name = name,
		.ctx = platform,
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
