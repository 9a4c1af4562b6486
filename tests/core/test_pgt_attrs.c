// SPDX-License-Identifier: MIT
/*
 * Attribute operations that never split (SPEC §5b, S14), eager splitting
 * (S15), get_leaf, and hyp stage-1 mappings (S8).
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

static int setup_s2(void **state)
{
	*state = tbl_fixture_new(PGT_GUEST_S2, 39, 2048);
	return 0;
}

static int setup_s1(void **state)
{
	*state = tbl_fixture_new(PGT_HYP_S1, 48, 64);
	return 0;
}

static int teardown(void **state)
{
	struct tbl_fixture *f = *state;

	tbl_check(&f->sim, &f->pgt, NULL);
	tbl_fixture_free(f);
	return 0;
}

static void map_rw(struct tbl_fixture *f, u64 ia, u64 size, u64 pa)
{
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(ia), size / SZ_4K, pa_init(pa), PGT_PROT_RW,
				    PGT_MEM_NORMAL),
			 0);
}

static void wrprotect_never_splits_and_invalidates_each_leaf(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));
	struct tbl_stats st = { 0 };

	map_rw(f, 0, SZ_2M, SZ_1G);
	map_rw(f, SZ_2M, 2 * SZ_4K, 2 * SZ_1G);
	ev_log_attach(log, &f->sim);
	/* One page of the block and the first page after it. */
	assert_int_equal(pgt_s2_wrprotect(&f->pgt, ipa_init(SZ_2M - SZ_4K), 2), 0);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.leaves[2], 1);
	assert_int_equal(tbl_leaf(&f->pgt, 0, NULL) & PTE_S2_AP_W, 0);
	assert_int_equal(tbl_leaf(&f->pgt, SZ_2M, NULL) & PTE_S2_AP_W, 0);
	assert_int_equal(tbl_leaf(&f->pgt, SZ_2M + SZ_4K, NULL) & PTE_S2_AP_W, PTE_S2_AP_W);
	assert_int_equal(ev_log_count(log, SIM_EV_TLBI_LEAF), 2);
	assert_int_equal(ev_log_count(log, SIM_EV_STORE), 2);
	test_free(log);
}

static void mkold_reports_young_and_does_not_invalidate(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));

	map_rw(f, 0, 4 * SZ_4K, SZ_1G);
	ev_log_attach(log, &f->sim);
	assert_int_equal(pgt_s2_mkold(&f->pgt, ipa_init(SZ_4K), 2), 1);
	assert_int_equal(tbl_leaf(&f->pgt, SZ_4K, NULL) & PTE_AF, 0);
	assert_int_equal(tbl_leaf(&f->pgt, 0, NULL) & PTE_AF, PTE_AF);
	assert_int_equal(pgt_s2_mkold(&f->pgt, ipa_init(SZ_4K), 2), 0);
	assert_int_equal(pgt_s2_mkold(&f->pgt, ipa_init(SZ_1G), 2), 0);
	assert_int_equal(ev_log_count(log, SIM_EV_TLBI_LEAF), 0);
	assert_int_equal(pgt_s2_mkyoung(&f->pgt, ipa_init(2 * SZ_4K)), 0);
	assert_int_equal(tbl_leaf(&f->pgt, 2 * SZ_4K, NULL) & PTE_AF, PTE_AF);
	assert_int_equal(ev_log_count(log, SIM_EV_TLBI_LEAF), 0);
	test_free(log);
}

static void mkyoung_and_relax_without_leaf_are_eagain(void **state)
{
	struct tbl_fixture *f = *state;

	assert_int_equal(pgt_s2_mkyoung(&f->pgt, ipa_init(0x5000)), -EAGAIN);
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(0x5000), PGT_PROT_R), -EAGAIN);
	assert_int_equal(pgt_s2_set_owner(&f->pgt, ipa_init(0x5000), 1, 2), 0);
	assert_int_equal(pgt_s2_mkyoung(&f->pgt, ipa_init(0x5000)), -EAGAIN);
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(0x5000), 0), -EINVAL);
	assert_int_equal(pgt_s2_mkyoung(&f->pgt, ipa_init(0x5001)), -EINVAL);
}

