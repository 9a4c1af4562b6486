/* SPDX-License-Identifier: MIT */
/*
 * The TLB model (SPEC §11): per translation regime, the translations and
 * walk entries a CPU may have cached. Simulated accesses fill it by walking
 * the raw tables; only the core's invalidations (seen as events) empty it;
 * after every operation nothing it holds may disagree with a fresh walk.
 */
#ifndef DIFF_TLB_H
#define DIFF_TLB_H

#include "diff/bbm.h"
#include "diff/diff.h"

#define DIFF_TLB_ENTRIES 128

struct diff_tlb_entry {
	const void *regime; /* NULL: a free slot */
	bool walk;	    /* a table descriptor cached by the walker, else a leaf */
	uint64_t base;	    /* first input address the entry covers */
	unsigned level;
	uint64_t desc;	    /* the descriptor as it was read */
};

struct diff_tlb {
	struct diff_tlb_entry e[DIFF_TLB_ENTRIES];
	unsigned next; /* replacement: round robin */
};

void diff_tlb_init(struct diff_tlb *t);
/* A CPU of @regime touches @ia: cache the walk and the leaf, if it maps. */
void diff_tlb_access(struct diff_tlb *t, const void *regime, const struct diff_table *table,
		     uint64_t ia);
/* The core's invalidations empty the model. */
void diff_tlb_event(struct diff_tlb *t, const struct diff_event *e);
/*
 * Every cached entry of @regime still agrees with @table (output address,
 * permissions, memory type; table pages for walk entries). False with @v
 * filled on the first that does not.
 */
bool diff_tlb_check(const struct diff_tlb *t, const void *regime, const struct diff_table *table,
		    struct diff_violation *v);
/* Forget a regime whose tables are gone (a VM torn down). */
void diff_tlb_forget(struct diff_tlb *t, const void *regime);

#endif /* DIFF_TLB_H */
