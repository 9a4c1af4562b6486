// SPDX-License-Identifier: MIT
/*
 * Page states as the tables record them (SPEC §2, §5): the host's view and
 * owner from its stage-2 entry, the hypervisor's from its stage-1 entry, a
 * guest's from its stage-2 entry; plus argument checks and the commit of an
 * operation that spans two tables.
 */
#include "pkvm_internal.h"

bool pkvm_pfn_range_ok(const struct pkvm *p, u64 pfn, u64 nr)
{
	u64 limit = 1ULL << (p->desc.layout.ia_bits - PGT_PAGE_SHIFT);

	return nr != 0 && pfn < limit && nr <= limit - pfn;
}

bool pkvm_pfn_is_memory(const struct pkvm *p, u64 pfn, u64 nr)
{
	return host_layout_range_is_memory(&p->desc.layout, pkvm_pfn_addr(pfn),
					   nr << PGT_PAGE_SHIFT);
}

static enum pkvm_view view_of_leaf(pte_t e, u32 level)
{
	if (!pte_is_valid_leaf(e, level))
		return PKVM_NOPAGE;
	switch (pte_state(e)) {
	case PGT_STATE_SHARED_OWNED:
		return PKVM_SHARED_OWNED;
	case PGT_STATE_SHARED_BORROWED:
		return PKVM_SHARED_BORROWED;
	case PGT_STATE_OWNED:
		break;
	}
	return PKVM_OWNED;
}

u32 pkvm_host_owner(struct pkvm *p, u64 pfn, enum pkvm_view *view)
{
	u32 level;
	pte_t e;
	int ret = pgt_get_leaf(&p->host_s2, pkvm_pfn_addr(pfn), &e, &level);

	CORE_ASSERT(ret == 0);
	if (e == 0 || pte_valid(e)) {
		/* Unmapped pages are the host's too: it maps them on abort. */
		*view = e == 0 ? PKVM_OWNED : view_of_leaf(e, level);
		return PKVM_OWNER_HOST;
	}
	*view = PKVM_NOPAGE;
	return pte_owner(e);
}

enum pkvm_view pkvm_hyp_view(struct pkvm *p, u64 pfn)
{
	u32 level;
	pte_t e;
	int ret = pgt_get_leaf(&p->hyp_s1, pkvm_pfn_addr(pfn) + p->desc.hyp_va_offset, &e, &level);

	CORE_ASSERT(ret == 0);
	return view_of_leaf(e, level);
}

enum pkvm_view pkvm_guest_view(struct pkvm_vm *vm, u64 gfn, u64 *pfn)
{
	u64 ia = pkvm_pfn_addr(gfn);
	u32 level;
	pte_t e;
	int ret = pgt_get_leaf(&vm->pgt, ia, &e, &level);

	CORE_ASSERT(ret == 0);
	if (pte_valid(e))
		*pfn = (pte_out(e) + (ia & (pgt_level_span(level) - 1))) >> PGT_PAGE_SHIFT;
	return view_of_leaf(e, level);
}

int pkvm_vm_get(struct pkvm *p, u32 vm, struct pkvm_vm **out)
{
	if (vm >= p->desc.nr_vm_slots)
		return -CORE_EINVAL;
	if (p->vms[vm].state == PKVM_VM_FREE)
		return -CORE_ENOENT;
	*out = &p->vms[vm];
	return 0;
}

bool pkvm_gfn_ok(const struct pkvm_vm *vm, u64 gfn)
{
	return gfn < (1ULL << (vm->pgt.ia_bits - PGT_PAGE_SHIFT));
}

int pkvm_commit(struct pgt *a, const struct pgt_install *ia, struct pgt *b,
		const struct pgt_install *ib)
{
	int ret;

	if (!pgt_install_pool_ok(a, ia, false) || (b && !pgt_install_pool_ok(b, ib, false)))
		return -CORE_ENOMEM;
	ret = pgt_install_commit(a, ia);
	if (!ret && b)
		ret = pgt_install_commit(b, ib);
	return ret;
}

struct pgt_install pkvm_hyp_ins_map(const struct pkvm *p, u64 pfn, u64 nr,
				    enum pgt_page_state state)
{
	u64 va = pkvm_pfn_addr(pfn) + p->desc.hyp_va_offset;

	return (struct pgt_install){
		.start = va,
		.end = va + (nr << PGT_PAGE_SHIFT),
		.valid = true,
		.attrs = pte_s1_attrs(PGT_PROT_RW, PGT_MEM_NORMAL, state),
		.out = pkvm_pfn_addr(pfn),
	};
}

struct pgt_install pkvm_hyp_ins_unmap(const struct pkvm *p, u64 pfn, u64 nr)
{
	u64 va = pkvm_pfn_addr(pfn) + p->desc.hyp_va_offset;

	return (struct pgt_install){ .start = va, .end = va + (nr << PGT_PAGE_SHIFT) };
}

struct pgt_install pkvm_guest_ins_map(u64 gfn, u64 pfn, u32 prot, enum pgt_page_state state)
{
	return (struct pgt_install){
		.start = pkvm_pfn_addr(gfn),
		.end = pkvm_pfn_addr(gfn + 1),
		.valid = true,
		.attrs = pte_s2_attrs(prot, PGT_MEM_NORMAL, state),
		.out = pkvm_pfn_addr(pfn),
	};
}

struct pgt_install pkvm_guest_ins_unmap(u64 gfn)
{
	return (struct pgt_install){ .start = pkvm_pfn_addr(gfn), .end = pkvm_pfn_addr(gfn + 1) };
}
