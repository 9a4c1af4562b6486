// SPDX-License-Identifier: MIT
/*
 * SPEC §9 under real threads (and ThreadSanitizer in the suite): four
 * threads fault on one guest stage-2 through shared walks, with pages,
 * 2 MiB and 1 GiB blocks racing over the same few megabytes, so tables are
 * created, split, replaced by blocks and unlinked while others walk them.
 * Each phase starts from an empty table and ends with the check; an
 * exclusive unmap then clears the table for the next phase.
 *
 * Faults on one address agree on the translation (they come from one
 * memslot), as KVM's do. The check: the table equals the serial
 * application of the completed faults in the order they completed, the
 * refcount law holds and no LOCKED entry is left.
 */
#define _DEFAULT_SOURCE /* pthread barriers */
#include "tables.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define NR_THREADS 4
#define NR_PHASES 40
#define FAULTS_PER_PHASE 400
#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define PA_OFFSET (16 * SZ_1G)

struct fault {
	u64 ia;
	u32 level;
	u64 stamp;
};

struct worker {
	struct pgt *pgt;
	u32 seed;
	struct fault done[FAULTS_PER_PHASE];
	u32 nr_done;
	u64 retries;
};

static u64 completion_clock;
static pthread_barrier_t start_line;

static u32 next_rand(u32 *s)
{
	*s = *s * 1103515245U + 12345U;
	return *s >> 8;
}

/* Pages mostly, some 2 MiB blocks, rarely 1 GiB: all within 4 MiB of 1 GiB. */
static void pick_fault(u32 *seed, u64 *ia, u32 *level)
{
	u32 r = next_rand(seed) % 1000;

	*level = r < 2 ? 1 : r < 60 ? 2 : 3;
	*ia = SZ_1G + SZ_2M * (next_rand(seed) % 2) + SZ_4K * (next_rand(seed) % 64);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->nr_done = 0;
	pthread_barrier_wait(&start_line);
	for (u32 i = 0; i < FAULTS_PER_PHASE; i++) {
		u64 ia;
		u32 level;
		int ret;

		pick_fault(&w->seed, &ia, &level);
		while ((ret = pgt_s2_fault_map(w->pgt, ipa_init(ia), level, pa_init(ia + PA_OFFSET),
					       PGT_PROT_RW, PGT_MEM_NORMAL)) == -EAGAIN)
			w->retries++;
		assert_int_equal(ret, 0);
		w->done[w->nr_done++] = (struct fault){
			.ia = ia,
			.level = level,
			.stamp = __atomic_fetch_add(&completion_clock, 1, __ATOMIC_ACQ_REL),
		};
	}
	return NULL;
}

static int by_stamp(const void *a, const void *b)
{
	const struct fault *x = a, *y = b;

	return x->stamp < y->stamp ? -1 : x->stamp > y->stamp;
}

/* Replay the phase serially on @ser and compare leaves with @par. */
static void check_phase(struct tbl_fixture *par, struct tbl_fixture *ser, struct worker *workers)
{
	static struct fault all[NR_THREADS * FAULTS_PER_PHASE];
	u64 n = 0;

	for (u32 t = 0; t < NR_THREADS; t++) {
		for (u32 i = 0; i < workers[t].nr_done; i++)
			all[n++] = workers[t].done[i];
	}
	qsort(all, n, sizeof(*all), by_stamp);
	for (u64 i = 0; i < n; i++) {
		u64 span = pgt_level_span(all[i].level);
		u64 base = all[i].ia & ~(span - 1);

		assert_int_equal(pgt_s2_map(&ser->pgt, ipa_init(base), span / SZ_4K,
					    pa_init(base + PA_OFFSET), PGT_PROT_RW, PGT_MEM_NORMAL),
				 0);
	}
	tbl_check(&par->sim, &par->pgt, NULL);
	tbl_assert_same_leaves(&par->sim, &par->pgt, &ser->sim, &ser->pgt);
}

static void parallel_faults_match_serial_application(void **state)
{
	static struct worker workers[NR_THREADS];
	struct tbl_fixture *par = tbl_fixture_new(PGT_GUEST_S2, 40, 4096);
	struct tbl_fixture *ser = tbl_fixture_new(PGT_GUEST_S2, 40, 4096);
	pthread_t tid[NR_THREADS];
	u64 retries = 0;

	for (u32 t = 0; t < NR_THREADS; t++)
		workers[t] = (struct worker){ .pgt = &par->pgt, .seed = 7 + t * 7919 };
	for (u32 phase = 0; phase < NR_PHASES; phase++) {
		pthread_barrier_init(&start_line, NULL, NR_THREADS);
		for (u32 t = 0; t < NR_THREADS; t++)
			assert_int_equal(pthread_create(&tid[t], NULL, worker_main, &workers[t]), 0);
		for (u32 t = 0; t < NR_THREADS; t++)
			pthread_join(tid[t], NULL);
		pthread_barrier_destroy(&start_line);
		sim_quiesce(&par->sim);
		check_phase(par, ser, workers);
		/* Exclusive: clear both tables for the next phase. */
		assert_int_equal(pgt_s2_unmap(&par->pgt, ipa_init(0), (4 * SZ_1G) / SZ_4K), 0);
		assert_int_equal(pgt_s2_unmap(&ser->pgt, ipa_init(0), (4 * SZ_1G) / SZ_4K), 0);
		assert_int_equal(sim_pool_free(&par->pool), sim_pool_size(&par->pool) - 1);
	}
	for (u32 t = 0; t < NR_THREADS; t++)
		retries += workers[t].retries;
	print_message("%u phases of %u faults, %llu retried after -EAGAIN\n", NR_PHASES,
		      NR_THREADS * FAULTS_PER_PHASE, (unsigned long long)retries);

	tbl_fixture_free(par);
	tbl_fixture_free(ser);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parallel_faults_match_serial_application),
	};

	return cmocka_run_group_tests_name("parallel_faults", tests, NULL, NULL);
}
