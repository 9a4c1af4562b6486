// SPDX-License-Identifier: MIT
/*
 * The ownership transitions (SPEC §5, docs/semantics.md S16-S26): effects,
 * every error of the table with its precedence, and "on any error, nothing
 * changes", checked by a digest of every table, pool and page record.
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

/* QEMU virt-like: memory [1G, 3G), carve-out [1.5G, 1.5G + 4M). */
#define MEM_PFN PFN(SZ_1G + 0x1000000)
#define CARVE_PFN PFN(0x60000000ULL)
#define MMIO_PFN PFN(0x9000000ULL)

static void live_vm(struct machine *m, u32 vm, u64 pgd, u64 nr_topup)
{
	assert_int_equal(pkvm_vm_create(&m->pkvm, vm, 40, pgd), 0);
	for (u64 i = 0; i < nr_topup; i++)
		assert_int_equal(pkvm_vm_topup(&m->pkvm, vm, pgd + 1 + i), 0);
}

static void initial_state_carveout_is_hyp_owned_and_mapped(void **state)
{
	struct machine *m = *state;
	u32 level;
	pte_t e;

	e = tbl_leaf(&m->pkvm.host_s2, CARVE_PFN << 12, &level);
	assert_int_equal(e, pte_make_annotation(PKVM_OWNER_HYP));
	assert_int_equal(level, 2); /* 4 MiB carve-out, 2 MiB aligned: two blocks */
	e = tbl_leaf(&m->pkvm.hyp_s1, (CARVE_PFN << 12) + m->pkvm.desc.hyp_va_offset, &level);
	assert_int_equal(pte_out(e), CARVE_PFN << 12);
	assert_int_equal(pte_attrs(e), pte_s1_attrs(PGT_PROT_RW, PGT_MEM_NORMAL, PGT_STATE_OWNED));
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, MEM_PFN << 12, &level), 0);
}

static void share_hyp_maps_both_sides_with_state_bits(void **state)
{
	struct machine *m = *state;
	u32 level;
	pte_t e;

	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, MEM_PFN), 0);
	e = tbl_leaf(&m->pkvm.host_s2, MEM_PFN << 12, &level);
	assert_int_equal(e & PTE_SW_MASK, PTE_SW_SHARED_OWNED);
	assert_int_equal(level, 3);
	e = tbl_leaf(&m->pkvm.hyp_s1, (MEM_PFN << 12) + m->pkvm.desc.hyp_va_offset, &level);
	assert_int_equal(e & PTE_SW_MASK, PTE_SW_SHARED_BORROWED);
	assert_int_equal(pte_out(e), MEM_PFN << 12);
}

static void share_hyp_errors(void **state)
{
	struct machine *m = *state;

	assert_fails_unchanged(m, pkvm_host_share_hyp(&m->pkvm, PFN(1ULL << 40)), -EINVAL);
	assert_fails_unchanged(m, pkvm_host_share_hyp(&m->pkvm, MMIO_PFN), -EPERM);
	assert_fails_unchanged(m, pkvm_host_share_hyp(&m->pkvm, CARVE_PFN), -EPERM);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, MEM_PFN), 0);
	assert_fails_unchanged(m, pkvm_host_share_hyp(&m->pkvm, MEM_PFN), -EPERM);
	sim_pool_hide(&m->hyp_pool, sim_pool_free(&m->hyp_pool));
	assert_fails_unchanged(m, pkvm_host_share_hyp(&m->pkvm, MEM_PFN + 0x10000), -ENOMEM);
	sim_pool_unhide(&m->hyp_pool);
	sim_pool_hide(&m->host_pool, sim_pool_free(&m->host_pool));
	assert_fails_unchanged(m, pkvm_host_share_hyp(&m->pkvm, MEM_PFN + 0x10000), -ENOMEM);
	sim_pool_unhide(&m->host_pool);
}

