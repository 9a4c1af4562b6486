// SPDX-License-Identifier: MIT
/*
 * Which errno comes first when a call is wrong in several ways at once
 * (SPEC §5, §5b, docs/semantics.md S2-S6, S20, S30): -EOPNOTSUPP (an
 * operation the table does not take), then -EINVAL (malformed), -ENOENT,
 * -EEXIST, -EPERM (page state), -EBUSY, and -ENOMEM last. Each call below
 * has every later error present too, so a check done out of order shows
 * in the return code; and a failed call changes nothing.
 */
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#define SZ_4K  0x1000ULL
#define SZ_1G  0x40000000ULL
#define PFN(a) ((a) >> 12)

/* QEMU virt-like: memory [1G, 3G), carve-out [1.5G, 1.5G + 4M), 40-bit IPA. */
#define MEM_PFN	  PFN(SZ_1G + 0x1000000)
#define CARVE_PFN PFN(0x60000000ULL)
#define MMIO_PFN  PFN(0x9000000ULL)
/* Memory whose host entries are not there yet: annotating it needs tables. */
#define FRESH_PFN PFN(2 * SZ_1G + 0x4000000)

static void hide_pools(struct machine *m)
{
	sim_pool_hide(&m->host_pool, sim_pool_free(&m->host_pool));
	sim_pool_hide(&m->hyp_pool, sim_pool_free(&m->hyp_pool));
}

static void unhide_pools(struct machine *m)
{
	sim_pool_unhide(&m->host_pool);
	sim_pool_unhide(&m->hyp_pool);
}

static void malformed_range_is_einval_before_page_state_and_pool(void **state)
{
	struct machine *m = *state;

	hide_pools(m);
	/* Overflowing, empty, or leaving the physical address space (S2). */
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, MMIO_PFN, UINT64_MAX), -EINVAL);
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, CARVE_PFN, 0), -EINVAL);
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, PFN(1ULL << 40) - 1, 2), -EINVAL);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, CARVE_PFN, 0), -EINVAL);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, MEM_PFN, UINT64_MAX - 1), -EINVAL);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, PFN(1ULL << 40), 1), -EINVAL);
	unhide_pools(m);
}

static void page_state_of_range_is_eperm_before_enomem(void **state)
{
	struct machine *m = *state;

	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, FRESH_PFN + 5), 0);
	hide_pools(m);
	/* One page of the range shared, or past the end of memory, or the carve-out. */
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, FRESH_PFN, 8), -EPERM);
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, PFN(3 * SZ_1G) - 1, 2), -EPERM);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, CARVE_PFN - 1, 2), -EPERM);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, FRESH_PFN + 9, 3), -EPERM);
	/* The pools are short indeed: a host-owned range in another 2 MiB. */
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, FRESH_PFN + 1024, 3), -ENOMEM);
	unhide_pools(m);
}

static void vm_create_on_dead_slot_is_eperm_before_ebusy_before_enomem(void **state)
{
	struct machine *m = *state;

	assert_int_equal(pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN), 0);
	assert_int_equal(pkvm_vm_topup(&m->pkvm, 0, MEM_PFN + 1), 0);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, MEM_PFN + 2), 0);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	hide_pools(m);
	/* Slot 0 still holds the dead VM's pages, and each pgd is wrong as well. */
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 31, MMIO_PFN), -EINVAL);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, PFN(1ULL << 40)), -EINVAL);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, MMIO_PFN), -EPERM);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, CARVE_PFN), -EPERM);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN), -EPERM);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN + 2), -EPERM);
	/* A good pgd: the dead slot, not the empty pool. */
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, FRESH_PFN), -EBUSY);
	/* The pool is short indeed: a free slot with the same pgd. */
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 1, 40, FRESH_PFN), -ENOMEM);
	unhide_pools(m);
}

static void dead_vm_gfn_is_einval_before_eperm(void **state)
{
	struct machine *m = *state;

	assert_int_equal(pkvm_vm_create(&m->pkvm, 0, 36, MEM_PFN), 0);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	/* S20: a dead VM's gfn is still range-checked first (36-bit IPA). */
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, MMIO_PFN, PFN(1ULL << 36)),
			       -EINVAL);
	assert_fails_unchanged(
		m, pkvm_host_share_guest(&m->pkvm, 0, MMIO_PFN, PFN(1ULL << 36), PGT_PROT_R),
		-EINVAL);
	assert_fails_unchanged(m, pkvm_host_unshare_guest(&m->pkvm, 0, PFN(1ULL << 36)), -EINVAL);
	assert_fails_unchanged(m, pkvm_guest_relinquish(&m->pkvm, 0, PFN(1ULL << 36)), -EINVAL);
	/* A bad prot comes before the missing VM of a free slot. */
	assert_fails_unchanged(m, pkvm_host_share_guest(&m->pkvm, 1, MMIO_PFN, 0, 0x8), -EINVAL);
	assert_fails_unchanged(m, pkvm_host_share_guest(&m->pkvm, 1, MMIO_PFN, 0, PGT_PROT_R),
			       -ENOENT);
}

