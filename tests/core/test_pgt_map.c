// SPDX-License-Identifier: MIT
/*
 * The table library's map, unmap and set_owner (SPEC §4, §5b, §7) on a
 * guest-style stage-2 table: canonical shape, refcount law, break-before-
 * make, exact -ENOMEM.
 */
#include "events.h"
#include "tables.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define PAGES(sz) ((sz) / SZ_4K)

static int setup(void **state)
{
	*state = tbl_fixture_new(PGT_GUEST_S2, 40, 2048);
	return 0;
}

static int teardown(void **state)
{
	tbl_fixture_free(*state);
	return 0;
}

static int map(struct tbl_fixture *f, u64 ia, u64 size, u64 pa)
{
	return pgt_s2_map(&f->pgt, ipa_init(ia), PAGES(size), pa_init(pa), PGT_PROT_RW,
			  PGT_MEM_NORMAL);
}

static void errno_values_match_libc(void **state)
{
	assert_int_equal(CORE_EPERM, EPERM);
	assert_int_equal(CORE_ENOENT, ENOENT);
	assert_int_equal(CORE_EAGAIN, EAGAIN);
	assert_int_equal(CORE_ENOMEM, ENOMEM);
	assert_int_equal(CORE_EBUSY, EBUSY);
	assert_int_equal(CORE_EEXIST, EEXIST);
	assert_int_equal(CORE_EINVAL, EINVAL);
	assert_int_equal(CORE_EOPNOTSUPP, EOPNOTSUPP);
}

static void map_first_page_creates_one_table_per_level(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };
	u32 level;

	assert_int_equal(map(f, 0x1000, SZ_4K, 0x80001000), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	/* 40-bit IPA starts at level 0: root + L1 + L2 + L3 tables. */
	assert_int_equal(st.tables, 4);
	assert_int_equal(st.leaves[3], 1);
	assert_int_equal(tbl_leaf(&f->pgt, 0x1000, &level),
			 0x80001000 | pte_s2_attrs(PGT_PROT_RW, PGT_MEM_NORMAL, PGT_STATE_OWNED) |
				 PTE_TYPE_MASK);
	assert_int_equal(level, 3);
}

static void map_1g_block_when_input_and_output_aligned(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };
	u32 level;

	assert_int_equal(map(f, SZ_1G, SZ_1G, 2 * SZ_1G), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.leaves[1], 1);
	assert_int_equal(st.tables, 2);
	assert_int_equal(pte_out(tbl_leaf(&f->pgt, SZ_1G + 0x5000, &level)), 2 * SZ_1G);
	assert_int_equal(level, 1);
}

static void map_uses_2m_blocks_when_output_only_2m_aligned(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };

	assert_int_equal(map(f, SZ_1G, SZ_1G, 2 * SZ_1G + SZ_2M), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.leaves[1], 0);
	assert_int_equal(st.leaves[2], 512);
}

static void map_covers_left_to_right_with_largest_leaves(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };

	/* [2M - 8K, 4M + 12K): 2 pages, one 2M block, 3 pages. */
	assert_int_equal(map(f, SZ_2M - 0x2000, SZ_2M + 0x5000, SZ_1G + SZ_2M - 0x2000), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.leaves[2], 1);
	assert_int_equal(st.leaves[3], 5);
}

static void map_identical_leaf_changes_nothing(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));

	assert_int_equal(map(f, 0, SZ_2M, SZ_1G), 0);
	ev_log_attach(log, &f->sim);
	assert_int_equal(map(f, 0, SZ_2M, SZ_1G), 0);
	/* A page inside the block, with the same translation, is already there (S11). */
	assert_int_equal(map(f, 0x3000, SZ_4K, SZ_1G + 0x3000), 0);
	assert_int_equal(log->n, 0);
	test_free(log);
}

static void unmap_page_splits_1g_block_rest_preserved(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };
	u64 free_before;
	u32 level;

	assert_int_equal(map(f, SZ_1G, SZ_1G, SZ_1G), 0);
	free_before = sim_pool_free(&f->pool);
	assert_int_equal(pgt_s2_unmap(&f->pgt, ipa_init(SZ_1G + 0x7000), 1), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	/* SPEC §4.2: 511 2 MiB blocks plus a table of 511 pages. */
	assert_int_equal(st.leaves[1], 0);
	assert_int_equal(st.leaves[2], 511);
	assert_int_equal(st.leaves[3], 511);
	assert_int_equal(free_before - sim_pool_free(&f->pool), 2);
	assert_int_equal(tbl_leaf(&f->pgt, SZ_1G + 0x7000, &level), 0);
	assert_int_equal(pte_out(tbl_leaf(&f->pgt, SZ_1G + 0x8000, &level)), SZ_1G + 0x8000);
	assert_int_equal(pte_out(tbl_leaf(&f->pgt, SZ_1G + 5 * SZ_2M + 0x8000, &level)),
			 SZ_1G + 5 * SZ_2M);
	assert_int_equal(level, 2);
}

