// SPDX-License-Identifier: MIT
/*
 * Commit pass of an install: the visitor that writes leaves, builds tables,
 * replaces tables by leaves, and on the way back up frees tables that were
 * left without a leaf (SPEC §4.3) or, on the host's return-to-default paths,
 * zaps tables holding only default leaves (§4.4, seed 001's TABLE_POST).
 */
#include "install_internal.h"

void pgt_fill_split_table(struct pgt *pgt, pte_t *table, pte_t old, u64 addr, u32 level)
{
	u64 child_span = pgt_level_span(level + 1);

	if (pgt_split_is_zero(pgt, old, addr, level))
		return; /* the new table is zero already */
	for (u32 i = 0; i < PGT_ENTRIES; i++) {
		pte_t child = pgt_split_child(pgt, old, addr, level, i);

		if (child)
			pgt_set_entry(pgt, &table[i], 0, child, addr + i * child_span, level + 1);
	}
}

void pgt_replace_leaf(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 addr, u32 level)
{
	const u64 perms = PTE_S2_AP_R | PTE_S2_AP_W | PTE_S2_XN_MASK;

	if (!pgt_leaf_change_in_place(old, new_pte, level)) {
		pgt_bbm_replace(pgt, ptep, old, new_pte, addr, level);
		return;
	}
	pgt_set_entry(pgt, ptep, old, new_pte, addr, level);
	if ((old ^ new_pte) & perms)
		pgt_ops(pgt)->tlbi_leaf(pgt_ctx(pgt), pgt, addr, level);
}

static void install_write(struct pgt_visit *v, const struct pgt_install *ins)
{
	pgt_replace_leaf(v->pgt, v->ptep, v->old, pgt_install_leaf(ins, v->addr, v->level), v->addr,
			 v->level);
}

static void install_replace_table(struct pgt_visit *v, const struct pgt_install *ins)
{
	void *child = pgt_table_va(v->pgt, v->old);

	/* Break, invalidate the whole span, make; only then free (SPEC §7). */
	pgt_bbm_replace(v->pgt, v->ptep, v->old, pgt_install_leaf(ins, v->addr, v->level), v->addr,
			v->level);
	pgt_free_subtree(v->pgt, child, v->level + 1);
}

static int install_new_table(struct pgt_visit *v)
{
	pte_t *table = pgt_alloc_table(v->pgt);
	paddr_t pa = pgt_ops(v->pgt)->virt_to_phys(pgt_ctx(v->pgt), table);

	pgt_fill_split_table(v->pgt, table, v->old, v->addr, v->level);
	pgt_bbm_replace(v->pgt, v->ptep, v->old, pte_make_table(pa), v->addr, v->level);
	return 0;
}

static bool table_all_zero(const pte_t *table)
{
	/*
	 * Installs are exclusive walks (SPEC §9): nothing else writes the table,
	 * so plain loads, eight entries at a time (an empty table is read whole).
	 */
	for (u32 i = 0; i < PGT_ENTRIES; i += 8) {
		if (table[i] | table[i + 1] | table[i + 2] | table[i + 3] | table[i + 4] |
		    table[i + 5] | table[i + 6] | table[i + 7])
			return false;
	}
	return true;
}

/*
 * On the way up: a table with no counted entry left either holds nothing
 * (free it, SPEC §4.3) or, in host stage-2, only default leaves; those go
 * too when coalescing and the parent entry could hold a block (§4.4).
 */
static void install_table_post(struct pgt_visit *v, const struct pgt_install *ins)
{
	struct pgt *pgt = v->pgt;
	pte_t *child = pgt_table_va(pgt, v->old);
	bool zap;

	u32 count = pgt_ops(pgt)->page_count(pgt_ctx(pgt), child);

	if (count != 1)
		return;
	if (pgt->kind != PGT_HOST_S2)
		zap = true;
	else
		zap = (ins->coalesce && v->level >= 1) || table_all_zero(child);
	if (!zap)
		return;
	pgt_bbm_replace(pgt, v->ptep, v->old, 0, v->addr, v->level);
	pgt_ops(pgt)->page_free(pgt_ctx(pgt), pgt->pool, child);
}

static int install_visit(struct pgt_visit *v, enum pgt_visit_kind kind)
{
	const struct pgt_install *ins = v->arg;

	if (kind == PGT_VISIT_TABLE_POST) {
		install_table_post(v, ins);
		return 0;
	}
	CORE_ASSERT(!pte_is_locked(v->old));
	switch (pgt_install_decide(v->pgt, ins, v->old, v->addr, v->level)) {
	case PGT_INS_WRITE:
		install_write(v, ins);
		break;
	case PGT_INS_REPLACE_TABLE:
		install_replace_table(v, ins);
		break;
	case PGT_INS_NEW_TABLE:
		return install_new_table(v);
	case PGT_INS_NOTHING:
	case PGT_INS_DESCEND:
		break;
	}
	return 0;
}

int pgt_install_commit(struct pgt *pgt, const struct pgt_install *ins)
{
	struct pgt_install plain;

	if (ins->coalesce && pgt->no_coalescing) {
		plain = *ins;
		plain.coalesce = false;
		ins = &plain;
	}
	struct pgt_walker w = {
		.cb = install_visit,
		.arg = (void *)ins,
		/* A table the range only partly covers is always descended into. */
		.flags = PGT_VISIT_LEAF | PGT_VISIT_TABLE_PRE | PGT_WALK_PRE_COVERED,
	};

	/* Only zero entries can leave a table empty; only then look back up. */
	if ((!ins->valid && ins->inval == 0) || ins->coalesce)
		w.flags |= PGT_VISIT_TABLE_POST;
	int ret = pgt_walk(pgt, ins->start, ins->end, &w);

	/* The count came first: the walk cannot run out of pages. */
	CORE_ASSERT(ret == 0);
	return ret;
}

int pgt_install(struct pgt *pgt, const struct pgt_install *ins)
{
	if (!pgt_install_pool_ok(pgt, ins, false))
		return -CORE_ENOMEM;
	return pgt_install_commit(pgt, ins);
}
