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

/*
 * S4, S14, S44: prot is a non-empty subset of RWX; anything else is -EINVAL,
 * as are an unaligned or out-of-range address, whether or not a leaf is
 * there (so never -EAGAIN), and nothing is stored or invalidated.
 */
static void relax_perms_refuses_bad_arguments_and_changes_nothing(void **state)
{
	static const u32 bad_prot[] = { 0, 0x8, PGT_PROT_R | 0x8, PGT_PROT_RWX | 0x10,
					PGT_PROT_W | 0x80000000U };
	static const u64 where[] = { 0x5000, SZ_2M + 3 * SZ_4K, SZ_1G };
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));
	u64 pool_free;
	pte_t page, block;

	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0x5000), 1, pa_init(SZ_1G), PGT_PROT_R,
				    PGT_MEM_NORMAL),
			 0);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(SZ_2M), SZ_2M / SZ_4K, pa_init(2 * SZ_1G),
				    PGT_PROT_R, PGT_MEM_NORMAL),
			 0);
	page = tbl_leaf(&f->pgt, 0x5000, NULL);
	block = tbl_leaf(&f->pgt, SZ_2M, NULL);
	pool_free = sim_pool_free(&f->pool);
	ev_log_attach(log, &f->sim);
	/* A page, a block, and an address with no leaf (SZ_1G). */
	for (u32 i = 0; i < sizeof(bad_prot) / sizeof(bad_prot[0]); i++) {
		for (u32 j = 0; j < sizeof(where) / sizeof(where[0]); j++) {
			int rc = pgt_s2_relax_perms(&f->pgt, ipa_init(where[j]), bad_prot[i]);

			if (rc != -EINVAL)
				print_error("relax_perms(%#llx, prot %#x) = %d, want -EINVAL\n",
					    (unsigned long long)where[j], bad_prot[i], rc);
			assert_int_equal(rc, -EINVAL);
		}
	}
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(0x5008), PGT_PROT_RW), -EINVAL);
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(1ULL << 39), PGT_PROT_RW), -EINVAL);
	assert_int_equal(log->n, 0);
	assert_int_equal(tbl_leaf(&f->pgt, 0x5000, NULL), page);
	assert_int_equal(tbl_leaf(&f->pgt, SZ_2M, NULL), block);
	assert_int_equal(sim_pool_free(&f->pool), pool_free);
	test_free(log);
}

/* One store in place and one invalidation of the leaf at its own level. */
static void assert_relaxed_in_place(struct ev_log *log, pte_t old, pte_t now, u64 base, u32 level)
{
	int store = ev_log_find(log, 0, SIM_EV_STORE);
	int tlbi = ev_log_find(log, 0, SIM_EV_TLBI_LEAF);

	assert_int_equal(log->n, 2);
	assert_true(store == 0 && tlbi == 1);
	assert_int_equal(log->ev[store].old, old);
	assert_int_equal(log->ev[store].new_pte, now);
	assert_int_equal(log->ev[tlbi].ia, base);
	assert_int_equal(log->ev[tlbi].level, level);
	ev_log_clear(log);
}

/* S14, S44: exactly the given permissions are added, X on a device leaf too. */
static void relax_perms_adds_exactly_the_given_permissions(void **state)
{
	struct tbl_fixture *f = *state;
	struct ev_log *log = test_malloc(sizeof(*log));
	u64 pool_free;
	pte_t old, now;

	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(SZ_2M), SZ_2M / SZ_4K, pa_init(2 * SZ_1G),
				    PGT_PROT_R, PGT_MEM_NORMAL),
			 0);
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(0x9000), 1, pa_init(0x9000000), PGT_PROT_RW,
				    PGT_MEM_DEVICE),
			 0);
	pool_free = sim_pool_free(&f->pool);
	ev_log_attach(log, &f->sim);
	/* W on the block, through a page inside it: the block, not a split. */
	old = tbl_leaf(&f->pgt, SZ_2M, NULL);
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(SZ_2M + 7 * SZ_4K), PGT_PROT_W), 0);
	now = tbl_leaf(&f->pgt, SZ_2M, NULL);
	assert_int_equal(now, old | PTE_S2_AP_W);
	assert_relaxed_in_place(log, old, now, SZ_2M, 2);
	/* Then X: execute-never goes, read and write stay. */
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(SZ_2M), PGT_PROT_X), 0);
	assert_int_equal(tbl_leaf(&f->pgt, SZ_2M, NULL), now & ~PTE_S2_XN_MASK);
	assert_relaxed_in_place(log, now, now & ~PTE_S2_XN_MASK, SZ_2M, 2);
	/* X on a device page is added as asked. */
	old = tbl_leaf(&f->pgt, 0x9000, NULL);
	assert_int_equal(old & PTE_S2_XN_MASK, PTE_S2_XN);
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(0x9000), PGT_PROT_X), 0);
	assert_relaxed_in_place(log, old, old & ~PTE_S2_XN_MASK, 0x9000, 3);
	/* Everything there already: 0, nothing written. */
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(SZ_2M), PGT_PROT_RWX), 0);
	assert_int_equal(log->n, 0);
	assert_int_equal(sim_pool_free(&f->pool), pool_free);
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
		cmocka_unit_test_setup_teardown(
			relax_perms_refuses_bad_arguments_and_changes_nothing, setup_s2, teardown),
		cmocka_unit_test_setup_teardown(relax_perms_adds_exactly_the_given_permissions,
						setup_s2, teardown),
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