static void relax_perms_adds_never_removes(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));
	u32 level;
	pte_t e;

	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 512, pa_init(SZ_1G), PGT_PROT_R,
				    PGT_MEM_NORMAL),
			 0);
	ev_log_attach(log, &f->sim);
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(0x3000), PGT_PROT_X), 0);
	e = tbl_leaf(&f->pgt, 0, &level);
	assert_int_equal(level, 2);
	assert_int_equal(e & (PTE_S2_AP_R | PTE_S2_AP_W | PTE_S2_XN_MASK), PTE_S2_AP_R);
	assert_int_equal(ev_log_count(log, SIM_EV_TLBI_LEAF), 1);
	/* Already there: nothing to do. */
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(0x3000), PGT_PROT_R), 0);
	assert_int_equal(log->n, 2);
	test_free(log);
}

static void split_breaks_1g_block_to_pages(void **state)
{
	struct tbl_fixture *f = *state;
	struct tbl_stats st = { 0 };
	u64 free_before;
	u32 level;

	map_rw(f, SZ_1G, SZ_1G, 3 * SZ_1G);
	free_before = sim_pool_free(&f->pool);
	/* S15: one page in range breaks the whole block, 1 + 512 tables. */
	assert_int_equal(pgt_s2_split(&f->pgt, ipa_init(SZ_1G + 5 * SZ_2M), 1), 0);
	assert_int_equal(free_before - sim_pool_free(&f->pool), 513);
	tbl_check(&f->sim, &f->pgt, &st);
	assert_int_equal(st.leaves[3], 512 * 512);
	assert_int_equal(pte_out(tbl_leaf(&f->pgt, SZ_1G + 77 * SZ_2M + 3 * SZ_4K, &level)),
			 3 * SZ_1G + 77 * SZ_2M + 3 * SZ_4K);
	assert_int_equal(level, 3);
}

static void split_enomem_changes_nothing(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));
	u32 level;

	map_rw(f, 0, 2 * SZ_2M, SZ_1G);
	sim_pool_hide(&f->pool, sim_pool_free(&f->pool) - 1);
	ev_log_attach(log, &f->sim);
	assert_int_equal(pgt_s2_split(&f->pgt, ipa_init(0), 1024), -ENOMEM);
	assert_int_equal(log->n, 0);
	tbl_leaf(&f->pgt, 0, &level);
	assert_int_equal(level, 2);
	sim_pool_unhide(&f->pool);
	test_free(log);
}

static void get_leaf_reports_level_and_entry(void **state)
{
	struct tbl_fixture *f = *state;
	u32 level;

	/* 39-bit IPA: the root is level 1. */
	assert_int_equal(f->pgt.start_level, 1);
	assert_int_equal(tbl_leaf(&f->pgt, 0x7000, &level), 0);
	assert_int_equal(level, 1);
	map_rw(f, 0x7000, SZ_4K, SZ_1G);
	assert_int_equal(tbl_leaf(&f->pgt, 0x8000, &level), 0);
	assert_int_equal(level, 3);
	assert_int_equal(pgt_get_leaf(&f->pgt, 1ULL << 39, &(pte_t){ 0 }, &level), -EINVAL);
}

static void fault_map_checks_arguments(void **state)
{
	struct tbl_fixture *f = *state;
	u32 level;

	assert_int_equal(pgt_s2_fault_map(&f->pgt, ipa_init(0x1008), 3, pa_init(SZ_1G), PGT_PROT_R,
					  PGT_MEM_NORMAL),
			 -EINVAL);
	assert_int_equal(pgt_s2_fault_map(&f->pgt, ipa_init(0x1000), 3, pa_init(SZ_1G + 4), PGT_PROT_R,
					  PGT_MEM_NORMAL),
			 -EINVAL);
	assert_int_equal(pgt_s2_fault_map(&f->pgt, ipa_init(0x1000), 0, pa_init(SZ_1G), PGT_PROT_R,
					  PGT_MEM_NORMAL),
			 -EINVAL);
	assert_int_equal(pgt_s2_fault_map(&f->pgt, ipa_init(0x1000), 3, pa_init(SZ_1G), 0,
					  PGT_MEM_NORMAL),
			 -EINVAL);
	/* S31: a 2 MiB fault maps the aligned block to the aligned output. */
	assert_int_equal(pgt_s2_fault_map(&f->pgt, ipa_init(SZ_2M + 0x5000), 2,
					  pa_init(SZ_1G + 0x7000), PGT_PROT_R, PGT_MEM_NORMAL),
			 0);
	assert_int_equal(pte_out(tbl_leaf(&f->pgt, SZ_2M, &level)), SZ_1G);
	assert_int_equal(level, 2);
}

