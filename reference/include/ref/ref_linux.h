/* SPDX-License-Identifier: MIT */
/*
 * The reference's Linux profile (docs/kernel-profile.md): one guest stage-2
 * or hyp stage-1 table with the semantics of a kernel tree's
 * arch/arm64/kvm/hyp/pgtable.c, where they differ from SPEC §5b. Unlike
 * ref_table.h it keeps every table page it has, because the kernel leaves
 * tables its leaves cannot explain (empty ones after set_owner, -ENOMEM or a
 * hyp unmap that stopped). Written from the kernel's documented behaviour and
 * the profile's rows, sharing nothing with core/ or with the kernel.
 *
 * The encodings are those of the CPU the kernel adapter models (kernel/):
 * FWB and TLB range on, LPA2, BTI and hVHE off. Addresses reach it
 * page-aligned and sizes are non-zero (the callers' rows refuse the rest).
 */
#ifndef REF_REF_LINUX_H
#define REF_REF_LINUX_H

#include <ref/ref.h>

#define REF_LINUX_STAGE2 2u
#define REF_LINUX_STAGE1 1u

/* What differs between kernel trees, detected from the tree (kernel/). */
struct ref_linux_tree {
	/* Every -EAGAIN stops a walk (6.1; again in 7.2, where IGNORE_EAGAIN opts out). */
	bool eagain_stops;
	/* Attribute walks answer -EAGAIN at a hole (6.5 on). */
	bool attr_again_at_hole;
	/* Wrprotect's walk goes on past -EAGAIN (KVM_PGTABLE_WALK_IGNORE_EAGAIN, 7.2). */
	bool wrprotect_ignores_eagain;
	/* mkold takes a range (test_clear_young); older trees age one page. */
	bool mkold_range;
	/* kvm_pgtable_stage2_split exists. */
	bool has_split;
	/* A stage-2 map of an output past 2^48 maps it cut to 48 bits (7.2), not an owner. */
	bool any_output_address;
	/* Set_owner's entries carry this type in bits 63:60 (0: untyped owner ids). */
	unsigned int annotation_type;
	/* An entry made invalid keeps its other bits; a table's reads as 0b10 (5.10). */
	bool invalid_keeps_bits;
	/* A map over a valid leaf replaces it, the same leaf changes nothing (5.10). */
	bool map_replaces_leaf;
};

struct ref_linux_node;

struct ref_linux {
	struct ref_arena arena;
	struct ref_linux_tree tree;
	unsigned int stage, ia_bits, start_level;
	struct ref_linux_node *root;
	/* Table pages: the pool's size, those in the table (root included), hidden ones. */
	uint64_t pool_size, used, hidden;
	uint64_t generation;
};

/* The arena a table whose pool has @pool_pages pages needs. */
size_t ref_linux_arena_bytes(uint64_t pool_pages);

/* -EINVAL for a bad stage or ia_bits, -ENOMEM if the pool has no root. */
int ref_linux_init(struct ref_linux *t, unsigned int stage, unsigned int ia_bits,
		   uint64_t pool_pages, const struct ref_linux_tree *tree, void *arena,
		   size_t arena_bytes);

/* Bytes: ia and size as the kernel's API takes them; prot REF_PROT_*. */
int ref_linux_map(struct ref_linux *t, uint64_t ia, uint64_t size, uint64_t pa, unsigned int prot,
		  unsigned int memtype);
/* A fault (S40): the map a fault handler makes, whose -EAGAIN stops it. */
int ref_linux_fault_map(struct ref_linux *t, uint64_t ia, uint64_t size, uint64_t pa,
			unsigned int prot, unsigned int memtype);
/* Stage 2: 0 or an error. Stage 1: the bytes unmapped (the walk stops at a hole). */
int64_t ref_linux_unmap(struct ref_linux *t, uint64_t ia, uint64_t size);
int ref_linux_set_owner(struct ref_linux *t, uint64_t ia, uint64_t size, unsigned int owner);
int ref_linux_wrprotect(struct ref_linux *t, uint64_t ia, uint64_t size);
/* Whether a leaf met was young; its access flags cleared. */
bool ref_linux_mkold(struct ref_linux *t, uint64_t ia, uint64_t size);
int ref_linux_mkyoung(struct ref_linux *t, uint64_t ia);
int ref_linux_relax_perms(struct ref_linux *t, uint64_t ia, unsigned int prot);
int ref_linux_split(struct ref_linux *t, uint64_t ia, uint64_t size);
int ref_linux_get_leaf(const struct ref_linux *t, uint64_t ia, uint64_t *desc, unsigned int *level);
/* Whether a valid leaf maps any of [ia, ia + size). */
bool ref_linux_mapped(const struct ref_linux *t, uint64_t ia, uint64_t size);

/* The hashed-walk stream (S27) of the table as it is. */
void ref_linux_stream(const struct ref_linux *t, ref_emit_fn emit, void *arg);
uint64_t ref_linux_pool_free(const struct ref_linux *t);
void ref_linux_pool_hide(struct ref_linux *t, uint64_t n);
void ref_linux_pool_unhide(struct ref_linux *t);

#endif /* REF_REF_LINUX_H */
