// SPDX-License-Identifier: MIT
/*
 * fuzz_parallel: 2-4 simulated vCPUs fault on one guest stage-2 through
 * shared walks (SPEC §9), interleaved as the input says, then the table is
 * checked against the serial application of what completed
 * (docs/fuzz_parallel.md). Built for libFuzzer, AFL++ and as a replay
 * program from this one source.
 */
#include "parallel_run.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct par_run r;
	struct fz_failure f;

	if (!par_run(&r, data, size))
		return 0;
	if (!par_check(&r, &f)) {
		par_report(&r, &f);
		abort();
	}
	if (s2fuzz_verbose)
		par_print_ops(&r, stdout);
	par_run_fini(&r);
	return 0;
}
