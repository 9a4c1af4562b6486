/* SPDX-License-Identifier: MIT */
/*
 * State feedback: counters a coverage-guided fuzzer reads beside its edges,
 * one per abstract state a run reaches, so that an input is kept for the
 * state it gets to and not only for the code it runs. Under libFuzzer they
 * are its extra counters (cleared before each input, read after); under
 * AFL++ they are folded into its coverage map. Every target counts each
 * (operation, result) pair; fuzz_pkvm and fuzz_hvc also count, from the
 * reference (the abstract model), page-state transitions per owner, VM
 * lifecycle states, table counts growing and shrinking, how far the run has
 * taken a guest's lifecycle, and where a host abort's leaf sits in its
 * region (docs/architecture.md).
 */
#ifndef FUZZ_FEEDBACK_H
#define FUZZ_FEEDBACK_H

#include "optable.h"

#include <stdio.h>

/*
 * The milestones of a guest's lifecycle, per VM slot. They count as a set,
 * in whatever order a run meets them (each new set is a state reached); a
 * whole lifecycle meets them all, in this order.
 */
enum {
	FZ_LIFE_CREATED = 1 << 0,    /* the VM was created */
	FZ_LIFE_DONATED = 1 << 1,    /* a page was donated to it */
	FZ_LIFE_SHARED = 1 << 2,     /* a page was shared with it */
	FZ_LIFE_TORN_DOWN = 1 << 3,  /* it was torn down */
	FZ_LIFE_RECLAIMED = 1 << 4,  /* the host reclaimed one of its pages */
	FZ_LIFE_RETOUCHED = 1 << 5,  /* the host used a page reclaimed from it again */
	FZ_LIFE_WHOLE = (1 << 6) - 1,
};

/* Count abstract state @id (any number: it is folded into the counters). */
void fz_feedback_hit(unsigned id);
/* Every target: operation @index of its world returned @rc (@index below 64). */
void fz_feedback_op(unsigned index, int rc);
/* A new input: counters start at zero (libFuzzer's do by themselves). */
void fz_feedback_start(void);

struct dual;
/* fuzz_pkvm and fuzz_hvc: before (@done false) and after one operation ran on both sides. */
void fz_feedback_pkvm(struct dual *d, const struct fz_world *w, const struct fz_op *op, int rc,
		      bool done);
/* A new run on @d: its milestones start over. */
void fz_feedback_pkvm_start(void);
/* The most milestones one VM slot met this run (FZ_LIFE_*), and them in words on @out. */
unsigned fz_feedback_lifecycle(void);
void fz_feedback_print_lifecycle(FILE *out);

#endif /* FUZZ_FEEDBACK_H */
