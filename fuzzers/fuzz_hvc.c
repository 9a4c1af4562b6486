// SPDX-License-Identifier: MIT
/*
 * fuzz_hvc: the hypercall ABI as an untrusted-input surface (SPEC §12,
 * docs/hvc-abi.md, input format in docs/fuzz_hvc.md). Each record is a set
 * of raw host registers: the core runs them through its dispatcher, the
 * reference reads them with the harness's own decoding (the call's row of
 * the operation table); the result registers and every comparison of
 * fuzz_pkvm must agree. Host aborts between calls fill the host's identity
 * map as a running host would.
 */
#include "dual.h"
#include "mutator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run(&fz_hvc_harness, data, size);
}

FZ_MUTATOR_HOOKS(fz_world_hvc)
