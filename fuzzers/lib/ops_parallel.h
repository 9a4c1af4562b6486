/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parallel's world (ops_parallel.c, docs/fuzz_parallel.md): a 4-byte header (vCPUs,
 * ia_bits, pool size, number of records), 4-byte operation records, each for
 * one vCPU's list or for the exclusive prelude that runs before them, then a
 * tail of scheduling bytes, one consumed at each scheduling point (round-robin
 * once they run out). Every byte string decodes to something valid to run.
 *
 * Addresses cluster in three 4 MiB windows so faults race on the same
 * entries. Faults derive their output from the input address (ia +
 * FZP_PA_OFFSET, S40: faults on one IPA agree on output and memory type);
 * only their permissions vary. The prelude may map other outputs and device
 * memory (a stale memslot), so faults also have to break valid blocks.
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

/* One decoded operation. */
struct fzp_op {
	enum fzp_kind kind;
	unsigned vcpu;	  /* which list (not for the prelude) */
	uint64_t ia;	  /* page-aligned */
	unsigned level;	  /* fault_map, prelude: 1, 2 or 3 */
	unsigned prot;	  /* fault_map, relax_perms, prelude: 1..7 */
	bool alt;	  /* prelude: output ia + FZP_ALT_OFFSET, not the faults' */
	unsigned memtype; /* prelude: 0 normal, 1 device (never with X) */
};

/* The header. */
struct fzp_setup {
	unsigned nr_vcpus, ia_bits, nr_records;
	uint64_t pool_pages;
};

struct fzp_input {
	unsigned nr_vcpus;
	unsigned ia_bits;
	uint64_t pool_pages;
	unsigned nr_prelude;
	struct fzp_op prelude[FZP_MAX_RECORDS];
	unsigned nr_ops[FZP_MAX_VCPUS];
	struct fzp_op ops[FZP_MAX_VCPUS][FZP_MAX_RECORDS];
	const uint8_t *sched; /* scheduling bytes, not copied */
	size_t sched_len;
};

/* Decode @data; false if it is shorter than the header (nothing to run). */
bool fzp_decode(const uint8_t *data, size_t size, struct fzp_input *in);

/* The output address an operation maps @op->ia to (faults: S40). */
uint64_t fzp_op_pa(const struct fzp_op *op);

const char *fzp_kind_name(enum fzp_kind kind);
/* "fault_map vcpu=0 ia=0x40001000 level=3 prot=6": the op as a script line. */
size_t fzp_op_format(const struct fzp_op *op, char *buf, size_t len);

#endif /* FUZZ_OPS_PARALLEL_H */