static void unshare_hyp_errors_and_pinning(void **state)
{
	struct machine *m = *state;

	assert_fails_unchanged(m, pkvm_host_unshare_hyp(&m->pkvm, MEM_PFN), -EPERM);
	assert_fails_unchanged(m, pkvm_hyp_pin(&m->pkvm, MEM_PFN), -EPERM);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, MEM_PFN), 0);
	assert_fails_unchanged(m, pkvm_hyp_unpin(&m->pkvm, MEM_PFN), -EPERM);
	assert_int_equal(pkvm_hyp_pin(&m->pkvm, MEM_PFN), 0);
	assert_int_equal(pkvm_hyp_pin(&m->pkvm, MEM_PFN), 0);
	assert_fails_unchanged(m, pkvm_host_unshare_hyp(&m->pkvm, MEM_PFN), -EBUSY);
	assert_int_equal(pkvm_hyp_unpin(&m->pkvm, MEM_PFN), 0);
	assert_fails_unchanged(m, pkvm_host_unshare_hyp(&m->pkvm, MEM_PFN), -EBUSY);
	assert_int_equal(pkvm_hyp_unpin(&m->pkvm, MEM_PFN), 0);
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, MEM_PFN), 0);
	assert_fails_unchanged(m, pkvm_hyp_pin(&m->pkvm, PFN(1ULL << 40)), -EINVAL);
	assert_fails_unchanged(m, pkvm_hyp_pin(&m->pkvm, MMIO_PFN), -EPERM);
}

static void donate_hyp_and_back(void **state)
{
	struct machine *m = *state;
	u64 pfn = PFN(2 * SZ_1G);
	u32 level;
	pte_t e;

	assert_int_equal(pkvm_host_donate_hyp(&m->pkvm, pfn, 512 + 3), 0);
	e = tbl_leaf(&m->pkvm.host_s2, pfn << 12, &level);
	assert_int_equal(e, pte_make_annotation(PKVM_OWNER_HYP));
	assert_int_equal(level, 2);
	e = tbl_leaf(&m->pkvm.hyp_s1, (pfn << 12) + m->pkvm.desc.hyp_va_offset, &level);
	assert_int_equal(level, 2);
	assert_int_equal(pkvm_hyp_donate_host(&m->pkvm, pfn + 1, 1), 0);
	/* S16: the host entry is the zero annotation; the rest keeps HYP. */
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, (pfn + 1) << 12, &level), 0);
	assert_int_equal(level, 3);
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, (pfn + 2) << 12, &level),
			 pte_make_annotation(PKVM_OWNER_HYP));
	assert_int_equal(pkvm_hyp_donate_host(&m->pkvm, pfn, 1), 0);
	assert_int_equal(pkvm_hyp_donate_host(&m->pkvm, pfn + 2, 512 + 1), 0);
	/* Everything back: the tables went too. */
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, pfn << 12, &level), 0);
	assert_int_equal(level, 1);
}

static void donate_hyp_errors(void **state)
{
	struct machine *m = *state;

	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, MEM_PFN, 0), -EINVAL);
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, MEM_PFN, UINT64_MAX), -EINVAL);
	/* The last memory page and one past it. */
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, PFN(3 * SZ_1G) - 1, 2), -EPERM);
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, CARVE_PFN - 1, 2), -EPERM);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, MEM_PFN + 5), 0);
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, MEM_PFN, 8), -EPERM);
	sim_pool_hide(&m->hyp_pool, sim_pool_free(&m->hyp_pool));
	assert_fails_unchanged(m, pkvm_host_donate_hyp(&m->pkvm, PFN(2 * SZ_1G), 1), -ENOMEM);
	sim_pool_unhide(&m->hyp_pool);
}

static void hyp_donate_host_errors(void **state)
{
	struct machine *m = *state;
	u64 pfn = PFN(2 * SZ_1G);

	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, pfn, 0), -EINVAL);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, CARVE_PFN, 1), -EPERM);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, pfn, 1), -EPERM);
	assert_int_equal(pkvm_host_donate_hyp(&m->pkvm, pfn, 512), 0);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, pfn, 513), -EPERM);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, pfn + 600), 0);
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, pfn + 600, 1), -EPERM);
	/* Giving back one page of a 2 MiB block splits it on both sides. */
	sim_pool_hide(&m->host_pool, sim_pool_free(&m->host_pool));
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, pfn + 7, 1), -ENOMEM);
	sim_pool_unhide(&m->host_pool);
	sim_pool_hide(&m->hyp_pool, sim_pool_free(&m->hyp_pool));
	assert_fails_unchanged(m, pkvm_hyp_donate_host(&m->pkvm, pfn + 7, 1), -ENOMEM);
	sim_pool_unhide(&m->hyp_pool);
}

