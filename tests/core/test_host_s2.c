// SPDX-License-Identifier: MIT
/*
 * Host stage-2 (SPEC §3, §4.2, §4.4, §6): the lazy identity map built on
 * aborts, host counting, splitting default blocks, and coalescing on every
 * return-to-default path.
 */
#include "events.h"
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define PFN(a) ((a) >> 12)

static pte_t host_leaf(struct machine *m, u64 addr, u32 *level)
{
	return tbl_leaf(&m->pkvm.host_s2, addr, level);
}

/* Memory [1G, 3G), carve-out at 2G + 512M: 40-bit host IPA. */
static struct pkvm_desc desc_two_gig(void)
{
	static const struct host_region mem[] = { { SZ_1G, 2 * SZ_1G } };

	return machine_desc(40, 1, mem, 2 * SZ_1G + 512 * SZ_2M / 2, 1024, 256, 256);
}

static void abort_maps_1g_block_when_region_allows(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);
	u32 level;
	pte_t e;

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G + 0x5000), 0);
	e = host_leaf(m, SZ_1G + 0x5000, &level);
	assert_int_equal(level, 1);
	assert_int_equal(pte_out(e), SZ_1G);
	assert_int_equal(pte_attrs(e), host_default_attrs(&m->pkvm.desc.layout, SZ_1G));
	assert_int_equal(e & PTE_S2_XN_MASK, 0);
	machine_free(m);
}

static void abort_shrinks_block_to_fit_unaligned_region(void **state)
{
	/* Memory starts 2 MiB into a gigabyte, and one region is not 2M-aligned. */
	static const struct host_region mem[] = { { SZ_1G + SZ_2M, SZ_1G - SZ_2M },
						  { 3 * SZ_1G + SZ_4K, 64 * SZ_2M } };
	struct pkvm_desc d = machine_desc(40, 2, mem, SZ_1G + 64 * SZ_2M, 1024, 256, 256);
	struct machine *m = machine_new(&d);
	u32 level;

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G + SZ_2M), 0);
	host_leaf(m, SZ_1G + SZ_2M, &level);
	assert_int_equal(level, 2);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 3 * SZ_1G + SZ_4K), 0);
	host_leaf(m, 3 * SZ_1G + SZ_4K, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 3 * SZ_1G + SZ_2M), 0);
	host_leaf(m, 3 * SZ_1G + SZ_2M, &level);
	assert_int_equal(level, 2);
	/* The MMIO page just below the unaligned region: a page too. */
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 3 * SZ_1G), 0);
	host_leaf(m, 3 * SZ_1G, &level);
	assert_int_equal(level, 3);
	machine_free(m);
}

static void abort_on_mmio_maps_execute_never_block(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);
	u32 level;
	pte_t e;

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 0x9000000), 0);
	e = host_leaf(m, 0x9000000, &level);
	assert_int_equal(level, 1);
	assert_int_equal(e & PTE_S2_XN_MASK, PTE_S2_XN);
	assert_int_equal(e & PTE_S2_MEMATTR_MASK, PTE_S2_MEMATTR_NORMAL);
	/* Default MMIO leaves are not counted either (SPEC §3). */
	machine_free(m);
}

static void abort_on_annotated_page_is_eperm_and_changes_nothing(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);
	u64 before = machine_digest(m);

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, d.carveout_base + SZ_4K), -EPERM);
	assert_int_equal(machine_digest(m), before);
	machine_free(m);
}

static void abort_on_mapped_page_changes_nothing(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);
	struct ev_log *log = test_malloc(sizeof(*log));

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G), 0);
	ev_log_attach(log, &m->sim);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G + 77 * SZ_4K), 0);
	assert_int_equal(log->n, 0);
	test_free(log);
	machine_free(m);
}

static void abort_malformed_address_is_einval(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G + 1), -EINVAL);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 1ULL << 40), -EINVAL);
	machine_free(m);
}

static void abort_enomem_changes_nothing(void **state)
{
	static const struct host_region mem[] = { { SZ_1G, SZ_1G },
						  { 3 * SZ_1G + SZ_4K, 64 * SZ_2M } };
	struct pkvm_desc d = machine_desc(40, 2, mem, SZ_1G + 64 * SZ_2M, 1024, 256, 256);
	struct machine *m = machine_new(&d);
	u64 before;
	u32 level;

	/* A page at an unaligned region start needs an L2 and an L3 table; offer one. */
	sim_pool_hide(&m->host_pool, sim_pool_free(&m->host_pool) - 1);
	before = machine_digest(m);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 3 * SZ_1G + SZ_4K), -ENOMEM);
	assert_int_equal(machine_digest(m), before);
	sim_pool_unhide(&m->host_pool);
	sim_pool_hide(&m->host_pool, sim_pool_free(&m->host_pool) - 2);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 3 * SZ_1G + SZ_4K), 0);
	host_leaf(m, 3 * SZ_1G + SZ_4K, &level);
	assert_int_equal(level, 3);
	sim_pool_unhide(&m->host_pool);
	machine_free(m);
}

