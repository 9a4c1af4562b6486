// SPDX-License-Identifier: MIT
/*
 * The reference's Linux profile (reference/ref_linux.c): each test is a row
 * of docs/kernel-profile.md, on the trees it differs between (5.10's, 6.1's,
 * 6.12's and 7.2's behaviour, as the kernel adapter detects them).
 */
#include "ref_test.h"

#include <ref/ref_linux.h>

/* FWB stage 2: MemAttr 0b0110 normal, 0b0001 device; hyp: AttrIndx 0 normal, 4 device. */
#define XN	  (1ull << 54)
#define K_S2_RW	  (0x7d9ull | XN)
#define K_S2_RWX  0x7d9ull
#define K_S2_DEV  (0x7c5ull | XN)
#define K_S1_RW	  (0x741ull | XN)
#define RW	  (REF_PROT_R | REF_PROT_W)
#define RWX	  (REF_PROT_R | REF_PROT_W | REF_PROT_X)
#define PG	  0x1000ull

static char arena[2][16 << 20];

static const struct ref_linux_tree linux_5_10 = { .eagain_stops = true,
						  .any_output_address = true,
						  .invalid_keeps_bits = true,
						  .map_replaces_leaf = true };
static const struct ref_linux_tree linux_6_1 = { .eagain_stops = true };
static const struct ref_linux_tree linux_6_12 = { .attr_again_at_hole = true,
						  .mkold_range = true,
						  .has_split = true };
static const struct ref_linux_tree linux_7_2 = { .eagain_stops = true,
						 .attr_again_at_hole = true,
						 .wrprotect_ignores_eagain = true,
						 .mkold_range = true,
						 .has_split = true,
						 .any_output_address = true,
						 .annotation_type = 2 };

static void s2(struct ref_linux *t, const struct ref_linux_tree *tree, unsigned ia_bits,
	       uint64_t pool)
{
	assert_int_equal(ref_linux_init(t, REF_LINUX_STAGE2, ia_bits, pool, tree, arena[0],
					sizeof(arena[0])),
			 0);
}

static void s1(struct ref_linux *t, uint64_t pool)
{
	assert_int_equal(ref_linux_init(t, REF_LINUX_STAGE1, 48, pool, &linux_6_12, arena[1],
					sizeof(arena[1])),
			 0);
}

static void stream_is(const struct ref_linux *t, size_t n, ...)
{
	struct recs got = { 0 }, want = { 0 };
	va_list ap;

	va_start(ap, n);
	recs_add_va(&want, n, ap);
	va_end(ap);
	ref_linux_stream(t, recs_emit, &got);
	assert_recs_equal(&got, &want);
	recs_free(&got);
	recs_free(&want);
}

static size_t stream_len(const struct ref_linux *t)
{
	struct recs got = { 0 };
	size_t n;

	ref_linux_stream(t, recs_emit, &got);
	n = got.nr;
	recs_free(&got);
	return n;
}

/* Row "a page inside a block": an empty table, only the range mapped. */
static void map_inside_a_block_drops_the_rest(void **state)
{
	struct ref_linux t;

	s2(&t, &linux_6_12, 39, 8);
	assert_int_equal(ref_linux_map(&t, 2 * MiB, 2 * MiB, 0x80200000, RW, REF_MT_NORMAL), 0);
	stream_is(&t, 2, R(1, 0, TABLE), R(2, 2 * MiB, 0x80200000 | K_S2_RW));
	assert_int_equal(ref_linux_map(&t, 2 * MiB + PG, PG, 0x90000000, RW, REF_MT_NORMAL), 0);
	stream_is(&t, 3, R(1, 0, TABLE), R(2, 2 * MiB, TABLE),
		  R(3, 2 * MiB + PG, 0x90000000 | K_S2_RW | S2_PAGE));
	assert_int_equal(ref_linux_pool_free(&t), 5);
}

