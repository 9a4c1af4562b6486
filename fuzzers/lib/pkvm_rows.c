// SPDX-License-Identifier: MIT
/*
 * fuzz_pkvm's operations (SPEC §5), as rows of the operation table: each
 * with its two calls, the core's on the simulated machine (struct dual) and
 * the reference's (struct ref), and the hypercall number it answers to
 * (§12, docs/hvc-abi.md). The reference's reading of a hypercall's
 * registers is here too, so that fuzz_hvc and el2's differential mode read
 * them alike. Three builds: everything (the harness); the reference's calls
 * alone (FZ_REF_ONLY: el2, which has no simulator); no calls at all
 * (FZ_CODEC_ONLY: s2script, el2's corpus packer).
 */
#include "ops_pkvm.h"

#include <string.h>

#if defined(FZ_CODEC_ONLY)
#define CORE_CALL(name) NULL
#define REF_CALL(name)	NULL
#define CALLS(name, core_call, ref_call)
#else
#include "ref/ref.h"
#if defined(FZ_REF_ONLY)
#define CORE_CALL(name)		 NULL
#define CORE_FN(name, core_call)
#else
#include "dual.h"
#define CORE_CALL(name) c_##name
#define CORE(w)		(&((struct dual *)(w))->pkvm)
#define CORE_FN(name, core_call)                           \
	static int c_##name(void *w, const struct fz_op *o) \
	{                                                   \
		(void)o;                                    \
		return core_call;                           \
	}
#endif
#define REF_CALL(name) r_##name
#define REF(w)	       ((struct ref *)(w))
#define V(f)	       (o->v[PK_##f])
#define VM	       ((unsigned)V(VM))
#define CALLS(name, core_call, ref_call)                   \
	CORE_FN(name, core_call)                            \
	static int r_##name(void *w, const struct fz_op *o) \
	{                                                   \
		(void)o;                                    \
		return ref_call;                            \
	}
#endif

CALLS(host_share_hyp, pkvm_host_share_hyp(CORE(w), V(PFN)), ref_host_share_hyp(REF(w), V(PFN)))
CALLS(host_unshare_hyp, pkvm_host_unshare_hyp(CORE(w), V(PFN)),
      ref_host_unshare_hyp(REF(w), V(PFN)))
CALLS(hyp_pin, pkvm_hyp_pin(CORE(w), V(PFN)), ref_hyp_pin(REF(w), V(PFN)))
CALLS(hyp_unpin, pkvm_hyp_unpin(CORE(w), V(PFN)), ref_hyp_unpin(REF(w), V(PFN)))
CALLS(host_donate_hyp, pkvm_host_donate_hyp(CORE(w), V(PFN), V(NR)),
      ref_host_donate_hyp(REF(w), V(PFN), V(NR)))
CALLS(hyp_donate_host, pkvm_hyp_donate_host(CORE(w), V(PFN), V(NR)),
      ref_hyp_donate_host(REF(w), V(PFN), V(NR)))
CALLS(vm_create, pkvm_vm_create(CORE(w), VM, (unsigned)V(IA_BITS), V(PGD)),
      ref_vm_create(REF(w), VM, (unsigned)V(IA_BITS), V(PGD)))
CALLS(vm_topup, pkvm_vm_topup(CORE(w), VM, V(PFN)), ref_vm_topup(REF(w), VM, V(PFN)))
CALLS(host_donate_guest, pkvm_host_donate_guest(CORE(w), VM, V(PFN), V(GFN)),
      ref_host_donate_guest(REF(w), VM, V(PFN), V(GFN)))
CALLS(host_share_guest, pkvm_host_share_guest(CORE(w), VM, V(PFN), V(GFN), (unsigned)V(PROT)),
      ref_host_share_guest(REF(w), VM, V(PFN), V(GFN), (unsigned)V(PROT)))
CALLS(host_unshare_guest, pkvm_host_unshare_guest(CORE(w), VM, V(GFN)),
      ref_host_unshare_guest(REF(w), VM, V(GFN)))
CALLS(guest_relinquish, pkvm_guest_relinquish(CORE(w), VM, V(GFN)),
      ref_guest_relinquish(REF(w), VM, V(GFN)))
CALLS(vm_teardown, pkvm_vm_teardown(CORE(w), VM), ref_vm_teardown(REF(w), VM))
CALLS(host_reclaim_page, pkvm_host_reclaim_page(CORE(w), V(PFN)),
      ref_host_reclaim_page(REF(w), V(PFN)))
CALLS(host_mem_abort, pkvm_host_mem_abort(CORE(w), V(ADDR)), ref_host_mem_abort(REF(w), V(ADDR)))
CALLS(pool_hide, dual_pool_hide(w, (unsigned)V(POOL), V(HIDE)),
      (ref_pool_hide(REF(w), (unsigned)V(POOL), V(HIDE)), 0))
CALLS(pool_unhide, dual_pool_unhide(w, (unsigned)V(POOL)),
      (ref_pool_unhide(REF(w), (unsigned)V(POOL)), 0))
