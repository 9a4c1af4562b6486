// SPDX-License-Identifier: MIT
/*
 * Rules that every path must follow: coalescing on each return-to-default
 * path (SPEC §4.4), counting by table kind (§3), and the errors of §5 that
 * the per-operation tests do not reach, in one table.
 */
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
#define MEM_PFN PFN(SZ_1G + 0x1000000)
/* A data page in a gigabyte without a table: [2G, 3G). */
#define DATA_PFN (PFN(2 * SZ_1G + 7 * SZ_2M) + 5)

static u32 host_level(struct machine *m, u64 pfn, pte_t *e)
{
	u32 level;

	*e = tbl_leaf(&m->pkvm.host_s2, pfn << 12, &level);
	return level;
}

static void vm_with_memcache(struct machine *m)
{
	assert_int_equal(pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN), 0);
	for (u64 i = 1; i <= 3; i++)
		assert_int_equal(pkvm_vm_topup(&m->pkvm, 0, MEM_PFN + i), 0);
}

/*
 * Common shape of the coalescing tests: the host has mapped the gigabyte as
 * one block; @give moves DATA_PFN away from the host (splitting the block)
 * and the host touches its neighbours; @take is the return path under test.
 * Afterwards the gigabyte must be unmapped again, its tables gone, and the
 * next abort must map the 1 GiB block.
 */
static void check_path_coalesces(void (*give)(struct machine *), void (*take)(struct machine *))
{
	struct machine *m = machine_new_virt();
	u64 host_free;
	pte_t e;

	/* The VM's own pages (pgd, memcache) take host tables for good: first. */
	vm_with_memcache(m);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 2 * SZ_1G), 0);
	host_free = sim_pool_free(&m->host_pool);
	give(m);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, (DATA_PFN + 1) << 12), 0);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 2 * SZ_1G + 100 * SZ_2M), 0);
	assert_int_equal(host_level(m, DATA_PFN + 1, &e), 3);
	take(m);
	assert_int_equal(host_level(m, DATA_PFN, &e), 1);
	assert_int_equal(e, 0);
	assert_int_equal(sim_pool_free(&m->host_pool), host_free);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, DATA_PFN << 12), 0);
	assert_int_equal(host_level(m, DATA_PFN, &e), 1);
	assert_true(pte_valid(e));
	machine_free(m);
}

static void give_share_hyp(struct machine *m)
{
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, DATA_PFN), 0);
}

static void take_unshare_hyp(struct machine *m)
{
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, DATA_PFN), 0);
}

static void give_donate_hyp(struct machine *m)
{
	assert_int_equal(pkvm_host_donate_hyp(&m->pkvm, DATA_PFN, 1), 0);
}

static void take_hyp_donate_host(struct machine *m)
{
	assert_int_equal(pkvm_hyp_donate_host(&m->pkvm, DATA_PFN, 1), 0);
}

static void give_share_guest(struct machine *m)
{
	assert_int_equal(pkvm_host_share_guest(&m->pkvm, 0, DATA_PFN, 9, PGT_PROT_RW), 0);
}

static void take_unshare_guest(struct machine *m)
{
	assert_int_equal(pkvm_host_unshare_guest(&m->pkvm, 0, 9), 0);
}

static void take_teardown(struct machine *m)
{
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
}

static void give_donate_guest(struct machine *m)
{
	assert_int_equal(pkvm_host_donate_guest(&m->pkvm, 0, DATA_PFN, 9), 0);
}

static void take_relinquish(struct machine *m)
{
	assert_int_equal(pkvm_guest_relinquish(&m->pkvm, 0, 9), 0);
}

static void take_teardown_and_reclaim(struct machine *m)
{
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	assert_int_equal(pkvm_host_reclaim_page(&m->pkvm, DATA_PFN), 0);
}

static void unshare_hyp_coalesces(void **state)
{
	check_path_coalesces(give_share_hyp, take_unshare_hyp);
}

static void hyp_donate_host_coalesces(void **state)
{
	check_path_coalesces(give_donate_hyp, take_hyp_donate_host);
}

static void unshare_guest_coalesces(void **state)
{
	check_path_coalesces(give_share_guest, take_unshare_guest);
}

