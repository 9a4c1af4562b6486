// SPDX-License-Identifier: MIT
/*
 * The coalescing scenario end to end (SPEC §4.4, §6): 4 GiB of host memory
 * in two regions; the host touches every page; a VM gets 1,000 scattered
 * pages while the host keeps touching everything; the VM is torn down and
 * every page reclaimed; the host touches everything again. Host stage-2 must end with exactly the leaves it had before the VM
 * existed, and every table page must be back in its pool.
 */
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define NR_DONATED 1000
#define NR_TOPUP 8

struct leaf_list {
	u64 n, cap;
	u64 (*e)[3];
};

static void collect(void *arg, u64 ia, u32 level, pte_t e)
{
	struct leaf_list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->e = realloc(l->e, l->cap * sizeof(*l->e));
		assert_non_null(l->e);
	}
	l->e[l->n][0] = ia;
	l->e[l->n][1] = level;
	l->e[l->n][2] = e;
	l->n++;
}

struct touch_stats {
	u64 aborts, refused;
};

/* The host touches every page of memory: a stage-2 miss is an abort. */
static struct touch_stats touch_all(struct machine *m)
{
	const struct host_layout *l = &m->pkvm.desc.layout;
	struct touch_stats ts = { 0 };

	for (u32 r = 0; r < l->nr_regions; r++) {
		for (u64 a = l->regions[r].base; a < l->regions[r].base + l->regions[r].size;
		     a += SZ_4K) {
			u32 level;
			pte_t e;
			int ret;

			assert_int_equal(pgt_get_leaf(&m->pkvm.host_s2, a, &e, &level), 0);
			if (pte_valid(e))
				continue;
			ret = pkvm_host_mem_abort(&m->pkvm, a);
			if (ret == 0)
				ts.aborts++;
			else
				ts.refused++; /* the carve-out: the abort goes back to the host */
		}
	}
	return ts;
}

static void print_leaves(const char *title, struct machine *m, struct touch_stats ts)
{
	struct tbl_stats st = { 0 };

	tbl_check(&m->sim, &m->pkvm.host_s2, &st);
	printf("%s: %llu aborts mapped, %llu refused\n", title, (unsigned long long)ts.aborts,
	       (unsigned long long)ts.refused);
	tbl_print_stats("  host stage-2", &st);
}

static void reclaim_after_teardown_restores_host_blocks(void **state)
{
	/* Region A is 1 GiB aligned; region B starts 2 MiB into a gigabyte. */
	static const struct host_region mem[] = { { SZ_1G, 2 * SZ_1G },
						  { 4 * SZ_1G + SZ_2M, 2 * SZ_1G } };
	struct pkvm_desc d = machine_desc(40, 2, mem, SZ_1G + 8 * SZ_2M, 4096, 3072, 512);
	struct machine *m = machine_new(&d);
	struct leaf_list before = { 0 }, after = { 0 };
	u64 host_free, hyp_free, pgd, pages[NR_DONATED], total, n = 0;
	u32 seed = 12345;
	struct touch_stats ts;

	ts = touch_all(m);
	print_leaves("before the VM", m, ts);
	tbl_for_each_leaf(&m->sim, &m->pkvm.host_s2, collect, &before);
	host_free = sim_pool_free(&m->host_pool);
	hyp_free = sim_pool_free(&m->hyp_pool);

	/* pgd and memcache pages from region B's start, data pages scattered. */
	pgd = (4 * SZ_1G + SZ_2M) >> 12;
	assert_int_equal(pkvm_vm_create(&m->pkvm, 0, 40, pgd), 0);
	for (u64 i = 1; i <= NR_TOPUP; i++)
		assert_int_equal(pkvm_vm_topup(&m->pkvm, 0, pgd + i), 0);
	total = pkvm_desc_memory_pages(&d);
	while (n < NR_DONATED) {
		u64 idx = ((u64)(seed = seed * 1103515245U + 12345U) * 2654435761ULL) % total;
		u64 pfn = idx < (2 * SZ_1G >> 12) ? (SZ_1G >> 12) + idx
						  : pgd + (idx - (2 * SZ_1G >> 12));
		/* Skips the carve-out, the VM's own pages and repeats (-EPERM). */
		if (pkvm_host_donate_guest(&m->pkvm, 0, pfn, n) == 0)
			pages[n++] = pfn;
	}
	/* The host runs on while the VM lives: the split tables fill with defaults. */
	ts = touch_all(m);
	print_leaves("while the VM holds its pages", m, ts);
	machine_check(m);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	for (u64 i = 0; i < NR_DONATED; i++)
		assert_int_equal(pkvm_host_reclaim_page(&m->pkvm, pages[i]), 0);
	for (u64 i = 0; i <= NR_TOPUP; i++)
		assert_int_equal(pkvm_host_reclaim_page(&m->pkvm, pgd + i), 0);
	assert_int_equal(m->pkvm.vms[0].state, PKVM_VM_FREE);
	machine_check(m);

	ts = touch_all(m);
	print_leaves("after teardown and reclaim", m, ts);
	tbl_for_each_leaf(&m->sim, &m->pkvm.host_s2, collect, &after);
	assert_int_equal(before.n, after.n);
	assert_memory_equal(before.e, after.e, before.n * sizeof(*before.e));
	assert_int_equal(sim_pool_free(&m->host_pool), host_free);
	assert_int_equal(sim_pool_free(&m->hyp_pool), hyp_free);
	assert_int_equal(sim_pool_size(&m->memcache[0]), 0);

	free(before.e);
	free(after.e);
	machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reclaim_after_teardown_restores_host_blocks),
	};

	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