static void vm_create_errors_in_precedence(void **state)
{
	struct machine *m = *state;

	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 4, 40, MEM_PFN), -EINVAL);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 31, MEM_PFN), -EINVAL);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 49, MEM_PFN), -EINVAL);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, PFN(1ULL << 40)), -EINVAL);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, MMIO_PFN), -EPERM);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, CARVE_PFN), -EPERM);
	sim_pool_hide(&m->host_pool, sim_pool_free(&m->host_pool));
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN), -ENOMEM);
	sim_pool_unhide(&m->host_pool);
	live_vm(m, 0, MEM_PFN, 0);
	/* -EEXIST before -EPERM: the pgd page is the VM's now. */
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN), -EEXIST);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	/* A dead VM still holding pages: -EPERM before -EBUSY, then -EBUSY. */
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN), -EPERM);
	assert_fails_unchanged(m, pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN + 1), -EBUSY);
	assert_int_equal(pkvm_host_reclaim_page(&m->pkvm, MEM_PFN), 0);
	assert_int_equal(pkvm_vm_create(&m->pkvm, 0, 40, MEM_PFN + 1), 0);
}

static void topup_errors(void **state)
{
	struct machine *m = *state;

	assert_fails_unchanged(m, pkvm_vm_topup(&m->pkvm, 4, MEM_PFN), -EINVAL);
	assert_fails_unchanged(m, pkvm_vm_topup(&m->pkvm, 0, PFN(1ULL << 40)), -EINVAL);
	assert_fails_unchanged(m, pkvm_vm_topup(&m->pkvm, 0, MEM_PFN), -ENOENT);
	live_vm(m, 0, MEM_PFN, 1);
	assert_fails_unchanged(m, pkvm_vm_topup(&m->pkvm, 0, MEM_PFN + 1), -EPERM);
	assert_fails_unchanged(m, pkvm_vm_topup(&m->pkvm, 0, MMIO_PFN), -EPERM);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	assert_fails_unchanged(m, pkvm_vm_topup(&m->pkvm, 0, MEM_PFN + 9), -EPERM);
}

static void donate_guest_maps_rwx_and_annotates_host(void **state)
{
	struct machine *m = *state;
	pte_t e;

	live_vm(m, 1, MEM_PFN, 4);
	assert_int_equal(pkvm_host_donate_guest(&m->pkvm, 1, MEM_PFN + 100, 0x42), 0);
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, (MEM_PFN + 100) << 12, NULL),
			 pte_make_annotation(PKVM_OWNER_GUEST));
	e = tbl_leaf(&m->pkvm.vms[1].pgt, 0x42000, NULL);
	assert_int_equal(e, ((MEM_PFN + 100) << 12) |
				    pte_s2_attrs(PGT_PROT_RWX, PGT_MEM_NORMAL, PGT_STATE_OWNED) |
				    PTE_TYPE_MASK);
	/* Guest tables came from the memcache: L1, L2, L3. */
	assert_int_equal(sim_pool_free(&m->memcache[1]), 1);
}

static void donate_guest_errors_in_precedence(void **state)
{
	struct machine *m = *state;

	/* No VM: the gfn cannot be checked, -ENOENT (S20); but a bad pfn is -EINVAL. */
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN, 1ULL << 40), -ENOENT);
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, PFN(1ULL << 40), 0), -EINVAL);
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 9, MEM_PFN, 0), -EINVAL);
	live_vm(m, 0, MEM_PFN, 3);
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN + 10, PFN(1ULL << 40)),
			       -EINVAL);
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, MMIO_PFN, 0), -EPERM);
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN + 1, 0), -EPERM);
	assert_int_equal(pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN + 10, 0), 0);
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN + 11, 0), -EPERM);
	/* The memcache is used up (3 tables): the next gigabyte needs two more. */
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN + 11, PFN(SZ_1G)),
			       -ENOMEM);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	assert_fails_unchanged(m, pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN + 11, 5), -EPERM);
}

