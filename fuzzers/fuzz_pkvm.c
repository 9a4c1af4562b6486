// SPDX-License-Identifier: MIT
/*
 * fuzz_pkvm: a machine description, then a sequence of SPEC §5 operations,
 * pool drains (fault injection) and accesses, run on the core and on the
 * reference, compared after every step (docs/input-format.md). Built for
 * libFuzzer, AFL++ and as a replay program from this one source.
 */
#include "dual.h"
#include "mutator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run(&fz_pkvm_harness, data, size);
}

FZ_MUTATOR_HOOKS(fz_world_pkvm)