static void teardown_of_borrowed_page_coalesces(void **state)
{
	check_path_coalesces(give_share_guest, take_teardown);
}

static void relinquish_coalesces(void **state)
{
	check_path_coalesces(give_donate_guest, take_relinquish);
}

static void reclaim_coalesces(void **state)
{
	check_path_coalesces(give_donate_guest, take_teardown_and_reclaim);
}

static void host_default_leaves_are_not_counted(void **state)
{
	struct machine *m = machine_new_virt();
	const struct host_layout *l = &m->pkvm.desc.layout;
	pte_t def = pte_make_leaf(SZ_1G, host_default_attrs(l, SZ_1G), 3);
	pte_t mmio = pte_make_leaf(0x9000000, host_default_attrs(l, 0x9000000), 3);

	/* SPEC §3: default leaves (memory or MMIO) and zero are not counted. */
	assert_false(pgt_entry_counted(&m->pkvm.host_s2, 0, SZ_1G, 3));
	assert_false(pgt_entry_counted(&m->pkvm.host_s2, def, SZ_1G, 3));
	assert_false(pgt_entry_counted(&m->pkvm.host_s2, mmio, 0x9000000, 3));
	/* A memory default at an MMIO address differs: counted. */
	assert_true(pgt_entry_counted(&m->pkvm.host_s2, def, 0x9000000, 3));
	assert_true(pgt_entry_counted(&m->pkvm.host_s2, def | PTE_SW_SHARED_OWNED, SZ_1G, 3));
	assert_true(pgt_entry_counted(&m->pkvm.host_s2, pte_make_annotation(1), SZ_1G, 3));
	assert_true(pgt_entry_counted(&m->pkvm.host_s2, pte_make_table(pa_init(SZ_1G)), 0, 2));
	/* Hyp stage-1 counts every non-zero entry. */
	assert_true(pgt_entry_counted(&m->pkvm.hyp_s1, def, SZ_1G, 3));
	assert_false(pgt_entry_counted(&m->pkvm.hyp_s1, 0, SZ_1G, 3));
	machine_free(m);
}

static void host_table_of_only_defaults_has_count_one(void **state)
{
	struct machine *m = machine_new_virt();
	pte_t e;
	u32 level;

	/* Pages next to the carve-out are mapped by aborts as defaults in its L2 table. */
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 0x60000000ULL - SZ_2M), 0);
	assert_int_equal(pgt_get_leaf(&m->pkvm.host_s2, 0x60000000ULL - SZ_2M, &e, &level), 0);
	assert_int_equal(level, 2);
	/* machine_check verifies count == 1 + counted: the defaults add nothing. */
	machine_free(m);
}

/* One row: an operation that must fail with @err and change nothing. */
struct error_case {
	const char *what;
	int (*op)(struct pkvm *p);
	int err;
};

static int topup_empty_host_pool(struct pkvm *p)
{
	return pkvm_vm_topup(p, 0, PFN(SZ_1G + 0x8000000)); /* needs a new L3 table */
}

static int share_guest_no_vm(struct pkvm *p)
{
	return pkvm_host_share_guest(p, 1, MEM_PFN + 100, 0, PGT_PROT_R);
}

static int share_guest_bad_gfn(struct pkvm *p)
{
	return pkvm_host_share_guest(p, 0, MEM_PFN + 100, 1ULL << 28, PGT_PROT_R);
}

static int share_guest_gfn_mapped(struct pkvm *p)
{
	return pkvm_host_share_guest(p, 0, MEM_PFN + 100, 9, PGT_PROT_R);
}

static int share_guest_memcache_empty(struct pkvm *p)
{
	return pkvm_host_share_guest(p, 0, MEM_PFN + 100, 1ULL << 20, PGT_PROT_R);
}

static int unshare_guest_no_vm(struct pkvm *p)
{
	return pkvm_host_unshare_guest(p, 1, 9);
}

static int unshare_guest_bad_vm(struct pkvm *p)
{
	return pkvm_host_unshare_guest(p, 16, 9);
}

static int unshare_guest_bad_gfn(struct pkvm *p)
{
	return pkvm_host_unshare_guest(p, 0, 1ULL << 28);
}