static void share_guest_and_unshare(void **state)
{
	struct machine *m = *state;
	pte_t e;

	live_vm(m, 0, MEM_PFN, 3);
	assert_fails_unchanged(m, pkvm_host_share_guest(&m->pkvm, 0, MEM_PFN + 20, 7, 0), -EINVAL);
	assert_fails_unchanged(m, pkvm_host_share_guest(&m->pkvm, 0, MEM_PFN + 20, 7, 8), -EINVAL);
	assert_int_equal(pkvm_host_share_guest(&m->pkvm, 0, MEM_PFN + 20, 7, PGT_PROT_R), 0);
	e = tbl_leaf(&m->pkvm.vms[0].pgt, 7 << 12, NULL);
	assert_int_equal(e & PTE_SW_MASK, PTE_SW_SHARED_BORROWED);
	assert_int_equal(e & (PTE_S2_AP_R | PTE_S2_AP_W | PTE_S2_XN_MASK), PTE_S2_AP_R | PTE_S2_XN);
	e = tbl_leaf(&m->pkvm.host_s2, (MEM_PFN + 20) << 12, NULL);
	assert_int_equal(e & PTE_SW_MASK, PTE_SW_SHARED_OWNED);
	assert_fails_unchanged(m, pkvm_host_share_guest(&m->pkvm, 0, MEM_PFN + 20, 8, PGT_PROT_R),
			       -EPERM);
	assert_fails_unchanged(m, pkvm_host_unshare_guest(&m->pkvm, 0, 8), -EPERM);
	assert_fails_unchanged(m, pkvm_guest_relinquish(&m->pkvm, 0, 7), -EPERM);
	assert_int_equal(pkvm_host_unshare_guest(&m->pkvm, 0, 7), 0);
	assert_int_equal(tbl_leaf(&m->pkvm.vms[0].pgt, 7 << 12, NULL), 0);
}

static void relinquish_returns_page_to_host_as_zero(void **state)
{
	struct machine *m = *state;

	live_vm(m, 0, MEM_PFN, 3);
	assert_int_equal(pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN + 30, 3), 0);
	assert_fails_unchanged(m, pkvm_host_unshare_guest(&m->pkvm, 0, 3), -EPERM);
	assert_int_equal(pkvm_guest_relinquish(&m->pkvm, 0, 3), 0);
	assert_int_equal(tbl_leaf(&m->pkvm.vms[0].pgt, 3 << 12, NULL), 0);
	/* The guest's tables emptied and went back to its memcache. */
	assert_int_equal(sim_pool_free(&m->memcache[0]), 3);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, (MEM_PFN + 30) << 12), 0);
	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, MEM_PFN + 30), 0);
}

static void teardown_returns_borrowed_and_keeps_owned(void **state)
{
	struct machine *m = *state;
	pte_t e;

	live_vm(m, 2, MEM_PFN, 3);
	assert_int_equal(pkvm_host_donate_guest(&m->pkvm, 2, MEM_PFN + 40, 1), 0);
	assert_int_equal(pkvm_host_share_guest(&m->pkvm, 2, MEM_PFN + 41, 2, PGT_PROT_RW), 0);
	assert_fails_unchanged(m, pkvm_host_reclaim_page(&m->pkvm, MEM_PFN + 40), -EPERM);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 2), 0);
	assert_fails_unchanged(m, pkvm_vm_teardown(&m->pkvm, 2), -EPERM);
	assert_fails_unchanged(m, pkvm_vm_teardown(&m->pkvm, 3), -ENOENT);
	assert_fails_unchanged(m, pkvm_vm_teardown(&m->pkvm, 4), -EINVAL);
	/* The borrowed page is the host's default again (S16), the donated one GUEST. */
	e = tbl_leaf(&m->pkvm.host_s2, (MEM_PFN + 41) << 12, NULL);
	assert_true(pte_valid(e));
	assert_int_equal(e & PTE_SW_MASK, 0);
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, (MEM_PFN + 40) << 12, NULL),
			 pte_make_annotation(PKVM_OWNER_GUEST));
	/* Every table but the root is back in the memcache. */
	assert_int_equal(sim_pool_free(&m->memcache[2]), 3);
	assert_fails_unchanged(m, pkvm_host_reclaim_page(&m->pkvm, MEM_PFN + 41), -EPERM);
	assert_fails_unchanged(m, pkvm_host_reclaim_page(&m->pkvm, PFN(1ULL << 40)), -EINVAL);
}

