// SPDX-License-Identifier: MIT
/*
 * The hypercall dispatcher (SPEC §12, docs/hvc-abi.md): every call reaches
 * its operation with its arguments in the right registers, the SVE hint
 * (bit 16 of the id) changes nothing, unknown ids are NOT_SUPPORTED and
 * change nothing, a 32-bit argument that does not fit is
 * -EINVAL (never truncated), and registers a call does not use are neither
 * read nor written.
 */
#include "core/hvc.h"
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#define PFN(a) ((a) >> 12)
/* QEMU virt-like: memory [1G, 3G), carve-out at 1.5G, MMIO below 1G. */
#define MEM_PFN	 PFN(0x41000000ULL)
#define MMIO_PFN PFN(0x9000000ULL)
#define RC(e)	 ((u64)(s64)(e))

/* What a host that never cleans its registers leaves in unused ones. */
#define GARBAGE(i) (0xdead0000beef0000ULL | (u64)(i))

/*
 * Call function @n with the @nr first of @a in x1.., garbage in the rest;
 * check that x0 says handled and x2..x4 are as passed; return x1.
 */
static u64 hvc(struct machine *m, u32 n, u32 nr, const u64 *a)
{
	struct pkvm_hvc_regs r = { { PKVM_HVC_ID(n) } }, before;

	for (u32 i = 1; i < PKVM_HVC_NR_REGS; i++)
		r.x[i] = i <= nr ? a[i - 1] : GARBAGE(i);
	before = r;
	pkvm_hvc_handle(&m->pkvm, &r);
	assert_int_equal(r.x[0], PKVM_HVC_SUCCESS);
	for (u32 i = 2; i < PKVM_HVC_NR_REGS; i++)
		assert_int_equal(r.x[i], before.x[i]);
	return r.x[1];
}

#define HVC(m, n, ...) \
	hvc(m, n, sizeof((u64[]){ __VA_ARGS__ }) / sizeof(u64), (u64[]){ __VA_ARGS__ })

/* The call fails with @err in x1 and the machine is exactly as before. */
#define assert_hvc_fails_unchanged(m, call, err) assert_fails_unchanged(m, call, RC(err))

static pte_t leaf(struct pgt *pgt, u64 ia)
{
	return tbl_leaf(pgt, ia, NULL);
}

static void hyp_calls_reach_their_operations(void **state)
{
	struct machine *m = *state;
	u64 off = m->pkvm.desc.hyp_va_offset;

	assert_int_equal(HVC(m, 0, MEM_PFN), 0); /* host_share_hyp */
	assert_int_equal(leaf(&m->pkvm.host_s2, MEM_PFN << 12) & PTE_SW_MASK, PTE_SW_SHARED_OWNED);
	assert_int_equal(pte_out(leaf(&m->pkvm.hyp_s1, (MEM_PFN << 12) + off)), MEM_PFN << 12);
	assert_int_equal(HVC(m, 2, MEM_PFN), 0); /* hyp_pin */
	assert_int_equal(pkvm_page(&m->pkvm, MEM_PFN)->pins, 1);
	assert_int_equal(HVC(m, 1, MEM_PFN), RC(-EBUSY)); /* host_unshare_hyp, pinned */
	assert_int_equal(HVC(m, 3, MEM_PFN), 0);	  /* hyp_unpin */
	assert_int_equal(pkvm_page(&m->pkvm, MEM_PFN)->pins, 0);
	assert_int_equal(HVC(m, 1, MEM_PFN), 0);
	assert_int_equal(leaf(&m->pkvm.host_s2, MEM_PFN << 12) & PTE_SW_MASK, 0);
	assert_false(pte_valid(leaf(&m->pkvm.hyp_s1, (MEM_PFN << 12) + off)));

	/* host_donate_hyp: x2 is nr, exactly two pages move. */
	assert_int_equal(HVC(m, 4, MEM_PFN + 16, 2), 0);
	assert_int_equal(leaf(&m->pkvm.host_s2, (MEM_PFN + 17) << 12),
			 pte_make_annotation(PKVM_OWNER_HYP));
	assert_int_equal(leaf(&m->pkvm.host_s2, (MEM_PFN + 18) << 12), 0);
	assert_int_equal(HVC(m, 5, MEM_PFN + 17, 1), 0); /* hyp_donate_host */
	assert_int_equal(leaf(&m->pkvm.host_s2, (MEM_PFN + 17) << 12), 0);
	assert_int_equal(leaf(&m->pkvm.host_s2, (MEM_PFN + 16) << 12),
			 pte_make_annotation(PKVM_OWNER_HYP));
}