static int relinquish_no_vm(struct pkvm *p)
{
	return pkvm_guest_relinquish(p, 2, 9);
}

static int relinquish_bad_gfn(struct pkvm *p)
{
	return pkvm_guest_relinquish(p, 0, 1ULL << 28);
}

static int relinquish_unmapped(struct pkvm *p)
{
	return pkvm_guest_relinquish(p, 0, 10);
}

static int reclaim_host_page(struct pkvm *p)
{
	return pkvm_host_reclaim_page(p, MEM_PFN + 100);
}

static int reclaim_mmio(struct pkvm *p)
{
	return pkvm_host_reclaim_page(p, PFN(0x9000000ULL));
}

static int donate_guest_bad_vm(struct pkvm *p)
{
	return pkvm_host_donate_guest(p, 4, MEM_PFN + 100, 0);
}

static void remaining_errors_change_nothing(void **state)
{
	static const struct error_case cases[] = {
		{ "topup with an empty host pool", topup_empty_host_pool, -ENOMEM },
		{ "share_guest, no VM", share_guest_no_vm, -ENOENT },
		{ "share_guest, gfn beyond ia_bits", share_guest_bad_gfn, -EINVAL },
		{ "share_guest, gfn mapped", share_guest_gfn_mapped, -EPERM },
		{ "share_guest, memcache empty", share_guest_memcache_empty, -ENOMEM },
		{ "unshare_guest, no VM", unshare_guest_no_vm, -ENOENT },
		{ "unshare_guest, vm out of range", unshare_guest_bad_vm, -EINVAL },
		{ "unshare_guest, gfn beyond ia_bits", unshare_guest_bad_gfn, -EINVAL },
		{ "relinquish, no VM", relinquish_no_vm, -ENOENT },
		{ "relinquish, gfn beyond ia_bits", relinquish_bad_gfn, -EINVAL },
		{ "relinquish, gfn unmapped", relinquish_unmapped, -EPERM },
		{ "reclaim a host page", reclaim_host_page, -EPERM },
		{ "reclaim MMIO", reclaim_mmio, -EPERM },
		{ "donate_guest, vm out of range", donate_guest_bad_vm, -EINVAL },
	};
	struct machine *m = machine_new_virt();

	vm_with_memcache(m);
	assert_int_equal(pkvm_host_donate_guest(&m->pkvm, 0, DATA_PFN, 9), 0);
	for (u32 i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool starve = cases[i].err == -ENOMEM;
		u64 before;

		if (starve) {
			sim_pool_hide(&m->host_pool, sim_pool_free(&m->host_pool));
			sim_pool_hide(&m->memcache[0], sim_pool_free(&m->memcache[0]));
		}
		before = machine_digest(m);
		print_message("%s\n", cases[i].what);
		assert_int_equal(cases[i].op(&m->pkvm), cases[i].err);
		assert_int_equal(machine_digest(m), before);
		sim_pool_unhide(&m->host_pool);
		sim_pool_unhide(&m->memcache[0]);
	}
	/* A dead VM: every operation that needs it live is -EPERM. */
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	assert_int_equal(pkvm_host_share_guest(&m->pkvm, 0, MEM_PFN + 100, 0, PGT_PROT_R), -EPERM);
	assert_int_equal(pkvm_host_unshare_guest(&m->pkvm, 0, 9), -EPERM);
	assert_int_equal(pkvm_guest_relinquish(&m->pkvm, 0, 9), -EPERM);
	assert_int_equal(pkvm_guest_relinquish(&m->pkvm, 0, 1ULL << 28), -EINVAL);
	machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unshare_hyp_coalesces),
		cmocka_unit_test(hyp_donate_host_coalesces),
		cmocka_unit_test(unshare_guest_coalesces),
		cmocka_unit_test(teardown_of_borrowed_page_coalesces),
		cmocka_unit_test(relinquish_coalesces),
		cmocka_unit_test(reclaim_coalesces),
		cmocka_unit_test(host_default_leaves_are_not_counted),
		cmocka_unit_test(host_table_of_only_defaults_has_count_one),
		cmocka_unit_test(remaining_errors_change_nothing),
	};

	return cmocka_run_group_tests_name("pkvm_paths", tests, NULL, NULL);
}
