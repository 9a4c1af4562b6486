/* SPDX-License-Identifier: MIT */
/*
 * The planted-bug catalogue (docs/planted-bugs.md): real classes of bug from
 * KVM's history, each compiled into the core only when the build defines
 * S2FUZZ_PLANT to its number, so the suite can measure that the fuzzers
 * catch it. In every other build PLANTED() is 0 and the code is gone.
 */
#ifndef CORE_PLANTED_H
#define CORE_PLANTED_H

enum planted_bug {
	BUG_NONE,
	BUG_REFCOUNT_VALID_TO_VALID,	/* an in-place update takes a second reference */
	BUG_ZAP_COUNTED_TABLE,		/* coalescing zaps a table holding one counted entry */
	BUG_ZAP_ONE_ADDRESS,		/* a zap invalidates one address, not the span */
	BUG_FREE_BEFORE_TLBI,		/* a replaced table is freed before invalidation */
	BUG_ABORT_REGION_END_INCLUSIVE,	/* abort blocks may cover the page past a region */
	BUG_ANNOTATION_LOST_ON_SPLIT,	/* splitting an owner annotation zeroes the rest */
	BUG_ENOMEM_HALF_MADE,		/* -ENOMEM found mid-way, the mapping half-made */
	BUG_BBM_SKIPPED,		/* a new output address written over a valid leaf */
	BUG_LOCKED_LEFT_BEHIND,		/* a shared walk that loses a race leaves LOCKED */
	BUG_SHARED_BORROWED_SWAPPED,	/* software bits 55 and 56 swapped */
	BUG_NO_COALESCE_UNSHARE_GUEST,	/* one return-to-default path does not coalesce */
	BUG_EBUSY_BEFORE_EPERM,		/* vm_create checks the dead slot before the pgd */
	BUG_COUNT,
};

#ifdef S2FUZZ_PLANT
#define PLANTED(bug) (S2FUZZ_PLANT == BUG_##bug)
#else
#define PLANTED(bug) 0
#endif

#endif /* CORE_PLANTED_H */
