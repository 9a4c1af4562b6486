/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pgtable's two sides: one guest stage-2 table and one hyp stage-1
 * table driven through the core's table library on the simulated machine,
 * and the same two as the reference's single-table models (ref_table.h).
 * After every operation: return codes (with mkold's young flag), get_leaf's
 * level and entry, each table's pool, its hashed walk (SPEC §10), its
 * invariants (§3, §11) and break-before-make (§7).
 */
#ifndef FUZZ_PGTABLE_DUAL_H
#define FUZZ_PGTABLE_DUAL_H

#include "core/pgtable.h"
#include "diff/bbm.h"
#include "diff/diff.h"
#include "pgtable_input.h"
#include "ref/ref_table.h"
#include "sim/sim.h"

#define PGTABLE_DUAL_TRACE_MAX 4096

struct pgtable_dual_failure {
	const char *check;   /* stable: "return-code", "leaf", "digest", "pool", "invariant", ... */
	char detail[1024];   /* for people */
	char signature[256]; /* stable across inputs that hit the same bug */
};

/* What get_leaf found, on one side. */
struct pgtable_dual_leaf {
	uint64_t entry;
	unsigned level;
};

struct pgtable_dual {
	struct fz_pgtable_setup s;
	uint8_t hdr[FZ_PGTABLE_HEADER_SIZE];
	/* The core on the simulated machine: each table with its own pool. */
	struct pgt_pool pool[FZ_PGT_NR_TABLES];
	struct pgt pgt[FZ_PGT_NR_TABLES];
	bool core_up[FZ_PGT_NR_TABLES];
	/* The reference. */
	struct ref_table ref[FZ_PGT_NR_TABLES];
	/* The differ's view of the core's memory. */
	struct diff_mem mem;
	/* A table's digest and structure are redone only after a store to it. */
	bool dirty[FZ_PGT_NR_TABLES];
	uint64_t core_digest[FZ_PGT_NR_TABLES];
	/* The reference's digest, redone when its generation moves. */
	bool ref_known[FZ_PGT_NR_TABLES];
	uint64_t ref_generation[FZ_PGT_NR_TABLES];
	uint64_t ref_digest[FZ_PGT_NR_TABLES];
	/* The store checker (diff_bbm_init resets it: 512 KiB not cleared twice). */
	struct diff_bbm bbm;
	/* What ran so far, with the core's results. */
	struct fz_pgtable_op trace[PGTABLE_DUAL_TRACE_MAX];
	int rc[PGTABLE_DUAL_TRACE_MAX];
	struct pgtable_dual_leaf leaf[PGTABLE_DUAL_TRACE_MAX];
	unsigned n;
	/*
	 * One simulated machine for the life of the process: every input
	 * returns all its pages, and a machine torn down while its freed pages
	 * are ASan-poisoned would leave that poison on memory mapped later.
	 */
	struct sim sim;
	bool sim_up;
};

enum pgtable_dual_result {
	PGTABLE_DUAL_OK,
	PGTABLE_DUAL_FAIL, /* the failure is filled in */
	/*
	 * A raw fault_map ran out of table pages mid-walk and left tables the
	 * serial reference does not have, as S42 allows: the two sides have
	 * parted, legitimately, so the run ends here.
	 */
	PGTABLE_DUAL_STOP,
};

/*
 * Build both sides from header @hdr. Returns 0 when both came up, 1 when
 * both refused alike (nothing to run), or -1 with @f filled when they
 * disagree.
 */
int pgtable_dual_init(struct pgtable_dual *d, const uint8_t *hdr, struct pgtable_dual_failure *f);
void pgtable_dual_fini(struct pgtable_dual *d);

/* Run @op on both sides and compare. */
enum pgtable_dual_result pgtable_dual_step(struct pgtable_dual *d, const struct fz_pgtable_op *op,
					   struct pgtable_dual_failure *f);

/* Print the trace and the failure, then the signature line. */
void pgtable_dual_report(const struct pgtable_dual *d, const struct pgtable_dual_failure *f);

#endif /* FUZZ_PGTABLE_DUAL_H */