static void unmap_everything_frees_every_table(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };

	assert_int_equal(map(f, 0x5000, 3 * SZ_2M, SZ_1G + 0x5000), 0);
	assert_int_equal(pgt_s2_unmap(&f->pgt, ipa_init(0), PAGES(SZ_1G)), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	/* SPEC §4.3: a table left without a leaf is freed in the same operation. */
	assert_int_equal(st.tables, 1);
	assert_int_equal(sim_pool_free(&f->pool), sim_pool_size(&f->pool) - 1);
}

static void unmap_of_nothing_creates_no_table(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };

	assert_int_equal(pgt_s2_unmap(&f->pgt, ipa_init(0x3000), 5), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.tables, 1);
}

static void bbm_invalidates_before_new_block(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));
	int brk, inval, make, freed;

	assert_int_equal(map(f, 0, 3 * SZ_4K, SZ_1G), 0);
	ev_log_attach(log, &f->sim);
	/* A 2 MiB block over the L3 table: break, invalidate the span, make, then free. */
	assert_int_equal(map(f, 0, SZ_2M, 2 * SZ_1G), 0);
	brk = ev_log_find(log, 0, SIM_EV_STORE);
	assert_true(brk >= 0);
	assert_int_equal(log->ev[brk].new_pte, 0);
	assert_true(pte_is_table(log->ev[brk].old, 2));
	inval = ev_log_find(log, (u32)brk, SIM_EV_TLBI_RANGE);
	assert_true(inval > brk);
	assert_int_equal(log->ev[inval].ia, 0);
	assert_int_equal(log->ev[inval].size, SZ_2M);
	make = ev_log_find(log, (u32)inval, SIM_EV_STORE);
	assert_true(make > inval);
	assert_int_equal(pte_out(log->ev[make].new_pte), 2 * SZ_1G);
	freed = ev_log_find(log, 0, SIM_EV_PAGE_FREE);
	assert_true(freed > inval);
	tbl_check(&f->sim, &f->pgt, NULL);
	test_free(log);
}

/* A page mapped at 0x4000 (to 1 GiB), and a log of what the table does next. */
static struct ev_log *page_then_log(struct tbl_fixture *f)
{
	struct ev_log *log = test_malloc(sizeof(*log));

	assert_int_equal(map(f, 0x4000, SZ_4K, SZ_1G), 0);
	ev_log_attach(log, &f->sim);
	return log;
}

static void remap_with_new_output_is_break_before_make(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = page_then_log(f);

	assert_int_equal(map(f, 0x4000, SZ_4K, 2 * SZ_1G), 0);
	assert_int_equal(log->n, 3);
	assert_int_equal(log->ev[0].kind, SIM_EV_STORE);
	assert_int_equal(log->ev[0].new_pte, 0);
	assert_int_equal(log->ev[1].kind, SIM_EV_TLBI_LEAF);
	assert_int_equal(log->ev[1].ia, 0x4000);
	assert_int_equal(log->ev[1].level, 3);
	assert_int_equal(log->ev[2].kind, SIM_EV_STORE);
	assert_int_equal(pte_out(log->ev[2].new_pte), 2 * SZ_1G);
	test_free(log);
}

static void permission_change_is_in_place_then_invalidated(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = page_then_log(f);

	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0x4000), 1, pa_init(SZ_1G), PGT_PROT_R,
				    PGT_MEM_NORMAL),
			 0);
	/* S12: one store, no break, then the invalidation. */
	assert_int_equal(log->n, 2);
	assert_int_equal(log->ev[0].kind, SIM_EV_STORE);
	assert_true(pte_valid(log->ev[0].new_pte));
	assert_int_equal(log->ev[1].kind, SIM_EV_TLBI_LEAF);
	test_free(log);
}

static void enomem_changes_nothing(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));
	struct tbl_stats before = { 0 }, after = { 0 };

	assert_int_equal(map(f, SZ_1G, SZ_1G, SZ_1G), 0);
	tbl_check(&f->sim, &f->pgt, &before);
	/* Splitting the block for one page needs 2 table pages; offer 1. */
	sim_pool_hide(&f->pool, sim_pool_free(&f->pool) - 1);
	ev_log_attach(log, &f->sim);
	assert_int_equal(pgt_s2_unmap(&f->pgt, ipa_init(SZ_1G + 0x7000), 1), -ENOMEM);
	assert_int_equal(log->n, 0);
	tbl_check(&f->sim, &f->pgt, &after);
	assert_memory_equal(&before, &after, sizeof(before));
	sim_pool_unhide(&f->pool);
	test_free(log);
}

