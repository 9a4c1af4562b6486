// SPDX-License-Identifier: MIT
/*
 * Error precedence (§5, S20): EINVAL, ENOENT, EEXIST, EPERM, EBUSY, ENOMEM,
 * first hit wins, and an error changes nothing.
 * Machine A: memory [1 GiB, 3 GiB), carve-out [1 GiB, 1 GiB + 2 MiB),
 * 4 VM slots, PA space 2^32 (2^20 pages).
 */
#include "ref_test.h"

#define TOP    (1ull << 20) /* first pfn beyond the space */
#define HOSTPG PFN(0x90000000)
#define HYPPG  PFN(0x40000000)
#define MMIOPG PFN(0xc0000000)

/* Slot 0 live (ia 32), slot 1 dead with pages, slots 2-3 free. */
static int setup(void **state)
{
	struct ref *r;

	fixture_setup_a(state);
	r = &((struct ref_fixture *)*state)->ref;
	assert_int_equal(ref_vm_create(r, 0, 32, PFN(0x80000000)), 0);
	assert_int_equal(ref_vm_topup(r, 0, PFN(0x80001000)), 0);
	assert_int_equal(ref_vm_topup(r, 0, PFN(0x80002000)), 0);
	assert_int_equal(ref_host_donate_guest(r, 0, PFN(0x80003000), 0), 0);
	assert_int_equal(ref_vm_create(r, 1, 32, PFN(0x80100000)), 0);
	assert_int_equal(ref_vm_teardown(r, 1), 0);
	return 0;
}

static void error_precedence_einval_before_enoent(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	/* vm id out of range beats everything */
	assert_int_equal(ref_vm_topup(r, 4, HOSTPG), -REF_EINVAL);
	assert_int_equal(ref_vm_teardown(r, 4), -REF_EINVAL);
	assert_int_equal(ref_host_unshare_guest(r, UINT32_MAX, 0), -REF_EINVAL);
	assert_int_equal(ref_guest_relinquish(r, 4, 0), -REF_EINVAL);
	/* pfn and prot are checked before the slot */
	assert_int_equal(ref_vm_topup(r, 2, TOP), -REF_EINVAL);
	assert_int_equal(ref_host_donate_guest(r, 2, TOP, 0), -REF_EINVAL);
	assert_int_equal(ref_host_share_guest(r, 2, HOSTPG, 0, 0), -REF_EINVAL);
	assert_int_equal(ref_host_share_guest(r, 2, HOSTPG, 0, 0x10), -REF_EINVAL);
	/* the gfn cannot be checked without a VM: ENOENT */
	assert_int_equal(ref_host_donate_guest(r, 2, HOSTPG, UINT64_MAX), -REF_ENOENT);
	assert_int_equal(ref_host_share_guest(r, 2, HOSTPG, UINT64_MAX, REF_PROT_R), -REF_ENOENT);
	assert_int_equal(ref_host_unshare_guest(r, 2, UINT64_MAX), -REF_ENOENT);
	assert_int_equal(ref_guest_relinquish(r, 2, UINT64_MAX), -REF_ENOENT);
	assert_int_equal(ref_vm_topup(r, 2, HOSTPG), -REF_ENOENT);
	assert_int_equal(ref_vm_teardown(r, 2), -REF_ENOENT);
}

static void error_precedence_gfn_einval_before_eperm(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	uint64_t bad_gfn = 1ull << 20; /* ia_bits 32 */

	/* live VM, bad gfn and a non-host page: EINVAL */
	assert_int_equal(ref_host_donate_guest(r, 0, HYPPG, bad_gfn), -REF_EINVAL);
	assert_int_equal(ref_host_share_guest(r, 0, HYPPG, bad_gfn, REF_PROT_R), -REF_EINVAL);
	assert_int_equal(ref_host_unshare_guest(r, 0, bad_gfn), -REF_EINVAL);
	assert_int_equal(ref_guest_relinquish(r, 0, bad_gfn), -REF_EINVAL);
	/* dead VM: gfn still range-checked first (S20), then EPERM */
	assert_int_equal(ref_host_donate_guest(r, 1, HOSTPG, bad_gfn), -REF_EINVAL);
	assert_int_equal(ref_host_donate_guest(r, 1, HOSTPG, 0), -REF_EPERM);
	assert_int_equal(ref_host_share_guest(r, 1, HOSTPG, 0, REF_PROT_R), -REF_EPERM);
	assert_int_equal(ref_host_unshare_guest(r, 1, 0), -REF_EPERM);
	assert_int_equal(ref_guest_relinquish(r, 1, 0), -REF_EPERM);
	assert_int_equal(ref_vm_topup(r, 1, HOSTPG), -REF_EPERM);
	assert_int_equal(ref_vm_teardown(r, 1), -REF_EPERM);
	/* max gfn of the space is fine */
	assert_int_equal(ref_host_donate_guest(r, 0, HOSTPG, bad_gfn - 1), -REF_ENOMEM);
}

