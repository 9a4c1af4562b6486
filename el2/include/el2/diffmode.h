/* SPDX-License-Identifier: MIT */
/*
 * The differential mode (docs/el2-differential.md). With s2fuzz.diff=on, el2
 * keeps the reference model (reference/) beside the core, built from the
 * same machine description, and after every host hypercall it serves and
 * every host stage-2 abort it runs the same operation on the reference and
 * compares: the result registers, the hashed walk (diff/) of every table
 * over raw table memory, the refcount law and structure of every table,
 * pool accounting, which VMs live, and break-before-make as seen by el2's
 * platform hooks. A difference prints the fuzzers' report (the last
 * operations, the check, the first differing entry in words, one
 * "s2fuzz-signature:" line) and stops the machine with a failure status.
 */
#ifndef EL2_DIFFMODE_H
#define EL2_DIFFMODE_H

#include "core/pkvm.h"

/*
 * Carve-out heap the mode takes: the reference's arena and the ledger (the
 * first-difference search's 2 MiB are in the image: el2/CMakeLists.txt).
 */
#define EL2_DIFF_HEAP_SIZE (22ULL << 20)

/*
 * Before pkvm_init (MMU off): take [@mem, + @bytes) and watch every store,
 * invalidation and free the core makes to @p's tables from the first one,
 * so that break-before-make knows every table page's parent.
 */
void el2_diff_prepare(const struct pkvm *p, void *mem, u64 bytes);
/* After pkvm_init, MMU on: build the reference, compare the initial state. */
void el2_diff_start(void);
bool el2_diff_on(void);

/* A host hypercall the dispatcher served: x0..x4 as the host passed them, and after. */
void el2_diff_hvc(const u64 *in, const u64 *out);
/* A host stage-2 abort at @ipa that host_mem_abort answered with @ret. */
void el2_diff_abort(u64 ipa, int ret);

/*
 * The diagnostic hypercall EL2_HVC_DIFF_STATUS (el2/host_info.h): compares
 * the whole state again without any cached digest, then returns x0 = 0,
 * x1 = operations compared, x2 = of which host aborts, x3 = the whole-state
 * digest (S27), x4 = bytes of the reference's arena in use. x0 is
 * NOT_SUPPORTED when the mode is off.
 */
void el2_diff_status(u64 *x);

#endif /* EL2_DIFFMODE_H */
