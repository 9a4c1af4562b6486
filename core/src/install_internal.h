/* SPDX-License-Identifier: MIT */
/*
 * Installing leaves over a range (SPEC §4): map, unmap, set_owner, the host's
 * default identity leaves and its annotations are all "write this leaf over
 * [start, end) with the largest leaves that fit". A pure function decides
 * what to do with one entry; one pass counts the table pages that needs, and
 * a second, which cannot fail, does it (Hafnium's prepare/commit).
 */
#ifndef CORE_INSTALL_INTERNAL_H
#define CORE_INSTALL_INTERNAL_H

#include "walk_internal.h"

struct pgt_install {
	u64 start, end;
	bool valid;	   /* a mapping (attrs, out) or an invalid entry (inval) */
	u64 attrs;
	u64 out;	   /* output address of start */
	pte_t inval;	   /* zero (unmap, owner HOST) or an owner annotation */
	bool host_default; /* host default leaf: inside one region or MMIO gap */
	bool coalesce;	   /* host stage-2: zap default-only tables (SPEC §4.4) */
	u32 only_level;	   /* if non-zero, leaves only at this level (faults) */
};

enum pgt_install_action {
	PGT_INS_NOTHING,       /* the entry already means what we would write (S11) */
	PGT_INS_WRITE,	       /* write one leaf over this entry */
	PGT_INS_DESCEND,       /* a table that the range only partly covers */
	PGT_INS_REPLACE_TABLE, /* a leaf covers this table's whole span */
	PGT_INS_NEW_TABLE,     /* need a table here: empty, or a split of the leaf */
};

enum pgt_install_action pgt_install_decide(const struct pgt *pgt, const struct pgt_install *ins,
					   pte_t old, u64 addr, u32 level);

/* The leaf the operation writes at the entry (addr, level). */
pte_t pgt_install_leaf(const struct pgt_install *ins, u64 addr, u32 level);

/* Is every entry of the table that replaces @old at @level zero (nothing, or S17)? */
bool pgt_split_is_zero(const struct pgt *pgt, pte_t old, u64 addr, u32 level);

/* Entry @i of the table that replaces leaf @old at @level (SPEC §4.2, S17). */
pte_t pgt_split_child(const struct pgt *pgt, pte_t old, u64 addr, u32 level, u32 i);

/*
 * How many new table pages the install needs (SPEC §7), counted until it is
 * more than the pool's free pages: compare it with pgt_pool_has() only.
 */
u64 pgt_install_need(struct pgt *pgt, const struct pgt_install *ins, bool shared);

/*
 * At most how many new table pages the install can need, from the range and
 * the leaf alone, without a walk: where the pool holds that many, the
 * counting pass can be skipped.
 */
u64 pgt_install_bound(const struct pgt *pgt, const struct pgt_install *ins);

/*
 * Does the pool hold what the install needs? The bound when the pool covers
 * it, else the counting pass (@shared: its walk is a shared one).
 */
bool pgt_install_pool_ok(struct pgt *pgt, const struct pgt_install *ins, bool shared);

/* Do it; the caller has made sure the pool holds pgt_install_need() pages. */
int pgt_install_commit(struct pgt *pgt, const struct pgt_install *ins);

/* Check the pool, then commit: 0 or -ENOMEM with nothing changed. */
int pgt_install(struct pgt *pgt, const struct pgt_install *ins);
/*
 * The same as a shared walk (SPEC §9, core/src/fault.c): one leaf of
 * ins->only_level, by compare-and-swap; -EAGAIN when it lost a race. The
 * caller is inside the platform's shared section (shared_enter).
 */
int pgt_fault_install(struct pgt *pgt, const struct pgt_install *ins);

/* Does the pool of @pgt hold at least @need free pages? */
bool pgt_pool_has(const struct pgt *pgt, u64 need);

/* Fill a new, unpublished table with the split of @old (nothing if zero). */
void pgt_fill_split_table(struct pgt *pgt, pte_t *table, pte_t old, u64 addr, u32 level);

/*
 * Replace a valid leaf by another: in place when only permissions, AF or
 * software bits differ (invalidating when permissions changed, S12),
 * otherwise break-before-make.
 */
void pgt_replace_leaf(struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte, u64 addr, u32 level);

/* Only permissions, AF or software bits differ between two valid leaves. */
bool pgt_leaf_change_in_place(pte_t old, pte_t new_pte, u32 level);

#endif /* CORE_INSTALL_INTERNAL_H */
