// SPDX-License-Identifier: MIT
/*
 * The hashed walk's speed (SPEC §10, diff/): a guest stage 2 holding 1 GiB of
 * 4 KiB pages, made by our core on the release platform, read as raw memory
 * and hashed whole, as the fuzzers do after every call that changes it.
 */
#include "bench.h"

#include "bare/bare.h"
#include "core/pgtable.h"
#include "diff/diff.h"

static const uint64_t *mem_table(void *ctx, uint64_t pa)
{
	struct bare *b = ctx;

	if (pa < b->base_pa || pa - b->base_pa >= b->nr_pages * PGT_PAGE_SIZE ||
	    !bare_page_count(b, bare_va(b, pa)))
		return NULL;
	return bare_va(b, pa);
}

static uint32_t mem_count(void *ctx, uint64_t pa)
{
	return mem_table(ctx, pa) ? bare_page_count(ctx, bare_va(ctx, pa)) : 0;
}

static void count_record(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	(void)level, (void)ia;
	*(uint64_t *)arg += desc != 0;
}

int bench_hashed_walk(uint64_t pages, unsigned reps, double *ns_per_entry, uint64_t *entries)
{
	struct bare b;
	struct pgt_pool pool;
	struct pgt t;
	struct diff_mem mem = { mem_table, mem_count, &b };
	struct diff_table dt = { .kind = DIFF_GUEST_S2, .mem = &mem };
	double ns[32];
	int rc = -1;

	if (!reps || reps > 32)
		return -1;

	if (bare_init(&b, pages / 512 + 64, 0x800000000ULL) ||
	    bare_pool_init(&b, &pool, pages / 512 + 64))
		goto out;
	if (pgt_init(&t, PGT_GUEST_S2, 48, 1, bare_mm(&b), &pool, NULL))
		goto out;
	for (uint64_t i = 0; i < pages; i++)
		if (pgt_s2_map(&t, ipa_init(0x40000000ULL + i * PGT_PAGE_SIZE), 1,
			       pa_init(0x80000000ULL + i * PGT_PAGE_SIZE), PGT_PROT_RW,
			       PGT_MEM_NORMAL))
			goto destroy;
	dt.root_pa = pa_addr(t.root_pa);
	dt.start_level = t.start_level;
	*entries = 0;
	diff_table_stream(&dt, count_record, entries);
	for (unsigned r = 0; r < reps; r++) {
		double t0 = bench_now_ns();
		volatile uint64_t h = diff_stream_hash(diff_table_stream, &dt);

		(void)h;
		ns[r] = bench_now_ns() - t0;
	}
	*ns_per_entry = bench_median(ns, reps) / (double)*entries;
	rc = 0;
destroy:
	pgt_destroy(&t);
out:
	bare_fini(&b);
	return rc;
}
