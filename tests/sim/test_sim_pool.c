// SPDX-License-Identifier: MIT
/*
 * The simulated machine's pools over a long life: fuzzers keep one machine
 * per process and build and empty pools at the same addresses for every
 * input, so nothing may grow with the number of inputs.
 */
#include "sim/sim.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define POOL_BASE 0x800000000ULL
#define POOL_PAGES 256U

/*
 * Pages leave and come back a thousand times (as 1,000 fuzz inputs make
 * them): the page lookup must stay the size the live pages need.
 */
static void emptied_pools_leave_no_growth_behind(void **state)
{
	static struct sim sim;
	u64 cap_after_first = 0;

	(void)state;
	assert_int_equal(sim_init(&sim, 1024), 0);
	for (unsigned round = 0; round < 1000; round++) {
		struct pgt_pool pool;

		assert_int_equal(sim_pool_init(&sim, &pool, pa_init(POOL_BASE), POOL_PAGES), 0);
		assert_int_equal(sim_pool_free(&pool), POOL_PAGES);
		assert_int_equal(sim_pool_empty(&pool), 0);
		sim_pool_fini(&pool);
		if (!round)
			cap_after_first = sim.hash_cap;
	}
	assert_true(sim.hash_cap <= cap_after_first);
	sim_fini(&sim);
}

/* Emptying takes every free page off the machine; pages in use are counted. */
static void pool_empty_counts_pages_still_in_use(void **state)
{
	static struct sim sim;
	const struct pgt_mm *mm;
	struct pgt_pool pool;
	void *page;

	(void)state;
	assert_int_equal(sim_init(&sim, 64), 0);
	mm = sim_mm(&sim);
	assert_int_equal(sim_pool_init(&sim, &pool, pa_init(POOL_BASE), 8), 0);
	page = mm->ops->page_alloc(mm->ctx, &pool);
	assert_non_null(page);
	assert_int_equal(sim_pool_empty(&pool), 1);
	assert_int_equal(sim_pool_free_all(&pool), 0);
	assert_int_equal(sim_page_state(&sim, pa_init(POOL_BASE + 0x1000)), SIM_SLOT_UNUSED);
	mm->ops->page_free(mm->ctx, &pool, page);
	assert_int_equal(sim_pool_empty(&pool), 0);
	sim_pool_fini(&pool);
	sim_fini(&sim);
}

/*
 * A reset machine is a new one on the old memory: pages still holding tables
 * are unregistered, their addresses can make a pool again, pages come out at
 * the same places as the first time, zeroed, and the counters start over.
 */
static void reset_forgets_every_page_and_keeps_the_memory(void **state)
{
	static struct sim sim;
	const struct pgt_mm *mm;
	struct pgt_pool pool;
	u64 *page, *first;
	u8 *arena;

	(void)state;
	assert_int_equal(sim_init(&sim, 64), 0);
	arena = sim.arena;
	mm = sim_mm(&sim);
	assert_int_equal(sim_pool_init(&sim, &pool, pa_init(POOL_BASE), 8), 0);
	page = first = mm->ops->page_alloc(mm->ctx, &pool);
	assert_non_null(page);
	page[7] = 0xdead;
	mm->ops->tlbi_all(mm->ctx, NULL);
	assert_int_equal(sim_page_state(&sim, pa_init(POOL_BASE)), SIM_SLOT_TABLE);
	sim_pool_fini(&pool);

	sim_reset(&sim);
	assert_ptr_equal(sim.arena, arena);
	assert_int_equal(sim.nr_tlbi_all, 0);
	for (u64 i = 0; i < 8; i++)
		assert_int_equal(sim_page_state(&sim, pa_init(POOL_BASE + i * 0x1000)),
				 SIM_SLOT_UNUSED);
	assert_int_equal(sim_pool_init(&sim, &pool, pa_init(POOL_BASE), 8), 0);
	assert_int_equal(sim_pool_free(&pool), 8);
	page = mm->ops->page_alloc(mm->ctx, &pool);
	assert_ptr_equal(page, first);
	assert_int_equal(page[7], 0);
	mm->ops->page_free(mm->ctx, &pool, page);
	assert_int_equal(sim_pool_empty(&pool), 0);
	sim_pool_fini(&pool);
	sim_fini(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emptied_pools_leave_no_growth_behind),
		cmocka_unit_test(pool_empty_counts_pages_still_in_use),
		cmocka_unit_test(reset_forgets_every_page_and_keeps_the_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
