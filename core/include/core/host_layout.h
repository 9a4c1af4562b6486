/* SPDX-License-Identifier: MIT */
/*
 * The host's physical memory map as host stage-2 needs it (SPEC §3, §8):
 * memory regions; everything else below 2^ia_bits is MMIO. It decides the
 * host default leaf for an address and where default blocks may lie.
 */
#ifndef CORE_HOST_LAYOUT_H
#define CORE_HOST_LAYOUT_H

#include "core/pte.h"

#define HOST_MAX_REGIONS 8U

struct host_region {
	u64 base;
	u64 size;
};

struct host_layout {
	u32 nr_regions;
	struct host_region regions[HOST_MAX_REGIONS];
	u32 ia_bits;
};

/* Regions page-aligned, non-empty, sorted, non-overlapping, below 2^ia_bits. */
bool host_layout_valid(const struct host_layout *l);
bool host_layout_is_memory(const struct host_layout *l, u64 addr);
/* Is every page of [base, base + size) memory? */
bool host_layout_range_is_memory(const struct host_layout *l, u64 base, u64 size);
/* Does [base, base + size) lie inside one memory region or one MMIO gap (S18)? */
bool host_layout_block_ok(const struct host_layout *l, u64 base, u64 size);

/*
 * Host default leaf attributes (SPEC §3): normal, R+W, SH inner, AF;
 * executable for memory, execute-never for MMIO.
 */
u64 host_default_attrs(const struct host_layout *l, u64 addr);

#endif /* CORE_HOST_LAYOUT_H */
