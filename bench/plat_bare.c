// SPDX-License-Identifier: MIT
/* The release platform (bare/) for the benchmark's core side. */
#include "bench.h"

#include <stdlib.h>

#include "bare/bare.h"

struct bench_plat {
	struct bare bare;
	struct pgt_pool pool;
};

static struct bench_plat *create(uint64_t pool_pages)
{
	struct bench_plat *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (bare_init(&p->bare, pool_pages, 0x800000000ULL) ||
	    bare_pool_init(&p->bare, &p->pool, pool_pages)) {
		bare_fini(&p->bare);
		free(p);
		return NULL;
	}
	return p;
}

static void destroy(struct bench_plat *p)
{
	bare_fini(&p->bare);
	free(p);
}

static const struct pgt_mm *mm(struct bench_plat *p)
{
	return bare_mm(&p->bare);
}

static struct pgt_pool *pool(struct bench_plat *p)
{
	return &p->pool;
}

static uint64_t pages_used(struct bench_plat *p)
{
	return p->pool.nr_pages - p->pool.nr_free;
}

const struct bench_platform bench_platform_bare = {
	.create = create,
	.destroy = destroy,
	.mm = mm,
	.pool = pool,
	.pages_used = pages_used,
};
