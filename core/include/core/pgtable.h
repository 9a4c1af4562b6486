/* SPDX-License-Identifier: MIT */
/*
 * The page-table library (SPEC §4, §5b, §7, §9): one table of one kind,
 * usable on its own as KVM uses it for guests and for the hypervisor.
 */
#ifndef CORE_PGTABLE_H
#define CORE_PGTABLE_H

#include "core/mm.h"

enum pgt_kind {
	PGT_HOST_S2,
	PGT_GUEST_S2,
	PGT_HYP_S1,
};

struct host_layout;

struct pgt {
	enum pgt_kind kind;
	u32 ia_bits;
	u32 start_level;
	u32 vmid;
	pte_t *root;
	paddr_t root_pa;
	bool root_adopted; /* the root came from root_adopt, not the pool */
	const struct pgt_mm *mm;
	struct pgt_pool *pool;
	const struct host_layout *layout; /* host stage-2 only */
	/*
	 * Benchmarks only (bench/coalesce.c): host stage-2 as it was before
	 * coalescing (seed 000), keeping every table that still holds a default
	 * leaf. Never set by pgt_init, the pKVM layer, el2 or the fuzzers.
	 */
	bool no_coalescing;
};

/* A table whose root comes from @pool (host stage-2, hyp stage-1, tests). */
int pgt_init(struct pgt *pgt, enum pgt_kind kind, u32 ia_bits, u32 vmid, const struct pgt_mm *mm,
	     struct pgt_pool *pool, const struct host_layout *layout);
/* A guest stage-2 whose root is the page at @root (a VM's pgd). */
int pgt_init_adopted(struct pgt *pgt, u32 ia_bits, u32 vmid, const struct pgt_mm *mm,
		     struct pgt_pool *pool, paddr_t root);
/* Free every table page but the root (invalidating the whole regime first). */
void pgt_free_tables(struct pgt *pgt);
/* Free everything, root included. */
void pgt_destroy(struct pgt *pgt);

/* Stage-2 operations (guest-style tables; §5b, docs/semantics.md S1-S15). */
int pgt_s2_map(struct pgt *pgt, ipaddr_t ia, u64 nr, paddr_t pa, u32 prot, u32 memtype);
int pgt_s2_unmap(struct pgt *pgt, ipaddr_t ia, u64 nr);
int pgt_s2_set_owner(struct pgt *pgt, ipaddr_t ia, u64 nr, u32 owner);
int pgt_s2_wrprotect(struct pgt *pgt, ipaddr_t ia, u64 nr);
/* Returns 1 if any leaf met was young, 0 if none, or a negative errno. */
int pgt_s2_mkold(struct pgt *pgt, ipaddr_t ia, u64 nr);
int pgt_s2_mkyoung(struct pgt *pgt, ipaddr_t ia);
int pgt_s2_relax_perms(struct pgt *pgt, ipaddr_t ia, u32 prot);
int pgt_s2_split(struct pgt *pgt, ipaddr_t ia, u64 nr);

/* Hyp stage-1 operations. */
int pgt_s1_map(struct pgt *pgt, vaddr_t va, u64 nr, paddr_t pa, u32 prot, u32 memtype);
int pgt_s1_unmap(struct pgt *pgt, vaddr_t va, u64 nr);

/* The entry and level a walk for @ia stops at (any table kind). */
int pgt_get_leaf(struct pgt *pgt, u64 ia, pte_t *entry, u32 *level);

/*
 * Parallel guest faults (SPEC §9): a shared walk that maps one leaf of
 * @level at the @level-aligned block containing @ia. May run concurrently
 * with other shared walks on the same table; returns -EAGAIN when it lost a
 * race (the caller retries).
 */
int pgt_s2_fault_map(struct pgt *pgt, ipaddr_t ia, u32 level, paddr_t pa, u32 prot, u32 memtype);

/* Called by the platform once an unlinked table can no longer be reached. */
void pgt_free_unlinked(struct pgt *pgt, void *table, u32 level);

/* A non-zero host stage-2 entry: is it counted? (core/src/counted.c) */
bool pgt_host_entry_counted(const struct pgt *pgt, pte_t e, u64 ia, u32 level);

/*
 * Is @e counted in its table page's reference count (SPEC §3)? Zero never is;
 * anything else is, except in host stage 2, whose rule is in counted.c. Inline:
 * every store asks it twice.
 */
static inline bool pgt_entry_counted(const struct pgt *pgt, pte_t e, u64 ia, u32 level)
{
	if (e == 0)
		return false;
	return pgt->kind != PGT_HOST_S2 || pgt_host_entry_counted(pgt, e, ia, level);
}

#endif /* CORE_PGTABLE_H */
