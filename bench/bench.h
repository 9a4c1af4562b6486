/* SPDX-License-Identifier: MIT */
/*
 * The core-speed benchmark (docs/benchmarks.md): the same workloads on each
 * side of a comparison, a side being a table implementation on a platform.
 * Sides: our core on the release platform (bare/) and on the simulated
 * machine (sim/), and a kernel tree's pgtable.c (kernel/) on the release
 * platform's allocator. Every table is 48-bit, 4 KiB granule, from level 0.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* A host's memory for the host stage-2 rows: one region. */
struct bench_memory {
	uint64_t base, size;
};

struct bench_side {
	const char *name;
	const void *ctx; /* the side's own, passed to guest_new and host_new */
	/* A fresh guest stage 2 (or the host's, on @mem) with @pool_pages table pages. */
	void *(*guest_new)(const void *ctx, uint64_t pool_pages);
	void *(*host_new)(const void *ctx, uint64_t pool_pages, const struct bench_memory *mem);
	void (*destroy)(void *t);
	/* Bytes, page-aligned: read-write normal memory. */
	int (*map)(void *t, uint64_t ia, uint64_t size, uint64_t pa);
	int (*unmap)(void *t, uint64_t ia, uint64_t size);
	int (*wrprotect)(void *t, uint64_t ia, uint64_t size);
	int (*mkold)(void *t, uint64_t ia, uint64_t size);
	/* The host touched @addr: map what its stage 2 would (SPEC §6). */
	int (*host_abort)(void *t, uint64_t addr);
	int (*set_owner)(void *t, uint64_t ia, uint64_t size, unsigned owner);
	/* Table pages in use, root included. */
	uint64_t (*tables)(void *t);
};

/* A monotonic clock in ns, and the median of @n figures (sorts them) (bench/stats.c). */
double bench_now_ns(void);
double bench_median(double *v, unsigned n);
/*
 * A measured region: bench_region_start() returns the clock; bench_region_end()
 * the ns since @t0, and under valgrind's callgrind (tools/bench-instructions.sh)
 * dumps the region's instruction count labelled with the row and side last
 * set by bench_region_label() and the region's @ops operations.
 */
void bench_region_label(unsigned row, unsigned side);
double bench_region_start(void);
double bench_region_end(double t0, uint64_t ops);

/* Our core on a platform: the platform's part (bench/plat_*.c). */
struct bench_plat;
struct bench_platform {
	struct bench_plat *(*create)(uint64_t pool_pages);
	void (*destroy)(struct bench_plat *p);
	const struct pgt_mm *(*mm)(struct bench_plat *p);
	struct pgt_pool *(*pool)(struct bench_plat *p);
	uint64_t (*pages_used)(struct bench_plat *p);
};

extern const struct bench_platform bench_platform_bare, bench_platform_sim;

/* The core's side on @platform (bench/side_core.c), named @name. */
struct bench_side bench_core_side(const char *name, const struct bench_platform *platform);
/* The kernel tree's side (bench/side_linux.c), named after its version. */
struct bench_side bench_linux_side(void);

/*
 * The hashed walk (bench/hashed_walk.c) of a guest stage 2 of @pages pages
 * made by the core on bare/: the median over @reps (1-32) walks, in ns per
 * non-zero entry, and how many entries there are. 0, or -1 on a failure.
 */
int bench_hashed_walk(uint64_t pages, unsigned reps, double *ns_per_entry, uint64_t *entries);

#endif /* BENCH_BENCH_H */