static void error_precedence_vm_create(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_vm_create(r, 0, 31, HOSTPG), -REF_EINVAL);
	assert_int_equal(ref_vm_create(r, 0, 32, TOP), -REF_EINVAL);
	/* live slot: EEXIST beats a bad pgd */
	assert_int_equal(ref_vm_create(r, 0, 32, HYPPG), -REF_EEXIST);
	/* dead slot: a bad pgd is EPERM, a good one EBUSY */
	assert_int_equal(ref_vm_create(r, 1, 32, HYPPG), -REF_EPERM);
	assert_int_equal(ref_vm_create(r, 1, 32, MMIOPG), -REF_EPERM);
	assert_int_equal(ref_vm_create(r, 1, 32, HOSTPG), -REF_EBUSY);
	assert_int_equal(ref_vm_create(r, 2, 32, PFN(0x80000000)), -REF_EPERM);
}

static void error_precedence_eperm_before_ebusy(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_share_hyp(r, HOSTPG), 0);
	assert_int_equal(ref_hyp_pin(r, HOSTPG), 0);
	assert_int_equal(ref_host_unshare_hyp(r, HOSTPG), -REF_EBUSY);
	assert_int_equal(ref_host_unshare_hyp(r, HOSTPG + 1), -REF_EPERM);
	assert_int_equal(ref_host_unshare_hyp(r, TOP), -REF_EINVAL);
	assert_int_equal(ref_host_unshare_hyp(r, MMIOPG), -REF_EPERM);
}

static void mmio_transitions_are_eperm(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_share_hyp(r, MMIOPG), -REF_EPERM);
	assert_int_equal(ref_hyp_pin(r, MMIOPG), -REF_EPERM);
	assert_int_equal(ref_host_donate_hyp(r, MMIOPG, 1), -REF_EPERM);
	assert_int_equal(ref_hyp_donate_host(r, MMIOPG, 1), -REF_EPERM);
	assert_int_equal(ref_vm_topup(r, 0, MMIOPG), -REF_EPERM);
	assert_int_equal(ref_host_donate_guest(r, 0, MMIOPG, 5), -REF_EPERM);
	assert_int_equal(ref_host_share_guest(r, 0, MMIOPG, 5, REF_PROT_R), -REF_EPERM);
	assert_int_equal(ref_host_reclaim_page(r, MMIOPG), -REF_EPERM);
	assert_int_equal(ref_host_reclaim_page(r, TOP), -REF_EINVAL);
	/* a live VM's page cannot be reclaimed, a dead VM's can */
	assert_int_equal(ref_host_reclaim_page(r, PFN(0x80001000)), -REF_EPERM);
	assert_int_equal(ref_host_reclaim_page(r, HOSTPG), -REF_EPERM);
	assert_int_equal(ref_host_reclaim_page(r, PFN(0x80100000)), 0);
}

static void range_checks_are_einval(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_donate_hyp(r, HOSTPG, 0), -REF_EINVAL);
	assert_int_equal(ref_host_donate_hyp(r, TOP - 1, 2), -REF_EINVAL);
	assert_int_equal(ref_host_donate_hyp(r, TOP - 1, 1), -REF_EPERM);
	assert_int_equal(ref_host_donate_hyp(r, 2, UINT64_MAX), -REF_EINVAL);
	assert_int_equal(ref_hyp_donate_host(r, HYPPG, 0), -REF_EINVAL);
	assert_int_equal(ref_hyp_donate_host(r, UINT64_MAX, 1), -REF_EINVAL);
	assert_int_equal(ref_host_share_hyp(r, UINT64_MAX), -REF_EINVAL);
	assert_int_equal(ref_hyp_unpin(r, TOP), -REF_EINVAL);
	assert_int_equal(ref_host_mem_abort(r, 0x1234), -REF_EINVAL);
}

/* Errors leave every stream, pool and page record as it was. */
static void errors_change_nothing(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct recs host, hyp, guest;
	uint64_t free_host = ref_pool_free(r, REF_POOL_HOST);
	size_t runs = ref_nr_page_runs(r);

	recs_of(r, REF_KIND_HOST_S2, 0, &host);
	recs_of(r, REF_KIND_HYP_S1, 0, &hyp);
	recs_of(r, REF_KIND_GUEST_S2, 0, &guest);
	ref_pool_hide(r, REF_POOL_HOST, 100);
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x80800000) + 1, 1), -REF_ENOMEM);
	assert_int_equal(ref_host_share_guest(r, 0, PFN(0x80800000) + 1, 9, REF_PROT_R),
			 -REF_ENOMEM);
	ref_pool_unhide(r, REF_POOL_HOST);
	assert_int_equal(ref_host_donate_guest(r, 0, PFN(0x80003000), 1), -REF_EPERM);
	assert_int_equal(ref_host_donate_guest(r, 0, HOSTPG, 1ull << 18), -REF_ENOMEM);
	assert_stream(r, REF_KIND_HOST_S2, 0, &host);
	assert_stream(r, REF_KIND_HYP_S1, 0, &hyp);
	assert_stream(r, REF_KIND_GUEST_S2, 0, &guest);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), free_host);
	assert_int_equal(ref_nr_page_runs(r), runs);
	recs_free(&host);
	recs_free(&hyp);
	recs_free(&guest);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(error_precedence_einval_before_enoent),
		T(error_precedence_gfn_einval_before_eperm),
		T(error_precedence_vm_create),
		T(error_precedence_eperm_before_ebusy),
		T(mmio_transitions_are_eperm),
		T(range_checks_are_einval),
		T(errors_change_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
