// SPDX-License-Identifier: MIT
/*
 * The hypercall dispatcher (SPEC §12, docs/hvc-abi.md). A table maps each
 * function number to its operation and says how many argument registers it
 * reads and which of them are 32-bit quantities. The host controls every
 * register, so a 32-bit argument (vm id, ia_bits, prot) whose register does
 * not fit in 32 bits is -EINVAL: truncating it would silently turn a
 * request about one VM into a request about another. That is the answer
 * the operation itself would give a value that large (vm id out of range,
 * ia_bits or prot outside the allowed set are all -EINVAL, SPEC §5, S4,
 * S20, S21), and -EINVAL comes first in §5's order, so the check never
 * masks a different error.
 */
#include "core/hvc.h"

#define HVC_MAX_ARGS  4
#define HVC_NARROW(i) (1U << (i)) /* argument x(i + 1) is 32-bit */

/* One operation, its arguments x1.. already checked to fit their types. */
typedef int (*hvc_fn)(struct pkvm *p, const u64 *arg);

struct hvc_call {
	hvc_fn run;
	u8 nr_args; /* x1..x(nr_args) are read; the rest are ignored */
	u8 narrow;  /* HVC_NARROW() of each 32-bit argument */
};

static int hvc_host_share_hyp(struct pkvm *p, const u64 *a)
{
	return pkvm_host_share_hyp(p, a[0]);
}

static int hvc_host_unshare_hyp(struct pkvm *p, const u64 *a)
{
	return pkvm_host_unshare_hyp(p, a[0]);
}

static int hvc_hyp_pin(struct pkvm *p, const u64 *a)
{
	return pkvm_hyp_pin(p, a[0]);
}

static int hvc_hyp_unpin(struct pkvm *p, const u64 *a)
{
	return pkvm_hyp_unpin(p, a[0]);
}

static int hvc_host_donate_hyp(struct pkvm *p, const u64 *a)
{
	return pkvm_host_donate_hyp(p, a[0], a[1]);
}

static int hvc_hyp_donate_host(struct pkvm *p, const u64 *a)
{
	return pkvm_hyp_donate_host(p, a[0], a[1]);
}

static int hvc_vm_create(struct pkvm *p, const u64 *a)
{
	return pkvm_vm_create(p, (u32)a[0], (u32)a[1], a[2]);
}

static int hvc_vm_topup(struct pkvm *p, const u64 *a)
{
	return pkvm_vm_topup(p, (u32)a[0], a[1]);
}

static int hvc_host_donate_guest(struct pkvm *p, const u64 *a)
{
	return pkvm_host_donate_guest(p, (u32)a[0], a[1], a[2]);
}

static int hvc_host_share_guest(struct pkvm *p, const u64 *a)
{
	return pkvm_host_share_guest(p, (u32)a[0], a[1], a[2], (u32)a[3]);
}

static int hvc_host_unshare_guest(struct pkvm *p, const u64 *a)
{
	return pkvm_host_unshare_guest(p, (u32)a[0], a[1]);
}

static int hvc_guest_relinquish(struct pkvm *p, const u64 *a)
{
	return pkvm_guest_relinquish(p, (u32)a[0], a[1]);
}

static int hvc_vm_teardown(struct pkvm *p, const u64 *a)
{
	return pkvm_vm_teardown(p, (u32)a[0]);
}

static int hvc_host_reclaim_page(struct pkvm *p, const u64 *a)
{
	return pkvm_host_reclaim_page(p, a[0]);
}

static const struct hvc_call hvc_calls[PKVM_HVC_NR_CALLS] = {
	[PKVM_HVC_HOST_SHARE_HYP] = { hvc_host_share_hyp, 1, 0 },
	[PKVM_HVC_HOST_UNSHARE_HYP] = { hvc_host_unshare_hyp, 1, 0 },
	[PKVM_HVC_HYP_PIN] = { hvc_hyp_pin, 1, 0 },
	[PKVM_HVC_HYP_UNPIN] = { hvc_hyp_unpin, 1, 0 },
	[PKVM_HVC_HOST_DONATE_HYP] = { hvc_host_donate_hyp, 2, 0 },
	[PKVM_HVC_HYP_DONATE_HOST] = { hvc_hyp_donate_host, 2, 0 },
	[PKVM_HVC_VM_CREATE] = { hvc_vm_create, 3, HVC_NARROW(0) | HVC_NARROW(1) },
	[PKVM_HVC_VM_TOPUP] = { hvc_vm_topup, 2, HVC_NARROW(0) },
	[PKVM_HVC_HOST_DONATE_GUEST] = { hvc_host_donate_guest, 3, HVC_NARROW(0) },
	[PKVM_HVC_HOST_SHARE_GUEST] = { hvc_host_share_guest, 4, HVC_NARROW(0) | HVC_NARROW(3) },
	[PKVM_HVC_HOST_UNSHARE_GUEST] = { hvc_host_unshare_guest, 2, HVC_NARROW(0) },
	[PKVM_HVC_GUEST_RELINQUISH] = { hvc_guest_relinquish, 2, HVC_NARROW(0) },
	[PKVM_HVC_VM_TEARDOWN] = { hvc_vm_teardown, 1, HVC_NARROW(0) },
	[PKVM_HVC_HOST_RECLAIM_PAGE] = { hvc_host_reclaim_page, 1, 0 },
};

/*
 * The call x0 names, or NULL. The SVE hint (bit 16) says something about
 * the caller's registers, not which call it makes: it is cleared first, and
 * the call is the same with or without it. Every other bit of the 64-bit
 * register is compared: SMCCC passes the id in w0, but a host that leaves
 * garbage in the upper half gets NOT_SUPPORTED rather than a call it did
 * not quite ask for.
 */
static const struct hvc_call *hvc_lookup(u64 x0)
{
	u64 id = pkvm_hvc_id_of(x0), n = id - PKVM_HVC_ID_BASE;

	if (id < PKVM_HVC_ID_BASE || n >= PKVM_HVC_NR_CALLS)
		return NULL;
	return &hvc_calls[n];
}

/* -EINVAL if a 32-bit argument's register does not fit in 32 bits. */
static int hvc_check_args(const struct hvc_call *c, const u64 *arg)
{
	for (u32 i = 0; i < c->nr_args; i++) {
		if ((c->narrow & HVC_NARROW(i)) && arg[i] > 0xFFFFFFFFULL)
			return -CORE_EINVAL;
	}
	return 0;
}

void pkvm_hvc_handle(struct pkvm *p, struct pkvm_hvc_regs *regs)
{
	const struct hvc_call *c = hvc_lookup(regs->x[0]);
	const u64 *arg = &regs->x[1];
	int rc;

	if (!c) {
		regs->x[0] = PKVM_HVC_NOT_SUPPORTED;
		return;
	}
	CORE_ASSERT(c->run && c->nr_args <= HVC_MAX_ARGS);
	rc = hvc_check_args(c, arg);
	if (!rc)
		rc = c->run(p, arg);
	regs->x[0] = PKVM_HVC_SUCCESS;
	regs->x[1] = (u64)(s64)rc;
}