/* Row "the same leaf again": 6.1 stops with -EAGAIN; 6.12 skips it, old permissions kept. */
static void map_over_the_same_leaf_by_tree(void **state)
{
	struct ref_linux t;

	s2(&t, &linux_6_1, 39, 8);
	assert_int_equal(ref_linux_map(&t, 0, 3 * PG, 0x80000000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_map(&t, PG, 3 * PG, 0x80001000, RWX, REF_MT_NORMAL),
			 -REF_EAGAIN);
	stream_is(&t, 5, R(1, 0, TABLE), R(2, 0, TABLE),
		  R(3, 0, 0x80000000 | K_S2_RW | S2_PAGE),
		  R(3, PG, 0x80001000 | K_S2_RW | S2_PAGE),
		  R(3, 2 * PG, 0x80002000 | K_S2_RW | S2_PAGE));

	s2(&t, &linux_6_12, 39, 8);
	assert_int_equal(ref_linux_map(&t, 0, 3 * PG, 0x80000000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_map(&t, PG, 3 * PG, 0x80001000, RWX, REF_MT_NORMAL), 0);
	stream_is(&t, 6, R(1, 0, TABLE), R(2, 0, TABLE),
		  R(3, 0, 0x80000000 | K_S2_RW | S2_PAGE),
		  R(3, PG, 0x80001000 | K_S2_RW | S2_PAGE),
		  R(3, 2 * PG, 0x80002000 | K_S2_RW | S2_PAGE),
		  R(3, 3 * PG, 0x80003000 | K_S2_RWX | S2_PAGE));
}

/* Row "-ENOMEM": what the walk made before it ran dry stays, an empty table included. */
static void enomem_leaves_what_it_made(void **state)
{
	struct ref_linux t;

	s2(&t, &linux_6_12, 39, 2);
	assert_int_equal(ref_linux_map(&t, 0, PG, 0x80000000, RW, REF_MT_NORMAL), -REF_ENOMEM);
	stream_is(&t, 1, R(1, 0, TABLE));
	assert_int_equal(ref_linux_pool_free(&t), 0);
	/* A hidden page is no page: the same with a larger pool, all but one withheld. */
	s2(&t, &linux_6_12, 39, 9);
	ref_linux_pool_hide(&t, ref_linux_pool_free(&t) - 1);
	assert_int_equal(ref_linux_map(&t, 0, PG, 0x80000000, RW, REF_MT_NORMAL), -REF_ENOMEM);
	ref_linux_pool_unhide(&t);
	assert_int_equal(ref_linux_pool_free(&t), 7);
}

/* Row "set_owner": annotations at level 3 only, tables never freed, owners 0 and 1. */
static void set_owner_builds_tables_to_level_3(void **state)
{
	struct ref_linux t;

	s2(&t, &linux_6_12, 39, 8);
	assert_int_equal(ref_linux_set_owner(&t, 2 * MiB, 2 * PG, 1), 0);
	stream_is(&t, 4, R(1, 0, TABLE), R(2, 2 * MiB, TABLE), R(3, 2 * MiB, ANNOT_HYP),
		  R(3, 2 * MiB + PG, ANNOT_HYP));
	assert_int_equal(ref_linux_set_owner(&t, 2 * MiB, 2 * PG, 0), 0);
	stream_is(&t, 2, R(1, 0, TABLE), R(2, 2 * MiB, TABLE));
	assert_int_equal(ref_linux_set_owner(&t, 2 * MiB, 2 * PG, 2), -REF_EINVAL);
	/* get_leaf reads the empty table's zero entry, at level 3. */
	{
		uint64_t d = 1;
		unsigned l = 0;

		assert_int_equal(ref_linux_get_leaf(&t, 2 * MiB, &d, &l), 0);
		assert_int_equal(d, 0);
		assert_int_equal(l, 3);
	}
	/* An unmap frees empty tables it walks through. */
	assert_int_equal(ref_linux_unmap(&t, 2 * MiB, PG), 0);
	stream_is(&t, 0);
	assert_int_equal(ref_linux_pool_free(&t), 7);
}

/* Row "stage-2 unmap, a block sticking out": cleared whole, no table made. */
static void unmap_clears_a_block_whole(void **state)
{
	struct ref_linux t;

	s2(&t, &linux_6_1, 39, 2);
	assert_int_equal(ref_linux_map(&t, 2 * MiB, 2 * MiB, 0x80200000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_unmap(&t, 3 * MiB, PG), 0);
	stream_is(&t, 0);
	assert_int_equal(ref_linux_unmap(&t, 1ull << 39, PG), -REF_ERANGE);
}

/* Row "hyp unmap": stops at the first hole; what it emptied before stays linked. */
static void hyp_unmap_stops_at_a_hole(void **state)
{
	struct ref_linux t;

	s1(&t, 8);
	assert_int_equal(ref_linux_map(&t, 0, PG, 0x80000000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_map(&t, 2 * PG, PG, 0x80002000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_unmap(&t, 0, 3 * PG), (int64_t)PG);
	stream_is(&t, 4, R(0, 0, TABLE), R(1, 0, TABLE), R(2, 0, TABLE),
		  R(3, 2 * PG, 0x80002000 | K_S1_RW | S2_PAGE));
	/* Row "hyp: a block where tables are": never merged, the tables stay. */
	assert_int_equal(ref_linux_unmap(&t, 2 * PG, PG), (int64_t)PG);
	stream_is(&t, 0);
	assert_int_equal(ref_linux_map(&t, 0, PG, 0x80000000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_unmap(&t, 0, 2 * PG), (int64_t)PG);
	assert_int_equal(ref_linux_map(&t, 0, 2 * MiB, 0x80000000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(stream_len(&t), 3 + 512);
	/* Row "hyp permissions": R needed, W^X, no executable device memory. */
	assert_int_equal(ref_linux_map(&t, 1 * GiB, PG, 0, REF_PROT_W, 0), -REF_EINVAL);
	assert_int_equal(ref_linux_map(&t, 1 * GiB, PG, 0, RWX, 0), -REF_EINVAL);
	assert_int_equal(ref_linux_map(&t, 1 * GiB, PG, 0, REF_PROT_R | REF_PROT_X, 1),
			 -REF_EINVAL);
	assert_int_equal(ref_linux_map(&t, 1 * GiB, PG, 0x100000, REF_PROT_R, 1), 0);
	{
		uint64_t d;
		unsigned l;

		/* Read-only device memory: AttrIndx 4, AP 0b11. */
		assert_int_equal(ref_linux_get_leaf(&t, 1 * GiB, &d, &l), 0);
		assert_int_equal(d, 0x100000 | 0x7d1 | XN | S2_PAGE);
	}
}

/* Row "split": from the memcache's count; pieces normal and young (kernel finding 2). */
static void split_follows_the_count(void **state)
{
	struct ref_linux t;

	s2(&t, &linux_6_12, 40, 4);
	assert_int_equal(ref_linux_map(&t, GiB, GiB, 0x40000000, RW, REF_MT_DEVICE), 0);
	assert_int_equal(ref_linux_mkold(&t, GiB, PG), true);
	assert_int_equal(ref_linux_split(&t, GiB, PG), 0);
	/* One level, then the 2 MiB block of the range to pages: 2 pages for 1 + 1 tables. */
	assert_int_equal(ref_linux_pool_free(&t), 0);
	assert_int_equal(stream_len(&t), 2 + 1 + 512 + 511);
	{
		uint64_t d;
		unsigned l;

		assert_int_equal(ref_linux_get_leaf(&t, GiB + PG, &d, &l), 0);
		assert_int_equal(l, 3);
		assert_int_equal(d, 0x40001000 | K_S2_RW | S2_PAGE);
		assert_int_equal(ref_linux_get_leaf(&t, GiB + 4 * MiB, &d, &l), 0);
		assert_int_equal(l, 2);
		assert_int_equal(d, 0x40400000 | K_S2_RW);
	}
	/* Nothing left in the memcache: the next block cannot split. */
	assert_int_equal(ref_linux_split(&t, GiB + 2 * MiB, PG), -REF_ENOMEM);
	s2(&t, &linux_6_1, 40, 4);
	assert_int_equal(ref_linux_split(&t, 0, PG), -REF_EOPNOTSUPP);
}

/* Rows "mkold", "mkyoung, relax_perms": 6.1 ages one page; 6.12 answers -EAGAIN at a hole. */
static void ageing_and_permissions_by_tree(void **state)
{
	struct ref_linux t;
	const struct ref_linux_tree *trees[] = { &linux_6_1, &linux_6_12 };

	for (unsigned i = 0; i < 2; i++) {
		bool newer = trees[i]->mkold_range;
		uint64_t d;
		unsigned l;

		s2(&t, trees[i], 39, 8);
		assert_int_equal(ref_linux_map(&t, 0, 2 * PG, 0x80000000, RW, REF_MT_NORMAL), 0);
		assert_int_equal(ref_linux_mkold(&t, 0, 2 * PG), true);
		ref_linux_get_leaf(&t, PG, &d, &l);
		assert_int_equal(d & (1ull << 10), newer ? 0 : 1ull << 10);
		assert_int_equal(ref_linux_relax_perms(&t, 4 * PG, RWX), newer ? -REF_EAGAIN : 0);
		assert_int_equal(ref_linux_relax_perms(&t, 0, RWX), 0);
		assert_int_equal(ref_linux_mkyoung(&t, 0), 0);
		ref_linux_get_leaf(&t, 0, &d, &l);
		assert_int_equal(d, 0x80000000 | K_S2_RWX | S2_PAGE);
		assert_int_equal(ref_linux_wrprotect(&t, 0, 8 * PG), 0);
		ref_linux_get_leaf(&t, 0, &d, &l);
		assert_int_equal(d, (0x80000000 | K_S2_RWX | S2_PAGE) & ~(1ull << 7));
	}
}

/* Row "output address past 2^48": stage 2 writes an owner-0 entry, an unmap. */
static void output_past_2_48_maps_nothing(void **state)
{
	struct ref_linux t;

	s2(&t, &linux_6_12, 39, 8);
	assert_int_equal(ref_linux_map(&t, 0, 2 * PG, (1ull << 48) - PG, RW, REF_MT_NORMAL), 0);
	stream_is(&t, 3, R(1, 0, TABLE), R(2, 0, TABLE),
		  R(3, 0, ((1ull << 48) - PG) | K_S2_RW | S2_PAGE));
	/* Device memory is never executable. */
	assert_int_equal(ref_linux_map(&t, 0, PG, 0, RWX, REF_MT_DEVICE), -REF_EINVAL);
	assert_int_equal(ref_linux_map(&t, 4 * MiB, PG, 0x100000, RW, REF_MT_DEVICE), 0);
	{
		uint64_t d;
		unsigned l;

		ref_linux_get_leaf(&t, 4 * MiB, &d, &l);
		assert_int_equal(d, 0x100000 | K_S2_DEV | S2_PAGE);
	}
}

/*
 * 7.2's rows: typed annotations (any 8-bit owner, the type in bits 63:60),
 * outputs past 2^48 cut to 48 bits, and walks that stop at -EAGAIN unless
 * told to go on (wrprotect is).
 */
static void newer_tree_annotates_maps_any_output_and_stops_at_eagain(void **state)
{
	struct ref_linux t;
	uint64_t d;
	unsigned l;

	s2(&t, &linux_7_2, 39, 8);
	assert_int_equal(ref_linux_set_owner(&t, 2 * MiB, PG, 5), 0);
	assert_int_equal(ref_linux_set_owner(&t, 2 * MiB + PG, PG, 0), 0);
	stream_is(&t, 4, R(1, 0, TABLE), R(2, 2 * MiB, TABLE), R(3, 2 * MiB, 2ull << 60 | 5 << 2),
		  R(3, 2 * MiB + PG, 2ull << 60));
	/* 2^48 + the page: cut to the page. */
	assert_int_equal(ref_linux_map(&t, 0, PG, (1ull << 48) + PG, RW, REF_MT_NORMAL), 0);
	ref_linux_get_leaf(&t, 0, &d, &l);
	assert_int_equal(d, PG | K_S2_RW | S2_PAGE);
	/* The same leaf again: -EAGAIN, and the walk stops before the next page. */
	assert_int_equal(ref_linux_map(&t, 0, 2 * PG, (1ull << 48) + PG, RW, REF_MT_NORMAL),
			 -REF_EAGAIN);
	ref_linux_get_leaf(&t, PG, &d, &l);
	assert_int_equal(d, 0);
	/* A hole at 0x1000: mkyoung stops there; wrprotect goes on to the leaf after it, and 0. */
	assert_int_equal(ref_linux_map(&t, 2 * PG, PG, 0x80002000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_mkyoung(&t, PG), -REF_EAGAIN);
	assert_int_equal(ref_linux_wrprotect(&t, PG, 2 * PG), 0);
	ref_linux_get_leaf(&t, 2 * PG, &d, &l);
	assert_int_equal(d, (0x80002000 | K_S2_RW | S2_PAGE) & ~(1ull << 7));
}

/*
 * 5.10's rows: an entry made invalid keeps its other bits (a table's reads
 * 0b10 once its address is masked), such entries are not counted, so a table
 * holding only them is empty; and a map over a valid leaf replaces it.
 */
static void oldest_tree_keeps_invalid_bits_and_replaces_leaves(void **state)
{
	struct ref_linux t;
	uint64_t d;
	unsigned l;

	s2(&t, &linux_5_10, 39, 8);
	assert_int_equal(ref_linux_map(&t, 0, 2 * PG, 0x80000000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_map(&t, 0, 2 * PG, 0x80000000, RWX, REF_MT_NORMAL), 0);
	assert_int_equal(ref_linux_map(&t, PG, PG, 0x90000000, RW, REF_MT_DEVICE), 0);
	stream_is(&t, 4, R(1, 0, TABLE), R(2, 0, TABLE),
		  R(3, 0, 0x80000000 | K_S2_RWX | S2_PAGE),
		  R(3, PG, 0x90000000 | K_S2_DEV | S2_PAGE));
	/* One page unmapped: its bits stay, bit 0 cleared; the table still counts one. */
	assert_int_equal(ref_linux_unmap(&t, 0, PG), 0);
	stream_is(&t, 4, R(1, 0, TABLE), R(2, 0, TABLE),
		  R(3, 0, (0x80000000 | K_S2_RWX | S2_PAGE) & ~1ull),
		  R(3, PG, 0x90000000 | K_S2_DEV | S2_PAGE));
	assert_int_equal(ref_linux_pool_free(&t), 5);
	/* Again over the stale entry: nothing more changes. */
	assert_int_equal(ref_linux_unmap(&t, 0, PG), 0);
	assert_int_equal(stream_len(&t), 4);
	/* The last valid page: both tables are empty, freed, and their entries stale. */
	assert_int_equal(ref_linux_unmap(&t, 0, 2 * MiB), 0);
	stream_is(&t, 1, R(1, 0, TABLE & ~1ull));
	assert_int_equal(ref_linux_pool_free(&t), 7);
	assert_int_equal(ref_linux_get_leaf(&t, PG, &d, &l), 0);
	assert_int_equal(d, TABLE & ~1ull);
	assert_int_equal(l, 1);
	/* A map through the stale entry makes tables again, as over a zero one. */
	assert_int_equal(ref_linux_map(&t, PG, PG, 0x80001000, RW, REF_MT_NORMAL), 0);
	stream_is(&t, 3, R(1, 0, TABLE), R(2, 0, TABLE),
		  R(3, PG, 0x80001000 | K_S2_RW | S2_PAGE));
	/* No set_owner yet, so no check of the output: cut to 48 bits, as 7.2. */
	assert_int_equal(ref_linux_map(&t, 0, PG, (1ull << 48) + 2 * PG, RW, REF_MT_NORMAL), 0);
	ref_linux_get_leaf(&t, 0, &d, &l);
	assert_int_equal(d, 2 * PG | K_S2_RW | S2_PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_inside_a_block_drops_the_rest),
		cmocka_unit_test(map_over_the_same_leaf_by_tree),
		cmocka_unit_test(enomem_leaves_what_it_made),
		cmocka_unit_test(set_owner_builds_tables_to_level_3),
		cmocka_unit_test(unmap_clears_a_block_whole),
		cmocka_unit_test(hyp_unmap_stops_at_a_hole),
		cmocka_unit_test(split_follows_the_count),
		cmocka_unit_test(ageing_and_permissions_by_tree),
		cmocka_unit_test(output_past_2_48_maps_nothing),
		cmocka_unit_test(newer_tree_annotates_maps_any_output_and_stops_at_eagain),
		cmocka_unit_test(oldest_tree_keeps_invalid_bits_and_replaces_leaves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
