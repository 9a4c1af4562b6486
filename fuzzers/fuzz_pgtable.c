// SPDX-License-Identifier: MIT
/*
 * fuzz_pgtable: the page-table library on its own (SPEC §5b). One guest
 * stage-2 table and one hyp stage-1 table, driven by map, unmap, set_owner,
 * the permission and aging operations, eager split, get_leaf, serial faults
 * and pool drains, on the core and on the reference, compared after every
 * step (docs/fuzz_pgtable.md). Built for libFuzzer, AFL++ and as a replay
 * program from this one source.
 */
#include "tables.h"
#include "mutator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run(&fz_tables_harness, data, size);
}

FZ_MUTATOR_HOOKS(fz_world_tables)
