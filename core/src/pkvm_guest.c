// SPDX-License-Identifier: MIT
/*
 * Transitions between the host and its guests (SPEC §5): donating and
 * sharing pages into a guest, unsharing, and the guest giving a page back.
 */
#include "pkvm_internal.h"

/*
 * The checks every guest operation starts with, in the order of §5 and
 * S20: the slot, the pfn and the gfn (-EINVAL), a VM there (-ENOENT), a
 * live one (-EPERM).
 */
static int guest_args(struct pkvm *p, u32 vm, u64 pfn, bool check_pfn, u64 gfn,
		      struct pkvm_vm **out)
{
	int ret;

	if (vm >= p->desc.nr_vm_slots || (check_pfn && !pkvm_pfn_range_ok(p, pfn, 1)))
		return -CORE_EINVAL;
	ret = pkvm_vm_get(p, vm, out);
	if (ret)
		return ret;
	if (!pkvm_gfn_ok(*out, gfn))
		return -CORE_EINVAL;
	return (*out)->state == PKVM_VM_LIVE ? 0 : -CORE_EPERM;
}

/* Host OWNED memory, and nothing mapped at @gfn in the guest. */
static int give_check(struct pkvm *p, struct pkvm_vm *v, u64 pfn, u64 gfn)
{
	enum pkvm_view host;
	u32 level;
	pte_t e;
	int ret;

	if (!pkvm_pfn_is_memory(p, pfn, 1) || pkvm_host_owner(p, pfn, &host) != PKVM_OWNER_HOST ||
	    host != PKVM_OWNED)
		return -CORE_EPERM;
	ret = pgt_get_leaf(&v->pgt, pkvm_pfn_addr(gfn), &e, &level);
	CORE_ASSERT(ret == 0);
	return e ? -CORE_EPERM : 0;
}

/*
 * The checks of a page coming back from the guest at @gfn: the arguments,
 * then the guest's view of the page must be @view (else -EPERM).
 */
static int take_back_check(struct pkvm *p, u32 vm, u64 gfn, enum pkvm_view view,
			   struct pkvm_vm **v, u64 *pfn)
{
	int ret = guest_args(p, vm, 0, false, gfn, v);

	if (ret)
		return ret;
	return pkvm_guest_view(*v, gfn, pfn) == view ? 0 : -CORE_EPERM;
}

int pkvm_host_donate_guest(struct pkvm *p, u32 vm, u64 pfn, u64 gfn)
{
	struct pgt_install host_ins, guest_ins;
	struct pkvm_vm *v;
	int ret = guest_args(p, vm, pfn, true, gfn, &v);

	if (!ret)
		ret = give_check(p, v, pfn, gfn);
	if (ret)
		return ret;
	host_ins = host_s2_ins_owner(pfn, 1, PKVM_OWNER_GUEST);
	guest_ins = pkvm_guest_ins_map(gfn, pfn, PGT_PROT_RWX, PGT_STATE_OWNED);
	ret = pkvm_commit(&p->host_s2, &host_ins, &v->pgt, &guest_ins);
	if (ret)
		return ret;
	pkvm_page(p, pfn)->vm = (u8)vm;
	v->nr_owned++;
	return 0;
}

int pkvm_host_share_guest(struct pkvm *p, u32 vm, u64 pfn, u64 gfn, u32 prot)
{
	struct pgt_install host_ins, guest_ins;
	struct pkvm_vm *v;
	int ret;

	if (!pgt_prot_valid(prot))
		return -CORE_EINVAL;
	ret = guest_args(p, vm, pfn, true, gfn, &v);
	if (!ret)
		ret = give_check(p, v, pfn, gfn);
	if (ret)
		return ret;
	host_ins = host_s2_ins_shared(&p->host_s2, pfn);
	guest_ins = pkvm_guest_ins_map(gfn, pfn, prot, PGT_STATE_SHARED_BORROWED);
	return pkvm_commit(&p->host_s2, &host_ins, &v->pgt, &guest_ins);
}

int pkvm_host_unshare_guest(struct pkvm *p, u32 vm, u64 gfn)
{
	struct pgt_install host_ins, guest_ins;
	struct pkvm_vm *v;
	u64 pfn = 0;
	int ret = take_back_check(p, vm, gfn, PKVM_SHARED_BORROWED, &v, &pfn);

	if (ret)
		return ret;
	host_ins = host_s2_ins_default(&p->host_s2, pfn);
	guest_ins = pkvm_guest_ins_unmap(gfn);
	return pkvm_commit(&p->host_s2, &host_ins, &v->pgt, &guest_ins);
}

int pkvm_guest_relinquish(struct pkvm *p, u32 vm, u64 gfn)
{
	struct pgt_install host_ins, guest_ins;
	struct pkvm_vm *v;
	u64 pfn = 0;
	int ret = take_back_check(p, vm, gfn, PKVM_OWNED, &v, &pfn);

	if (ret)
		return ret;
	host_ins = host_s2_ins_owner(pfn, 1, PKVM_OWNER_HOST);
	guest_ins = pkvm_guest_ins_unmap(gfn);
	ret = pkvm_commit(&p->host_s2, &host_ins, &v->pgt, &guest_ins);
	if (ret)
		return ret;
	pkvm_page(p, pfn)->vm = 0;
	v->nr_owned--;
	return 0;
}
