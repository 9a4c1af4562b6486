/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pkvm's fields and operations (ops_pkvm.c), for the worlds built on
 * them: fuzz_hvc types its registers by these fields, and a hypercall's
 * reference call is the row of its function number.
 */
#ifndef FUZZ_OPS_PKVM_H
#define FUZZ_OPS_PKVM_H

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

#endif /* FUZZ_OPS_PKVM_H */
