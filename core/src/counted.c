// SPDX-License-Identifier: MIT
/*
 * Which entries a table page's reference count counts (SPEC §3, seeds
 * 000/001). This one predicate is what lets host stage-2 coalesce: default
 * leaves are not counted, so a table holding only them has count 1.
 */
#include "core/host_layout.h"
#include "core/pgtable.h"

static bool host_leaf_is_default(const struct pgt *pgt, pte_t e, u64 ia)
{
	return pte_attrs(e) == host_default_attrs(pgt->layout, ia);
}

bool pgt_entry_counted(const struct pgt *pgt, pte_t e, u64 ia, u32 level)
{
	if (e == 0)
		return false;
	if (pgt->kind != PGT_HOST_S2)
		return true;
	if (!pte_is_valid_leaf(e, level))
		return true; /* a table, an annotation, or LOCKED */
	return !host_leaf_is_default(pgt, e, ia);
}
