/* SPDX-License-Identifier: MIT */
/*
 * Items 4 and 5 of the payload's self-test, run when el2 is in differential
 * mode (EL2_HOST_DIFF, docs/el2-differential.md): a seeded random sequence
 * of hypercalls and memory touches (random.c), and the fuzz_hvc corpus
 * replayed through real hypercalls (replay.c). el2 compares the core with
 * the reference after each hypercall and abort and stops the machine on the
 * first difference; the payload only makes the operations and counts.
 */
#ifndef PAYLOAD_DIFFERENTIAL_H
#define PAYLOAD_DIFFERENTIAL_H

#include "payload.h"

/* EL2_HVC_DIFF_STATUS: el2 compares the whole state again and reports. */
struct diff_status {
	bool on;
	u64 compared, aborts, digest, arena;
};
struct diff_status diff_status(void);

typedef void (*selftest_check_fn)(bool ok, const char *what);

/* @ops random operations from @seed; everything given back at the end. */
void random_run(u64 seed, u64 ops, selftest_check_fn check);
/* Every input of the embedded corpus, each from the boot state; one check each. */
void replay_run(selftest_check_fn check);

#endif /* PAYLOAD_DIFFERENTIAL_H */
