// SPDX-License-Identifier: MIT
/*
 * bench_core: the core-speed table of docs/benchmarks.md. Every workload
 * runs on every side (bench/bench.h) in turn, repeated with the sides
 * interleaved, and each figure is the median of its repetitions. Printed as
 * a Markdown table with each of our sides' ratio to the kernel's, and the
 * issue's targets: at or below 1.0x on the release platform, 1.25x on sim/.
 *
 *   bench_core [--reps N] [--quick] [--only ROW]
 *       --quick: 16 MiB instead of 1 GiB and 4 GiB, one repetition (a smoke test).
 *       --only: that row alone (1-10), for a profiler.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define IA0   SZ_1G		/* the guest rows' pages */
#define PA0   (2 * SZ_1G)
#define BIG_IA (4 * SZ_1G)	/* the 4 GiB rows */
#define BIG_PA (8 * SZ_1G)
#define MAX_REPS 31
#define NR_SIDES 3

struct sizes {
	uint64_t pages;	   /* the guest rows' pages (1 GiB of them) */
	uint64_t big;	   /* the one-call rows' size (4 GiB) */
	unsigned calls;	   /* one-call rows: calls per repetition */
	unsigned blocks;   /* host rows: 2 MiB blocks touched */
	unsigned rounds;   /* host rounds */
};

static uint64_t *perm; /* a fixed random order of the guest pages */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void die(const struct bench_side *s, const char *what, int rc)
{
	fprintf(stderr, "bench_core: %s: %s failed (%d)\n", s->name, what, rc);
	exit(1);
}

#define CHECK(s, what, expr)                  \
	do {                                  \
		int rc_ = (expr);             \
		if (rc_ < 0)                  \
			die(s, what, rc_);    \
	} while (0)

static void *guest(const struct bench_side *s, const struct sizes *z)
{
	void *t = s->guest_new(s->ctx, z->pages / 512 + 64);

	if (!t)
		die(s, "a guest table", -1);
	return t;
}

static void map_pages(const struct bench_side *s, void *t, const struct sizes *z, bool random)
{
	for (uint64_t i = 0; i < z->pages; i++) {
		uint64_t k = random ? perm[i] : i;

		CHECK(s, "map", s->map(t, IA0 + k * SZ_4K, SZ_4K, PA0 + k * SZ_4K));
	}
}

/* ---- The workloads: each returns its figure, in its row's unit ---- */
static double map_single_pages(const struct bench_side *s, const struct sizes *z)
{
	void *t = guest(s, z);
	double t0 = bench_region_start(), dt;

	map_pages(s, t, z, true);
	dt = bench_region_end(t0, z->pages);
	s->destroy(t);
	return dt / (double)z->pages;
}

static double unmap_single_pages(const struct bench_side *s, const struct sizes *z)
{
	void *t = guest(s, z);
	double t0, dt;

	map_pages(s, t, z, true);
	t0 = bench_region_start();
	for (uint64_t i = 0; i < z->pages; i++)
		CHECK(s, "unmap", s->unmap(t, IA0 + perm[i] * SZ_4K, SZ_4K));
	dt = bench_region_end(t0, z->pages);
	s->destroy(t);
	return dt / (double)z->pages;
}

/* One call mapping (or unmapping) z->big at @offset, z->calls times: ns per call. */
static double one_call(const struct bench_side *s, const struct sizes *z, uint64_t offset,
		       bool time_unmap)
{
	void *t = guest(s, z);
	double sum = 0, t0;

	for (unsigned c = 0; c < z->calls; c++) {
		t0 = time_unmap ? 0 : bench_region_start();
		CHECK(s, "map", s->map(t, BIG_IA + offset, z->big, BIG_PA + offset));
		if (!time_unmap)
			sum += bench_region_end(t0, 1);
		t0 = time_unmap ? bench_region_start() : 0;
		CHECK(s, "unmap", s->unmap(t, BIG_IA + offset, z->big));
		if (time_unmap)
			sum += bench_region_end(t0, 1);
	}
	s->destroy(t);
	return sum / z->calls;
}

static double map_big_blocks(const struct bench_side *s, const struct sizes *z)
{
	return one_call(s, z, 0, false);
}

static double unmap_big_blocks(const struct bench_side *s, const struct sizes *z)
{
	return one_call(s, z, 0, true);
}

static double map_big_offset(const struct bench_side *s, const struct sizes *z)
{
	return one_call(s, z, SZ_4K, false) / 1000.0; /* us */
}

