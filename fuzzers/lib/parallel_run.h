/* SPDX-License-Identifier: MIT */
/*
 * One fuzz_parallel run: a guest stage-2 on the simulated machine, an
 * exclusive prelude, then 2-4 vCPUs faulting on it through shared walks
 * (SPEC §9) as coroutines, with the sim's hooks as scheduling points. The
 * hooks also keep the books the checks need (docs/fuzz_parallel.md): for
 * every operation its attempts, its stores and when they took effect, and
 * for every table page whether a shared walk has unlinked it.
 */
#ifndef FUZZ_PARALLEL_RUN_H
#define FUZZ_PARALLEL_RUN_H

#include "core/pgtable.h"
#include "diff/bbm.h"
#include "diff/tlb.h"
#include "ops_parallel.h"
#include "parallel_sched.h"
#include "runner.h"
#include "sim/sim.h"

#define PAR_TRACE_MAX  8192
#define PAR_MAX_DEAD   (2 * FZP_POOL_FULL)
#define PAR_MAX_SPLITS 64
#define PAR_NO_OP      (-1)
/* Scheduling points before a run is declared livelocked. */
#define PAR_MAX_POINTS (1U << 18)

/* What one vCPU operation did (its final attempt, unless said). */
struct par_op {
	const struct fzp_op *op;
	unsigned vcpu, index; /* its place in the vCPU's list */
	int rc;
	bool done;
	unsigned attempts;		  /* calls, retries included */
	unsigned locked_seen;		  /* loads that found a LOCKED entry (all attempts) */
	bool eagain_alone;		  /* fault_map -EAGAIN with no other vCPU running */
	uint64_t start, end;		  /* clock of its first access and of its return */
	unsigned stores;		  /* stores into reachable or unlinked tables,
					    * but for new empty tables */
	uint64_t first_store, last_store; /* clocks of the first and last of them */
	unsigned split_stores;		  /* of them, the LOCKED and publish of its splits */
	uint64_t reach_lo, reach_hi;	  /* the input addresses their entries span */
	uint64_t first_effect;		  /* clock of its first such store in any attempt, or 0 */
	int lost_to; /* the last one landed in a table this op unlinked, or -1 */
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
	uint8_t kind; /* 'L' load, 'C' compare-and-swap, 'K' after a LOCKED store */
	uint8_t op;
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
	struct par_sched sched;
	struct diff_bbm bbm;
	struct diff_tlb tlb; /* what each vCPU translated after its operation (§11) */
	struct diff_mem mem;
	char shadow_regime; /* identity only: see settle_dead_unlink() */
	bool bbm_failed;
	int bbm_op; /* the operation running at the first rule broken, or PAR_NO_OP */
	int prelude_rc[FZP_MAX_RECORDS];
	unsigned nr_ops;
	struct par_op ops[FZP_MAX_RECORDS];
	unsigned first_op[FZP_MAX_VCPUS];
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
	/*
	 * Filled by the check: a writer's place in the serial order, or for an
	 * operation that changed nothing the number of writers before the state
	 * it was found to fit (serial_noop), possibly because the next writer
	 * erases what it would have written there (serial_erased, S43); -1 when
	 * not replayed.
	 */
	int serial[FZP_MAX_RECORDS];
	bool serial_noop[FZP_MAX_RECORDS];
	bool serial_erased[FZP_MAX_RECORDS];
};

/*
 * Set up, run the prelude and the vCPUs, quiesce. Returns false (with @f
 * filled) only if the table could not even be set up alike.
 */
bool par_run(struct par_run *r, const uint8_t *data, size_t size);
/* End the run: destroy the table, take its pages back; the machine stays. */
void par_run_fini(struct par_run *r);

/* The core's table as the differ reads it. */
struct diff_table par_view(struct par_run *r);

/* Which operation a global index is, in words ("vcpu1#2 fault_map ..."). */
size_t par_op_describe(const struct par_run *r, unsigned id, char *buf, size_t len);

#endif /* FUZZ_PARALLEL_RUN_H */
