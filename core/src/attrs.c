// SPDX-License-Identifier: MIT
/*
 * Operations that change the attributes of existing leaves and never split
 * (SPEC §5b, docs/semantics.md S14): write-protect and age a range, make one
 * leaf young, relax one leaf's permissions. mkyoung and relax_perms are fault
 * paths, so they update with compare-and-swap and may run in shared walks.
 */
#include "install_internal.h"

struct attr_walk {
	u64 clear;	/* bits to clear in every valid leaf */
	bool tlbi;	/* invalidate each changed leaf */
	bool young;	/* out: some leaf had AF set */
};

static int attr_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	struct attr_walk *aw = v->arg;
	pte_t new_pte;

	if (!pte_is_valid_leaf(v->old, v->level))
		return 0;
	if (v->old & PTE_AF)
		aw->young = true;
	new_pte = v->old & ~aw->clear;
	if (new_pte == v->old)
		return 0;
	pgt_set_entry(v->pgt, v->ptep, v->old, new_pte, v->addr, v->level);
	if (aw->tlbi)
		pgt_ops(v->pgt)->tlbi_leaf(pgt_ctx(v->pgt), v->pgt, v->addr, v->level);
	return 0;
}

static int attr_range(struct pgt *pgt, u64 ia, u64 nr, struct attr_walk *aw)
{
	struct pgt_walker w = { .cb = attr_visit, .arg = aw, .flags = PGT_VISIT_LEAF };

	if (pgt->kind == PGT_HYP_S1)
		return -CORE_EOPNOTSUPP;
	if (!pgt_range_ok(pgt, ia, nr))
		return -CORE_EINVAL;
	return pgt_walk(pgt, ia, ia + nr * PGT_PAGE_SIZE, &w);
}

int pgt_s2_wrprotect(struct pgt *pgt, ipaddr_t ia, u64 nr)
{
	struct attr_walk aw = { .clear = PTE_S2_AP_W, .tlbi = true };

	return attr_range(pgt, ipa_addr(ia), nr, &aw);
}

int pgt_s2_mkold(struct pgt *pgt, ipaddr_t ia, u64 nr)
{
	/* Aging does not invalidate (S14): a stale AF in a TLB is harmless. */
	struct attr_walk aw = { .clear = PTE_AF, .tlbi = false };
	int ret = attr_range(pgt, ipa_addr(ia), nr, &aw);

	return ret ? ret : aw.young;
}

/*
 * Update the valid leaf holding @ia with compare-and-swap: @set bits added,
 * permissions added from @prot. -EAGAIN when there is no valid leaf (the
 * fault path maps first) or when another walker got there first.
 */
static int leaf_update_shared(struct pgt *pgt, u64 ia, u64 set, u32 prot)
{
	pte_t *table = pgt->root;
	int ret = -CORE_EAGAIN;

	pgt_ops(pgt)->shared_enter(pgt_ctx(pgt));
	for (u32 l = pgt->start_level;; l++) {
		pte_t *ptep = &table[pgt_level_index(ia, l)];
		pte_t old = pgt_load(pgt, ptep, true), new_pte;
		u64 addr = ia & ~(pgt_level_span(l) - 1);

		if (pte_is_table(old, l)) {
			table = pgt_table_va(pgt, old);
			continue;
		}
		if (!pte_is_valid_leaf(old, l))
			break;
		new_pte = pte_make_leaf(pte_out(old), pte_s2_attrs_add_prot(pte_attrs(old), prot) | set,
					l);
		if (new_pte == old) {
			ret = 0;
		} else if (pgt_try_set_entry(pgt, ptep, old, new_pte, addr, l)) {
			if ((old ^ new_pte) & ~PTE_AF)
				pgt_ops(pgt)->tlbi_leaf(pgt_ctx(pgt), pgt, addr, l);
			ret = 0;
		}
		break;
	}
	pgt_ops(pgt)->shared_exit(pgt_ctx(pgt));
	return ret;
}

int pgt_s2_mkyoung(struct pgt *pgt, ipaddr_t ia)
{
	if (pgt->kind == PGT_HYP_S1)
		return -CORE_EOPNOTSUPP;
	if (!pgt_range_ok(pgt, ipa_addr(ia), 1))
		return -CORE_EINVAL;
	return leaf_update_shared(pgt, ipa_addr(ia), PTE_AF, 0);
}

int pgt_s2_relax_perms(struct pgt *pgt, ipaddr_t ia, u32 prot)
{
	if (pgt->kind == PGT_HYP_S1)
		return -CORE_EOPNOTSUPP;
	if (!pgt_range_ok(pgt, ipa_addr(ia), 1) || !pgt_prot_valid(prot))
		return -CORE_EINVAL;
	return leaf_update_shared(pgt, ipa_addr(ia), 0, prot);
}
