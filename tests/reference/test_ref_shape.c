// SPDX-License-Identifier: MIT
/*
 * A cross-check of the reference's shape engine (ref_install.c,
 * ref_shape.c) against the brute-force reading of §4 (brute/), driven by
 * the same writes: real 512-entry tables changed entry by entry by rules
 * 1-4 and S11. The two must produce the same stream and table count.
 */
#include "ref_test.h"
#include "../../reference/ref_priv.h"

#include <brute/brute.h>

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

/* Compare the brute-force tables with the reference's leaves. */
static void compare(struct brute *t, const struct ref_lmap *lm)
{
	struct recs want = { 0 }, got = { 0 };
	size_t i;

	brute_walk(t);
	for (i = 0; i < t->nr_rec; i++)
		recs_add(&want, t->rec[i].level, t->rec[i].ia, t->rec[i].desc);
	ref_stream_lmap(lm, recs_emit, &got);
	assert_recs_equal(&got, &want);
	assert_int_equal(ref_count_tables(&lm->leaves, lm->ia_bits), brute_tables(t));
	recs_free(&want);
	recs_free(&got);
}

/* A random range: aligned starts and lengths now and then. */
static void rnd_range(uint64_t space, uint64_t *lo, uint64_t *hi)
{
	static const uint64_t al[] = { 1, 1, 8, 512, 512, 1ull << 18 };
	uint64_t a = al[rnd(6)], n;

	*lo = rnd(2) ? rnd(space) : PFN(0x40000000) + rnd(4096);
	*lo &= ~(a - 1);
	switch (rnd(4)) {
	case 0:
		n = 1;
		break;
	case 1:
		n = 512 * (1 + rnd(3)) + rnd(3) - 1;
		break;
	case 2:
		n = (1ull << 18) + rnd(1024) - 512;
		break;
	default:
		n = 1 + rnd(2048);
		break;
	}
	*hi = *lo + n > space ? space : *lo + n;
	if (*hi <= *lo)
		*hi = *lo + 1;
}

static void run_kind(unsigned int kind, unsigned int ia_bits, int steps)
{
	static struct ref_mem mem;
	static char arena[32 << 20];
	struct ref_arena a;
	struct ref_lmap lm;
	struct brute t;
	uint64_t space = 4ull << 18; /* 4 GiB of pages */
	uint64_t tmpls[6];
	int i;

	memset(&mem, 0, sizeof(mem));
	mem.nr = 2;
	mem.start[0] = PFN(0x40000000);
	mem.end[0] = PFN(0x80300000);
	mem.start[1] = PFN(0x80500000);
	mem.end[1] = PFN(0xc0000000);
	mem.top = 1ull << (ia_bits - 12);
	ref_arena_init(&a, arena, sizeof(arena));
	ref_lmap_init(&lm, kind, ia_bits);
	brute_init(&t, kind == REF_KIND_HOST_S2, ia_bits);
	brute_add_region(&t, 0x40000000, 0x80300000 - 0x40000000);
	brute_add_region(&t, 0x80500000, 0xc0000000 - 0x80500000);

	tmpls[0] = 0;
	tmpls[1] = ANNOT_HYP;
	tmpls[2] = ANNOT_GUEST;
	tmpls[3] = S2_HOST_MEM;
	tmpls[4] = S2_HOST_MEM | SW_SHARED_OWNED;
	tmpls[5] = S2_HOST_MMIO;
	if (kind != REF_KIND_HOST_S2) {
		tmpls[1] = S1_PAGE_HYP;
		tmpls[2] = S1_PAGE_HYP | SW_BORROWED;
	}
	for (i = 0; i < steps; i++) {
		struct ref_meaning m = { tmpls[rnd(6)], 0 };
		struct ref_runs nw;
		uint64_t lo, hi;

		rnd_range(space, &lo, &hi);
		if (kind != REF_KIND_HOST_S2 && (m.tmpl & 1)) {
			static const uint64_t offs[] = { 0, 1, 512, 1ull << 18,
							 (1ull << 18) + 512 };
			m.aux = offs[rnd(5)] * (rnd(2) ? 1 : (uint64_t)-1);
		}
		/*
		 * Leaves that may be pages: keep them few (test speed). The
		 * host writes valid leaves one block at a time (aborts, S16).
		 */
		if (((kind == REF_KIND_HOST_S2 && (m.tmpl & 1)) || (m.aux & 511)) && hi - lo > 1024)
			hi = lo + 1024;
		if (kind == REF_KIND_HOST_S2 && (m.tmpl == S2_HOST_MEM || m.tmpl == S2_HOST_MMIO) &&
		    rnd(2)) {
			uint64_t span = rnd(2) ? 512 : 1ull << 18;

			lo &= ~(span - 1);
			hi = lo + span;
			m.tmpl = ref_mem_is_memory(&mem, lo) ? S2_HOST_MEM : S2_HOST_MMIO;
		}
		if (kind == REF_KIND_HOST_S2 && rnd(4) == 0) {
			/* coalescing, or S16's in-place default */
			if (rnd(2)) {
				assert_int_equal(ref_coalesce(&a, &lm, &mem, lo, hi, &nw), 0);
				assert_true(brute_coalesce(&t, lo, hi));
			} else {
				assert_int_equal(ref_rewrite(&a, &lm.leaves, lo, lo + 1, ~0ull,
							     S2_HOST_MEM, &nw),
						 0);
				{
					unsigned int l;
					uint64_t d;

					ref_walk(&lm, lo, &l, &d);
					if (d & 1) {
						/* a page in place: only for pages */
						if (l != 3) {
							ref_runs_free(&a, &nw);
							continue;
						}
						brute_install(&t, lo, lo + 1, S2_HOST_MEM, 0);
					}
				}
			}
		} else {
			assert_int_equal(ref_install(&a, &lm, &mem, lo, hi, m, &nw), 0);
			brute_install(&t, lo, hi, m.tmpl, m.aux);
		}
		ref_runs_free(&a, &lm.leaves);
		lm.leaves = nw;
		lm.nr_tables = ref_count_tables(&nw, ia_bits);
		compare(&t, &lm);
	}
	brute_fini(&t);
	ref_runs_free(&a, &lm.leaves);
}

static void install_matches_brute_force_host_level1_root(void **state)
{
	run_kind(REF_KIND_HOST_S2, 32, 1500);
}

static void install_matches_brute_force_host_level0_root(void **state)
{
	run_kind(REF_KIND_HOST_S2, 40, 1000);
}

static void install_matches_brute_force_stage1(void **state)
{
	run_kind(REF_KIND_HYP_S1, 48, 1000);
}

static void install_matches_brute_force_guest(void **state)
{
	run_kind(REF_KIND_GUEST_S2, 36, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(install_matches_brute_force_host_level1_root),
		cmocka_unit_test(install_matches_brute_force_host_level0_root),
		cmocka_unit_test(install_matches_brute_force_stage1),
		cmocka_unit_test(install_matches_brute_force_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