static void stage1_map_encodes_ap_attrindx_xn(void **state)
{
	struct tbl_fixture *f = *state;
	u32 level;
	pte_t e;

	assert_int_equal(pgt_s1_map(&f->pgt, va_init(0x800000001000ULL), 1, pa_init(SZ_1G),
				    PGT_PROT_RW, PGT_MEM_NORMAL),
			 0);
	e = tbl_leaf(&f->pgt, 0x800000001000ULL, &level);
	assert_int_equal(level, 3);
	assert_int_equal(e, SZ_1G | PTE_S1_AP_RW | PTE_SH_INNER | PTE_AF | PTE_S1_XN | 3);
	assert_int_equal(pgt_s1_map(&f->pgt, va_init(0x800000002000ULL), 1, pa_init(SZ_1G),
				    PGT_PROT_R | PGT_PROT_X, PGT_MEM_NORMAL),
			 0);
	e = tbl_leaf(&f->pgt, 0x800000002000ULL, &level);
	assert_int_equal(e, SZ_1G | PTE_S1_AP_RO | PTE_SH_INNER | PTE_AF | 3);
	assert_int_equal(pgt_s1_map(&f->pgt, va_init(0x800000003000ULL), 1, pa_init(0x9000000),
				    PGT_PROT_RW, PGT_MEM_DEVICE),
			 0);
	e = tbl_leaf(&f->pgt, 0x800000003000ULL, &level);
	assert_int_equal(e & PTE_S1_ATTRINDX_MASK, PTE_S1_ATTRINDX_DEVICE);
	assert_int_equal(pgt_s1_unmap(&f->pgt, va_init(0x800000000000ULL), 16), 0);
	assert_int_equal(tbl_leaf(&f->pgt, 0x800000001000ULL, &level), 0);
	assert_int_equal(level, 0);
}

static void stage1_rejects_write_only_and_stage2_ops(void **state)
{
	struct tbl_fixture *f = *state;

	assert_int_equal(pgt_s1_map(&f->pgt, va_init(0), 1, pa_init(0), PGT_PROT_W, 0), -EINVAL);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0), 1, pa_init(0), PGT_PROT_R, 0),
			 -EOPNOTSUPP);
	assert_int_equal(pgt_s2_set_owner(&f->pgt, ipa_init(0), 1, 1), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_wrprotect(&f->pgt, ipa_init(0), 1), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_mkold(&f->pgt, ipa_init(0), 1), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_mkyoung(&f->pgt, ipa_init(0)), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(0), 1), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_split(&f->pgt, ipa_init(0), 1), -EOPNOTSUPP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(wrprotect_never_splits_and_invalidates_each_leaf,
						setup_s2, teardown),
		cmocka_unit_test_setup_teardown(mkold_reports_young_and_does_not_invalidate,
						setup_s2, teardown),
		cmocka_unit_test_setup_teardown(mkyoung_and_relax_without_leaf_are_eagain, setup_s2,
						teardown),
		cmocka_unit_test_setup_teardown(relax_perms_adds_never_removes, setup_s2, teardown),
		cmocka_unit_test_setup_teardown(split_breaks_1g_block_to_pages, setup_s2, teardown),
		cmocka_unit_test_setup_teardown(split_enomem_changes_nothing, setup_s2, teardown),
		cmocka_unit_test_setup_teardown(get_leaf_reports_level_and_entry, setup_s2,
						teardown),
		cmocka_unit_test_setup_teardown(fault_map_checks_arguments, setup_s2, teardown),
		cmocka_unit_test_setup_teardown(stage1_map_encodes_ap_attrindx_xn, setup_s1,
						teardown),
		cmocka_unit_test_setup_teardown(stage1_rejects_write_only_and_stage2_ops, setup_s1,
						teardown),
	};

	return cmocka_run_group_tests_name("pgt_attrs", tests, NULL, NULL);
}
