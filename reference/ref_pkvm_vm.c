// SPDX-License-Identifier: MIT
/*
 * §5 transitions involving VMs: create, topup, donate and share to a guest,
 * unshare, relinquish, teardown and reclaim. VM arguments are checked as
 * S20 says: vm id (EINVAL), then an empty slot (ENOENT), then the gfn
 * against the VM's ia_bits (EINVAL), then "not live" (EPERM).
 */
#include "ref_priv.h"

#define PROT_RWX (REF_PROT_R | REF_PROT_W | REF_PROT_X)

/* gfn inside the VM's IPA space (S2). */
static bool gfn_ok(const struct ref_vm *v, uint64_t gfn)
{
	return gfn < (1ull << (v->ia_bits - REF_PAGE_SHIFT));
}

/* pfn a memory page the host owns exclusively. */
static bool host_owned(const struct ref *r, uint64_t pfn)
{
	struct ref_pstate ps;

	return ref_pstate_get(r, pfn, &ps) && ps.state == REF_PS_HOST;
}

/* S20 slot checks shared by every operation on an existing VM. */
static int vm_slot(const struct ref *r, unsigned int vm)
{
	if (vm >= r->desc.nr_vm_slots)
		return -REF_EINVAL;
	if (r->vm[vm].state == REF_VM_FREE)
		return -REF_ENOENT;
	return 0;
}

/*
 * vm_create: slot free (EEXIST if live; EBUSY, after the pgd checks, if a
 * dead VM still holds pages, S20), ia_bits in [32, 48] (S21); the pgd page
 * becomes the VM's, annotated GUEST, and is its stage-2 root.
 */
int ref_vm_create(struct ref *r, unsigned int vm, unsigned int ia_bits, uint64_t pgd_pfn)
{
	struct ref_pstate ps = { .state = REF_PS_GUEST, .vm = vm, .role = REF_ROLE_PGD };
	struct ref_vm *v;
	struct ref_txn t;
	int ret;

	if (vm >= r->desc.nr_vm_slots || ia_bits < 32 || ia_bits > 48 || pgd_pfn >= r->mem.top)
		return -REF_EINVAL;
	v = &r->vm[vm];
	if (v->state == REF_VM_LIVE)
		return -REF_EEXIST;
	if (!host_owned(r, pgd_pfn))
		return -REF_EPERM;
	if (v->state == REF_VM_DEAD)
		return -REF_EBUSY;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pgd_pfn, pgd_pfn + 1, ref_annotation(REF_OWNER_GUEST));
	ref_set_pages(&t, r, pgd_pfn, pgd_pfn + 1, &ps);
	ret = ref_txn_commit(&t);
	if (ret)
		return ret;
	memset(v, 0, sizeof(*v));
	v->state = REF_VM_LIVE;
	v->ia_bits = ia_bits;
	v->pgd_pfn = pgd_pfn;
	v->owned = 1;
	ref_lmap_init(&v->s2, REF_KIND_GUEST_S2, ia_bits);
	return 0;
}

/* vm_topup: a host page becomes the VM's, annotated GUEST, in its memcache. */
int ref_vm_topup(struct ref *r, unsigned int vm, uint64_t pfn)
{
	struct ref_pstate ps = { .state = REF_PS_GUEST, .vm = vm, .role = REF_ROLE_MEMCACHE };
	struct ref_txn t;
	int ret;

	if (vm >= r->desc.nr_vm_slots || pfn >= r->mem.top)
		return -REF_EINVAL;
	ret = vm_slot(r, vm);
	if (ret)
		return ret;
	if (r->vm[vm].state != REF_VM_LIVE || !host_owned(r, pfn))
		return -REF_EPERM;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pfn, pfn + 1, ref_annotation(REF_OWNER_GUEST));
	ref_set_pages(&t, r, pfn, pfn + 1, &ps);
	ret = ref_txn_commit(&t);
	if (ret)
		return ret;
	r->vm[vm].memcache.size++;
	r->vm[vm].owned++;
	return 0;
}

/*
 * The checks host_donate_guest and host_share_guest share: S20 order, then
 * pfn host OWNED and gfn unmapped in the guest (EPERM).
 */
