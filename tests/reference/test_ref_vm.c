// SPDX-License-Identifier: MIT
/*
 * VM transitions (§5, S20-S24): create, topup, donate/share to a guest,
 * unshare, relinquish, teardown, reclaim; guest tables from the memcache.
 * Machine A: memory [1 GiB, 3 GiB), carve-out [1 GiB, 1 GiB + 2 MiB).
 */
#include "ref_test.h"

#define GUEST_RWX 0x7fdull		    /* normal RWX SH AF */
#define GUEST_RW  (0x7fdull | (1ull << 54)) /* ... XN */
#define GUEST_R	  (0x77dull | (1ull << 54)) /* no S2AP W */

#define PGD    PFN(0x80000000)
#define MC0    PFN(0x80002000)
#define MC1    PFN(0x80003000)
#define DATA   PFN(0x80001000)
#define SHARED PFN(0x80010000)

/* VM @vm with @ia_bits, its pgd at 2 GiB, two memcache pages. */
static void make_vm(struct ref *r, unsigned int vm, unsigned int ia_bits)
{
	assert_int_equal(ref_vm_create(r, vm, ia_bits, PGD), 0);
	assert_int_equal(ref_vm_topup(r, vm, MC0), 0);
	assert_int_equal(ref_vm_topup(r, vm, MC1), 0);
}

static void vm_create_annotates_pgd_and_roots_the_guest(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct ref_page_state ps;

	assert_int_equal(ref_vm_create(r, 0, 32, PGD), 0);
	assert_true(ref_vm_live(r, 0));
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 5,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80000000, ANNOT_GUEST));
	assert_stream_is(r, REF_KIND_GUEST_S2, 0, 0);
	assert_int_equal(ref_table_pages(r, REF_KIND_GUEST_S2, 0), 1);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 12);
	ref_page(r, PGD, &ps);
	assert_int_equal(ps.owner, REF_OWNER_GUEST);
	assert_int_equal(ps.vm, 0);
	assert_int_equal(ps.role, REF_ROLE_PGD);
	assert_int_equal(ps.host, REF_NOPAGE);
	assert_int_equal(ref_vm_create(r, 0, 32, PFN(0x80100000)), -REF_EEXIST);
	assert_int_equal(ref_vm_create(r, 1, 32, PGD), -REF_EPERM);
	assert_int_equal(ref_vm_create(r, 1, 31, PFN(0x80100000)), -REF_EINVAL);
	assert_int_equal(ref_vm_create(r, 1, 49, PFN(0x80100000)), -REF_EINVAL);
	assert_int_equal(ref_vm_create(r, 4, 32, PFN(0x80100000)), -REF_EINVAL);
	assert_int_equal(ref_vm_create(r, 1, 48, PFN(0xc0000000)), -REF_EPERM);
	assert_int_equal(ref_vm_create(r, 1, 48, PFN(0x80100000)), 0);
}

static void topup_adds_memcache_pages(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct ref_page_state ps;

	assert_int_equal(ref_vm_topup(r, 0, MC0), -REF_ENOENT);
	make_vm(r, 0, 32);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 2);
	assert_int_equal(ref_pool_size(r, REF_POOL_VM(0)), 2);
	ref_page(r, MC1, &ps);
	assert_int_equal(ps.owner, REF_OWNER_GUEST);
	assert_int_equal(ps.role, REF_ROLE_MEMCACHE);
	assert_int_equal(ref_vm_topup(r, 0, MC1), -REF_EPERM);
	assert_int_equal(ref_vm_topup(r, 0, PFN(0x40000000)), -REF_EPERM);
	assert_int_equal(ref_vm_topup(r, 0, PFN(0xc0000000)), -REF_EPERM);
	assert_int_equal(ref_vm_topup(r, 0, 1ull << 20), -REF_EINVAL);
}

/* A first mapping under a level-1 root needs an L2 and an L3 table. */
static void donate_guest_enomem_when_memcache_empty(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_vm_create(r, 0, 32, PGD), 0);
	assert_int_equal(ref_host_donate_guest(r, 0, DATA, 0), -REF_ENOMEM);
	assert_int_equal(ref_vm_topup(r, 0, MC0), 0);
	assert_int_equal(ref_host_donate_guest(r, 0, DATA, 0), -REF_ENOMEM);
	assert_stream_is(r, REF_KIND_GUEST_S2, 0, 0);
	assert_int_equal(ref_vm_topup(r, 0, MC1), 0);
	/* a short host pool fails it too */
	ref_pool_hide(r, REF_POOL_HOST, 100);
	assert_int_equal(ref_host_donate_guest(r, 0, PFN(0x80200000), 0), -REF_ENOMEM);
	ref_pool_unhide(r, REF_POOL_HOST);
	assert_int_equal(ref_host_donate_guest(r, 0, DATA, 0), 0);
	assert_stream_is(r, REF_KIND_GUEST_S2, 0, 3,
			 R(1, 0, TABLE),
			 R(2, 0, TABLE),
			 R(3, 0, 0x80001000 | GUEST_RWX | S2_PAGE));
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 0);
	assert_int_equal(ref_table_pages(r, REF_KIND_GUEST_S2, 0), 3);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 8,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80000000, ANNOT_GUEST),
			 R(3, 0x80001000, ANNOT_GUEST),
			 R(3, 0x80002000, ANNOT_GUEST),
			 R(3, 0x80003000, ANNOT_GUEST));
	/* the gfn is taken now */
	assert_int_equal(ref_host_donate_guest(r, 0, PFN(0x80200000), 0), -REF_EPERM);
}

