// SPDX-License-Identifier: MIT
/*
 * Faults in shared walks (SPEC §9, seed 003; host aborts, S46). Several
 * walkers may map leaves in one guest stage-2, or one host stage-2, at once.
 * Every change is a compare-and-swap from the value the walker read;
 * break-before-make first swaps the entry to LOCKED, so a racing walker sees
 * an invalid entry it must not touch and backs off with -EAGAIN; the new
 * entry is then published with a release store. Tables unlinked here go to
 * the platform, which frees them once no walker can still be inside them.
 */
#include "install_internal.h"

/* Break @old in a shared walk: LOCKED, then invalidate. False if we lost. */
static bool shared_break(struct pgt_visit *v)
{
	if (!pgt_try_set_entry(v->pgt, v->ptep, v->old, PTE_LOCKED, v->addr, v->level))
		return false;
	pgt_tlbi_entry(v->pgt, v->old, v->addr, v->level);
	return true;
}

/* Publish @new over our LOCKED entry; nobody else may touch it meanwhile. */
static void shared_make(struct pgt_visit *v, pte_t new_pte)
{
	pgt_set_entry(v->pgt, v->ptep, PTE_LOCKED, new_pte, v->addr, v->level);
}

static int fault_write(struct pgt_visit *v, pte_t new_pte)
{
	const u64 perms = PTE_S2_AP_R | PTE_S2_AP_W | PTE_S2_XN_MASK;

	if (!pte_valid(v->old))
		return pgt_try_set_entry(v->pgt, v->ptep, v->old, new_pte, v->addr, v->level) ?
			       0 : -CORE_EAGAIN;
	if (pgt_leaf_change_in_place(v->old, new_pte, v->level)) {
		if (!pgt_try_set_entry(v->pgt, v->ptep, v->old, new_pte, v->addr, v->level))
			return -CORE_EAGAIN;
		if ((v->old ^ new_pte) & perms)
			pgt_ops(v->pgt)->tlbi_leaf(pgt_ctx(v->pgt), v->pgt, v->addr, v->level);
		return 0;
	}
	if (!shared_break(v))
		return -CORE_EAGAIN;
	shared_make(v, new_pte);
	return 0;
}

static int fault_replace_table(struct pgt_visit *v, pte_t new_pte)
{
	void *child = pgt_table_va(v->pgt, v->old);

	if (!shared_break(v))
		return -CORE_EAGAIN;
	shared_make(v, new_pte);
	pgt_ops(v->pgt)->free_unlinked(pgt_ctx(v->pgt), v->pgt, child, v->level + 1);
	return 0;
}

static int fault_new_table(struct pgt_visit *v)
{
	struct pgt *pgt = v->pgt;
	pte_t *table = pgt_ops(pgt)->page_alloc(pgt_ctx(pgt), pgt->pool);
	pte_t new_pte;

	/* Shared walks cannot count ahead: others allocate too (SPEC §9). */
	if (!table)
		return -CORE_ENOMEM;
	pgt_fill_split_table(pgt, table, v->old, v->addr, v->level);
	new_pte = pte_make_table(pgt_ops(pgt)->virt_to_phys(pgt_ctx(pgt), table));
	if (!pte_valid(v->old)) {
		if (pgt_try_set_entry(pgt, v->ptep, v->old, new_pte, v->addr, v->level))
			return 0;
	} else if (shared_break(v)) {
		shared_make(v, new_pte);
		return 0;
	}
	/* Lost the race: the table was never visible, free it at once. */
	pgt_free_subtree(pgt, table, v->level + 1);
	return -CORE_EAGAIN;
}

/*
 * The walk ends once the fault's leaf is written or found: the walker would
 * otherwise reload the entry and, if another vCPU split it meanwhile, follow
 * that new table below the fault's level.
 */
#define FAULT_DONE 1

static int fault_done(int ret)
{
	return ret ? ret : FAULT_DONE;
}

static int fault_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	const struct pgt_install *ins = v->arg;

	if (pte_is_locked(v->old))
		return -CORE_EAGAIN;
	switch (pgt_install_decide(v->pgt, ins, v->old, v->addr, v->level)) {
	case PGT_INS_WRITE:
		return fault_done(fault_write(v, pgt_install_leaf(ins, v->addr, v->level)));
	case PGT_INS_REPLACE_TABLE:
		return fault_done(fault_replace_table(v, pgt_install_leaf(ins, v->addr, v->level)));
	case PGT_INS_NEW_TABLE:
		return fault_new_table(v);
	case PGT_INS_NOTHING:
		return kind == PGT_VISIT_LEAF ? FAULT_DONE : 0;
	case PGT_INS_DESCEND:
		break;
	}
	return 0;
}

int pgt_fault_install(struct pgt *pgt, const struct pgt_install *ins)
{
	struct pgt_walker w = {
		.cb = fault_visit,
		.arg = (void *)ins,
		.flags = PGT_VISIT_LEAF | PGT_VISIT_TABLE_PRE | PGT_WALK_SHARED,
	};
	int ret;

	/*
	 * Count before breaking anything (S42): a fault that would split a block
	 * and then run dry must not leave the split behind. Only pages other
	 * walkers take between this count and our allocations can still fail us
	 * midway.
	 */
	if (!pgt_install_pool_ok(pgt, ins, true))
		return -CORE_ENOMEM;
	ret = pgt_walk(pgt, ins->start, ins->end, &w);
	return ret == FAULT_DONE ? 0 : ret;
}

int pgt_s2_fault_map(struct pgt *pgt, ipaddr_t ia, u32 level, paddr_t pa, u32 prot, u32 memtype)
{
	struct pgt_install ins;
	u64 span;
	int ret;

	if (pgt->kind != PGT_GUEST_S2)
		return -CORE_EOPNOTSUPP;
	if (!pgt_level_can_hold_leaf(level) || level < pgt->start_level || !pgt_prot_valid(prot) ||
	    !pgt_memtype_valid(prot, memtype) || ((ipa_addr(ia) | pa_addr(pa)) & (PGT_PAGE_SIZE - 1)))
		return -CORE_EINVAL; /* S1, S31 */
	span = pgt_level_span(level);
	ins = (struct pgt_install){
		.start = ipa_addr(ia) & ~(span - 1),
		.valid = true,
		.attrs = pte_s2_attrs(prot, memtype, PGT_STATE_OWNED),
		.out = pa_addr(pa) & ~(span - 1),
		.only_level = level,
	};
	ins.end = ins.start + span;
	if (!pgt_range_ok(pgt, ins.start, span >> PGT_PAGE_SHIFT) || (pa_addr(pa) >> PGT_PA_BITS))
		return -CORE_EINVAL;
	pgt_ops(pgt)->shared_enter(pgt_ctx(pgt));
	ret = pgt_fault_install(pgt, &ins);
	pgt_ops(pgt)->shared_exit(pgt_ctx(pgt));
	return ret;
}
