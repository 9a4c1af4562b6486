// SPDX-License-Identifier: MIT
/* The simulated machine (sim/) for the benchmark's core side: every check the fuzzers use. */
#include "bench.h"

#include <stdlib.h>

#include "sim/sim.h"

struct bench_plat {
	struct sim sim;
	struct pgt_pool pool;
};

static struct bench_plat *create(uint64_t pool_pages)
{
	struct bench_plat *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (sim_init(&p->sim, pool_pages)) {
		free(p);
		return NULL;
	}
	if (sim_pool_init(&p->sim, &p->pool, pa_init(0x800000000ULL), pool_pages)) {
		sim_fini(&p->sim);
		free(p);
		return NULL;
	}
	return p;
}

static void destroy(struct bench_plat *p)
{
	sim_pool_empty(&p->pool);
	sim_pool_fini(&p->pool);
	sim_fini(&p->sim);
	free(p);
}

static const struct pgt_mm *mm(struct bench_plat *p)
{
	return sim_mm(&p->sim);
}

static struct pgt_pool *pool(struct bench_plat *p)
{
	return &p->pool;
}

static uint64_t pages_used(struct bench_plat *p)
{
	return sim_pool_size(&p->pool) - sim_pool_free(&p->pool);
}

const struct bench_platform bench_platform_sim = {
	.create = create,
	.destroy = destroy,
	.mm = mm,
	.pool = pool,
	.pages_used = pages_used,
};
