/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pkvm's fields and operations (ops_pkvm.c), for the worlds built on
 * them: fuzz_hvc types its registers by these fields, and a hypercall's
 * reference call is the row of its function number.
 */
#ifndef FUZZ_OPS_PKVM_H
#define FUZZ_OPS_PKVM_H

#include "machine.h"
#include "optable.h"

/* In the order hypercalls take their arguments (docs/hvc-abi.md). */
enum {
	PK_VM,
	PK_IA_BITS,
	PK_PFN,
	PK_PGD,
	PK_NR,
	PK_GFN,
	PK_PROT,
	PK_POOL,
	PK_HIDE,
	PK_ADDR,
	PK_NR_FIELDS,
};

#define PK_NR_OPS 20

extern const struct fz_op_def fz_pkvm_ops[PK_NR_OPS];

/* The setup of a world on a machine description (machine.h): fuzz_pkvm's and fuzz_hvc's. */
void fz_machine_setup(const uint8_t *hdr, void *setup);
#define FZ_MACHINE_WORLD                                                            \
	.setup_name = "machine", .header_size = FZ_HEADER_SIZE,                       \
	.setup_size = sizeof(struct fz_machine), .decode_setup = fz_machine_setup,     \
	.parse_setup = fz_machine_parse, .format_setup = fz_machine_line

#endif /* FUZZ_OPS_PKVM_H */
