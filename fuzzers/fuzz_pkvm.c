// SPDX-License-Identifier: MIT
/*
 * fuzz_pkvm: a machine description, then a sequence of SPEC §5 operations
 * and pool drains (fault injection), run on the core and on the reference,
 * compared after every step. Built for libFuzzer, AFL++ and as a replay
 * program from this one source.
 */
#include "dual.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Set by the replay program: print every operation as it runs. */
int s2fuzz_verbose;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dual d;
	struct dual_failure f;
	struct fz_machine m;
	int rc;

	if (size < FZ_HEADER_SIZE)
		return 0;
	fz_decode_machine(data, &m);
	rc = dual_init(&d, &m, &f);
	if (rc < 0) {
		dual_report(&d, &f);
		abort();
	}
	for (size_t off = FZ_HEADER_SIZE; rc == 0 && off + FZ_RECORD_SIZE <= size;
	     off += FZ_RECORD_SIZE) {
		struct fz_op op;

		fz_decode_op(&m, data + off, &op);
		if (!dual_step(&d, &op, &f)) {
			dual_report(&d, &f);
			abort();
		}
		if (s2fuzz_verbose) {
			char line[256];

			fz_op_format(&op, line, sizeof(line));
			printf("%4u  %-64s -> %d\n", d.n - 1, line, d.rc[d.n - 1]);
		}
	}
	dual_fini(&d);
	return 0;
}
