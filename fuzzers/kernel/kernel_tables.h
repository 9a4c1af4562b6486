/* SPDX-License-Identifier: MIT */
/*
 * fuzz_kernel_pgtable's world (kernel_tables.c): fuzz_pgtable's format on a
 * kernel tree's page tables, checked on their raw memory after every call.
 */
#ifndef FUZZ_KERNEL_TABLES_H
#define FUZZ_KERNEL_TABLES_H

#include "checks.h"
#include "diff/bbm.h"
#include "diff/tlb.h"
#include "ops_tables.h"
#include "ref/ref_linux.h"
#include "runner.h"
#include "s2k/kernel_sim.h"

/* A pool's pages: the largest pool the format describes (ops_tables.c). */
#define FZ_KPOOL_MAX 1100

/* Where a table page hangs: the first input address it translates, and its level. */
struct fz_kplace {
	uint64_t ia;
	int level; /* -1: not linked, so no CPU can walk it */
};

struct fz_ktables {
	struct fz_tables_setup s;
	/* One machine for the life of the process (as fuzz_pgtable's). */
	struct sim sim;
	bool sim_up;
	struct pgt_pool pool[FZ_T_NR];
	struct s2k_sim plat[FZ_T_NR];
	struct s2k_table *t[FZ_T_NR];
	struct diff_mem mem;
	/* What the CPUs' accesses cached (SPEC §11), emptied by the kernel's invalidations. */
	struct diff_tlb tlb;
	/*
	 * Break-before-make and free-after-invalidate over the kernel's stores
	 * and frees (SPEC §7), placed by where each table page hangs.
	 */
	struct diff_bbm bbm;
	struct fz_kplace place[FZ_T_NR][FZ_KPOOL_MAX];
	bool watching;
	/* The reference in the tree's Linux profile, each table in its own arena. */
	struct ref_linux ref[FZ_T_NR];
	void *arena[FZ_T_NR];
	size_t arena_bytes[FZ_T_NR];
	/* Each table as last compared; its stores and reference changes, and free pages, then. */
	struct fz_slot slot[FZ_T_NR];
	uint64_t checked_stores[FZ_T_NR], checked_free[FZ_T_NR];
	/* get_leaf's answers. */
	uint64_t leaf, ref_leaf;
	int leaf_level;
	unsigned ref_leaf_level;
};

extern struct fz_harness fz_ktables_harness;

/* The kernel-doc's promise for @o, which returned @rc, on sampled pages (kernel_post.c). */
bool fz_ktables_post_check(struct fz_ktables *d, const struct fz_op *o, int rc,
			   struct fz_failure *f);

/* One input on the tree this program was built with. */
int fz_ktables_run(const uint8_t *data, size_t size);

#endif /* FUZZ_KERNEL_TABLES_H */
