/* SPDX-License-Identifier: MIT */
/*
 * VMSAv8-64 descriptors for the 4 KiB granule (SPEC §2, docs/semantics.md
 * S7-S9). The walker never touches bits itself: everything that knows the
 * layout of a descriptor lives here.
 */
#ifndef CORE_PTE_H
#define CORE_PTE_H

#include "core/geometry.h"

typedef u64 pte_t;

#define PTE_VALID BIT(0)
#define PTE_TYPE_TABLE BIT(1) /* table at L0-L2, page at L3 */
#define PTE_TYPE_MASK (PTE_VALID | PTE_TYPE_TABLE)
#define PTE_ADDR_MASK GENMASK(47, 12)

/* Stage-2 leaf attributes. */
#define PTE_S2_MEMATTR_SHIFT 2
#define PTE_S2_MEMATTR_MASK GENMASK(5, 2)
#define PTE_S2_MEMATTR_NORMAL (0xFULL << PTE_S2_MEMATTR_SHIFT)
#define PTE_S2_MEMATTR_DEVICE (0x1ULL << PTE_S2_MEMATTR_SHIFT)
#define PTE_S2_AP_R BIT(6)
#define PTE_S2_AP_W BIT(7)
#define PTE_S2_XN BIT(54) /* XN[1:0] = 0b10: never execute */
#define PTE_S2_XN_MASK GENMASK(54, 53)

/* Hyp stage-1 leaf attributes. */
#define PTE_S1_ATTRINDX_MASK GENMASK(4, 2)
#define PTE_S1_ATTRINDX_NORMAL (0ULL << 2)
#define PTE_S1_ATTRINDX_DEVICE (1ULL << 2)
#define PTE_S1_AP_RW (1ULL << 6)
#define PTE_S1_AP_RO (3ULL << 6)
#define PTE_S1_AP_MASK GENMASK(7, 6)
#define PTE_S1_XN BIT(54)

/* Common to both stages. */
#define PTE_SH_INNER (3ULL << 8)
#define PTE_AF BIT(10)
#define PTE_SW_MASK GENMASK(58, 55)
#define PTE_SW_SHARED_OWNED BIT(55)
#define PTE_SW_SHARED_BORROWED BIT(56)

/* Invalid entries: an owner annotation in bits 9:2, or LOCKED (bit 10). */
#define PTE_OWNER_MASK GENMASK(9, 2)
#define PTE_OWNER_SHIFT 2
#define PTE_LOCKED BIT(10)
#define PTE_OWNER_MAX 255U

/* Protections (docs/semantics.md S4). */
enum pgt_prot {
	PGT_PROT_X = 1,
	PGT_PROT_W = 2,
	PGT_PROT_R = 4,
	PGT_PROT_RW = PGT_PROT_R | PGT_PROT_W,
	PGT_PROT_RWX = PGT_PROT_R | PGT_PROT_W | PGT_PROT_X,
};

enum pgt_memtype {
	PGT_MEM_NORMAL = 0,
	PGT_MEM_DEVICE = 1,
};

/* Page states kept in the software bits (seed 004). */
enum pgt_page_state {
	PGT_STATE_OWNED = 0,
	PGT_STATE_SHARED_OWNED = 1,
	PGT_STATE_SHARED_BORROWED = 2,
};

static inline bool pte_valid(pte_t e)
{
	return e & PTE_VALID;
}

/* A table descriptor: valid, type bit set, and not at the last level. */
static inline bool pte_is_table(pte_t e, u32 level)
{
	return level < PGT_MAX_LEVEL && (e & PTE_TYPE_MASK) == PTE_TYPE_MASK;
}

/* A valid block or page. */
static inline bool pte_is_valid_leaf(pte_t e, u32 level)
{
	return pte_valid(e) && !pte_is_table(e, level);
}

static inline bool pte_is_locked(pte_t e)
{
	return !pte_valid(e) && (e & PTE_LOCKED);
}

static inline u64 pte_out(pte_t e)
{
	return e & PTE_ADDR_MASK;
}

/* Everything but the output address and the type bits. */
static inline u64 pte_attrs(pte_t e)
{
	return e & ~(PTE_ADDR_MASK | PTE_TYPE_MASK);
}

static inline pte_t pte_make_leaf(u64 out, u64 attrs, u32 level)
{
	u64 type = level == PGT_MAX_LEVEL ? PTE_TYPE_MASK : PTE_VALID;

	return (out & PTE_ADDR_MASK) | attrs | type;
}

static inline pte_t pte_make_table(paddr_t table)
{
	return (pa_addr(table) & PTE_ADDR_MASK) | PTE_TYPE_MASK;
}

static inline paddr_t pte_table_pa(pte_t e)
{
	return pa_init(e & PTE_ADDR_MASK);
}

static inline pte_t pte_make_annotation(u32 owner)
{
	return ((u64)owner << PTE_OWNER_SHIFT) & PTE_OWNER_MASK;
}

static inline u32 pte_owner(pte_t e)
{
	return (u32)((e & PTE_OWNER_MASK) >> PTE_OWNER_SHIFT);
}

u64 pte_state_bits(enum pgt_page_state state);

static inline enum pgt_page_state pte_state(pte_t e)
{
	if (e & PTE_SW_SHARED_OWNED)
		return PGT_STATE_SHARED_OWNED;
	if (e & PTE_SW_SHARED_BORROWED)
		return PGT_STATE_SHARED_BORROWED;
	return PGT_STATE_OWNED;
}

bool pgt_prot_valid(u32 prot);
bool pgt_memtype_valid(u32 prot, u32 memtype);

/* Stage-2 leaf attributes for a mapping (docs/semantics.md S7). */
u64 pte_s2_attrs(u32 prot, u32 memtype, enum pgt_page_state state);
/* The same leaf with @prot added (relax_perms). */
u64 pte_s2_attrs_add_prot(u64 attrs, u32 prot);
u64 pte_s2_attrs_wrprotect(u64 attrs);
/* Hyp stage-1 leaf attributes (docs/semantics.md S8). */
u64 pte_s1_attrs(u32 prot, u32 memtype, enum pgt_page_state state);

#endif /* CORE_PTE_H */
