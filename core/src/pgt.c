// SPDX-License-Identifier: MIT
/*
 * Table lifetime and lookup: creating a table, freeing its pages, and the
 * walk that finds the entry an address stops at.
 */
#include "walk_internal.h"

static int pgt_init_common(struct pgt *pgt, enum pgt_kind kind, u32 ia_bits, u32 vmid,
			   const struct pgt_mm *mm, struct pgt_pool *pool)
{
	if (ia_bits < PGT_MIN_IA_BITS || ia_bits > PGT_MAX_IA_BITS)
		return -CORE_EINVAL;
	*pgt = (struct pgt){
		.kind = kind,
		.ia_bits = ia_bits,
		.start_level = pgt_start_level(ia_bits),
		.vmid = vmid,
		.mm = mm,
		.pool = pool,
	};
	return 0;
}

int pgt_init(struct pgt *pgt, enum pgt_kind kind, u32 ia_bits, u32 vmid, const struct pgt_mm *mm,
	     struct pgt_pool *pool, const struct host_layout *layout)
{
	int ret = pgt_init_common(pgt, kind, ia_bits, vmid, mm, pool);

	if (ret)
		return ret;
	if (kind == PGT_HOST_S2 && !layout)
		return -CORE_EINVAL;
	pgt->layout = layout;
	pgt->root = mm->ops->page_alloc(mm->ctx, pool);
	if (!pgt->root)
		return -CORE_ENOMEM;
	pgt->root_pa = mm->ops->virt_to_phys(mm->ctx, pgt->root);
	return 0;
}

int pgt_init_adopted(struct pgt *pgt, u32 ia_bits, u32 vmid, const struct pgt_mm *mm,
		     struct pgt_pool *pool, paddr_t root)
{
	int ret = pgt_init_common(pgt, PGT_GUEST_S2, ia_bits, vmid, mm, pool);

	if (ret)
		return ret;
	pgt->root = mm->ops->root_adopt(mm->ctx, root);
	if (!pgt->root)
		return -CORE_ENOMEM;
	pgt->root_pa = root;
	pgt->root_adopted = true;
	return 0;
}

void pgt_free_tables(struct pgt *pgt)
{
	u32 level = pgt->start_level;

	/* Per root entry: unlink, invalidate its span, only then free (SPEC §7). */
	for (u32 i = 0; i < PGT_ENTRIES; i++) {
		pte_t old = pgt->root[i];
		u64 ia = (u64)i << pgt_level_shift(level);

		if (!old)
			continue;
		pgt_set_entry(pgt, &pgt->root[i], old, 0, ia, level);
		pgt_tlbi_entry(pgt, old, ia, level);
		if (pte_is_table(old, level))
			pgt_free_subtree(pgt, pgt_table_va(pgt, old), level + 1);
	}
	/* The regime is dead: drop whatever else it may have cached (S24). */
	pgt_ops(pgt)->tlbi_all(pgt_ctx(pgt), pgt);
}

void pgt_destroy(struct pgt *pgt)
{
	pgt_free_tables(pgt);
	if (pgt->root_adopted)
		pgt_ops(pgt)->root_release(pgt_ctx(pgt), pgt->root);
	else
		pgt_ops(pgt)->page_free(pgt_ctx(pgt), pgt->pool, pgt->root);
	pgt->root = NULL;
}

int pgt_find_leaf(struct pgt *pgt, u64 ia, pte_t *entry, u32 *level, bool shared)
{
	pte_t *table = pgt->root;

	if (!pgt_range_ok(pgt, ia, 1))
		return -CORE_EINVAL;
	for (u32 l = pgt->start_level;; l++) {
		pte_t e = pgt_load(pgt, &table[pgt_level_index(ia, l)], shared);

		if (!pte_is_table(e, l)) {
			*entry = e;
			*level = l;
			return 0;
		}
		table = pgt_table_va(pgt, e);
	}
}

int pgt_get_leaf(struct pgt *pgt, u64 ia, pte_t *entry, u32 *level)
{
	return pgt_find_leaf(pgt, ia, entry, level, false);
}
