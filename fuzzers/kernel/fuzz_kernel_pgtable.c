// SPDX-License-Identifier: MIT
/*
 * fuzz_kernel_pgtable: a kernel tree's own arch/arm64/kvm/hyp/pgtable.c,
 * built unmodified by the adapter (kernel/), driven with fuzz_pgtable's
 * input format (docs/fuzz_pgtable.md) and checked after every call
 * (kernel_tables.c; docs/kernel-tree.md). Built per tree, for libFuzzer,
 * AFL++ and as a replay program, from this one source.
 */
#include "kernel_tables.h"
#include "mutator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_ktables_run(data, size);
}

FZ_MUTATOR_HOOKS(fz_world_kernel_tables)
