/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine the core runs on in tests and fuzzers: it implements
 * the platform interface (core/mm.h) on the host. Table pages live in one
 * reserved arena indexed by slot; pools hand slots out; TLB maintenance,
 * entry stores and shared-walk accesses are reported to an observer (the
 * diff's TLB model and checkers, or a test). Freed pages are filled with a
 * poison pattern and, under AddressSanitizer, poisoned.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "core/pgtable.h"

#include <pthread.h>

#define SIM_POISON 0xdeadbeefdeadbeefULL

/* Called when an assertion fails (the core's or the machine's), before the abort. */
extern void (*sim_assert_hook)(const char *expr, const char *file, int line);

enum sim_event_kind {
	SIM_EV_STORE,
	SIM_EV_TLBI_LEAF,
	SIM_EV_TLBI_RANGE,
	SIM_EV_TLBI_ALL,
	SIM_EV_PAGE_FREE,
};

/* One thing the core did to the machine, as an observer sees it. */
struct sim_event {
	enum sim_event_kind kind;
	const struct pgt *pgt;
	pte_t *ptep;	/* STORE */
	paddr_t table;	/* STORE: the table page holding the entry */
	pte_t old, new_pte; /* STORE */
	u64 ia;		/* STORE, TLBI_LEAF, TLBI_RANGE */
	u64 size;	/* TLBI_RANGE */
	u32 level;	/* STORE, TLBI_LEAF */
	paddr_t page;	/* PAGE_FREE */
};

struct sim_observer {
	void (*event)(void *arg, const struct sim_event *ev);
	/*
	 * Before every load of a shared walk, every compare-and-swap and every
	 * plain store (the parallel scheduler and its store check).
	 */
	void (*access)(void *arg, const struct pgt *pgt, pte_t *ptep, enum pgt_access kind);
	void *arg;
};

enum sim_slot_state {
	SIM_SLOT_UNUSED,
	SIM_SLOT_FREE,	/* in a pool, free */
	SIM_SLOT_TABLE, /* in a pool, holding a table */
	SIM_SLOT_ROOT,	/* an adopted root (a guest's pgd) */
};

struct pgt_pool {
	struct sim *sim;
	pthread_mutex_t lock; /* shared walkers allocate concurrently (SPEC §9) */
	u32 *free;	/* slot stack */
	u64 nr_free;
	u64 nr_pages;	/* free + in use */
	u64 hidden;	/* free pages withheld to inject -ENOMEM */
	u64 cap;
};

struct sim_deferred {
	struct pgt *pgt;
	void *table;
	u32 level;
};

struct sim {
	u8 *arena;	/* cap_slots pages, reserved, touched on use */
	u64 cap_slots;
	u64 *slot_pa;
	u32 *slot_count;
	u8 *slot_state;
	u32 *free_slots;
	u64 nr_free_slots;
	u64 next_slot;
	/* PA page number -> slot + 1, open addressing. */
	u64 *hash_key;
	u32 *hash_val;
	u64 hash_cap;
	u64 hash_used; /* buckets in use or removed */
	u64 hash_live; /* keys present */

	struct sim_observer obs;
	struct pgt_mm mm;

	/* Shared walks: walkers inside, and tables waiting for them to leave. */
	pthread_mutex_t shared_lock;
	u64 shared_walkers;
	struct sim_deferred *deferred;
	u64 nr_deferred, cap_deferred;

	/* Counters for tests and reports. */
	u64 nr_tlbi_leaf, nr_tlbi_range, nr_tlbi_all, nr_stores;
};

/* A machine able to hold @cap_slots table pages at once. 0 or -ENOMEM. */
int sim_init(struct sim *sim, u64 cap_slots);
void sim_fini(struct sim *sim);
/*
 * The machine as sim_init left it, its memory kept: every page unregistered
 * (pools made on it before are gone with them), no observer, counters zero.
 * A fuzzer builds a machine per input; mapping and touching the arena again
 * each time cost more than the run (fuzz_pkvm).
 */
void sim_reset(struct sim *sim);
void sim_set_observer(struct sim *sim, const struct sim_observer *obs);
const struct pgt_mm *sim_mm(struct sim *sim);

/* Pools. A pool made of the contiguous pages [base, base + nr pages). */
int sim_pool_init(struct sim *sim, struct pgt_pool *pool, paddr_t base, u64 nr);
/* An empty pool (a VM's memcache), filled with pool_add. */
void sim_pool_init_empty(struct sim *sim, struct pgt_pool *pool);
void sim_pool_fini(struct pgt_pool *pool);
/*
 * Take every free page of @pool off the machine, as reclaim does, so that a
 * new pool can be made at the same addresses. Returns the pages still in
 * use (tables nobody freed): 0 after the pool's table was destroyed.
 */
u64 sim_pool_empty(struct pgt_pool *pool);
/* Free pages the core may use (hidden ones excluded), and all free pages. */
u64 sim_pool_free(const struct pgt_pool *pool);
u64 sim_pool_free_all(const struct pgt_pool *pool);
u64 sim_pool_size(const struct pgt_pool *pool);
/* Fault injection: withhold up to @nr free pages; unhide gives them back. */
void sim_pool_hide(struct pgt_pool *pool, u64 nr);
void sim_pool_unhide(struct pgt_pool *pool);

/* Table memory, for readers outside the core (the diff, tests). */
void *sim_phys_to_virt(struct sim *sim, paddr_t pa);
/* The same for any address: NULL where no page of the machine is. */
void *sim_try_phys_to_virt(struct sim *sim, paddr_t pa);
u32 sim_page_count(struct sim *sim, paddr_t pa);
enum sim_slot_state sim_page_state(struct sim *sim, paddr_t pa);

/* Zeroed memory for large arrays, from the kernel (no clearing cost). */
void *sim_zalloc_big(size_t bytes);
void sim_free_big(void *p, size_t bytes);

/* Free the tables unlinked by shared walks, if no walker is inside. */
void sim_quiesce(struct sim *sim);

#endif /* SIM_SIM_H */