static int guest_map_checks(const struct ref *r, unsigned int vm, uint64_t pfn, uint64_t gfn,
			    bool prot_ok)
{
	const struct ref_vm *v;
	unsigned int level;
	uint64_t desc;
	int ret;

	if (vm >= r->desc.nr_vm_slots || pfn >= r->mem.top || !prot_ok)
		return -REF_EINVAL;
	ret = vm_slot(r, vm);
	if (ret)
		return ret;
	v = &r->vm[vm];
	if (!gfn_ok(v, gfn))
		return -REF_EINVAL;
	if (v->state != REF_VM_LIVE || !host_owned(r, pfn))
		return -REF_EPERM;
	ref_walk(&v->s2, gfn, &level, &desc);
	if (desc)
		return -REF_EPERM;
	return 0;
}

/* host_donate_guest: GUEST OWNED; host annotated GUEST; guest maps RWX. */
int ref_host_donate_guest(struct ref *r, unsigned int vm, uint64_t pfn, uint64_t gfn)
{
	struct ref_pstate ps = { .state = REF_PS_GUEST, .vm = vm, .role = REF_ROLE_DATA };
	struct ref_txn t;
	int ret;

	ret = guest_map_checks(r, vm, pfn, gfn, true);
	if (ret)
		return ret;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pfn, pfn + 1, ref_annotation(REF_OWNER_GUEST));
	ref_guest_write(&t, r, vm, gfn, ref_s2_tmpl(PROT_RWX, REF_MT_NORMAL), pfn);
	ref_set_pages(&t, r, pfn, pfn + 1, &ps);
	ret = ref_txn_commit(&t);
	if (!ret)
		r->vm[vm].owned++;
	return ret;
}

/*
 * host_share_guest: host SHARED_OWNED (valid page, bit 55); the guest maps
 * gfn with prot (S4, S7) and bit 56.
 */
int ref_host_share_guest(struct ref *r, unsigned int vm, uint64_t pfn, uint64_t gfn,
			 unsigned int prot)
{
	struct ref_pstate ps = { .state = REF_PS_SHARED_GUEST, .vm = vm };
	struct ref_txn t;
	int ret;

	ret = guest_map_checks(r, vm, pfn, gfn, prot && !(prot & ~PROT_RWX));
	if (ret)
		return ret;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pfn, pfn + 1, ref_host_mem_default() | REF_DESC_SHARED_OWNED);
	ref_guest_write(&t, r, vm, gfn, ref_s2_tmpl(prot, REF_MT_NORMAL) | REF_DESC_SHARED_BORROWED,
			pfn);
	ref_set_pages(&t, r, pfn, pfn + 1, &ps);
	return ref_txn_commit(&t);
}

/*
 * The guest's leaf at gfn after S20 checks: -EPERM unless the VM is live
 * and gfn is mapped with exactly the software bits `sw` (§5 table).
 */
static int guest_leaf(const struct ref *r, unsigned int vm, uint64_t gfn, uint64_t sw,
		      uint64_t *pfn)
{
	const struct ref_vm *v;
	const struct ref_run *run;
	int ret;

	ret = vm_slot(r, vm);
	if (ret)
		return ret;
	v = &r->vm[vm];
	if (!gfn_ok(v, gfn))
		return -REF_EINVAL;
	if (v->state != REF_VM_LIVE)
		return -REF_EPERM;
	run = ref_runs_at(&v->s2.leaves, gfn);
	if (!run || !(run->val & REF_DESC_VALID) || (run->val & REF_DESC_SW_MASK) != sw)
		return -REF_EPERM;
	*pfn = gfn + run->aux;
	return 0;
}

/*
 * host_unshare_guest: guest unmaps gfn; the host page becomes default in
 * place (S16); host OWNED; coalescing.
 */
int ref_host_unshare_guest(struct ref *r, unsigned int vm, uint64_t gfn)
{
	struct ref_pstate ps = { .state = REF_PS_HOST };
	struct ref_txn t;
	uint64_t pfn;
	int ret;

	ret = guest_leaf(r, vm, gfn, REF_DESC_SHARED_BORROWED, &pfn);
	if (ret)
		return ret;
	ref_txn_init(&t, &r->arena);
	ref_host_in_place(&t, r, pfn, pfn + 1, ref_host_mem_default());
	ref_guest_write(&t, r, vm, gfn, 0, 0);
	ref_set_pages(&t, r, pfn, pfn + 1, &ps);
	ref_host_coalesce(&t, r, pfn, pfn + 1);
	return ref_txn_commit(&t);
}