static void enomem_boundary_is_exact(void **state)
{
	struct tbl_fixture *f = *state;

	/* A misaligned output: 512 pages of 2 MiB at L3 need L1 + L2 + one L3 table. */
	sim_pool_hide(&f->pool, sim_pool_free(&f->pool) - 2);
	assert_int_equal(map(f, 0, SZ_2M, SZ_1G + SZ_4K), -ENOMEM);
	sim_pool_unhide(&f->pool);
	sim_pool_hide(&f->pool, sim_pool_free(&f->pool) - 3);
	assert_int_equal(map(f, 0, SZ_2M, SZ_1G + SZ_4K), 0);
	assert_int_equal(sim_pool_free(&f->pool), 0);
	sim_pool_unhide(&f->pool);
	tbl_check(&f->sim, &f->pgt, NULL);
}

static void set_owner_writes_annotation_blocks(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };
	u32 level;

	assert_int_equal(pgt_s2_set_owner(&f->pgt, ipa_init(SZ_2M), PAGES(SZ_2M) + 1, 7), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.annotations[2], 1);
	assert_int_equal(st.annotations[3], 1);
	assert_int_equal(tbl_leaf(&f->pgt, SZ_2M + 0x1000, &level), 7ULL << 2);
	assert_int_equal(level, 2);
}

static void split_annotation_keeps_owner_on_the_rest(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };
	u32 level;

	assert_int_equal(pgt_s2_set_owner(&f->pgt, ipa_init(0), PAGES(SZ_2M), 1), 0);
	assert_int_equal(map(f, 0x5000, SZ_4K, SZ_1G), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.annotations[3], 511);
	assert_int_equal(tbl_leaf(&f->pgt, 0x6000, &level), 1ULL << 2);
	assert_int_equal(level, 3);
}

static void map_block_replaces_table(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };

	assert_int_equal(map(f, 0x1000, 5 * SZ_4K, SZ_1G + 0x1000), 0);
	assert_int_equal(map(f, 0, SZ_1G, 3 * SZ_1G), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.tables, 2);
	assert_int_equal(st.leaves[1], 1);
	assert_int_equal(st.leaves[3], 0);
}

static void malformed_arguments_are_einval(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));

	ev_log_attach(log, &f->sim);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 0, pa_init(0), PGT_PROT_R, 0), -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0x10), 1, pa_init(0), PGT_PROT_R, 0),
			 -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(1ULL << 40), 1, pa_init(0), PGT_PROT_R, 0),
			 -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init((1ULL << 40) - SZ_4K), 2, pa_init(0),
				    PGT_PROT_R, 0),
			 -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 1, pa_init(1ULL << 48), PGT_PROT_R, 0),
			 -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 1, pa_init(0), 0, 0), -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 1, pa_init(0), 8, 0), -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 1, pa_init(0), PGT_PROT_RWX,
				    PGT_MEM_DEVICE),
			 -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 1, pa_init(0), PGT_PROT_R, 2), -EINVAL);
	assert_int_equal(pgt_s2_set_owner(&f->pgt, ipa_init(0), 1, 256), -EINVAL);
	assert_int_equal(pgt_s2_unmap(&f->pgt, ipa_init(0), UINT64_MAX), -EINVAL);
	assert_int_equal(pgt_s1_map(&f->pgt, va_init(0), 1, pa_init(0), PGT_PROT_R, 0),
			 -EOPNOTSUPP);
	assert_int_equal(log->n, 0);
	test_free(log);
}

static void device_mapping_encodes_memattr_and_xn(void **state)
{
	struct tbl_fixture *f = *state;
	pte_t e;

	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 1, pa_init(0x9000000), PGT_PROT_RW,
				    PGT_MEM_DEVICE),
			 0);
	e = tbl_leaf(&f->pgt, 0, NULL);
	assert_int_equal(e & PTE_S2_MEMATTR_MASK, 1ULL << 2);
	assert_int_equal(e & PTE_S2_XN_MASK, 2ULL << 53);
	assert_int_equal(e & (PTE_S2_AP_R | PTE_S2_AP_W), PTE_S2_AP_R | PTE_S2_AP_W);
	assert_int_equal(e & (3ULL << 8), 3ULL << 8);
	assert_true(e & PTE_AF);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(errno_values_match_libc),
		T(map_first_page_creates_one_table_per_level),
		T(map_1g_block_when_input_and_output_aligned),
		T(map_uses_2m_blocks_when_output_only_2m_aligned),
		T(map_covers_left_to_right_with_largest_leaves),
		T(map_identical_leaf_changes_nothing),
		T(unmap_page_splits_1g_block_rest_preserved),
		T(unmap_everything_frees_every_table),
		T(unmap_of_nothing_creates_no_table),
		T(bbm_invalidates_before_new_block),
		T(remap_with_new_output_is_break_before_make),
		T(permission_change_is_in_place_then_invalidated),
		T(enomem_changes_nothing),
		T(enomem_boundary_is_exact),
		T(set_owner_writes_annotation_blocks),
		T(split_annotation_keeps_owner_on_the_rest),
		T(map_block_replaces_table),
		T(malformed_arguments_are_einval),
		T(device_mapping_encodes_memattr_and_xn),
	};

	return cmocka_run_group_tests_name("pgt_map", tests, NULL, NULL);
}
