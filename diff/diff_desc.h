/* SPDX-License-Identifier: MIT */
/*
 * The differ's own reading of VMSAv8-64 descriptors (SPEC §1, §2), written
 * from the contract and not shared with core/.
 */
#ifndef DIFF_DESC_H
#define DIFF_DESC_H

#include <stdbool.h>
#include <stdint.h>

#define DD_ADDR (((1ULL << 48) - 1) & ~0xfffULL) /* bits 47:12 */
#define DD_ENTRIES 512U

static inline unsigned dd_shift(unsigned level)
{
	return 12U + 9U * (3U - level);
}

static inline uint64_t dd_span(unsigned level)
{
	return 1ULL << dd_shift(level);
}

static inline bool dd_valid(uint64_t d)
{
	return d & 1;
}

static inline bool dd_table(uint64_t d, unsigned level)
{
	return level < 3 && (d & 3) == 3;
}

static inline bool dd_locked(uint64_t d)
{
	return !dd_valid(d) && (d & (1ULL << 10));
}

/* Everything but the output address and the type bits (SPEC §3). */
static inline uint64_t dd_attrs(uint64_t d)
{
	return d & ~(DD_ADDR | 3ULL);
}

/* SPEC §3: normal, S2AP R+W, SH inner, AF; XN 0b10 outside memory. */
static inline uint64_t dd_host_default(bool memory)
{
	uint64_t attrs = (0xFULL << 2) | (1ULL << 6) | (1ULL << 7) | (3ULL << 8) | (1ULL << 10);

	return memory ? attrs : attrs | (2ULL << 53);
}

#endif /* DIFF_DESC_H */