static double attr_pass(const struct bench_side *s, const struct sizes *z, bool wrprotect)
{
	void *t = guest(s, z);
	double t0, dt;

	map_pages(s, t, z, false);
	t0 = bench_region_start();
	if (wrprotect)
		CHECK(s, "wrprotect", s->wrprotect(t, IA0, z->pages * SZ_4K));
	else
		CHECK(s, "mkold", s->mkold(t, IA0, z->pages * SZ_4K));
	dt = bench_region_end(t0, z->pages);
	s->destroy(t);
	return dt / (double)z->pages;
}

static double wrprotect_pages(const struct bench_side *s, const struct sizes *z)
{
	return attr_pass(s, z, true);
}

static double mkold_pages(const struct bench_side *s, const struct sizes *z)
{
	return attr_pass(s, z, false);
}

/* The host's memory: 2 MiB-aligned, never a whole 1 GiB block, so aborts map 2 MiB. */
static const struct bench_memory host_mem = { SZ_1G + SZ_2M, SZ_1G - 2 * SZ_2M };

static void *host(const struct bench_side *s)
{
	void *t = s->host_new(s->ctx, 2048, &host_mem);

	if (!t)
		die(s, "a host table", -1);
	return t;
}

static double host_abort_blocks(const struct bench_side *s, const struct sizes *z, bool again)
{
	void *t = host(s);
	double t0, dt;

	if (again)
		for (unsigned b = 0; b < z->blocks; b++)
			CHECK(s, "abort", s->host_abort(t, host_mem.base + b * SZ_2M + SZ_4K));
	t0 = bench_region_start();
	for (unsigned b = 0; b < z->blocks; b++)
		CHECK(s, "abort", s->host_abort(t, host_mem.base + b * SZ_2M + SZ_4K));
	dt = bench_region_end(t0, z->blocks);
	s->destroy(t);
	return dt / z->blocks;
}

static double abort_maps_a_block(const struct bench_side *s, const struct sizes *z)
{
	return host_abort_blocks(s, z, false);
}

static double abort_on_a_mapped_page(const struct bench_side *s, const struct sizes *z)
{
	return host_abort_blocks(s, z, true);
}

static uint64_t round_tables[NR_SIDES];

static double abort_owner_round(const struct bench_side *s, const struct sizes *z)
{
	void *t = host(s);
	uint64_t pages = host_mem.size / SZ_4K;
	double t0, dt;

	rng_state = 0x9e3779b97f4a7c15ULL;
	t0 = bench_region_start();
	for (unsigned r = 0; r < z->rounds; r++) {
		uint64_t a = host_mem.base + rng() % pages * SZ_4K;

		CHECK(s, "abort", s->host_abort(t, a));
		CHECK(s, "set_owner", s->set_owner(t, a, SZ_4K, 1));
		CHECK(s, "set_owner", s->set_owner(t, a, SZ_4K, 0));
		CHECK(s, "abort", s->host_abort(t, a));
	}
	dt = bench_region_end(t0, z->rounds);
	for (unsigned i = 0; i < NR_SIDES; i++)
		if (!round_tables[i]) {
			round_tables[i] = s->tables(t);
			break;
		}
	s->destroy(t);
	return dt / z->rounds;
}

struct workload {
	const char *name, *unit;
	double (*run)(const struct bench_side *s, const struct sizes *z);
};

static const struct workload workloads[] = {
	{ "map 262,144 single pages (1 GiB), random order", "ns/page", map_single_pages },
	{ "unmap them, one call each", "ns/page", unmap_single_pages },
	{ "map 4 GiB in one call, blocks allowed", "ns/call", map_big_blocks },
	{ "unmap it", "ns/call", unmap_big_blocks },
	{ "map 4 GiB at a +4 KiB offset (1,026 leaves), one call", "us/call", map_big_offset },
	{ "wrprotect 1 GiB of 4 KiB pages", "ns/page", wrprotect_pages },
	{ "mkold, same", "ns/page", mkold_pages },
	{ "host abort that maps a 2 MiB block", "ns", abort_maps_a_block },
	{ "host abort on an already mapped page", "ns", abort_on_a_mapped_page },
	{ "round: abort, set_owner(1), set_owner(0), abort", "ns", abort_owner_round },
};

#define NR_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

