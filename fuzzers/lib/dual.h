/* SPDX-License-Identifier: MIT */
/*
 * The core and the reference side by side: built from one machine
 * description, driven by the same operations, compared after every one
 * (SPEC §10, §11). Knows all three of core/, reference/ and diff/; nothing
 * else does.
 */
#ifndef FUZZ_DUAL_H
#define FUZZ_DUAL_H

#include "brute/brute.h"
#include "core/pkvm.h"
#include "checks.h"
#include "machine.h"
#include "ref/ref.h"
#include "sim_events.h"

struct dual {
	struct fz_machine m;
	/* The optimized core on the simulated machine (sim, below). */
	struct pgt_pool host_pool, hyp_pool, memcache[PKVM_MAX_VMS];
	struct pkvm pkvm;
	struct pkvm_page *pages;
	size_t pages_bytes;
	/* The reference. */
	struct ref ref;
	/* The differ's view of the core's memory, and its checkers. */
	struct diff_mem mem;
	struct diff_layout layout;
	struct diff_bbm bbm;
	struct diff_tlb tlb;
	/*
	 * Index 0 host stage-2, 1 hyp stage-1, 2 + n guest n. Core tables only
	 * change through stores the hook sees: only those are hashed again.
	 */
	struct fz_slot slot[2 + PKVM_MAX_VMS];
	/* fuzz_hvc: the registers after the core's dispatcher ran a call. */
	uint64_t hvc_out[5];
	/* Last, as dual_init clears all before it: kept by dual_end for the next run. */
	struct sim sim;
	bool sim_up;
	/* The brute-force model of each slot, kept too (its nodes are reused). */
	struct brute brute[2 + PKVM_MAX_VMS];
	bool brute_on; /* the machine is small enough for it (brute.h) */
};

/* fuzz_hvc's comparisons after a call (ABI registers first) and its trace words. */
bool fz_hvc_check(void *d, const struct fz_op *op, int core_rc, int ref_rc, struct fz_failure *f);
int fz_hvc_result(const void *d, const struct fz_op *op, int rc, char *buf, size_t len);

/* fuzz_pkvm's and fuzz_hvc's runs (fz_run), on one static machine each. */
extern const struct fz_harness fz_pkvm_harness, fz_hvc_harness;

/*
 * Build both sides on @d, zeroed or ended by dual_fini or dual_end. Returns
 * 0 when both came up, 1 when both refused the description alike (nothing
 * to run), or -1 with @f filled when they disagree about it.
 */
int dual_init(struct dual *d, const struct fz_machine *m, struct fz_failure *f);
/*
 * The same from descriptions made by hand, for what fz_machine cannot say
 * yet (S32's private hyp ranges): @cd and @rd describe the machine @m
 * describes (its pools and slots size the simulated side), plus more.
 */
int dual_init_descs(struct dual *d, const struct fz_machine *m, const struct pkvm_desc *cd,
		    const struct ref_desc *rd, struct fz_failure *f);
void dual_fini(struct dual *d);
/* dual_fini, the simulated machine's memory kept for the next dual_init on @d. */
void dual_end(struct dual *d);

/* The whole-state digests (S27), read afresh: from the core's memory, from the reference. */
uint64_t dual_core_state_digest(struct dual *d);
uint64_t dual_ref_state_digest(const struct ref *r, unsigned nr_vm_slots);

/* The calls behind pool_hide, pool_unhide and the three accesses. */
int dual_pool_hide(void *d, unsigned pool, uint64_t nr);
int dual_pool_unhide(void *d, unsigned pool);
int dual_access(void *d, enum diff_kind kind, unsigned vm, uint64_t page);

/*
 * Everything compared after an operation ran on both sides (fuzz_pkvm's
 * rows, the hypercall dispatcher): return codes, the break-before-make
 * ledger, every table's digest and invariants, pools.
 */
bool dual_check(struct dual *d, const char *name, int core_rc, int ref_rc, struct fz_failure *f);

#endif /* FUZZ_DUAL_H */
