// SPDX-License-Identifier: MIT
/*
 * A VM's life (SPEC §5, S20, S24): creation on a host page that becomes its
 * pgd, memcache top-ups, teardown, and the host reclaiming the dead VM's
 * pages one by one until the slot is free again.
 */
#include "pkvm_internal.h"

/* A host-owned memory page becomes the VM's: annotated GUEST in host stage-2. */
static int take_page_check(struct pkvm *p, u64 pfn)
{
	enum pkvm_view host;

	if (!pkvm_pfn_is_memory(p, pfn, 1) || pkvm_host_owner(p, pfn, &host) != PKVM_OWNER_HOST ||
	    host != PKVM_OWNED)
		return -CORE_EPERM;
	return 0;
}

static int take_page(struct pkvm *p, u32 vm, u64 pfn)
{
	struct pgt_install ins = host_s2_ins_owner(pfn, 1, PKVM_OWNER_GUEST);
	int ret = pkvm_commit(&p->host_s2, &ins, NULL, NULL);

	if (ret)
		return ret;
	pkvm_page(p, pfn)->vm = (u8)vm;
	p->vms[vm].nr_owned++;
	return 0;
}

int pkvm_vm_create(struct pkvm *p, u32 vm, u32 ia_bits, u64 pgd_pfn)
{
	struct pkvm_vm *v;
	int ret;

	if (vm >= p->desc.nr_vm_slots || ia_bits < PGT_MIN_IA_BITS || ia_bits > PGT_MAX_IA_BITS ||
	    !pkvm_pfn_range_ok(p, pgd_pfn, 1))
		return -CORE_EINVAL;
	v = &p->vms[vm];
	if (v->state == PKVM_VM_LIVE)
		return -CORE_EEXIST;
	ret = take_page_check(p, pgd_pfn);
	if (ret)
		return ret;
	if (v->state == PKVM_VM_DEAD)
		return -CORE_EBUSY;
	ret = take_page(p, vm, pgd_pfn);
	if (ret)
		return ret;
	ret = pgt_init_adopted(&v->pgt, ia_bits, vm + 1, p->mm, v->memcache,
			       pa_init(pkvm_pfn_addr(pgd_pfn)));
	CORE_ASSERT(ret == 0);
	v->state = PKVM_VM_LIVE;
	return 0;
}

int pkvm_vm_topup(struct pkvm *p, u32 vm, u64 pfn)
{
	struct pkvm_vm *v;
	int ret;

	if (vm >= p->desc.nr_vm_slots || !pkvm_pfn_range_ok(p, pfn, 1))
		return -CORE_EINVAL;
	ret = pkvm_vm_get(p, vm, &v);
	if (ret)
		return ret;
	if (v->state != PKVM_VM_LIVE)
		return -CORE_EPERM;
	ret = take_page_check(p, pfn);
	if (!ret)
		ret = take_page(p, vm, pfn);
	if (ret)
		return ret;
	ret = p->mm->ops->pool_add(p->mm->ctx, v->memcache, pa_init(pkvm_pfn_addr(pfn)));
	CORE_ASSERT(ret == 0);
	pkvm_page(p, pfn)->flags |= PKVM_PAGE_MEMCACHE;
	return 0;
}

/* Teardown: a page the VM borrowed from the host goes back to it (S16). */
static int return_borrowed_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	struct pkvm *p = v->arg;
	struct pgt_install ins;
	int ret;

	if (!pte_is_valid_leaf(v->old, v->level) || pte_state(v->old) != PGT_STATE_SHARED_BORROWED)
		return 0;
	ins = host_s2_ins_default(&p->host_s2, pte_out(v->old) >> PGT_PAGE_SHIFT);
	/* In place and then coalescing: it frees, never allocates. */
	ret = pkvm_commit(&p->host_s2, &ins, NULL, NULL);
	CORE_ASSERT(ret == 0);
	return 0;
}

int pkvm_vm_teardown(struct pkvm *p, u32 vm)
{
	struct pgt_walker w = { .cb = return_borrowed_visit, .arg = p, .flags = PGT_VISIT_LEAF };
	struct pkvm_vm *v;
	int ret = pkvm_vm_get(p, vm, &v);

	if (ret)
		return ret;
	if (v->state != PKVM_VM_LIVE)
		return -CORE_EPERM;
	pgt_walk(&v->pgt, 0, 1ULL << v->pgt.ia_bits, &w);
	pgt_free_tables(&v->pgt);
	v->state = PKVM_VM_DEAD;
	return 0;
}

int pkvm_host_reclaim_page(struct pkvm *p, u64 pfn)
{
	struct pgt_install ins;
	struct pkvm_page *page;
	struct pkvm_vm *v;
	enum pkvm_view host;
	paddr_t pa = pa_init(pkvm_pfn_addr(pfn));
	int ret;

	if (!pkvm_pfn_range_ok(p, pfn, 1))
		return -CORE_EINVAL;
	if (!pkvm_pfn_is_memory(p, pfn, 1) || pkvm_host_owner(p, pfn, &host) != PKVM_OWNER_GUEST)
		return -CORE_EPERM;
	page = pkvm_page(p, pfn);
	v = &p->vms[page->vm];
	if (v->state != PKVM_VM_DEAD)
		return -CORE_EPERM;
	ins = host_s2_ins_owner(pfn, 1, PKVM_OWNER_HOST);
	ret = pkvm_commit(&p->host_s2, &ins, NULL, NULL);
	if (ret)
		return ret;
	if (pa_addr(pa) == pa_addr(v->pgt.root_pa)) {
		p->mm->ops->root_release(p->mm->ctx, v->pgt.root);
	} else if (page->flags & PKVM_PAGE_MEMCACHE) {
		ret = p->mm->ops->pool_remove(p->mm->ctx, v->memcache, pa);
		CORE_ASSERT(ret == 0);
	}
	page->vm = 0;
	page->flags = 0;
	if (--v->nr_owned == 0)
		v->state = PKVM_VM_FREE;
	return 0;
}