/* S30: a stage-1 table does not take these, whatever their arguments. */
static void stage2_range_ops_on_stage1_are_eopnotsupp_before_einval(void **state)
{
	struct tbl_fixture *f = tbl_fixture_new(PGT_HYP_S1, 48, 8);
	struct pgt *s1 = &f->pgt;

	assert_int_equal(pgt_s2_map(s1, ipa_init(0x1008), 0, pa_init(3), 0, 7), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_unmap(s1, ipa_init(0x1008), 0), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_set_owner(s1, ipa_init(0x1008), 0, 999), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_wrprotect(s1, ipa_init(0x1008), 0), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_mkold(s1, ipa_init(0x1008), 0), -EOPNOTSUPP);
	assert_int_equal(pgt_s2_split(s1, ipa_init(0x1008), 0), -EOPNOTSUPP);
	tbl_fixture_free(f);
	f = tbl_fixture_new(PGT_GUEST_S2, 39, 8);
	assert_int_equal(pgt_s1_map(&f->pgt, va_init(0x1008), 0, pa_init(3), 0, 7), -EOPNOTSUPP);
	assert_int_equal(pgt_s1_unmap(&f->pgt, va_init(0x1008), 0), -EOPNOTSUPP);
	tbl_fixture_free(f);
}

static void table_range_einval_before_enomem(void **state)
{
	struct tbl_fixture *f = tbl_fixture_new(PGT_GUEST_S2, 39, 8);
	struct pgt *t = &f->pgt;
	u64 end = 1ULL << 39;

	/* A 1 GiB block to split, then no free table page at all. */
	assert_int_equal(pgt_s2_map(t, ipa_init(0), 1ULL << 18, pa_init(SZ_1G), PGT_PROT_R, 0), 0);
	sim_pool_hide(&f->pool, sim_pool_free(&f->pool));
	assert_int_equal(pgt_s2_map(t, ipa_init(SZ_4K), 0, pa_init(0), PGT_PROT_R, 0), -EINVAL);
	assert_int_equal(pgt_s2_map(t, ipa_init(SZ_4K), 1, pa_init(0), 0x8, 0), -EINVAL);
	assert_int_equal(pgt_s2_map(t, ipa_init(SZ_4K), 1, pa_init(0), PGT_PROT_X, 1), -EINVAL);
	assert_int_equal(pgt_s2_map(t, ipa_init(end - SZ_4K), 2, pa_init(0), PGT_PROT_R, 0),
			 -EINVAL);
	assert_int_equal(
		pgt_s2_map(t, ipa_init(SZ_4K), 2, pa_init((1ULL << 48) - SZ_4K), PGT_PROT_R, 0),
		-EINVAL);
	assert_int_equal(pgt_s2_set_owner(t, ipa_init(SZ_4K), 1, 256), -EINVAL);
	assert_int_equal(pgt_s2_unmap(t, ipa_init(end - SZ_4K), 2), -EINVAL);
	assert_int_equal(pgt_s2_split(t, ipa_init(SZ_4K), UINT64_MAX), -EINVAL);
	/* The pool is short indeed: well-formed, these need tables. */
	assert_int_equal(pgt_s2_unmap(t, ipa_init(SZ_4K), 1), -ENOMEM);
	assert_int_equal(pgt_s2_split(t, ipa_init(SZ_4K), 1), -ENOMEM);
	tbl_check(&f->sim, t, NULL);
	sim_pool_unhide(&f->pool);
	tbl_fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			malformed_range_is_einval_before_page_state_and_pool, machine_setup_virt,
			machine_teardown),
		cmocka_unit_test_setup_teardown(page_state_of_range_is_eperm_before_enomem,
						machine_setup_virt, machine_teardown),
		cmocka_unit_test_setup_teardown(
			vm_create_on_dead_slot_is_eperm_before_ebusy_before_enomem,
			machine_setup_virt, machine_teardown),
		cmocka_unit_test_setup_teardown(dead_vm_gfn_is_einval_before_eperm,
						machine_setup_virt, machine_teardown),
		cmocka_unit_test(stage2_range_ops_on_stage1_are_eopnotsupp_before_einval),
		cmocka_unit_test(table_range_einval_before_enomem),
	};

	return cmocka_run_group_tests_name("errno_order", tests, NULL, NULL);
}
