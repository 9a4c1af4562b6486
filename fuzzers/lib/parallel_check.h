/* SPDX-License-Identifier: MIT */
/*
 * The checks of SPEC §9 once every vCPU of a fuzz_parallel run is done
 * (docs/fuzz_parallel.md): no LOCKED entry, the refcount law and pool
 * accounting on the core's table; no fault that kept losing with nobody
 * else running; break-before-make; and linearizability: the table equals
 * the serial application, on the reference's single-table model, of the
 * completed operations in the order their final swaps took effect.
 */
#ifndef FUZZ_PARALLEL_CHECK_H
#define FUZZ_PARALLEL_CHECK_H

#include "parallel_run.h"

#include <stdio.h>

/* All checks; false with @f filled at the first that fails. */
bool par_check(struct par_run *r, struct fz_failure *f);

/* Per operation: result, attempts, LOCKED seen, and the serial order if known. */
void par_print_ops(const struct par_run *r, FILE *out);

/* The interleaving, the operations, the check and the signature line. */
void par_report(const struct par_run *r, const struct fz_failure *f);

#endif /* FUZZ_PARALLEL_CHECK_H */
