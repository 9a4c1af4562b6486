// SPDX-License-Identifier: MIT
/*
 * Host aborts as shared walks (docs/semantics.md S46) under real threads,
 * and ThreadSanitizer in the suite: four threads take host aborts on one
 * host stage-2 at once, over regions whose ends force 1 GiB, 2 MiB and page
 * blocks, MMIO gaps between them and pages another owner holds. The check:
 * each abort answers what the same abort answers serially, and the table
 * equals the serial application of the same aborts (in any order: each maps
 * the default leaf of a block the layout alone decides), with the refcount
 * law, pool accounting and no LOCKED entry (machine_check).
 */
#define _DEFAULT_SOURCE /* pthread barriers */
#include "core/host_s2.h"
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>

#define NR_THREADS 4
#define NR_ROUNDS 40
#define ABORTS_PER_THREAD 300
#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define CARVE_BASE (8 * SZ_1G)

struct abort_done {
	u64 addr;
	int ret;
};

struct worker {
	struct pgt *host;
	u32 seed;
	struct abort_done done[ABORTS_PER_THREAD];
	u64 retries;
};

static pthread_barrier_t start_line;

static u32 next_rand(u32 *s)
{
	*s = *s * 1103515245U + 12345U;
	return *s >> 8;
}

/* Memory with ends one page short of 2 MiB and of 1 GiB, a whole GiB, and gaps. */
static struct machine *machine_for_races(void)
{
	static const struct host_region mem[] = {
		{ SZ_1G, 3 * SZ_2M - SZ_4K },
		{ 2 * SZ_1G, SZ_1G - SZ_4K },
		{ 5 * SZ_1G, SZ_1G },
		{ CARVE_BASE, 32 * SZ_2M },
	};
	struct pkvm_desc d = machine_desc(40, 4, mem, CARVE_BASE, 1024, 256, 256);

	return machine_new(&d);
}

/* Addresses near the region ends and in the gaps around them, so aborts collide. */
static u64 pick_address(u32 *seed)
{
	static const u64 hot[] = { SZ_1G, SZ_1G + 2 * SZ_2M, 2 * SZ_1G, 3 * SZ_1G - SZ_2M,
				   5 * SZ_1G, 3 * SZ_1G, 4 * SZ_1G };
	u64 base = hot[next_rand(seed) % (sizeof(hot) / sizeof(hot[0]))];

	return base + SZ_4K * (next_rand(seed) % 1024);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&start_line);
	for (u32 i = 0; i < ABORTS_PER_THREAD; i++) {
		u64 addr = pick_address(&w->seed);
		int ret;

		while ((ret = host_s2_mem_abort_shared(w->host, addr)) == -EAGAIN)
			w->retries++;
		w->done[i] = (struct abort_done){ addr, ret };
	}
	return NULL;
}

/* Pages hyp owns, and a page shared with it, inside the hot ranges: -EPERM and a shared leaf. */
static void give_some_pages_away(struct machine *m)
{
	assert_int_equal(pkvm_host_donate_hyp(&m->pkvm, (SZ_1G + 5 * SZ_4K) >> 12, 3), 0);
	assert_int_equal(pkvm_host_donate_hyp(&m->pkvm, (5 * SZ_1G + 700 * SZ_4K) >> 12, 1), 0);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, (2 * SZ_1G + 9 * SZ_4K) >> 12), 0);
}

static void racing_host_aborts_equal_the_same_aborts_in_series(void **state)
{
	static struct worker workers[NR_THREADS];
	u64 retries = 0;

	(void)state;
	for (u32 round = 0; round < NR_ROUNDS; round++) {
		struct machine *par = machine_for_races(), *ser = machine_for_races();
		pthread_t threads[NR_THREADS];

		give_some_pages_away(par);
		give_some_pages_away(ser);
		assert_int_equal(pthread_barrier_init(&start_line, NULL, NR_THREADS), 0);
		for (u32 t = 0; t < NR_THREADS; t++) {
			workers[t] = (struct worker){ .host = &par->pkvm.host_s2,
						      .seed = round * 7919U + t * 104729U + 1 };
			assert_int_equal(pthread_create(&threads[t], NULL, worker_main, &workers[t]),
					 0);
		}
		for (u32 t = 0; t < NR_THREADS; t++)
			assert_int_equal(pthread_join(threads[t], NULL), 0);
		pthread_barrier_destroy(&start_line);

		for (u32 t = 0; t < NR_THREADS; t++) {
			retries += workers[t].retries;
			for (u32 i = 0; i < ABORTS_PER_THREAD; i++) {
				const struct abort_done *a = &workers[t].done[i];

				assert_int_equal(a->ret, host_s2_mem_abort(&ser->pkvm.host_s2, a->addr));
			}
		}
		machine_check(par);
		tbl_assert_same_leaves(&par->sim, &par->pkvm.host_s2, &ser->sim,
				       &ser->pkvm.host_s2);
		assert_int_equal(machine_digest(par), machine_digest(ser));
		machine_free(par);
		machine_free(ser);
	}
	print_message("%llu retries after a lost race\n", (unsigned long long)retries);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(racing_host_aborts_equal_the_same_aborts_in_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