static void share_hyp_splits_default_block_rest_zero(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);
	struct tbl_stats st = { 0 };
	u32 level;
	pte_t e;

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G), 0);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, PFN(SZ_1G + 3 * SZ_2M + 5 * SZ_4K)), 0);
	/* S17: the rest of the 1 GiB default block is zero, the host refaults it. */
	assert_int_equal(host_leaf(m, SZ_1G, &level), 0);
	assert_int_equal(level, 2);
	assert_int_equal(host_leaf(m, SZ_1G + 3 * SZ_2M, &level), 0);
	assert_int_equal(level, 3);
	e = host_leaf(m, SZ_1G + 3 * SZ_2M + 5 * SZ_4K, &level);
	assert_int_equal(e & PTE_SW_MASK, PTE_SW_SHARED_OWNED);
	assert_int_equal(level, 3);
	tbl_check(&m->sim, &m->pkvm.host_s2, &st);
	/* A shared page is counted; the zeros are not. */
	machine_free(m);
}

static void unshare_hyp_coalesces_back_to_1g_block(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);
	u64 free_before, pfn = PFN(SZ_1G + 3 * SZ_2M + 5 * SZ_4K);
	u32 level;

	free_before = sim_pool_free(&m->host_pool);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G), 0);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, pfn), 0);
	/* The host touches the pages around it: pages and 2 MiB blocks. */
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, (pfn + 1) << 12), 0);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G + 7 * SZ_2M), 0);
	host_leaf(m, (pfn + 1) << 12, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, pfn), 0);
	/* Only default leaves and zeros were left: both tables zapped (§4.4). */
	assert_int_equal(host_leaf(m, SZ_1G, &level), 0);
	assert_int_equal(level, 1);
	assert_int_equal(sim_pool_free(&m->host_pool), free_before);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, SZ_1G + 9 * SZ_4K), 0);
	host_leaf(m, SZ_1G, &level);
	assert_int_equal(level, 1);
	machine_free(m);
}

static void coalescing_invalidates_whole_span_before_free(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);
	struct ev_log *log = test_malloc(sizeof(*log));
	u64 pfn = PFN(SZ_1G + 3 * SZ_2M + 5 * SZ_4K);
	int inval, freed;

	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, pfn), 0);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, (pfn + 1) << 12), 0);
	ev_log_attach(log, &m->sim);
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, pfn), 0);
	/* The level-3 table: its 2 MiB span invalidated, then the page freed. */
	inval = ev_log_find(log, 0, SIM_EV_TLBI_RANGE);
	assert_true(inval >= 0);
	assert_int_equal(log->ev[inval].ia, SZ_1G + 3 * SZ_2M);
	assert_int_equal(log->ev[inval].size, SZ_2M);
	freed = ev_log_find(log, 0, SIM_EV_PAGE_FREE);
	assert_true(freed > inval);
	/* Then the level-2 table, deepest first. */
	inval = ev_log_find(log, (u32)freed, SIM_EV_TLBI_RANGE);
	assert_true(inval > freed);
	assert_int_equal(log->ev[inval].size, SZ_1G);
	assert_true(ev_log_find(log, (u32)inval, SIM_EV_PAGE_FREE) > inval);
	test_free(log);
	machine_free(m);
}

static void coalescing_keeps_tables_with_counted_entries(void **state)
{
	struct pkvm_desc d = desc_two_gig();
	struct machine *m = machine_new(&d);
	u64 a = PFN(SZ_1G + 5 * SZ_4K), b = PFN(SZ_1G + 9 * SZ_4K);
	u32 level;
	pte_t e;

	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, a), 0);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, b), 0);
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, a), 0);
	/* b still shared: the table stays, a is a default page now (S16). */
	e = host_leaf(m, a << 12, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pte_attrs(e), host_default_attrs(&m->pkvm.desc.layout, a << 12));
	machine_free(m);
}

static void level1_table_freed_only_when_empty(void **state)
{
	/* 48-bit host IPA: level-0 root, so level-1 tables are never zapped for defaults. */
	static const struct host_region mem[] = { { SZ_1G, 2 * SZ_1G } };
	struct pkvm_desc d = machine_desc(48, 1, mem, 2 * SZ_1G + 256 * SZ_2M, 1024, 256, 256);
	struct machine *m = machine_new(&d);
	struct tbl_stats st = { 0 };
	u64 pfn = PFN(SZ_1G + 5 * SZ_4K);

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 0), 0);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, pfn), 0);
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, pfn), 0);
	tbl_check(&m->sim, &m->pkvm.host_s2, &st);
	/* root + the L1 table (holding the MMIO block and the carve-out's tables). */
	assert_int_equal(st.leaves[1], 1);
	assert_true(st.tables >= 2);
	machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(abort_maps_1g_block_when_region_allows),
		cmocka_unit_test(abort_shrinks_block_to_fit_unaligned_region),
		cmocka_unit_test(abort_on_mmio_maps_execute_never_block),
		cmocka_unit_test(abort_on_annotated_page_is_eperm_and_changes_nothing),
		cmocka_unit_test(abort_on_mapped_page_changes_nothing),
		cmocka_unit_test(abort_malformed_address_is_einval),
		cmocka_unit_test(abort_enomem_changes_nothing),
		cmocka_unit_test(share_hyp_splits_default_block_rest_zero),
		cmocka_unit_test(unshare_hyp_coalesces_back_to_1g_block),
		cmocka_unit_test(coalescing_invalidates_whole_span_before_free),
		cmocka_unit_test(coalescing_keeps_tables_with_counted_entries),
		cmocka_unit_test(level1_table_freed_only_when_empty),
	};

	return cmocka_run_group_tests_name("host_s2", tests, NULL, NULL);
}
