/* SPDX-License-Identifier: MIT */
/*
 * The coalescing benchmark (docs/benchmarks.md, section 2): pKVM scenarios on
 * our core, run with coalescing and without it (host stage-2 as it was before
 * seed 000), beside the optimum, which is computed from the scenario's own
 * record of page owners and never from the core's tables.
 *
 * Every figure is about the host stage 2 after the scenario's last phase, a
 * replay of the host's fixed access trace: leaves by level, table pages,
 * the host aborts the replay took, and the misses of a model TLB (below) over
 * the replay.
 */
#ifndef BENCH_COALESCE_H
#define BENCH_COALESCE_H

#include <stdbool.h>
#include <stdint.h>

#define CO_MAX_REGIONS 8
#define CO_PAGE_SHIFT  12
/* Bytes an entry at @level (0-3) spans, 4 KiB granule. */
#define CO_SPAN(level) (1ULL << (CO_PAGE_SHIFT + 9 * (3 - (level))))

struct co_region {
	uint64_t base, size; /* bytes, page-aligned */
};

/* The host's memory: the regions, and every page of them indexed in order. */
struct co_memory {
	unsigned nr;
	struct co_region r[CO_MAX_REGIONS];
	uint64_t first[CO_MAX_REGIONS]; /* index of each region's first page */
	uint64_t pages;			/* pages in all */
};

void co_memory_init(struct co_memory *m, const struct co_region *r, unsigned nr);
/* The index of the page at @pa, or UINT64_MAX outside memory. */
uint64_t co_page_index(const struct co_memory *m, uint64_t pa);
uint64_t co_page_pa(const struct co_memory *m, uint64_t index);

/* What the scenario holds of a page: the host's default state or not. */
enum co_page_state {
	CO_HOST = 0,	/* host owned, default: may be mapped by any block */
	CO_HYP,		/* the carve-out: annotated HYP */
	CO_GUEST,	/* donated to a guest, its pgd or memcache: annotated GUEST */
	CO_SHARED,	/* shared with a guest: a valid host page leaf */
};

/* Per page: its state now, and whether it ever left the host's default. */
struct co_pages {
	uint8_t *state;
	bool *moved;
};

/* The figures one way of running a scenario gives. */
struct co_result {
	uint64_t leaves[4]; /* valid host leaves at levels 0-3 */
	uint64_t tables;    /* host stage-2 table pages, root included */
	uint64_t aborts;    /* host aborts in the last replay */
	uint64_t misses;    /* model TLB misses in the last replay */
	uint64_t accesses;  /* host accesses in the last replay (pages it may touch) */
};

/*
 * The model TLB: 1,024 entries, 4-way set-associative, least recently used
 * within a set, one entry per leaf whatever its size (a unified main TLB
 * holding any block size, no walk cache). Keyed by a leaf's level and base.
 */
#define CO_TLB_SETS 256
#define CO_TLB_WAYS 4

struct co_tlb {
	uint64_t tag[CO_TLB_SETS][CO_TLB_WAYS]; /* base | level, 0 for empty */
	uint64_t used[CO_TLB_SETS][CO_TLB_WAYS];
	uint64_t clock;
};

void co_tlb_reset(struct co_tlb *t);
/* An access through the leaf at @level based at @base: true on a miss. */
bool co_tlb_access(struct co_tlb *t, unsigned level, uint64_t base);

/*
 * The optimum (bench/coalesce_optimum.c) for a replay of @trace (@n page
 * addresses): every page the host may touch is mapped by the largest aligned
 * block (1 GiB, 2 MiB or 4 KiB) that lies in one region and holds only
 * default host pages (the minimal cover: such blocks nest, so the largest one
 * for each page is the cover's); every shared page is a page leaf; every page
 * in another owner's hands is one annotation, at the largest aligned block of
 * pages in that state. Tables are the ones those entries need. Aborts: the
 * cover's blocks the replay touches that hold a page which left the host's
 * default during the scenario (an ideal map kept every other mapped).
 */
void co_optimum(const struct co_memory *m, const struct co_pages *pg, const uint64_t *trace,
		uint64_t n, struct co_result *out);

#endif /* BENCH_COALESCE_H */
