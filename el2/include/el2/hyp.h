/* SPDX-License-Identifier: MIT */
/* The running hypervisor: its pKVM state and the host's traps. */
#ifndef EL2_HYP_H
#define EL2_HYP_H

#include "core/pkvm.h"
#include "el2/boot.h"
#include "el2/cpus.h"

/* The registers a trap saved (boot/vectors.S). */
struct el2_regs {
	u64 x[31];
	u64 pad;
};

struct el2_counters {
	u64 aborts_mapped[4]; /* host aborts that mapped a leaf, by level */
	u64 aborts_spurious;  /* already mapped (by another CPU, or a stale TLB entry) */
	u64 aborts_refused;   /* -EPERM, injected back */
	u64 aborts_beside;    /* began while another CPU's abort was in its shared walk */
	u64 aborts_retried;   /* lost a race to another CPU's abort: the host retries */
	u64 hypercalls;
	u64 smcs;
};

extern struct pkvm el2_pkvm;
extern struct el2_counters el2_counters;
extern struct el2_handover el2_boot;

/* The EL2 controls of the host's world, on the CPU running this (hyp/stage1.c). */
void el2_host_controls(void);

/*
 * Taken around everything that reads or changes the pKVM state: shared by
 * host aborts (S46), exclusive for the rest. Taking it exclusive frees the
 * table pages shared walks unlinked (el2_mm_free_deferred).
 */
extern struct el2_rwlock el2_state_lock;
void el2_state_exclusive(void);
void el2_state_exclusive_end(void);
/* Free what shared walks unlinked, if anything waits: a moment exclusive. */
void el2_free_deferred_tables(void);

/* Called by boot/vectors.S for every exception. */
void el2_trap(struct el2_regs *regs, u64 vector);

/* Leaves by level and table pages of a table: the seeds' stage-2 dump. */
struct stage2_summary {
	u64 leaves[4];
	u64 tables;
	u64 annotations;
};

void stage2_summarize(struct pgt *pgt, struct stage2_summary *s);
void stage2_print(const char *what, const struct stage2_summary *s);

#endif /* EL2_HYP_H */