int main(int argc, char **argv)
{
	struct sizes z = { .pages = 262144, .big = 4 * SZ_1G, .calls = 200, .blocks = 510,
			   .rounds = 1000 };
	unsigned reps = 5;
	bool quick = false;
	double walk_ns = 0;
	uint64_t walk_entries = 0;
	unsigned only = 0;
	struct bench_side sides[NR_SIDES];
	static double fig[NR_WORKLOADS][NR_SIDES][MAX_REPS];
	double med[NR_WORKLOADS][NR_SIDES];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			z = (struct sizes){ .pages = 4096, .big = 16 * SZ_2M, .calls = 4, .blocks = 8,
					    .rounds = 16 };
			reps = 1;
			quick = true;
		} else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end || !n || n > MAX_REPS) {
				fprintf(stderr, "bench_core: --reps takes 1-%d, not '%s'\n", MAX_REPS,
					argv[i]);
				return 2;
			}
			reps = (unsigned)n;
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end || !n || n > NR_WORKLOADS) {
				fprintf(stderr, "bench_core: --only takes a row, 1-%zu, not '%s'\n",
					NR_WORKLOADS, argv[i]);
				return 2;
			}
			only = (unsigned)n;
		} else {
			fprintf(stderr, "usage: bench_core [--reps N] [--quick] [--only ROW]\n");
			return 2;
		}
	}
	perm = malloc(z.pages * sizeof(*perm));
	if (!perm)
		return 1;
	for (uint64_t i = 0; i < z.pages; i++)
		perm[i] = i;
	for (uint64_t i = z.pages - 1; i > 0; i--) {
		uint64_t j = rng() % (i + 1), x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
	sides[0] = bench_linux_side();
	sides[1] = bench_core_side("ours, release platform", &bench_platform_bare);
	sides[2] = bench_core_side("ours, sim/", &bench_platform_sim);

	for (unsigned r = 0; r < reps; r++)
		for (unsigned w = 0; w < NR_WORKLOADS; w++)
			for (unsigned s = 0; s < NR_SIDES; s++) {
				if (only && w != only - 1)
					continue;
				if (r == 0 && w == NR_WORKLOADS - 1)
					round_tables[s] = 0;
				bench_region_label(w + 1, s);
				fig[w][s][r] = workloads[w].run(&sides[s], &z);
			}
	for (unsigned w = 0; w < NR_WORKLOADS; w++)
		for (unsigned s = 0; s < NR_SIDES; s++)
			med[w][s] = bench_median(fig[w][s], reps);

	printf("| workload (4 KiB granule, 48-bit IPA, start level 0) | unit | Linux %s | "
	       "ours, release platform | ratio | ours on sim/ | ratio | targets (1.0x, 1.25x) |\n",
	       sides[0].name);
	printf("|---|---|---|---|---|---|---|---|\n");
	for (unsigned w = 0; w < NR_WORKLOADS; w++) {
		double bare = med[w][1] / med[w][0], sim = med[w][2] / med[w][0];

		printf("| %s | %s | %.1f | %.1f | %.2fx | %.1f | %.2fx | %s |\n", workloads[w].name,
		       workloads[w].unit, med[w][0], med[w][1], bare, med[w][2], sim,
		       bare <= 1.0 && sim <= 1.25 ? "met"
		       : bare <= 1.0		  ? "release met, sim/ missed"
		       : sim <= 1.25		  ? "release missed, sim/ met"
						  : "missed");
	}
	if (bench_hashed_walk(z.pages, reps, &walk_ns, &walk_entries)) {
		fprintf(stderr, "bench_core: the hashed walk's table could not be made\n");
		return 1;
	}
	printf("\nThe hashed walk (SPEC §10) of a guest stage 2 holding %llu non-zero entries, "
	       "made by our core on the release platform: %.2f ns per entry (target: at most "
	       "10 ns: %s).\n",
	       (unsigned long long)walk_entries, walk_ns, walk_ns <= 10.0 ? "met" : "missed");
	printf("\nTable pages held after %u rounds of the last row: Linux %llu, ours %llu "
	       "(release platform), %llu (sim/).\n",
	       z.rounds, (unsigned long long)round_tables[0], (unsigned long long)round_tables[1],
	       (unsigned long long)round_tables[2]);
	printf("\nEach figure: the median of %u repetitions, the sides interleaved.\n", reps);
	if (quick)
		printf("--quick: %llu pages, %llu MiB in one call, %u blocks, %u rounds: not the "
		       "rows' sizes.\n",
		       (unsigned long long)z.pages, (unsigned long long)(z.big >> 20), z.blocks,
		       z.rounds);
	free(perm);
	return 0;
}
