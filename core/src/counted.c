// SPDX-License-Identifier: MIT
/*
 * Which entries a table page's reference count counts (SPEC §3, seeds
 * 000/001): zero never, anything else in guest stage 2 and hyp stage 1
 * (pgt_entry_counted, core/pgtable.h), and in host stage 2 everything but its
 * default leaves. This one rule is what lets host stage-2 coalesce: a table
 * holding only default leaves has count 1.
 */
#include "core/host_layout.h"
#include "core/pgtable.h"

static bool host_leaf_is_default(const struct pgt *pgt, pte_t e, u64 ia)
{
	return pte_attrs(e) == host_default_attrs(pgt->layout, ia);
}

bool pgt_host_entry_counted(const struct pgt *pgt, pte_t e, u64 ia, u32 level)
{
	if (!pte_is_valid_leaf(e, level))
		return true; /* a table, an annotation, or LOCKED */
	return !host_leaf_is_default(pgt, e, ia);
}
