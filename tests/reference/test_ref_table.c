// SPDX-License-Identifier: MIT
/* The §5b single-table model: one stage-2 or stage-1 table and its pool. */
#include "ref_test.h"

#include <ref/ref_table.h>

#define S2_RW	  (0x7fdull | (1ull << 54)) /* normal RW XN */
#define S2_RWX	  0x7fdull
#define S2_R	  (0x77dull | (1ull << 54))
#define S2_DEV_RW (0x7c5ull | (1ull << 54)) /* MemAttr 1 */
#define S1_RW	  (0x741ull | (1ull << 54))
#define S1_RO	  (0x7c1ull | (1ull << 54))
#define RW	  (REF_PROT_R | REF_PROT_W)
#define RWX	  (REF_PROT_R | REF_PROT_W | REF_PROT_X)

static char arena[8 << 20];

static void table_stream_is(const struct ref_table *t, size_t n, ...)
{
	struct recs got = { 0 }, want = { 0 };
	va_list ap;

	va_start(ap, n);
	recs_add_va(&want, n, ap);
	va_end(ap);
	ref_table_stream(t, recs_emit, &got);
	assert_recs_equal(&got, &want);
	recs_free(&got);
	recs_free(&want);
}

static void s2(struct ref_table *t, uint64_t pool)
{
	assert_int_equal(ref_table_init(t, REF_STAGE2, 39, pool, arena, sizeof(arena)), 0);
}

static void table_map_uses_largest_leaves(void **state)
{
	struct ref_table t;

	s2(&t, 8);
	assert_int_equal(ref_table_map(&t, 0x1ff000, 514, 0x801ff000, RW, REF_MT_NORMAL), 0);
	table_stream_is(&t, 6,
			R(1, 0, TABLE),
			R(2, 0, TABLE),
			R(3, 0x1ff000, 0x801ff000 | S2_RW | S2_PAGE),
			R(2, 0x200000, 0x80200000 | S2_RW),
			R(2, 0x400000, TABLE),
			R(3, 0x400000, 0x80400000 | S2_RW | S2_PAGE));
	assert_int_equal(ref_table_nr_pages(&t), 4);
	assert_int_equal(ref_table_pool_free(&t), 4);
}

static void table_map_misaligned_output_uses_pages(void **state)
{
	struct ref_table t;
	struct recs got = { 0 };

	s2(&t, 8);
	assert_int_equal(ref_table_map(&t, 0x200000, 512, 0x80201000, RWX, REF_MT_NORMAL), 0);
	ref_table_stream(&t, recs_emit, &got);
	assert_int_equal(got.nr, 2 + 512);
	assert_int_equal(got.r[2].desc, 0x80201000 | S2_RWX | S2_PAGE);
	assert_int_equal(got.r[513].ia, 0x3ff000);
	recs_free(&got);
}

/* §4.2: a 1 GiB block losing one page: 511 2 MiB blocks + 511 pages. */
static void unmap_splits_block_keeping_rest(void **state)
{
	struct ref_table t;
	struct recs got = { 0 };
	size_t i;

	s2(&t, 3);
	assert_int_equal(ref_table_map(&t, GiB, 1ull << 18, 2 * GiB, RW, REF_MT_NORMAL), 0);
	table_stream_is(&t, 1,
			R(1, GiB, 2 * GiB | S2_RW));
	ref_table_pool_hide(&t, 1);
	assert_int_equal(ref_table_unmap(&t, GiB + 0x1000, 1), -REF_ENOMEM);
	table_stream_is(&t, 1,
			R(1, GiB, 2 * GiB | S2_RW));
	ref_table_pool_unhide(&t);
	assert_int_equal(ref_table_unmap(&t, GiB + 0x1000, 1), 0);
	ref_table_stream(&t, recs_emit, &got);
	assert_int_equal(got.nr, 2 + 511 + 511);
	assert_int_equal(got.r[0].desc, TABLE);
	assert_int_equal(got.r[1].desc, TABLE);
	assert_int_equal(got.r[2].ia, GiB);
	assert_int_equal(got.r[3].ia, GiB + 0x2000);
	for (i = 2; i < 2 + 511; i++)
		assert_int_equal(got.r[i].level, 3);
	assert_int_equal(got.r[2 + 511].level, 2);
	assert_int_equal(got.r[2 + 511].ia, GiB + 2 * MiB);
	assert_int_equal(got.r[2 + 511].desc, (2 * GiB + 2 * MiB) | S2_RW);
	recs_free(&got);
	assert_int_equal(ref_table_pool_free(&t), 0);
	/* unmapping all of it frees both tables */
	assert_int_equal(ref_table_unmap(&t, GiB, 1ull << 18), 0);
	table_stream_is(&t, 0);
	assert_int_equal(ref_table_pool_free(&t), 2);
}