static void guest_calls_reach_their_operations(void **state)
{
	struct machine *m = *state;
	u64 pgd = MEM_PFN + 32;
	pte_t e;

	assert_int_equal(HVC(m, 6, 1, 36, pgd), 0); /* vm_create vm 1, 36 bits */
	assert_true(pkvm_vm_live(&m->pkvm, 1));
	assert_int_equal(m->pkvm.vms[1].pgt.ia_bits, 36);
	assert_int_equal(pa_addr(m->pkvm.vms[1].pgt.root_pa), pgd << 12);
	for (u64 i = 1; i <= 3; i++) {
		assert_int_equal(HVC(m, 7, 1, pgd + i), 0); /* vm_topup */
		assert_int_equal(pkvm_page(&m->pkvm, pgd + i)->vm, 1);
		assert_true(pkvm_page(&m->pkvm, pgd + i)->flags & PKVM_PAGE_MEMCACHE);
	}
	assert_int_equal(HVC(m, 8, 1, MEM_PFN + 40, 0x42), 0); /* host_donate_guest */
	assert_int_equal(pte_out(leaf(&m->pkvm.vms[1].pgt, 0x42000)), (MEM_PFN + 40) << 12);
	assert_int_equal(HVC(m, 9, 1, MEM_PFN + 41, 0x43, PGT_PROT_R), 0); /* host_share_guest */
	e = leaf(&m->pkvm.vms[1].pgt, 0x43000);
	assert_int_equal(pte_out(e), (MEM_PFN + 41) << 12);
	assert_int_equal(e & (PTE_S2_AP_R | PTE_S2_AP_W | PTE_SW_MASK),
			 PTE_S2_AP_R | PTE_SW_SHARED_BORROWED);
	assert_int_equal(HVC(m, 10, 1, 0x43), 0); /* host_unshare_guest */
	assert_false(pte_valid(leaf(&m->pkvm.vms[1].pgt, 0x43000)));
	assert_int_equal(HVC(m, 11, 1, 0x42), 0); /* guest_relinquish */
	assert_false(pte_valid(leaf(&m->pkvm.vms[1].pgt, 0x42000)));
	assert_int_equal(leaf(&m->pkvm.host_s2, (MEM_PFN + 40) << 12), 0);
	assert_int_equal(HVC(m, 12, 1), 0); /* vm_teardown */
	assert_false(pkvm_vm_live(&m->pkvm, 1));
	assert_int_equal(HVC(m, 6, 1, 40, pgd), RC(-EPERM)); /* the pgd is still the VM's */
	assert_int_equal(HVC(m, 6, 1, 40, MEM_PFN + 60), RC(-EBUSY));
	for (u64 i = 0; i <= 3; i++)
		assert_int_equal(HVC(m, 13, pgd + i), 0); /* host_reclaim_page */
	assert_int_equal(HVC(m, 6, 1, 40, pgd), 0);
}

static void errors_come_back_sign_extended_in_x1(void **state)
{
	struct machine *m = *state;

	assert_hvc_fails_unchanged(m, HVC(m, 0, MMIO_PFN), -EPERM);
	assert_hvc_fails_unchanged(m, HVC(m, 4, MEM_PFN, 0), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 7, 2, MEM_PFN), -ENOENT);
	assert_int_equal(HVC(m, 6, 2, 40, MEM_PFN), 0);
	assert_hvc_fails_unchanged(m, HVC(m, 6, 2, 40, MEM_PFN + 1), -EEXIST);
	assert_hvc_fails_unchanged(m, HVC(m, 8, 2, MEM_PFN + 2, 0), -ENOMEM);
}

static void unknown_ids_are_not_supported_and_change_nothing(void **state)
{
	static const u64 ids[] = {
		PKVM_HVC_ID(14), /* host_mem_abort's number: not a call */
		PKVM_HVC_ID(0xFFFF),
		0x86000000ULL,	       /* SMC32 */
		0x46000008ULL,	       /* yielding call */
		0xC5000008ULL,	       /* standard hypervisor service */
		0xC6020008ULL,	       /* bit 17: not a hint, part of the id */
		0xC6810008ULL,	       /* bit 23, SVE hint as well */
		0xC601000EULL,	       /* SVE hint on number 14 */
		0xC601FFFFULL,	       /* SVE hint on number 0xFFFF */
		0x86010000ULL,	       /* SVE hint on an SMC32 id */
		0x1C6010008ULL,	       /* SVE hint, upper half of x0 set */
		0x1C6000008ULL,	       /* upper half of x0 set */
		0xFFFFFFFFC6000008ULL, /* sign-extended w0 */
		0,
		~0ULL,
	};
	struct machine *m = *state;

	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct pkvm_hvc_regs r = { { ids[i], MEM_PFN, MEM_PFN + 1, 0x10, 6 } };
		struct pkvm_hvc_regs before = r;
		u64 digest = machine_digest(m);

		pkvm_hvc_handle(&m->pkvm, &r);
		assert_int_equal(r.x[0], PKVM_HVC_NOT_SUPPORTED);
		for (u32 j = 1; j < PKVM_HVC_NR_REGS; j++)
			assert_int_equal(r.x[j], before.x[j]);
		assert_int_equal(machine_digest(m), digest);
	}
	machine_check(m);
}

