// SPDX-License-Identifier: MIT
/*
 * fuzz_pgtable: the page-table library on its own (SPEC §5b). One guest
 * stage-2 table and one hyp stage-1 table, driven by map, unmap, set_owner,
 * the permission and aging operations, eager split, get_leaf, serial faults
 * and pool drains, on the core and on the reference, compared after every
 * step (docs/fuzz_pgtable.md). Built for libFuzzer, AFL++ and as a replay
 * program from this one source.
 */
#include "pgtable_dual.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Set by the replay program: print every operation as it runs. */
int s2fuzz_verbose;

static void print_step(const struct pgtable_dual *d, const struct fz_pgtable_op *op)
{
	unsigned i = d->n - 1;
	char line[256];

	fz_pgtable_op_format(op, line, sizeof(line));
	printf("%4u  %-72s -> %d", i, line, d->rc[i]);
	if (op->kind == FZ_PGT_GET_LEAF && !d->rc[i])
		printf("  L%u %#llx", d->leaf[i].level, (unsigned long long)d->leaf[i].entry);
	putchar('\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pgtable_dual d;
	struct pgtable_dual_failure f;
	int rc;

	if (size < FZ_PGTABLE_HEADER_SIZE)
		return 0;
	rc = pgtable_dual_init(&d, data, &f);
	if (rc < 0) {
		pgtable_dual_report(&d, &f);
		abort();
	}
	for (size_t off = FZ_PGTABLE_HEADER_SIZE; rc == 0 && off + FZ_PGTABLE_RECORD_SIZE <= size;
	     off += FZ_PGTABLE_RECORD_SIZE) {
		struct fz_pgtable_op op;
		enum pgtable_dual_result r;

		fz_pgtable_decode_op(&d.s, data + off, &op);
		r = pgtable_dual_step(&d, &op, &f);
		if (r == PGTABLE_DUAL_FAIL) {
			pgtable_dual_report(&d, &f);
			abort();
		}
		if (s2fuzz_verbose)
			print_step(&d, &op);
		if (r == PGTABLE_DUAL_STOP) {
			if (s2fuzz_verbose)
				printf("      (tables left by a fault's -ENOMEM, S42: the run ends)\n");
			break;
		}
	}
	pgtable_dual_fini(&d);
	return 0;
}