/* S11: the same meaning inside a larger block changes nothing. */
static void map_identical_inside_block_changes_nothing(void **state)
{
	struct ref_table t;

	s2(&t, 1);
	assert_int_equal(ref_table_map(&t, GiB, 1ull << 18, 2 * GiB, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_table_map(&t, GiB + 0x5000, 3, 2 * GiB + 0x5000, RW, REF_MT_NORMAL),
			 0);
	table_stream_is(&t, 1,
			R(1, GiB, 2 * GiB | S2_RW));
	/* a different output needs tables: the pool has none */
	assert_int_equal(ref_table_map(&t, GiB + 0x5000, 1, 0x5000, RW, REF_MT_NORMAL),
			 -REF_ENOMEM);
}

/* §4.3: a leaf covering a whole table's span replaces the table. */
static void map_block_replaces_table(void **state)
{
	struct ref_table t;

	s2(&t, 8);
	assert_int_equal(ref_table_map(&t, 0x200000, 1, 0x200000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_table_nr_pages(&t), 3);
	assert_int_equal(ref_table_map(&t, 0x200000, 512, 0x400000, RW, REF_MT_DEVICE), 0);
	table_stream_is(&t, 2,
			R(1, 0, TABLE),
			R(2, 0x200000, 0x400000 | S2_DEV_RW));
	assert_int_equal(ref_table_nr_pages(&t), 2);
	assert_int_equal(ref_table_pool_free(&t), 6);
}

static void set_owner_writes_annotations(void **state)
{
	struct ref_table t;

	s2(&t, 8);
	assert_int_equal(ref_table_set_owner(&t, 0x1ff000, 2, 5), 0);
	table_stream_is(&t, 5,
			R(1, 0, TABLE),
			R(2, 0, TABLE),
			R(3, 0x1ff000, 5 << 2),
			R(2, 0x200000, TABLE),
			R(3, 0x200000, 5 << 2));
	assert_int_equal(ref_table_set_owner(&t, 0, 1ull << 18, 255), 0);
	table_stream_is(&t, 1,
			R(1, 0, 255 << 2));
	assert_int_equal(ref_table_set_owner(&t, 0, 1, 256), -REF_EINVAL);
	assert_int_equal(ref_table_set_owner(&t, 0, 1ull << 18, 0), 0);
	table_stream_is(&t, 0);
	assert_int_equal(ref_table_nr_pages(&t), 1);
}

/* Permission and aging operations act on whole leaves, never split. */
static void wrprotect_and_aging_act_on_whole_leaves(void **state)
{
	struct ref_table t;

	s2(&t, 8);
	assert_int_equal(ref_table_map(&t, 0x200000, 513, 0x200000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_table_wrprotect(&t, 0x3ff000, 2), 0);
	table_stream_is(&t, 4,
			R(1, 0, TABLE),
			R(2, 0x200000, 0x200000 | S2_R),
			R(2, 0x400000, TABLE),
			R(3, 0x400000, 0x400000 | S2_R | S2_PAGE));
	assert_int_equal(ref_table_mkold(&t, 0x200000, 1), 1);
	assert_int_equal(ref_table_mkold(&t, 0x201000, 1), 0);
	table_stream_is(&t, 4,
			R(1, 0, TABLE),
			R(2, 0x200000, 0x200000 | (S2_R & ~0x400ull)),
			R(2, 0x400000, TABLE),
			R(3, 0x400000, 0x400000 | S2_R | S2_PAGE));
	assert_int_equal(ref_table_mkyoung(&t, 0x3ff000), 0);
	assert_int_equal(ref_table_relax_perms(&t, 0x400000, REF_PROT_W | REF_PROT_X), 0);
	table_stream_is(&t, 4,
			R(1, 0, TABLE),
			R(2, 0x200000, 0x200000 | S2_R),
			R(2, 0x400000, TABLE),
			R(3, 0x400000, 0x400000 | S2_RWX | S2_PAGE));
	assert_int_equal(ref_table_mkyoung(&t, 0x401000), -REF_EAGAIN);
	assert_int_equal(ref_table_relax_perms(&t, 0x401000, REF_PROT_R), -REF_EAGAIN);
	assert_int_equal(ref_table_relax_perms(&t, 0x400000, 0), -REF_EINVAL);
	assert_int_equal(ref_table_set_owner(&t, 0x600000, 1, 2), 0);
	assert_int_equal(ref_table_mkyoung(&t, 0x600000), -REF_EAGAIN);
	assert_int_equal(ref_table_mkold(&t, 0x600000, 1), 0);
	assert_int_equal(ref_table_nr_pages(&t), 4);
}

/* S15: eager split breaks blocks to pages; annotations stay. */
static void split_breaks_blocks_to_pages(void **state)
{
	struct ref_table t;
	struct recs got = { 0 };

	s2(&t, 513);
	assert_int_equal(ref_table_map(&t, GiB, 1ull << 18, GiB, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_table_set_owner(&t, 0x200000, 512, 3), 0);
	assert_int_equal(ref_table_split(&t, GiB + 5 * MiB, 1), -REF_ENOMEM);
	assert_int_equal(ref_table_nr_pages(&t), 2);
	ref_table_pool_hide(&t, 0);
	assert_int_equal(ref_table_pool_free(&t), 511);
	ref_table_stream(&t, recs_emit, &got);
	assert_int_equal(got.nr, 3);
	recs_free(&got);

	ref_table_init(&t, REF_STAGE2, 39, 515, arena, sizeof(arena));
	assert_int_equal(ref_table_map(&t, GiB, 1ull << 18, GiB, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_table_set_owner(&t, 0x200000, 512, 3), 0);
	assert_int_equal(ref_table_split(&t, 0x200000, 1), 0);
	assert_int_equal(ref_table_nr_pages(&t), 2);
	assert_int_equal(ref_table_split(&t, GiB + 5 * MiB, 1), 0);
	assert_int_equal(ref_table_nr_pages(&t), 2 + 1 + 512);
	ref_table_stream(&t, recs_emit, &got);
	assert_int_equal(got.nr, 2 + 1 + 512 * 513);
	assert_int_equal(got.r[2].ia, GiB);
	assert_int_equal(got.r[2].desc, TABLE);
	assert_int_equal(got.r[3].desc, TABLE);
	assert_int_equal(got.r[4].desc, GiB | S2_RW | S2_PAGE);
	recs_free(&got);
}

static void stage1_takes_map_unmap_get_leaf_only(void **state)
{
	struct ref_table t;
	unsigned int level;
	uint64_t desc;

	assert_int_equal(ref_table_init(&t, REF_STAGE1, 48, 8, arena, sizeof(arena)), 0);
	assert_int_equal(ref_table_map(&t, 0x200000, 512, 0x400000, REF_PROT_W, REF_MT_NORMAL),
			 -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, 0x200000, 512, 0x400000, RW, REF_MT_NORMAL), 0);
	assert_int_equal(ref_table_map(&t, 0x400000, 1, 0x0, REF_PROT_R, REF_MT_NORMAL), 0);
	table_stream_is(&t, 5,
			R(0, 0, TABLE),
			R(1, 0, TABLE),
			R(2, 0x200000, 0x400000 | S1_RW),
			R(2, 0x400000, TABLE),
			R(3, 0x400000, S1_RO | S2_PAGE));
	assert_int_equal(ref_table_get_leaf(&t, 0x201000, &level, &desc), 0);
	assert_int_equal(level, 2);
	assert_int_equal(desc, 0x400000 | S1_RW);
	assert_int_equal(ref_table_get_leaf(&t, 0x401000, &level, &desc), 0);
	assert_int_equal(level, 3);
	assert_int_equal(desc, 0);
	assert_int_equal(ref_table_get_leaf(&t, GiB, &level, &desc), 0);
	assert_int_equal(level, 1);
	assert_int_equal(ref_table_get_leaf(&t, 1ull << 40, &level, &desc), 0);
	assert_int_equal(level, 0);
	assert_int_equal(desc, 0);
	assert_int_equal(ref_table_wrprotect(&t, 0, 1), -REF_EOPNOTSUPP);
	assert_int_equal(ref_table_mkold(&t, 0, 1), -REF_EOPNOTSUPP);
	assert_int_equal(ref_table_mkyoung(&t, 0), -REF_EOPNOTSUPP);
	assert_int_equal(ref_table_relax_perms(&t, 0, 1), -REF_EOPNOTSUPP);
	assert_int_equal(ref_table_split(&t, 0, 1), -REF_EOPNOTSUPP);
	assert_int_equal(ref_table_set_owner(&t, 0, 1, 1), -REF_EOPNOTSUPP);
	assert_int_equal(ref_table_unmap(&t, 0x200000, 1024), 0);
	table_stream_is(&t, 0);
	assert_int_equal(ref_table_pool_free(&t), 7);
}

static void table_arguments_are_checked(void **state)
{
	struct ref_table t;

	s2(&t, 8);
	assert_int_equal(ref_table_map(&t, 0x800, 1, 0, RW, 0), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, 0, 0, 0, RW, 0), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, (1ull << 39) - 0x1000, 2, 0, RW, 0), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, (1ull << 39) - 0x1000, 1, 0, RW, 0), 0);
	assert_int_equal(ref_table_map(&t, 0, 2, (1ull << 48) - 0x1000, RW, 0), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, 0, 1, 0x1800, RW, 0), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, 0, 1, 0, 0, 0), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, 0, 1, 0, 8, 0), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, 0, 1, 0, RW, 2), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, 0, 1, 0, RWX, REF_MT_DEVICE), -REF_EINVAL);
	assert_int_equal(ref_table_map(&t, 0, 1, 0, REF_PROT_W, 0), 0);
	assert_int_equal(ref_table_unmap(&t, 0, UINT64_MAX), -REF_EINVAL);
	assert_int_equal(ref_table_init(&t, REF_STAGE2, 31, 8, arena, sizeof(arena)), -REF_EINVAL);
	assert_int_equal(ref_table_init(&t, 3, 40, 8, arena, sizeof(arena)), -REF_EINVAL);
	assert_int_equal(ref_table_init(&t, REF_STAGE2, 40, 0, arena, sizeof(arena)), -REF_ENOMEM);
}

