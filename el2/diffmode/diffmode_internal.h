/* SPDX-License-Identifier: MIT */
/* The differential mode's state, shared by its files (el2/diffmode.h). */
#ifndef EL2_DIFFMODE_INTERNAL_H
#define EL2_DIFFMODE_INTERNAL_H

#include "checks.h" /* fuzzers/lib: the failure record and the checks */
#include "diff/bbm.h"
#include "diff/diff.h"
#include "el2/diffmode.h"
#include "el2/libc.h"
#include "ref/ref.h"

/* Table slots: 0 host stage-2, 1 hyp stage-1, 2 + n guest n. */
#define DM_SLOTS (2 + PKVM_MAX_VMS)
/* Operations kept for the report (the last ones). */
#define DM_TRACE 64
/* Every this many operations, every digest is recomputed from nothing. */
#define DM_FULL_EVERY 64

/* One operation as el2 served it. */
struct dm_step {
	u64 index;
	bool abort;
	u64 in[5];  /* an abort: in[1] is the faulting address */
	u64 out[5]; /* an abort: out[1] is host_mem_abort's result */
};

struct dm_state {
	bool prepared, on;
	const struct pkvm *pkvm;
	struct ref *ref;
	struct diff_bbm *bbm;
	struct diff_mem mem;
	struct diff_layout layout;
	/* Core tables change only through stores el2 sees: rehash only those. */
	struct fz_slot slot[DM_SLOTS];
	u64 state_digest; /* S27, at the last comparison */
	u64 steps, aborts;
	struct dm_step trace[DM_TRACE];
};

extern struct dm_state dm;

/* "hvc_host_share_hyp"..., or "hvc_unknown": the name reports use for x0, as fuzz_hvc's. */
const char *dm_call_name(u64 x0);

/*
 * Every comparison after an operation named @name (cached digests for
 * tables nobody wrote, unless @full). False with @f filled on the first
 * difference.
 */
bool dm_compare(const char *name, bool full, struct fz_failure *f);

/* Print the machine, the last operations, the failure and the signature; stop. */
void dm_report(const struct fz_failure *f) __attribute__((noreturn));
/* "hvc x0=... # name" or "abort addr=...": one step's input, for the trace. */
void dm_format_step(const struct dm_step *s, char *buf, u64 len);

#endif /* EL2_DIFFMODE_INTERNAL_H */