#define SVE_HINT (1ULL << 16)

/*
 * One call as the host makes it, with or without SMCCC 1.3's SVE hint in
 * x0: the registers as they come back.
 */
static struct pkvm_hvc_regs call_regs(struct machine *m, u64 hint, u32 n, u64 a1, u64 a2, u64 a3,
				      u64 a4)
{
	struct pkvm_hvc_regs r = { { PKVM_HVC_ID(n) | hint, a1, a2, a3, a4 } };

	pkvm_hvc_handle(&m->pkvm, &r);
	return r;
}

/*
 * SPEC §12: bit 16 of the id is ignored when it is decoded. Two machines
 * get every call, one with the hint set: each call comes back with x0 =
 * SUCCESS (not the id, not NOT_SUPPORTED), the same x1, x2..x4 as passed,
 * and both machines are in the same state after each call.
 */
static void sve_hint_bit_is_ignored(void **state)
{
	static const struct {
		u32 n;
		u64 a[4];
		int rc;
	} calls[] = {
		{ PKVM_HVC_HOST_SHARE_HYP, { MEM_PFN }, 0 },
		{ PKVM_HVC_HYP_PIN, { MEM_PFN }, 0 },
		{ PKVM_HVC_HOST_UNSHARE_HYP, { MEM_PFN }, -EBUSY },
		{ PKVM_HVC_HYP_UNPIN, { MEM_PFN }, 0 },
		{ PKVM_HVC_HOST_UNSHARE_HYP, { MEM_PFN }, 0 },
		{ PKVM_HVC_HOST_DONATE_HYP, { MEM_PFN + 16, 2 }, 0 },
		{ PKVM_HVC_HYP_DONATE_HOST, { MEM_PFN + 17, 1 }, 0 },
		{ PKVM_HVC_HOST_SHARE_HYP, { MMIO_PFN }, -EPERM },
		{ PKVM_HVC_VM_CREATE, { 1, 36, MEM_PFN + 32 }, 0 },
		{ PKVM_HVC_VM_CREATE, { 1, 36, MEM_PFN + 33 }, -EEXIST },
		{ PKVM_HVC_VM_CREATE, { 1ULL << 32, 36, MEM_PFN + 33 }, -EINVAL },
		{ PKVM_HVC_VM_TOPUP, { 1, MEM_PFN + 33 }, 0 },
		{ PKVM_HVC_VM_TOPUP, { 1, MEM_PFN + 34 }, 0 },
		{ PKVM_HVC_VM_TOPUP, { 2, MEM_PFN + 35 }, -ENOENT },
		{ PKVM_HVC_HOST_DONATE_GUEST, { 1, MEM_PFN + 40, 0x42 }, 0 },
		{ PKVM_HVC_HOST_SHARE_GUEST, { 1, MEM_PFN + 41, 0x43, PGT_PROT_R }, 0 },
		{ PKVM_HVC_HOST_UNSHARE_GUEST, { 1, 0x43 }, 0 },
		{ PKVM_HVC_GUEST_RELINQUISH, { 1, 0x42 }, 0 },
		{ PKVM_HVC_HOST_SHARE_GUEST, { 1, MEM_PFN + 42, 0x44, PGT_PROT_RW }, 0 },
		{ PKVM_HVC_VM_TEARDOWN, { 1 }, 0 },
		{ PKVM_HVC_HOST_RECLAIM_PAGE, { MEM_PFN + 32 }, 0 },
		{ PKVM_HVC_HOST_RECLAIM_PAGE, { MEM_PFN + 33 }, 0 },
	};
	struct machine *m = *state, *hinted = machine_new_virt();

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const u64 *a = calls[i].a;
		struct pkvm_hvc_regs plain = call_regs(m, 0, calls[i].n, a[0], a[1], a[2], a[3]);
		struct pkvm_hvc_regs hint =
			call_regs(hinted, SVE_HINT, calls[i].n, a[0], a[1], a[2], a[3]);

		assert_int_equal(plain.x[0], PKVM_HVC_SUCCESS);
		assert_int_equal(plain.x[1], RC(calls[i].rc));
		assert_int_equal(hint.x[0], PKVM_HVC_SUCCESS);
		assert_int_equal(hint.x[1], RC(calls[i].rc));
		for (u32 j = 2; j < PKVM_HVC_NR_REGS; j++)
			assert_int_equal(hint.x[j], a[j - 1]);
		assert_int_equal(machine_digest(hinted), machine_digest(m));
		machine_check(hinted);
	}
	machine_free(hinted);
}