/* S40/S41 applied serially. */
static void fault_map_maps_one_leaf_of_the_level(void **state)
{
	struct ref_table t;

	s2(&t, 8);
	assert_int_equal(ref_table_fault_map(&t, 0x201000, 0, 0x401000, RW, 0), -REF_EINVAL);
	assert_int_equal(ref_table_fault_map(&t, 0x201000, 3, 0x401000, RW, 0), 0);
	assert_int_equal(ref_table_fault_map(&t, 0x201000, 2, 0x401000, RW, 0), 0);
	table_stream_is(&t, 2,
			R(1, 0, TABLE),
			R(2, 0x200000, 0x400000 | S2_RW));
	/* the same meaning from the larger block: nothing */
	assert_int_equal(ref_table_fault_map(&t, 0x203000, 3, 0x403000, RW, 0), 0);
	assert_int_equal(ref_table_nr_pages(&t), 2);
	/* other permissions: split, the rest kept */
	assert_int_equal(ref_table_fault_map(&t, 0x203000, 3, 0x403000, RWX, 0), 0);
	assert_int_equal(ref_table_nr_pages(&t), 3);
	assert_int_equal(ref_table_fault_map(&t, 0, 1, 0, RW, 0), 0);
	table_stream_is(&t, 1,
			R(1, 0, S2_RW));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_map_uses_largest_leaves),
		cmocka_unit_test(table_map_misaligned_output_uses_pages),
		cmocka_unit_test(unmap_splits_block_keeping_rest),
		cmocka_unit_test(map_identical_inside_block_changes_nothing),
		cmocka_unit_test(map_block_replaces_table),
		cmocka_unit_test(set_owner_writes_annotations),
		cmocka_unit_test(wrprotect_and_aging_act_on_whole_leaves),
		cmocka_unit_test(split_breaks_blocks_to_pages),
		cmocka_unit_test(stage1_takes_map_unmap_get_leaf_only),
		cmocka_unit_test(table_arguments_are_checked),
		cmocka_unit_test(fault_map_maps_one_leaf_of_the_level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