/* A 48-bit guest starts at level 0: three tables for the first page. */
static void donate_guest_level0_root_needs_three_tables(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	uint64_t gfn = PFN(0x8000201000);

	make_vm(r, 2, 48);
	assert_int_equal(ref_host_donate_guest(r, 2, DATA, gfn), -REF_ENOMEM);
	assert_int_equal(ref_vm_topup(r, 2, PFN(0x80004000)), 0);
	assert_int_equal(ref_host_donate_guest(r, 2, DATA, gfn), 0);
	assert_stream_is(r, REF_KIND_GUEST_S2, 2, 4,
			 R(0, 0x8000000000, TABLE),
			 R(1, 0x8000000000, TABLE),
			 R(2, 0x8000200000, TABLE),
			 R(3, 0x8000201000, 0x80001000 | GUEST_RWX | S2_PAGE));
	assert_int_equal(ref_host_donate_guest(r, 2, PFN(0x80005000), 1ull << 36), -REF_EINVAL);
}

static void share_and_unshare_guest(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct ref_page_state ps;

	make_vm(r, 0, 32);
	assert_int_equal(ref_host_share_guest(r, 0, SHARED, 1, 0), -REF_EINVAL);
	assert_int_equal(ref_host_share_guest(r, 0, SHARED, 1, 8), -REF_EINVAL);
	assert_int_equal(ref_host_share_guest(r, 0, SHARED, 1, REF_PROT_R | REF_PROT_W), 0);
	assert_stream_is(r, REF_KIND_GUEST_S2, 0, 3,
			 R(1, 0, TABLE),
			 R(2, 0, TABLE),
			 R(3, 0x1000, 0x80010000 | GUEST_RW | S2_PAGE | SW_BORROWED));
	ref_page(r, SHARED, &ps);
	assert_int_equal(ps.owner, REF_OWNER_HOST);
	assert_int_equal(ps.host, REF_SHARED_OWNED);
	assert_int_equal(ps.guest, REF_SHARED_BORROWED);
	assert_int_equal(ps.vm, 0);
	/* sharing again, or donating it, is refused */
	assert_int_equal(ref_host_share_guest(r, 0, SHARED, 2, REF_PROT_R), -REF_EPERM);
	assert_int_equal(ref_host_donate_guest(r, 0, SHARED, 2), -REF_EPERM);
	assert_int_equal(ref_host_share_hyp(r, SHARED), -REF_EPERM);
	/* relinquish needs an owned page, unshare a shared one */
	assert_int_equal(ref_guest_relinquish(r, 0, 1), -REF_EPERM);
	assert_int_equal(ref_host_unshare_guest(r, 0, 2), -REF_EPERM);
	assert_int_equal(ref_host_unshare_guest(r, 0, 1), 0);
	assert_stream_is(r, REF_KIND_GUEST_S2, 0, 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 2);
	/* the host keeps its page mapped, default, in place (S16) */
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 8,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80000000, ANNOT_GUEST),
			 R(3, 0x80002000, ANNOT_GUEST),
			 R(3, 0x80003000, ANNOT_GUEST),
			 R(3, 0x80010000, 0x80010000 | S2_HOST_MEM | S2_PAGE));
	ref_page(r, SHARED, &ps);
	assert_int_equal(ps.host, REF_OWNED);
	assert_int_equal(ps.guest, REF_NOPAGE);
}

static void relinquish_returns_page_zeroed(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct ref_page_state ps;

	make_vm(r, 0, 32);
	assert_int_equal(ref_host_donate_guest(r, 0, DATA, 7), 0);
	assert_int_equal(ref_host_unshare_guest(r, 0, 7), -REF_EPERM);
	assert_int_equal(ref_guest_relinquish(r, 0, 7), 0);
	assert_int_equal(ref_guest_relinquish(r, 0, 7), -REF_EPERM);
	assert_stream_is(r, REF_KIND_GUEST_S2, 0, 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 7,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80000000, ANNOT_GUEST),
			 R(3, 0x80002000, ANNOT_GUEST),
			 R(3, 0x80003000, ANNOT_GUEST));
	ref_page(r, DATA, &ps);
	assert_int_equal(ps.owner, REF_OWNER_HOST);
	assert_int_equal(ps.host, REF_OWNED);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 2);
}

