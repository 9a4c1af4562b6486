/* SPDX-License-Identifier: MIT */
/*
 * The platform interface of core/mm.h on a real machine: table pages in
 * physical memory, pools as free lists threaded through their free pages,
 * reference counts in an array indexed by memory page, TLB maintenance with
 * TLBI instructions (switching VTTBR_EL2 to a guest's VMID for its
 * invalidations), and the hypervisor's view of memory:
 *  - before the MMU is on, VA = PA;
 *  - after, a carve-out page is reached through the pKVM layer's own linear
 *    map (VA = PA + hyp_va_offset), so a hyp stage-1 bug that unmaps a pool
 *    page faults on the next table access; any other page (a guest's pgd or
 *    memcache page, which SPEC §5 leaves unmapped in hyp stage-1) through
 *    the identity window over host memory (private mappings, S46).
 */
#ifndef EL2_MM_H
#define EL2_MM_H

#include "core/pgtable.h"
#include "el2/dt.h"

struct pgt_pool {
	u64 head;     /* physical address of the first free page, or EL2_POOL_EMPTY */
	u64 nr_free;  /* pages on the free list */
	u64 nr_pages; /* free + in use */
};

#define EL2_POOL_EMPTY (~0ULL)

struct el2_mm_config {
	u32 nr_memory;
	const struct el2_range *memory;
	u32 *counts;	/* one per memory page, zeroed */
	u64 carve_base, carve_size;
	u64 hyp_va_offset;
};

void el2_mm_init(const struct el2_mm_config *cfg);
const struct pgt_mm *el2_mm(void);
/* From now on, reach carve-out pages through the linear map. */
void el2_mm_mmu_on(void);
/* The host's VTTBR_EL2, restored after a guest's TLB invalidation. */
void el2_mm_set_host_vttbr(u64 vttbr);

void el2_pool_init(struct pgt_pool *pool, u64 base, u64 nr);
void el2_pool_init_empty(struct pgt_pool *pool);

/* A table page as the hypervisor reaches it, and back. */
void *el2_phys_to_virt(u64 pa);
u64 el2_virt_to_phys(const void *va);

/*
 * Watching what the core asks of the platform (el2/diffmode): every entry
 * store, TLB invalidation and table-page free, in order, as it asks. One
 * observer at a time; NULL stops watching.
 */
enum el2_mm_event_kind {
	EL2_MM_STORE,
	EL2_MM_TLBI_LEAF,
	EL2_MM_TLBI_RANGE,
	EL2_MM_TLBI_ALL,
	EL2_MM_FREE,
};

struct el2_mm_event {
	enum el2_mm_event_kind kind;
	const struct pgt *pgt; /* not FREE */
	u64 table_pa;	       /* STORE: the table page holding the entry */
	pte_t old, new_pte;    /* STORE */
	u64 ia, size;	       /* STORE, TLBI_LEAF, TLBI_RANGE (size) */
	u32 level;	       /* STORE, TLBI_LEAF */
	u64 page_pa;	       /* FREE */
};

typedef void (*el2_mm_observer_fn)(const struct el2_mm_event *e);
void el2_mm_observe(el2_mm_observer_fn fn);
/*
 * Tables shared walks unlinked wait for a section no walker shares: is one
 * waiting; free them (with el2_state_lock held exclusive).
 */
bool el2_mm_has_deferred(void);
void el2_mm_free_deferred(void);

/* The reference count of the table page at @pa: 0 when it is no table page (or no memory). */
u32 el2_mm_table_count(u64 pa);

/* Cache maintenance by virtual address range (DC IVAC / DC CVAC / IC IALLU). */
void dcache_inval_range(u64 start, u64 end);
void dcache_clean_range(u64 start, u64 end);
void icache_inval_all(void);

#endif /* EL2_MM_H */
