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

/* The rows, with their calls and hypercall numbers (pkvm_rows.c). */
extern const struct fz_op_def fz_pkvm_ops[PK_NR_OPS];

/* Hypercall ids (SPEC §12): 0xC6000000 + a row's number; SMCCC's SVE hint ignored. */
#define FZ_HVC_ID_BASE	0xC6000000ULL
#define FZ_HVC_NR_CALLS 14 /* function numbers 0..13 */
#define FZ_HVC_HINT_BIT (1ULL << 16)
/* The row of function number @n, of the id in @x0, and its name: NULL when none. */
const struct fz_op_def *fz_hvc_row(uint64_t n);
const struct fz_op_def *fz_hvc_id_row(uint64_t x0);
const char *fz_hvc_call_name(uint64_t x0);

struct ref;
/*
 * The reference's reading of a hypercall (docs/hvc-abi.md): registers x0-x4
 * in @x, x1.. read into the call's row argument by argument, a 32-bit
 * argument that does not fit -EINVAL before anything runs; an id that is no
 * call runs nothing (0). Returns the call's result.
 */
int fz_hvc_ref(struct ref *r, const uint64_t *x);
/* A hypercall's registers @x (x0-x4) as its row's operation: @call's fields in register order. */
const struct fz_op_def *fz_hvc_call(const uint64_t *x, struct fz_op *call);

/* A reference for the mutator to try records on (ref_machine.h); not in the codec's builds. */
#if defined(FZ_CODEC_ONLY) || defined(FZ_REF_ONLY)
#define FZ_MACHINE_TRIAL NULL
#else
void *fz_machine_trial(const void *setup);
#define FZ_MACHINE_TRIAL fz_machine_trial
#endif

/* The setup of a world on a machine description (machine.h): fuzz_pkvm's and fuzz_hvc's. */
void fz_machine_setup(const uint8_t *hdr, void *setup);
#define FZ_MACHINE_WORLD                                                            \
	.setup_name = "machine", .header_size = FZ_HEADER_SIZE,                       \
	.setup_size = sizeof(struct fz_machine), .decode_setup = fz_machine_setup,     \
	.parse_setup = fz_machine_parse, .format_setup = fz_machine_line,            \
	.mutate_setup = fz_machine_mutate, .trial_world = FZ_MACHINE_TRIAL

#endif /* FUZZ_OPS_PKVM_H */
