/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parallel's world (ops_parallel.c, docs/fuzz_parallel.md): a 4-byte
 * header, 4-byte records for one vCPU's list or for the exclusive prelude,
 * then the schedule. Every byte string decodes to something valid to run.
 * Faults map ia + FZP_PA_OFFSET (S40: faults on one IPA agree on output and
 * memory type); only the prelude maps other outputs and device memory (a
 * stale memslot), so faults also have to break valid blocks.
 */
#ifndef FUZZ_OPS_PARALLEL_H
#define FUZZ_OPS_PARALLEL_H

#include "optable.h"

#define FZP_HEADER_SIZE 4
#define FZP_RECORD_SIZE 4
#define FZP_MAX_VCPUS	4
#define FZP_MAX_RECORDS 32
#define FZP_POOL_FULL	256
/* Both 1 GiB-aligned, so blocks of every level keep ia -> ia + offset. */
#define FZP_PA_OFFSET  (16ULL << 30)
#define FZP_ALT_OFFSET (32ULL << 30)

enum fzp_kind {
	FZP_FAULT_MAP,
	FZP_MKYOUNG,
	FZP_RELAX_PERMS,
	FZP_PRELUDE_MAP,
	FZP_NR_KINDS,
};

/* The header. */
struct fzp_setup {
	unsigned nr_vcpus, ia_bits, nr_records;
	uint64_t pool_pages;
};

/* An input's operations (op->index is their enum fzp_kind) and schedule. */
struct fzp_input {
	struct fzp_setup setup;
	unsigned nr_prelude, nr_ops[FZP_MAX_VCPUS];
	struct fz_op prelude[FZP_MAX_RECORDS], ops[FZP_MAX_VCPUS][FZP_MAX_RECORDS];
	const uint8_t *sched; /* scheduling bytes, not copied */
	size_t sched_len;
};

/* Decode @data; false if it is shorter than the header (nothing to run). */
bool fzp_decode(const uint8_t *data, size_t size, struct fzp_input *in);

/* A decoded operation's fields: ia (page-aligned), level 1-3, prot 1-7, memtype. */
uint64_t fzp_ia(const struct fz_op *op);
unsigned fzp_level(const struct fz_op *op);
unsigned fzp_prot(const struct fz_op *op);
unsigned fzp_memtype(const struct fz_op *op); /* 0 normal, 1 device (never with X) */
/* The output address it maps its ia to (faults: S40). */
uint64_t fzp_pa(const struct fz_op *op);

#endif /* FUZZ_OPS_PARALLEL_H */
