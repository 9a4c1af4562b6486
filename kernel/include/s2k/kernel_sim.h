/* SPDX-License-Identifier: MIT */
/*
 * A kernel tree's tables on the simulated machine (sim/): each table with
 * its own pool of table pages, as the core's in fuzz_pgtable. Freed table
 * pages are poisoned by sim/ (ASan too), so a use after free in the tree's
 * code is caught; the tree's stores, invalidations and WARNs are counted
 * and passed on to an optional observer.
 */
#ifndef S2K_KERNEL_SIM_H
#define S2K_KERNEL_SIM_H

#include "s2k/kernel_table.h"
#include "sim/sim.h"

#define S2K_NR_TLBI_KINDS 6

struct s2k_sim {
	struct sim *sim;
	struct pgt_pool *pool;
	u64 stores;
	u64 refs; /* get_page and put_page calls */
	u64 tlbi[S2K_NR_TLBI_KINDS]; /* by enum s2k_tlbi */
	u64 warnings;
	char warning[192]; /* the first: "file:line: condition" */
	/* Optional: every store, invalidation and table page freed, as it happens. */
	void (*on_store)(void *arg, void *p, u64 old, u64 new_val);
	void (*on_tlbi)(void *arg, enum s2k_tlbi kind, u64 addr, u64 size, int level);
	void (*on_free)(void *arg, void *page);
	void *arg;
};

extern const struct s2k_platform s2k_sim_platform;

/* A platform context for a table whose pages come from @pool on @sim. */
void s2k_sim_init(struct s2k_sim *s, struct sim *sim, struct pgt_pool *pool);

#endif /* S2K_KERNEL_SIM_H */
