/* SPDX-License-Identifier: MIT */
/*
 * One fuzz_parallel run (docs/fuzz_parallel.md): a guest stage-2 on the
 * simulated machine, an exclusive prelude, then 2-4 vCPUs faulting on it
 * through shared walks (SPEC §9) as coroutines, with the sim's hooks as
 * scheduling points. The hooks also keep the books the checks need: for
 * every operation its attempts, its stores and when they took effect, and
 * for every table page whether a shared walk has unlinked it. Once every
 * vCPU is done, the checks: no LOCKED entry, the refcount law and pool
 * accounting; no fault that kept losing with nobody else running;
 * break-before-make; the TLB model; and linearizability.
 */
#ifndef FUZZ_PARALLEL_RUN_H
#define FUZZ_PARALLEL_RUN_H

#include "core/pgtable.h"
#include "diff/bbm.h"
#include "diff/tlb.h"
#include "ops_parallel.h"
#include "sim/sched.h"
#include "runner.h"
#include "sim/sim.h"

#include <stdio.h>

#define PAR_TRACE_MAX  8192
#define PAR_MAX_DEAD   (2 * FZP_POOL_FULL)
#define PAR_MAX_SPLITS 64
#define PAR_NO_OP      (-1)
/* Scheduling points before a run is declared livelocked. */
#define PAR_MAX_POINTS (1U << 18)

/* What one vCPU operation did (its final attempt, unless said). */
struct par_op {
	const struct fz_op *op;
	unsigned vcpu, index; /* its place in the vCPU's list */
	int rc;
	unsigned attempts;    /* calls, retries included */
	unsigned locked_seen; /* loads that found a LOCKED entry (all attempts) */
	bool eagain_alone;    /* fault_map -EAGAIN with no other vCPU running */
	uint64_t start, end;  /* clock of its first access and of its return */
	/* Its stores into reachable or unlinked tables, but for new empty tables: */
	unsigned stores, split_stores; /* how many; of them, LOCKED and publish of splits */
	uint64_t first_effect;	       /* clock of the first in any attempt, or 0 */
	uint64_t last_store;	       /* clock of the last */
	uint64_t reach_lo, reach_hi;   /* the input addresses their entries span */
	int lost_to; /* the last landed in a table this operation unlinked, or -1 */
	/*
	 * Filled by the check: a writer's place in the serial order, or for an
	 * operation that changed nothing (noop) the number of writers before
	 * the state it fits, maybe because the next writer erases what it
	 * would have written there (erased, S43); -1 when not replayed.
	 */
	int serial;
	bool noop, erased;
};

/*
 * A leaf a shared walk split into a table (LOCKED, then the table
 * published): it keeps its meaning, and from then on walkers see the
 * smaller leaves, whatever becomes of the fault that split it.
 */
struct par_split {
	uint64_t clock; /* of the publish */
	uint64_t ia;
	unsigned level;
	int op;
};

/* One scheduling point, as it resolved. */
struct par_point {
	uint8_t vcpu;
	/* 'L' load, 'C' compare-and-swap, 'K' after a LOCKED store, 'S' before a store */
	uint8_t kind;
	uint8_t op;
};

/* Entries a walker read lately, for the shared-store check (parallel_store.c). */
#define PAR_READS 16

/*
 * What the shared-store check keeps of one vCPU's walk: what it read, the
 * access the core announced and has not made yet, and the entry it holds
 * LOCKED.
 */
struct par_walker {
	struct {
		pte_t *ptep;
		pte_t val;
	} read[PAR_READS]; /* a ring, this attempt's loads and own stores */
	unsigned nr_read;
	pte_t *pending; /* the entry of an announced compare-and-swap or store */
	enum pgt_access pending_kind;
	pte_t before; /* the entry just before an announced plain store */
	pte_t *locked; /* the entry this vCPU swapped to LOCKED and has not published */
};

/* Where a table page of the pool hangs: the entry that last linked it. */
struct par_table {
	bool linked;
	u32 level; /* the page's own level */
	u64 ia;	   /* an address it translates */
};