/*
 * Teardown returns borrowed pages in place, frees the guest tables to the
 * memcache and keeps owned pages GUEST until reclaimed; the slot is free
 * once the last one is (S24).
 */
static void reclaim_last_page_frees_slot(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct ref_page_state ps;

	make_vm(r, 0, 32);
	assert_int_equal(ref_host_donate_guest(r, 0, DATA, 0), 0);
	assert_int_equal(ref_host_share_guest(r, 0, SHARED, 1, REF_PROT_R), 0);
	assert_stream_is(r, REF_KIND_GUEST_S2, 0, 4,
			 R(1, 0, TABLE),
			 R(2, 0, TABLE),
			 R(3, 0, 0x80001000 | GUEST_RWX | S2_PAGE),
			 R(3, 0x1000, 0x80010000 | GUEST_R | S2_PAGE | SW_BORROWED));
	assert_int_equal(ref_host_reclaim_page(r, DATA), -REF_EPERM);
	assert_int_equal(ref_vm_teardown(r, 0), 0);
	assert_false(ref_vm_live(r, 0));
	assert_int_equal(ref_vm_teardown(r, 0), -REF_EPERM);
	assert_stream_is(r, REF_KIND_GUEST_S2, 0, 0);
	assert_int_equal(ref_table_pages(r, REF_KIND_GUEST_S2, 0), 1);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 2);
	ref_page(r, SHARED, &ps);
	assert_int_equal(ps.owner, REF_OWNER_HOST);
	assert_int_equal(ps.host, REF_OWNED);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 9,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80000000, ANNOT_GUEST),
			 R(3, 0x80001000, ANNOT_GUEST),
			 R(3, 0x80002000, ANNOT_GUEST),
			 R(3, 0x80003000, ANNOT_GUEST),
			 R(3, 0x80010000, 0x80010000 | S2_HOST_MEM | S2_PAGE));
	/* the dead VM blocks its slot */
	assert_int_equal(ref_vm_create(r, 0, 32, PFN(0x90000000)), -REF_EBUSY);
	assert_int_equal(ref_vm_create(r, 0, 32, DATA), -REF_EPERM);
	assert_int_equal(ref_vm_topup(r, 0, PFN(0x90000000)), -REF_EPERM);
	assert_int_equal(ref_host_donate_guest(r, 0, PFN(0x90000000), 3), -REF_EPERM);

	assert_int_equal(ref_host_reclaim_page(r, MC0), 0);
	assert_int_equal(ref_pool_size(r, REF_POOL_VM(0)), 1);
	assert_int_equal(ref_host_reclaim_page(r, MC0), -REF_EPERM);
	assert_int_equal(ref_host_reclaim_page(r, PGD), 0);
	assert_int_equal(ref_table_pages(r, REF_KIND_GUEST_S2, 0), 0);
	assert_int_equal(ref_host_reclaim_page(r, DATA), 0);
	assert_int_equal(ref_vm_create(r, 0, 32, PFN(0x90000000)), -REF_EBUSY);
	assert_int_equal(ref_host_reclaim_page(r, MC1), 0);
	/* all back: the host tables hold zero and default leaves only */
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 2,
			 MACHINE_A_CARVEOUT);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 14);
	assert_int_equal(ref_pool_size(r, REF_POOL_VM(0)), 0);
	assert_int_equal(ref_vm_topup(r, 0, MC0), -REF_ENOENT);
	assert_int_equal(ref_vm_create(r, 0, 32, PFN(0x90000000)), 0);
	assert_int_equal(ref_nr_page_runs(r), 4);
}

static void teardown_frees_guest_tables_to_memcache(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	uint64_t i;

	make_vm(r, 0, 32);
	for (i = 0; i < 6; i++)
		assert_int_equal(ref_vm_topup(r, 0, PFN(0x80100000) + i), 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 8);
	/* three gfns in three different 1 GiB ranges: 2 tables each */
	for (i = 0; i < 3; i++)
		assert_int_equal(ref_host_donate_guest(r, 0, PFN(0x80200000) + i, i << 18), 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 2);
	assert_int_equal(ref_table_pages(r, REF_KIND_GUEST_S2, 0), 7);
	assert_int_equal(ref_pool_hide(r, REF_POOL_VM(0), 5), 2);
	assert_int_equal(ref_vm_teardown(r, 0), 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 6);
	ref_pool_unhide(r, REF_POOL_VM(0));
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 8);
	assert_int_equal(ref_table_pages(r, REF_KIND_GUEST_S2, 0), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup_a, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(vm_create_annotates_pgd_and_roots_the_guest),
		T(topup_adds_memcache_pages),
		T(donate_guest_enomem_when_memcache_empty),
		T(donate_guest_level0_root_needs_three_tables),
		T(share_and_unshare_guest),
		T(relinquish_returns_page_zeroed),
		T(reclaim_last_page_frees_slot),
		T(teardown_frees_guest_tables_to_memcache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
