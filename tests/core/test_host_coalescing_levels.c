// SPDX-License-Identifier: MIT
/*
 * Coalescing level by level (SPEC §4.3, §4.4) in a 48-bit host stage-2,
 * whose root is a level-0 table. After a return to the default state, a
 * level-3 or level-2 table (its parent entry could hold a block) left with
 * only zero entries and default leaves is zapped, deepest first; a level-1
 * table (under a level-0 entry, which can hold no block) is freed only when
 * it holds nothing at all, and a default block in it stays mapped.
 *
 * The memory under test is a region in the second 512 GiB (level-0 entry 1),
 * so its level-1 table holds nothing of the carve-out's.
 */
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define SZ_4K  0x1000ULL
#define SZ_2M  0x200000ULL
#define SZ_1G  0x40000000ULL
#define PFN(a) ((a) >> 12)

#define HIGH_BASE (512 * SZ_1G)
/* A page in the region's second gigabyte, and one in its third. */
#define PAGE_P (HIGH_BASE + SZ_1G + 5 * SZ_4K)
#define PAGE_Q (HIGH_BASE + 2 * SZ_1G + 3 * SZ_4K)

static int setup_high_region(void **state)
{
	static const struct host_region mem[] = { { SZ_1G, 2 * SZ_1G }, { HIGH_BASE, 4 * SZ_1G } };
	struct pkvm_desc d = machine_desc(48, 2, mem, 2 * SZ_1G, 1024, 256, 256);

	*state = machine_new(&d);
	return 0;
}

/* The entry a walk for @addr stops at must be zero, at @level. */
static void assert_zero_at(struct machine *m, u64 addr, u32 level)
{
	u32 got;
	pte_t e = tbl_leaf(&m->pkvm.host_s2, addr, &got);

	if (e != 0 || got != level)
		print_error("walk for %#llx stops at level %u on %#llx, want level %u on 0\n",
			    (unsigned long long)addr, got, (unsigned long long)e, level);
	assert_int_equal(e, 0);
	assert_int_equal(got, level);
}

static void level1_table_keeps_its_default_block_when_the_rest_coalesces(void **state)
{
	struct machine *m = *state;
	u64 free_with_l1;
	pte_t block;
	u32 level;

	/* The host touches the region's first gigabyte: a 1 GiB default block. */
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, HIGH_BASE), 0);
	block = tbl_leaf(&m->pkvm.host_s2, HIGH_BASE, &level);
	assert_int_equal(level, 1);
	free_with_l1 = sim_pool_free(&m->host_pool);
	/* A shared page in the second gigabyte, default pages and blocks around it. */
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, PFN(PAGE_P)), 0);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, PAGE_P + SZ_4K), 0);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, HIGH_BASE + SZ_1G + 7 * SZ_2M), 0);
	tbl_leaf(&m->pkvm.host_s2, PAGE_P + SZ_4K, &level);
	assert_int_equal(level, 3);
	tbl_leaf(&m->pkvm.host_s2, HIGH_BASE + SZ_1G + 7 * SZ_2M, &level);
	assert_int_equal(level, 2);

	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, PFN(PAGE_P)), 0);
	/* The level-3 and level-2 tables held only defaults: both zapped. */
	assert_zero_at(m, PAGE_P, 1);
	assert_zero_at(m, HIGH_BASE + SZ_1G + 7 * SZ_2M, 1);
	/* The level-1 table holds a default block: kept, and the block with it. */
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, HIGH_BASE, &level), block);
	assert_int_equal(level, 1);
	assert_int_equal(sim_pool_free(&m->host_pool), free_with_l1);
	/* The next abort in the coalesced gigabyte maps it whole (§6). */
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, PAGE_P), 0);
	tbl_leaf(&m->pkvm.host_s2, PAGE_P, &level);
	assert_int_equal(level, 1);
}

static void level1_table_left_empty_is_freed(void **state)
{
	struct machine *m = *state;
	u64 free_before = sim_pool_free(&m->host_pool);

	/* Shared and back, with a default page beside it: nothing left at all. */
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, PFN(PAGE_P)), 0);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, PAGE_P + SZ_4K), 0);
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, PFN(PAGE_P)), 0);
	assert_zero_at(m, PAGE_P, 0);
	assert_int_equal(sim_pool_free(&m->host_pool), free_before);
	/* The same through zero entries: donated to the hyp and given back (S16). */
	assert_int_equal(pkvm_host_donate_hyp(&m->pkvm, PFN(PAGE_P), 3 * 512), 0);
	assert_int_equal(pkvm_hyp_donate_host(&m->pkvm, PFN(PAGE_P), 3 * 512), 0);
	assert_zero_at(m, PAGE_P, 0);
	assert_int_equal(sim_pool_free(&m->host_pool), free_before);
}

static void level1_table_holding_a_counted_entry_is_kept(void **state)
{
	struct machine *m = *state;
	u32 level;
	pte_t e;

	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, PFN(PAGE_P)), 0);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, PFN(PAGE_Q)), 0);
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, PFN(PAGE_P)), 0);
	/* P's gigabyte coalesced to zero; the table over Q's stays. */
	assert_zero_at(m, PAGE_P, 1);
	e = tbl_leaf(&m->pkvm.host_s2, PAGE_Q, &level);
	assert_int_equal(level, 3);
	assert_int_equal(e & PTE_SW_MASK, PTE_SW_SHARED_OWNED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			level1_table_keeps_its_default_block_when_the_rest_coalesces,
			setup_high_region, machine_teardown),
		cmocka_unit_test_setup_teardown(level1_table_left_empty_is_freed, setup_high_region,
						machine_teardown),
		cmocka_unit_test_setup_teardown(level1_table_holding_a_counted_entry_is_kept,
						setup_high_region, machine_teardown),
	};

	return cmocka_run_group_tests_name("host_coalescing_levels", tests, NULL, NULL);
}