/* A table page a shared walk unlinked, and the operation that did it. */
struct par_dead {
	uint64_t page;
	int unlinker;
};

struct par_run {
	struct fzp_input in;
	struct sim sim;
	bool sim_up; /* the machine outlives a run: par_run_fini keeps it */
	struct pgt_pool pool;
	struct pgt pgt;
	struct sim_sched sched;
	struct diff_bbm bbm;
	struct diff_tlb tlb; /* what each vCPU translated after its operation (§11) */
	struct diff_mem mem;
	char shadow_regime; /* identity only: see settle_dead_unlink() */
	bool bbm_failed;
	int bbm_op; /* the operation running at the first rule broken, or PAR_NO_OP */
	int prelude_rc[FZP_MAX_RECORDS];
	unsigned nr_ops;
	struct par_op ops[FZP_MAX_RECORDS];
	int cur_op[FZP_MAX_VCPUS];
	uint64_t clock; /* one tick per access and per store of the parallel phase */
	struct par_dead dead[PAR_MAX_DEAD];
	unsigned nr_dead;
	pte_t locked_old[FZP_MAX_VCPUS]; /* what each vCPU last swapped to LOCKED */
	struct par_split splits[PAR_MAX_SPLITS];
	unsigned nr_splits;
	bool splits_overflow; /* more than PAR_MAX_SPLITS: order not checkable */
	struct par_point trace[PAR_TRACE_MAX];
	size_t nr_trace;
	uint64_t nr_eagain, nr_locked;
	uint64_t nr_effects; /* stores into reachable or unlinked tables, by anyone */
	struct par_table tables[FZP_POOL_FULL]; /* by page index in the pool */
	struct par_walker walker[FZP_MAX_VCPUS];
	bool store_failed;	    /* a shared walker broke the store rule... */
	struct fz_failure store_failure; /* ...the first time, in words */
};

/*
 * Set up, run the prelude and the vCPUs, quiesce. False if @data is too
 * short to hold a header.
 */
bool par_run(struct par_run *r, const uint8_t *data, size_t size);
/* End the run: destroy the table, take its pages back; the machine stays. */
void par_run_fini(struct par_run *r);

/* The core's table as the differ reads it. */
struct diff_table par_view(struct par_run *r);

/* Which operation a global index is, in words ("vcpu1#2 fault_map ..."). */
void par_op_describe(const struct par_run *r, unsigned id, char *buf, size_t len);

/* Is the table page at @page one other walkers can reach (live or unlinked)? */
bool par_page_visible(struct par_run *r, uint64_t page);

/*
 * The shared-store check (parallel_store.c, SPEC §9): in a shared walk, a
 * store to an entry other walkers can see is a compare-and-swap from the
 * value the walker read, or the publish over the walker's own LOCKED entry.
 * par_store_attempt: vCPU @v begins an attempt (what it read before is
 * stale). par_store_access: @v is about to make the access @kind to @ptep,
 * nobody else runs before it does. par_store_event: @v's store @ev happened,
 * into a table other walkers can see (@visible) or not.
 */
void par_store_attempt(struct par_run *r, unsigned v);
void par_store_access(struct par_run *r, unsigned v, pte_t *ptep, enum pgt_access kind);
void par_store_event(struct par_run *r, unsigned v, const struct sim_event *ev, bool visible);

/* All checks (parallel_check.c); false with @f filled at the first that fails. */
bool par_check(struct par_run *r, struct fz_failure *f);
/*
 * Linearizability (parallel_serial.c): search an order of the completed
 * operations whose serial application, on the reference's single-table
 * model, gives the core's table; false with @f if none.
 */
bool par_check_serial(struct par_run *r, struct fz_failure *f);

/* The setup, then per operation its result, attempts, LOCKED seen, serial order. */
void par_print_ops(const struct par_run *r, FILE *out);
/* The operations, the interleaving, the check and the signature line. */
void par_report(const struct par_run *r, const struct fz_failure *f);
/* Until par_run_fini, a death of the run prints that report (last_words.h). */
void par_watch(const struct par_run *r);

#endif /* FUZZ_PARALLEL_RUN_H */