/* Accesses change no table: the reference has nothing to do. */
CALLS(host_access, dual_access(w, DIFF_HOST_S2, 0, V(PFN)), 0)
CALLS(hyp_access, dual_access(w, DIFF_HYP_S1, 0, V(PFN)), 0)
CALLS(guest_access, dual_access(w, DIFF_GUEST_S2, VM, V(GFN)), 0)

#define F(f) (1U << PK_##f)
#define OP(name, spec, hvc, fields, doc) \
	{ #name, spec, hvc, fields, 0, CORE_CALL(name), REF_CALL(name), doc }

const struct fz_op_def fz_pkvm_ops[PK_NR_OPS] = {
	OP(host_share_hyp, "§5", 0, F(PFN), "the host shares a page with the hypervisor"),
	OP(host_unshare_hyp, "§5", 1, F(PFN), "the host takes a shared page back"),
	OP(hyp_pin, "§5", 2, F(PFN), "the hypervisor pins a page the host shares"),
	OP(hyp_unpin, "§5", 3, F(PFN), "and unpins it"),
	OP(host_donate_hyp, "§5", 4, F(PFN) | F(NR), "the host gives pages to the hypervisor"),
	OP(hyp_donate_host, "§5", 5, F(PFN) | F(NR), "the hypervisor gives them back"),
	OP(vm_create, "§5", 6, F(VM) | F(IA_BITS) | F(PGD), "a VM in a slot, its pgd donated"),
	OP(vm_topup, "§5", 7, F(VM) | F(PFN), "a page for a VM's memcache"),
	OP(host_donate_guest, "§5", 8, F(VM) | F(PFN) | F(GFN), "a page becomes the guest's"),
	OP(host_share_guest, "§5", 9, F(VM) | F(PFN) | F(GFN) | F(PROT),
	   "the host shares a page with a guest"),
	OP(host_unshare_guest, "§5", 10, F(VM) | F(GFN), "and takes it back"),
	OP(guest_relinquish, "§5", 11, F(VM) | F(GFN), "the guest gives a page up"),
	OP(vm_teardown, "§5", 12, F(VM), "the VM dies; its pages wait for reclaim"),
	OP(host_reclaim_page, "§5, §4", 13, F(PFN), "the host takes a dead VM's page back"),
	OP(host_mem_abort, "§6", -1, F(ADDR), "the host touches an unmapped address"),
	OP(pool_hide, "§7", -1, F(POOL) | F(HIDE), "withhold free pages (fault injection)"),
	OP(pool_unhide, "§7", -1, F(POOL), "give them back"),
	OP(host_access, "§11", -1, F(PFN), "the host touches a page (TLB model)"),
	OP(hyp_access, "§11", -1, F(PFN), "the hypervisor touches a page through its VA"),
	OP(guest_access, "§11", -1, F(VM) | F(GFN), "a vCPU touches a guest page"),
};


const struct fz_op_def *fz_hvc_row(uint64_t n)
{
	for (unsigned i = 0; i < PK_NR_OPS; i++) {
		if (fz_pkvm_ops[i].hvc >= 0 && (uint64_t)fz_pkvm_ops[i].hvc == n)
			return &fz_pkvm_ops[i];
	}
	return NULL;
}

const struct fz_op_def *fz_hvc_id_row(uint64_t x0)
{
	uint64_t id = x0 & ~FZ_HVC_HINT_BIT;

	return id >= FZ_HVC_ID_BASE && id - FZ_HVC_ID_BASE < FZ_HVC_NR_CALLS
		       ? fz_hvc_row(id - FZ_HVC_ID_BASE)
		       : NULL;
}

const char *fz_hvc_call_name(uint64_t x0)
{
	const struct fz_op_def *row = fz_hvc_id_row(x0);

	return row ? row->name : NULL;
}

const struct fz_op_def *fz_hvc_call(const uint64_t *x, struct fz_op *call)
{
	const struct fz_op_def *row = fz_hvc_id_row(x[0]);
	unsigned reg = 1;

	memset(call, 0, sizeof(*call));
	call->def = row;
	for (unsigned f = 0; row && f < PK_NR_FIELDS; f++)
		if (row->fields & (1U << f))
			call->v[f] = x[reg++];
	return row;
}

#if !defined(FZ_CODEC_ONLY)
int fz_hvc_ref(struct ref *r, const uint64_t *x)
{
	static const bool abi32[PK_NR_FIELDS] = { [PK_VM] = 1, [PK_IA_BITS] = 1, [PK_PROT] = 1 };
	struct fz_op call;

	if (!fz_hvc_call(x, &call))
		return 0;
	for (unsigned f = 0; f < PK_NR_FIELDS; f++)
		if ((call.def->fields & (1U << f)) && abi32[f] && call.v[f] > 0xffffffffULL)
			return -REF_EINVAL;
	return call.def->ref(r, &call);
}
#endif
