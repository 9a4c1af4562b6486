// SPDX-License-Identifier: MIT
/*
 * host_mem_abort (§6, S19): the lazy identity map, taken literally. The block
 * mapped is the largest aligned 1 GiB / 2 MiB / 4 KiB block containing the
 * address that lies inside one memory region or MMIO gap and holds no host
 * stage-2 leaf at all (no leaf: every page host-owned, default, unmapped).
 * The spec says this equals "the empty entry the walk stops at, shrunk to
 * the region"; the reference checks the text, not the shortcut.
 */
#include "ref_priv.h"

/* No leaf of the host stage-2 lies in pages [lo, hi). */
static bool host_empty(const struct ref *r, uint64_t lo, uint64_t hi)
{
	size_t i = ref_runs_find(&r->host.leaves, lo);

	return i == r->host.leaves.nr || r->host.leaves.run[i].start >= hi;
}

/* The host touched byte address addr: map it, or say why not (§6). */
int ref_host_mem_abort(struct ref *r, uint64_t addr)
{
	uint64_t page = addr >> REF_PAGE_SHIFT, tmpl;
	const struct ref_run *run;
	unsigned int level;
	struct ref_txn t;

	if (addr & ((1ull << REF_PAGE_SHIFT) - 1) || page >= r->mem.top)
		return -REF_EINVAL;
	run = ref_runs_at(&r->host.leaves, page);
	if (run) /* mapped: spurious; annotated: another owner's */
		return (run->val & REF_DESC_VALID) ? 0 : -REF_EPERM;

	/* Never level 0 (S19): start from 1 GiB blocks. */
	for (level = 1; level < 3; level++) {
		uint64_t span = ref_span(level);
		uint64_t base = ref_align_down(page, span);

		if (ref_mem_block_fits(&r->mem, base, base + span) &&
		    host_empty(r, base, base + span))
			break;
	}
	page = ref_align_down(page, ref_span(level));
	tmpl = ref_mem_is_memory(&r->mem, page) ? ref_host_mem_default() : ref_host_mmio_default();
	ref_txn_init(&t, &r->arena);
	ref_host_write(&t, r, page, page + ref_span(level), tmpl);
	return ref_txn_commit(&t);
}
