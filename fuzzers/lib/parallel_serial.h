/* SPDX-License-Identifier: MIT */
/*
 * Linearizability of a fuzz_parallel run (SPEC §9, docs/fuzz_parallel.md):
 * the core's table must equal the serial application, on the reference's
 * single-table model, of the completed operations in an order their swaps
 * allow. Leaves are compared with table records left out, since tables
 * emptied by lost races may stay until the next exclusive operation.
 */
#ifndef FUZZ_PARALLEL_SERIAL_H
#define FUZZ_PARALLEL_SERIAL_H

#include "parallel_run.h"

/* Search an order the run is the serial application of; false with @f if none. */
bool par_check_serial(struct par_run *r, struct fz_failure *f);

#endif /* FUZZ_PARALLEL_SERIAL_H */
