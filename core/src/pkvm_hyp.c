// SPDX-License-Identifier: MIT
/*
 * Transitions between the host and the hypervisor (SPEC §5): sharing a page
 * with the hypervisor and taking it back, pinning a shared page, donating
 * ranges both ways.
 */
#include "pkvm_internal.h"

/* Checks of a whole range, one walk each: every entry must pass. */
struct range_check {
	pte_t want;	   /* for annotations: the entry every page must have */
	bool ok;
};

static int host_owned_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	struct range_check *rc = v->arg;

	/* Exclusively host-owned: unmapped, or mapped without a state bit. */
	if (v->old != 0 && !(pte_valid(v->old) && pte_state(v->old) == PGT_STATE_OWNED))
		rc->ok = false;
	return 0;
}

static int entry_equals_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	struct range_check *rc = v->arg;

	if (v->old != rc->want)
		rc->ok = false;
	return 0;
}

static int hyp_owned_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	struct range_check *rc = v->arg;

	if (!pte_is_valid_leaf(v->old, v->level) || pte_state(v->old) != PGT_STATE_OWNED)
		rc->ok = false;
	return 0;
}

static bool range_all(struct pgt *pgt, u64 start, u64 end, pgt_visitor_fn fn, pte_t want)
{
	struct range_check rc = { .want = want, .ok = true };
	struct pgt_walker w = { .cb = fn, .arg = &rc, .flags = PGT_VISIT_LEAF };

	pgt_walk(pgt, start, end, &w);
	return rc.ok;
}

int pkvm_host_share_hyp(struct pkvm *p, u64 pfn)
{
	struct pgt_install host_ins, hyp_ins;
	enum pkvm_view host;

	if (!pkvm_pfn_range_ok(p, pfn, 1))
		return -CORE_EINVAL;
	if (!pkvm_pfn_is_memory(p, pfn, 1) || pkvm_host_owner(p, pfn, &host) != PKVM_OWNER_HOST ||
	    host != PKVM_OWNED)
		return -CORE_EPERM;
	host_ins = host_s2_ins_shared(&p->host_s2, pfn);
	hyp_ins = pkvm_hyp_ins_map(p, pfn, 1, PGT_STATE_SHARED_BORROWED);
	return pkvm_commit(&p->host_s2, &host_ins, &p->hyp_s1, &hyp_ins);
}

int pkvm_host_unshare_hyp(struct pkvm *p, u64 pfn)
{
	struct pgt_install host_ins, hyp_ins;
	enum pkvm_view host;

	if (!pkvm_pfn_range_ok(p, pfn, 1))
		return -CORE_EINVAL;
	if (!pkvm_pfn_is_memory(p, pfn, 1) || pkvm_host_owner(p, pfn, &host) != PKVM_OWNER_HOST ||
	    host != PKVM_SHARED_OWNED || pkvm_hyp_view(p, pfn) != PKVM_SHARED_BORROWED)
		return -CORE_EPERM;
	if (pkvm_page(p, pfn)->pins)
		return -CORE_EBUSY;
	host_ins = host_s2_ins_default(&p->host_s2, pfn);
	hyp_ins = pkvm_hyp_ins_unmap(p, pfn, 1);
	return pkvm_commit(&p->host_s2, &host_ins, &p->hyp_s1, &hyp_ins);
}

static int hyp_pin_check(struct pkvm *p, u64 pfn)
{
	if (!pkvm_pfn_range_ok(p, pfn, 1))
		return -CORE_EINVAL;
	if (!pkvm_pfn_is_memory(p, pfn, 1) || pkvm_hyp_view(p, pfn) != PKVM_SHARED_BORROWED)
		return -CORE_EPERM;
	return 0;
}

int pkvm_hyp_pin(struct pkvm *p, u64 pfn)
{
	int ret = hyp_pin_check(p, pfn);

	if (ret)
		return ret;
	if (pkvm_page(p, pfn)->pins == UINT32_MAX)
		return -CORE_EPERM; /* S22 */
	pkvm_page(p, pfn)->pins++;
	return 0;
}

int pkvm_hyp_unpin(struct pkvm *p, u64 pfn)
{
	int ret = hyp_pin_check(p, pfn);

	if (ret)
		return ret;
	if (pkvm_page(p, pfn)->pins == 0)
		return -CORE_EPERM; /* S22 */
	pkvm_page(p, pfn)->pins--;
	return 0;
}

int pkvm_host_donate_hyp(struct pkvm *p, u64 pfn, u64 nr)
{
	struct pgt_install host_ins, hyp_ins;

	if (!pkvm_pfn_range_ok(p, pfn, nr))
		return -CORE_EINVAL;
	if (!pkvm_pfn_is_memory(p, pfn, nr) ||
	    !range_all(&p->host_s2, pkvm_pfn_addr(pfn), pkvm_pfn_addr(pfn + nr), host_owned_visit,
		       0))
		return -CORE_EPERM;
	host_ins = host_s2_ins_owner(pfn, nr, PKVM_OWNER_HYP);
	hyp_ins = pkvm_hyp_ins_map(p, pfn, nr, PGT_STATE_OWNED);
	return pkvm_commit(&p->host_s2, &host_ins, &p->hyp_s1, &hyp_ins);
}

int pkvm_hyp_donate_host(struct pkvm *p, u64 pfn, u64 nr)
{
	u64 carve_start = p->desc.carveout_base, carve_end = carve_start + p->desc.carveout_size;
	u64 start = pkvm_pfn_addr(pfn), end;
	struct pgt_install host_ins, hyp_ins;

	if (!pkvm_pfn_range_ok(p, pfn, nr))
		return -CORE_EINVAL;
	end = pkvm_pfn_addr(pfn + nr);
	if (!pkvm_pfn_is_memory(p, pfn, nr) || (start < carve_end && end > carve_start) ||
	    !range_all(&p->host_s2, start, end, entry_equals_visit,
		       pte_make_annotation(PKVM_OWNER_HYP)) ||
	    !range_all(&p->hyp_s1, start + p->desc.hyp_va_offset, end + p->desc.hyp_va_offset,
		       hyp_owned_visit, 0))
		return -CORE_EPERM;
	host_ins = host_s2_ins_owner(pfn, nr, PKVM_OWNER_HOST);
	hyp_ins = pkvm_hyp_ins_unmap(p, pfn, nr);
	return pkvm_commit(&p->host_s2, &host_ins, &p->hyp_s1, &hyp_ins);
}

static bool abort_addr_ok(const struct pkvm *p, u64 addr)
{
	return !(addr & (PGT_PAGE_SIZE - 1)) && !(addr >> p->desc.layout.ia_bits); /* S19 */
}

int pkvm_host_mem_abort(struct pkvm *p, u64 addr)
{
	return abort_addr_ok(p, addr) ? host_s2_mem_abort(&p->host_s2, addr) : -CORE_EINVAL;
}

int pkvm_host_mem_abort_shared(struct pkvm *p, u64 addr)
{
	return abort_addr_ok(p, addr) ? host_s2_mem_abort_shared(&p->host_s2, addr)
				      : -CORE_EINVAL;
}
