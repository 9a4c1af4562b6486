/* SPDX-License-Identifier: MIT */
/*
 * The reference model of one table driven directly (SPEC §5b): a
 * guest-style stage-2 table or a hyp-style stage-1 table with its own pool,
 * kept as leaves like every table of ref.h, without any page table.
 * Addresses are page-aligned byte addresses, sizes page counts (S1).
 */
#ifndef REF_REF_TABLE_H
#define REF_REF_TABLE_H

#include <ref/ref.h>

#define REF_STAGE2 2u
#define REF_STAGE1 1u

struct ref_table {
	struct ref_arena arena;
	struct ref_lmap map;
	struct ref_pool pool;
	unsigned int stage;
};

/* -EINVAL for a bad stage or ia_bits, -ENOMEM if the pool has no root. */
int ref_table_init(struct ref_table *t, unsigned int stage, unsigned int ia_bits,
		   uint64_t pool_pages, void *arena, size_t arena_bytes);

int ref_table_map(struct ref_table *t, uint64_t ia, uint64_t nr, uint64_t pa, unsigned int prot,
		  unsigned int memtype);
int ref_table_unmap(struct ref_table *t, uint64_t ia, uint64_t nr);
int ref_table_set_owner(struct ref_table *t, uint64_t ia, uint64_t nr, unsigned int owner);
int ref_table_wrprotect(struct ref_table *t, uint64_t ia, uint64_t nr);
/* 1 if any leaf met was young, 0 if none, or a negative error. */
int ref_table_mkold(struct ref_table *t, uint64_t ia, uint64_t nr);
int ref_table_mkyoung(struct ref_table *t, uint64_t ia);
int ref_table_relax_perms(struct ref_table *t, uint64_t ia, unsigned int prot);
int ref_table_split(struct ref_table *t, uint64_t ia, uint64_t nr);
int ref_table_get_leaf(const struct ref_table *t, uint64_t ia, unsigned int *level, uint64_t *desc);
/* S40, applied serially: one leaf of `level` over the block holding ia. */
int ref_table_fault_map(struct ref_table *t, uint64_t ia, unsigned int level, uint64_t pa,
			unsigned int prot, unsigned int memtype);

void ref_table_stream(const struct ref_table *t, ref_emit_fn emit, void *arg);
/* Table pages including the root (S28). */
uint64_t ref_table_nr_pages(const struct ref_table *t);
/* Changes whenever the table's stream may have changed (see ref_table_generation). */
uint64_t ref_single_table_generation(const struct ref_table *t);
uint64_t ref_table_pool_free(const struct ref_table *t);
uint64_t ref_table_pool_hide(struct ref_table *t, uint64_t n);
void ref_table_pool_unhide(struct ref_table *t);

#endif /* REF_REF_TABLE_H */
