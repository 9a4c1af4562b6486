/* SPDX-License-Identifier: MIT */
/*
 * The core and the reference side by side: built from one machine
 * description, driven by the same operations, compared after every one
 * (SPEC §10, §11). Knows all three of core/, reference/ and diff/; nothing
 * else does.
 */
#ifndef FUZZ_DUAL_H
#define FUZZ_DUAL_H

#include "core/pkvm.h"
#include "diff/bbm.h"
#include "diff/diff.h"
#include "diff/tlb.h"
#include "input.h"
#include "ref/ref.h"
#include "sim/sim.h"

#define DUAL_TRACE_MAX 4096

struct dual_failure {
	const char *check;	/* stable: "return-code", "digest", "pool", "invariant", "bbm" */
	char detail[1024];	/* for people */
	char signature[256];	/* stable across inputs that hit the same bug */
};

struct dual {
	struct fz_machine m;
	/* The optimized core on the simulated machine. */
	struct sim sim;
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
	 * Core tables only change through stores the hook sees: a table's
	 * digest and structural check are redone only when it was stored to.
	 * Index 0 host stage-2, 1 hyp stage-1, 2 + n guest n.
	 */
	bool dirty[2 + PKVM_MAX_VMS];
	uint64_t core_digest[2 + PKVM_MAX_VMS];
	/* The reference's side of the same cache, keyed by its table generation. */
	uint64_t ref_generation[2 + PKVM_MAX_VMS];
	uint64_t ref_digest[2 + PKVM_MAX_VMS];
	bool ref_known[2 + PKVM_MAX_VMS];
	/* Table pages found in each core table at its last check, root included. */
	uint64_t core_tables[2 + PKVM_MAX_VMS];
	/* What ran so far, with the return codes. */
	struct fz_op trace[DUAL_TRACE_MAX];
	int rc[DUAL_TRACE_MAX];
	unsigned n;
};

/*
 * Build both sides. Returns 0 when both came up, 1 when both refused the
 * description alike (nothing to run), or -1 with @f filled when they
 * disagree about it.
 */
int dual_init(struct dual *d, const struct fz_machine *m, struct dual_failure *f);
/*
 * The same from descriptions made by hand, for what fz_machine cannot say
 * yet (S32's private hyp ranges): @cd and @rd describe the machine @m
 * describes (its pools and slots size the simulated side), plus more.
 */
int dual_init_descs(struct dual *d, const struct fz_machine *m, const struct pkvm_desc *cd,
		    const struct ref_desc *rd, struct dual_failure *f);
void dual_fini(struct dual *d);

/* Which dirty[] slot a core table is. */
unsigned dual_table_index(const struct dual *d, const struct pgt *pgt);

/* Run @op on both sides and compare; false with @f filled on a difference. */
bool dual_step(struct dual *d, const struct fz_op *op, struct dual_failure *f);

/*
 * Everything dual_step checks after running an operation, for callers that
 * ran it some other way (the hypercall dispatcher): return codes, the
 * break-before-make ledger, every table's digest and invariants, pools.
 */
bool dual_check(struct dual *d, const char *name, int core_rc, int ref_rc, struct dual_failure *f);

/* SPEC §11: host stage-2 valid leaves map only pages the host may touch. */
bool dual_host_leaves_accessible(struct dual *d, struct diff_table *t, const char *op,
				 struct dual_failure *f);

/* Print the trace and the failure, then the signature line. */
void dual_report(const struct dual *d, const struct dual_failure *f);

#endif /* FUZZ_DUAL_H */
