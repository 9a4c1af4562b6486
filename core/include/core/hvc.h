/* SPDX-License-Identifier: MIT */
/*
 * The hypercall ABI (SPEC §12, docs/hvc-abi.md): the host asks for the
 * ownership transitions of SPEC §5 with SMCCC fast calls. el2/ hands the
 * host's saved x0..x4 to pkvm_hvc_handle() from its exception vector and
 * copies them back on return; every register is untrusted input.
 */
#ifndef CORE_HVC_H
#define CORE_HVC_H

#include "core/pkvm.h"

/*
 * SMCCC function identifier: fast call (bit 31), SMC64 (bit 30), owner 6
 * "vendor-specific hypervisor service" (bits 29:24), function number in
 * bits 15:0. Bit 16 is SMCCC 1.3's SVE hint (the caller holds no live SVE
 * state beyond what FP/SIMD shares): a caller may set it on any call, so
 * it is no part of the id and decoding ignores it (SPEC §12).
 */
#define PKVM_HVC_ID_BASE  0xC6000000ULL
#define PKVM_HVC_ID(n)	  (PKVM_HVC_ID_BASE + (u64)(n))
#define PKVM_HVC_SVE_HINT (1ULL << 16)

/* The id x0 names, the hint cleared: what every decoder compares. */
static inline u64 pkvm_hvc_id_of(u64 x0)
{
	return x0 & ~PKVM_HVC_SVE_HINT;
}

/* Function numbers (docs/hvc-abi.md). host_mem_abort is an exception, not a call. */
enum pkvm_hvc_fn {
	PKVM_HVC_HOST_SHARE_HYP = 0,
	PKVM_HVC_HOST_UNSHARE_HYP = 1,
	PKVM_HVC_HYP_PIN = 2,
	PKVM_HVC_HYP_UNPIN = 3,
	PKVM_HVC_HOST_DONATE_HYP = 4,
	PKVM_HVC_HYP_DONATE_HOST = 5,
	PKVM_HVC_VM_CREATE = 6,
	PKVM_HVC_VM_TOPUP = 7,
	PKVM_HVC_HOST_DONATE_GUEST = 8,
	PKVM_HVC_HOST_SHARE_GUEST = 9,
	PKVM_HVC_HOST_UNSHARE_GUEST = 10,
	PKVM_HVC_GUEST_RELINQUISH = 11,
	PKVM_HVC_VM_TEARDOWN = 12,
	PKVM_HVC_HOST_RECLAIM_PAGE = 13,
	PKVM_HVC_NR_CALLS,
};

/* x0 on return: the call was handled (x1 holds its result), or unknown id. */
#define PKVM_HVC_SUCCESS       0ULL
#define PKVM_HVC_NOT_SUPPORTED (~0ULL) /* SMCCC NOT_SUPPORTED, -1 */

#define PKVM_HVC_NR_REGS 5

/* The host's argument and result registers x0..x4, as the vector saved them. */
struct pkvm_hvc_regs {
	u64 x[PKVM_HVC_NR_REGS];
};

/*
 * Handle one host hypercall in place: on return x0 is PKVM_HVC_SUCCESS with
 * x1 the operation's result (0 or a negative errno, sign-extended), or x0 is
 * PKVM_HVC_NOT_SUPPORTED for an unknown function id. Every other register
 * is left as the host passed it.
 */
void pkvm_hvc_handle(struct pkvm *p, struct pkvm_hvc_regs *regs);

#endif /* CORE_HVC_H */