/* A truncated register would name VM 0, 40 bits, RW: each would succeed. */
static void oversize_32bit_arguments_are_einval_not_truncated(void **state)
{
	struct machine *m = *state;
	const u64 hi = 1ULL << 32;

	assert_hvc_fails_unchanged(m, HVC(m, 6, hi, 40, MEM_PFN), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 6, 0, hi | 40, MEM_PFN), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 6, 0xFFFFFFFFULL, 40, MEM_PFN), -EINVAL);
	assert_false(pkvm_vm_live(&m->pkvm, 0));
	assert_int_equal(HVC(m, 6, 0, 40, MEM_PFN), 0);
	assert_int_equal(HVC(m, 7, 0, MEM_PFN + 1), 0);
	assert_int_equal(HVC(m, 7, 0, MEM_PFN + 2), 0);
	assert_int_equal(HVC(m, 7, 0, MEM_PFN + 3), 0);
	assert_hvc_fails_unchanged(m, HVC(m, 7, hi, MEM_PFN + 4), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 8, hi, MEM_PFN + 4, 1), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 9, hi, MEM_PFN + 4, 1, 6), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 9, 0, MEM_PFN + 4, 1, hi | 6), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 9, 0, MEM_PFN + 4, 1, 1ULL << 63 | 6), -EINVAL);
	assert_int_equal(HVC(m, 9, 0, MEM_PFN + 4, 1, 6), 0);
	assert_int_equal(HVC(m, 8, 0, MEM_PFN + 5, 2), 0);
	assert_hvc_fails_unchanged(m, HVC(m, 10, hi, 1), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 11, hi, 2), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 12, hi), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 12, ~0ULL), -EINVAL);
	assert_true(pkvm_vm_live(&m->pkvm, 0));
}

/* 64-bit arguments reach the operation whole: its own range checks see them. */
static void wide_arguments_are_passed_whole(void **state)
{
	struct machine *m = *state;
	const u64 hi = 1ULL << 32;

	assert_hvc_fails_unchanged(m, HVC(m, 0, hi | MEM_PFN), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 4, MEM_PFN, hi | 1), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 4, ~0ULL, 2), -EINVAL);
	assert_int_equal(HVC(m, 6, 0, 40, MEM_PFN), 0);
	assert_int_equal(HVC(m, 7, 0, MEM_PFN + 1), 0);
	assert_hvc_fails_unchanged(m, HVC(m, 8, 0, MEM_PFN + 4, hi | 1), -EINVAL);
	assert_hvc_fails_unchanged(m, HVC(m, 13, 1ULL << 63 | MEM_PFN), -EINVAL);
}

/* Unused registers hold garbage in every call above (hvc()); here, extreme garbage. */
static void unused_registers_are_ignored(void **state)
{
	struct machine *m = *state;
	struct pkvm_hvc_regs r = { { PKVM_HVC_ID(0), MEM_PFN, ~0ULL, 1ULL << 63, ~0ULL } };

	pkvm_hvc_handle(&m->pkvm, &r);
	assert_int_equal(r.x[0], PKVM_HVC_SUCCESS);
	assert_int_equal(r.x[1], 0);
	assert_int_equal(r.x[2], ~0ULL);
	assert_int_equal(r.x[3], 1ULL << 63);
	assert_int_equal(r.x[4], ~0ULL);
	r = (struct pkvm_hvc_regs){ { PKVM_HVC_ID(6), 3, 40, MEM_PFN + 8, ~0ULL } };
	pkvm_hvc_handle(&m->pkvm, &r);
	assert_int_equal(r.x[1], 0);
	assert_int_equal(r.x[4], ~0ULL);
	r = (struct pkvm_hvc_regs){ { PKVM_HVC_ID(12), 3, ~0ULL, ~0ULL, ~0ULL } };
	pkvm_hvc_handle(&m->pkvm, &r);
	assert_int_equal(r.x[1], 0);
	assert_false(pkvm_vm_live(&m->pkvm, 3));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, machine_setup_virt, machine_teardown)
	const struct CMUnitTest tests[] = {
		T(hyp_calls_reach_their_operations),
		T(guest_calls_reach_their_operations),
		T(errors_come_back_sign_extended_in_x1),
		T(unknown_ids_are_not_supported_and_change_nothing),
		T(sve_hint_bit_is_ignored),
		T(oversize_32bit_arguments_are_einval_not_truncated),
		T(wide_arguments_are_passed_whole),
		T(unused_registers_are_ignored),
	};

	return cmocka_run_group_tests_name("hvc", tests, NULL, NULL);
}