static void reclaim_last_page_frees_slot(void **state)
{
	struct machine *m = *state;

	live_vm(m, 0, MEM_PFN, 3);
	assert_int_equal(pkvm_host_donate_guest(&m->pkvm, 0, MEM_PFN + 50, 1), 0);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	for (u64 pfn = MEM_PFN; pfn < MEM_PFN + 4; pfn++) {
		assert_int_equal(pkvm_host_reclaim_page(&m->pkvm, pfn), 0);
		assert_int_equal(m->pkvm.vms[0].state, PKVM_VM_DEAD);
	}
	assert_int_equal(sim_pool_size(&m->memcache[0]), 0);
	assert_int_equal(pkvm_host_reclaim_page(&m->pkvm, MEM_PFN + 50), 0);
	assert_int_equal(m->pkvm.vms[0].state, PKVM_VM_FREE);
	assert_fails_unchanged(m, pkvm_host_reclaim_page(&m->pkvm, MEM_PFN + 50), -EPERM);
	assert_fails_unchanged(m, pkvm_vm_teardown(&m->pkvm, 0), -ENOENT);
}

static void reclaim_last_guest_page_zaps_table(void **state)
{
	struct machine *m = *state;
	u64 data = PFN(2 * SZ_1G + 5 * SZ_2M) + 3;
	u64 free_before;
	u32 level;

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, 2 * SZ_1G), 0);
	free_before = sim_pool_free(&m->host_pool);
	live_vm(m, 0, MEM_PFN, 3);
	assert_int_equal(pkvm_host_donate_guest(&m->pkvm, 0, data, 1), 0);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, (data + 1) << 12), 0);
	assert_int_equal(pkvm_vm_teardown(&m->pkvm, 0), 0);
	for (u64 pfn = MEM_PFN; pfn < MEM_PFN + 4; pfn++)
		assert_int_equal(pkvm_host_reclaim_page(&m->pkvm, pfn), 0);
	assert_int_equal(pkvm_host_reclaim_page(&m->pkvm, data), 0);
	/* The tables around the data page held only zeros and a default page. */
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, data << 12, &level), 0);
	assert_int_equal(level, 1);
	assert_int_equal(sim_pool_free(&m->host_pool), free_before);
	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, data << 12), 0);
	tbl_leaf(&m->pkvm.host_s2, data << 12, &level);
	assert_int_equal(level, 1);
}

static void bad_description_is_einval(void **state)
{
	static const struct host_region overlap[] = { { SZ_1G, SZ_1G }, { SZ_1G + SZ_2M, SZ_1G } };
	static const struct host_region mem[] = { { SZ_1G, SZ_1G } };
	static const struct host_region past_ia[] = { { SZ_1G, SZ_1G }, { 8 * SZ_1G, SZ_2M } };
	struct pkvm_desc d;

	d = machine_desc(40, 2, overlap, SZ_1G, 16, 4, 4);
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
	d = machine_desc(40, 1, mem, 0, 16, 4, 4); /* carve-out outside memory */
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
	d = machine_desc(40, 1, mem, SZ_1G, 16, 10, 10); /* pools larger than the carve-out */
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
	d = machine_desc(40, 1, mem, SZ_1G, 16, 4, 4);
	d.hyp_va_offset = (1ULL << 48) - SZ_1G; /* VAs past 2^48 */
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
	d = machine_desc(40, 1, mem, SZ_1G, 16, 4, 4);
	d.nr_vm_slots = 17;
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
	d = machine_desc(30, 1, mem, SZ_1G, 16, 4, 4);
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
	/* A region that starts past 2^ia_bits (fuzz_pkvm's generated machines found it). */
	d = machine_desc(32, 2, past_ia, SZ_1G, 16, 4, 4);
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
	d = machine_desc(40, 1, mem, SZ_1G, 16, 4, 4);
	assert_int_equal(pkvm_desc_check(&d), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, machine_setup_virt, machine_teardown)
	const struct CMUnitTest tests[] = {
		T(initial_state_carveout_is_hyp_owned_and_mapped),
		T(share_hyp_maps_both_sides_with_state_bits),
		T(share_hyp_errors),
		T(unshare_hyp_errors_and_pinning),
		T(donate_hyp_and_back),
		T(donate_hyp_errors),
		T(hyp_donate_host_errors),
		T(vm_create_errors_in_precedence),
		T(topup_errors),
		T(donate_guest_maps_rwx_and_annotates_host),
		T(donate_guest_errors_in_precedence),
		T(share_guest_and_unshare),
		T(relinquish_returns_page_to_host_as_zero),
		T(teardown_returns_borrowed_and_keeps_owned),
		T(reclaim_last_page_frees_slot),
		T(reclaim_last_guest_page_zaps_table),
		cmocka_unit_test(bad_description_is_einval),
	};
#undef T

	return cmocka_run_group_tests_name("pkvm", tests, NULL, NULL);
}
