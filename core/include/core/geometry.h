/* SPDX-License-Identifier: MIT */
/*
 * Translation geometry for the 4 KiB granule (SPEC §1): four levels of 512
 * entries; an entry at level L spans 2^(12 + 9 * (3 - L)) bytes.
 */
#ifndef CORE_GEOMETRY_H
#define CORE_GEOMETRY_H

#include "core/types.h"

#define PGT_PAGE_SHIFT 12
#define PGT_PAGE_SIZE (1ULL << PGT_PAGE_SHIFT)
#define PGT_ENTRIES 512U
#define PGT_LEVEL_BITS 9
#define PGT_MAX_LEVEL 3U
#define PGT_MIN_IA_BITS 32U
#define PGT_MAX_IA_BITS 48U
#define PGT_PA_BITS 48U

static inline u32 pgt_level_shift(u32 level)
{
	return PGT_PAGE_SHIFT + PGT_LEVEL_BITS * (PGT_MAX_LEVEL - level);
}

static inline u64 pgt_level_span(u32 level)
{
	return 1ULL << pgt_level_shift(level);
}

/* Index of the entry covering @addr in a table of level @level. */
static inline u32 pgt_level_index(u64 addr, u32 level)
{
	return (u32)((addr >> pgt_level_shift(level)) & (PGT_ENTRIES - 1));
}

/* Start level for an input size: 0 when ia_bits > 39, else 1 (SPEC §1). */
static inline u32 pgt_start_level(u32 ia_bits)
{
	return ia_bits > 39 ? 0U : 1U;
}

/* Levels that may hold a block or page: 1, 2 and 3; never 0 (SPEC §1). */
static inline bool pgt_level_can_hold_leaf(u32 level)
{
	return level >= 1 && level <= PGT_MAX_LEVEL;
}

#endif /* CORE_GEOMETRY_H */