/*
 * guest_relinquish: the guest gives an owned page back: guest unmaps gfn,
 * the host entry becomes zero (S16), host OWNED, coalescing.
 */
int ref_guest_relinquish(struct ref *r, unsigned int vm, uint64_t gfn)
{
	struct ref_pstate ps = { .state = REF_PS_HOST };
	struct ref_txn t;
	uint64_t pfn;
	int ret;

	ret = guest_leaf(r, vm, gfn, 0, &pfn);
	if (ret)
		return ret;
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pfn, pfn + 1, 0);
	ref_guest_write(&t, r, vm, gfn, 0, 0);
	ref_set_pages(&t, r, pfn, pfn + 1, &ps);
	ref_host_coalesce(&t, r, pfn, pfn + 1);
	ret = ref_txn_commit(&t);
	if (!ret)
		r->vm[vm].owned--;
	return ret;
}

/*
 * vm_teardown (S24): the VM dies; pages it borrowed go back to the host
 * (default in place, S16, then coalescing); its non-root tables return to
 * its memcache; the pages it owns stay GUEST until reclaimed.
 */
int ref_vm_teardown(struct ref *r, unsigned int vm)
{
	struct ref_pstate host = { .state = REF_PS_HOST };
	struct ref_vm *v;
	struct ref_runs empty = { 0 };
	struct ref_txn t;
	size_t i;
	int ret;

	ret = vm_slot(r, vm);
	if (ret)
		return ret;
	v = &r->vm[vm];
	if (v->state != REF_VM_LIVE)
		return -REF_EPERM;
	ref_txn_init(&t, &r->arena);
	for (i = 0; i < r->pages.nr; i++) {
		const struct ref_run *run = &r->pages.run[i];
		struct ref_pstate ps;

		ref_pstate_get(r, run->start, &ps);
		if (ps.state != REF_PS_SHARED_GUEST || ps.vm != vm)
			continue;
		ref_host_in_place(&t, r, run->start, run->end, ref_host_mem_default());
		ref_set_pages(&t, r, run->start, run->end, &host);
		ref_host_coalesce(&t, r, run->start, run->end);
	}
	ref_txn_view(&t, &v->s2, &v->memcache, ref_pool_used(r, REF_POOL_VM(vm)));
	ref_txn_update(&t, &v->s2.leaves, 0, &empty);
	ret = ref_txn_commit(&t);
	if (!ret)
		v->state = REF_VM_DEAD;
	return ret;
}

/*
 * host_reclaim_page (S24): a dead VM's page goes back to the host, entry
 * zero, coalescing. A memcache page leaves the memcache; the pgd page takes
 * the root with it; the last page frees the slot.
 */
int ref_host_reclaim_page(struct ref *r, uint64_t pfn)
{
	struct ref_pstate host = { .state = REF_PS_HOST };
	struct ref_pstate ps;
	struct ref_vm *v;
	struct ref_txn t;
	int ret;

	if (pfn >= r->mem.top)
		return -REF_EINVAL;
	if (!ref_pstate_get(r, pfn, &ps) || ps.state != REF_PS_GUEST ||
	    r->vm[ps.vm].state != REF_VM_DEAD)
		return -REF_EPERM;
	v = &r->vm[ps.vm];
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, pfn, pfn + 1, 0);
	ref_set_pages(&t, r, pfn, pfn + 1, &host);
	ref_host_coalesce(&t, r, pfn, pfn + 1);
	ret = ref_txn_commit(&t);
	if (ret)
		return ret;
	if (ps.role == REF_ROLE_MEMCACHE) {
		v->memcache.size--;
		if (v->memcache.hidden > v->memcache.size)
			v->memcache.hidden = v->memcache.size;
	}
	if (ps.role == REF_ROLE_PGD)
		v->s2.nr_tables = 0;
	if (--v->owned == 0)
		memset(v, 0, sizeof(*v));
	return 0;
}
