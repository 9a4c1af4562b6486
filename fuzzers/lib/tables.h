/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pgtable's world: the page-table library on its own (SPEC §5b), one
 * guest stage-2 table and one hyp stage-1 table, each with its own pool,
 * built on the core (on the simulated machine) and on the reference's
 * single-table models (ref_table.h). After every operation: return codes,
 * get_leaf's level and entry, each table's pool, its hashed walk (SPEC
 * §10), its invariants (§3, §11) and break-before-make (§7).
 */
#ifndef FUZZ_TABLES_H
#define FUZZ_TABLES_H

#include "brute/brute.h"
#include "checks.h"
#include "ops_tables.h"
#include "ref/ref_table.h"
#include "sim_events.h"

/* What get_leaf found, on one side. */
struct fz_leaf {
	uint64_t entry;
	unsigned level;
};

struct fz_tables {
	struct fz_tables_setup s;
	/* The core on the simulated machine: each table with its own pool. */
	struct pgt_pool pool[FZ_T_NR];
	struct pgt pgt[FZ_T_NR];
	bool core_up[FZ_T_NR];
	/* The reference. */
	struct ref_table ref[FZ_T_NR];
	struct diff_mem mem;
	/* Each table compared across the sides (checks.h). */
	struct fz_slot slot[FZ_T_NR];
	/* get_leaf's answers, on each side. */
	struct fz_leaf core_leaf, ref_leaf;
	/* The store checker (diff_bbm_init resets it: 512 KiB not cleared twice). */
	struct diff_bbm bbm;
	/* What the CPUs' accesses cached (SPEC §11). */
	struct diff_tlb tlb;
	/*
	 * One simulated machine for the life of the process: every input
	 * returns all its pages, and a machine torn down while its freed pages
	 * are ASan-poisoned would leave that poison on memory mapped later.
	 */
	struct sim sim;
	bool sim_up;
	/* The brute-force model of each table, on small pools (brute.h), kept likewise. */
	struct brute brute[FZ_T_NR];
	bool brute_on;
};

extern const struct fz_harness fz_tables_harness;

/* The access operation: a CPU translates @ia through table @i, filling the TLB model. */
int fz_tables_access(struct fz_tables *d, unsigned i, uint64_t ia);
/* get_leaf's result words for the trace (ops_tables.c). */
int fz_tables_result(const void *w, const struct fz_op *o, int rc, char *buf, size_t len);

#endif /* FUZZ_TABLES_H */
