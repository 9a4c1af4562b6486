// SPDX-License-Identifier: MIT
/* The machine description (§8, S29) and the initial state (§5, S23, S28). */
#include "ref_test.h"

static void init_rejects_bad_ia_bits(void **state)
{
	struct ref_desc d = machine_a();

	d.host_ia_bits = 31;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.host_ia_bits = 49;
	assert_int_equal(init_with(&d), -REF_EINVAL);
}

static void init_rejects_bad_region_count(void **state)
{
	struct ref_desc d = machine_a();

	d.nr_mem = 0;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.nr_mem = 9;
	assert_int_equal(init_with(&d), -REF_EINVAL);
}

static void init_rejects_unaligned_empty_or_unsorted_regions(void **state)
{
	struct ref_desc d = machine_a();

	d.mem[0].base += 0x800;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d = machine_a();
	d.mem[0].size = 0;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d = machine_a();
	d.nr_mem = 2;
	d.mem[1].base = 2 * GiB; /* overlaps mem[0] */
	d.mem[1].size = 2 * GiB;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.mem[1].base = 0; /* below mem[0]: unsorted */
	d.mem[1].size = 1 * MiB;
	assert_int_equal(init_with(&d), -REF_EINVAL);
}

static void init_accepts_touching_regions(void **state)
{
	struct ref_desc d = machine_a();

	d.nr_mem = 2;
	d.mem[1].base = 3 * GiB;
	d.mem[1].size = 1 * GiB;
	assert_int_equal(init_with(&d), 0);
}

static void init_rejects_region_beyond_ia_bits(void **state)
{
	struct ref_desc d = machine_a();

	d.mem[0].size = 3 * GiB + 4 * KiB; /* ends above 4 GiB */
	assert_int_equal(init_with(&d), -REF_EINVAL);
}

static void init_rejects_carveout_outside_memory(void **state)
{
	struct ref_desc d = machine_a();

	d.carveout.base = 1 * GiB - 4 * KiB;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.carveout.base = 1 * GiB;
	d.carveout.size = 0;
	assert_int_equal(init_with(&d), -REF_EINVAL);
}

static void init_rejects_pools_larger_than_carveout(void **state)
{
	struct ref_desc d = machine_a();

	d.host_pool_pages = 500;
	d.hyp_pool_pages = 13; /* 513 > 512 */
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.hyp_pool_pages = 12;
	assert_int_equal(init_with(&d), 0);
}

static void init_rejects_too_many_vm_slots(void **state)
{
	struct ref_desc d = machine_a();

	d.nr_vm_slots = 17;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.nr_vm_slots = 16;
	assert_int_equal(init_with(&d), 0);
}

static void init_rejects_hyp_va_beyond_48_bits(void **state)
{
	struct ref_desc d = machine_a();

	d.hyp_va_offset = 0x800;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.hyp_va_offset = (1ull << 48) - 3 * GiB + 4 * KiB;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.hyp_va_offset = (1ull << 48) - 3 * GiB;
	assert_int_equal(init_with(&d), 0);
	d.hyp_va_offset = UINT64_MAX & ~0xfffull; /* wraps */
	assert_int_equal(init_with(&d), -REF_EINVAL);
}

static void init_enomem_when_pools_cannot_hold_carveout_tables(void **state)
{
	struct ref_desc d = machine_a();

	d.host_pool_pages = 1; /* root only; the annotation needs L2 */
	assert_int_equal(init_with(&d), -REF_ENOMEM);
	d.host_pool_pages = 2;
	assert_int_equal(init_with(&d), 0);
	d.hyp_pool_pages = 2; /* root, L1; the block needs an L2 table */
	assert_int_equal(init_with(&d), -REF_ENOMEM);
	d.hyp_pool_pages = 3;
	assert_int_equal(init_with(&d), 0);
	d.host_pool_pages = 0;
	assert_int_equal(init_with(&d), -REF_ENOMEM);
}

static void init_enospc_when_arena_too_small(void **state)
{
	struct ref_desc d = machine_a();
	static struct ref r;
	static char tiny[64];

	assert_int_equal(ref_init(&r, &d, tiny, sizeof(tiny)), -REF_ENOSPC);
}

/*
 * Initial state of machine A: the carve-out [1 GiB, 1 GiB + 2 MiB) is one
 * HYP annotation block at level 2 in host stage-2 (root level 1, one L2
 * table), and one PAGE_HYP block at VA 64 GiB + 1 GiB in hyp stage-1
 * (root level 0, an L1 and an L2 table).
 */
static void initial_state_carveout_blocks(void **state)
{
	struct ref_fixture *f = *state;
	struct ref *r = &f->ref;
	struct ref_page_state ps;

	assert_stream_is(r, REF_KIND_HOST_S2, 0, 2,
			 MACHINE_A_CARVEOUT);
	assert_stream_is(r, REF_KIND_HYP_S1, 0, 3,
			 R(0, 0, TABLE),
			 R(1, 0x1040000000, TABLE),
			 R(2, 0x1040000000, 0x40000000 | S1_PAGE_HYP));
	assert_int_equal(ref_table_pages(r, REF_KIND_HOST_S2, 0), 2);
	assert_int_equal(ref_table_pages(r, REF_KIND_HYP_S1, 0), 3);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 14);
	assert_int_equal(ref_pool_free(r, REF_POOL_HYP), 13);
	assert_int_equal(ref_pool_free(r, REF_POOL_VM(0)), 0);
	assert_false(ref_vm_live(r, 0));

	ref_page(r, PFN(0x40000000), &ps);
	assert_true(ps.memory);
	assert_int_equal(ps.owner, REF_OWNER_HYP);
	assert_int_equal(ps.hyp, REF_OWNED);
	assert_int_equal(ps.host, REF_NOPAGE);
	ref_page(r, PFN(0x40200000), &ps);
	assert_int_equal(ps.owner, REF_OWNER_HOST);
	assert_int_equal(ps.host, REF_OWNED);
	assert_int_equal(ps.hyp, REF_NOPAGE);
	ref_page(r, PFN(0xc0000000), &ps);
	assert_false(ps.memory);
	assert_int_equal(ps.owner, REF_OWNER_HOST);
	assert_int_equal(ref_nr_page_runs(r), 2);
}

/* An unaligned carve-out is covered by the largest leaves, left to right. */
static void initial_state_unaligned_carveout_uses_largest_leaves(void **state)
{
	struct ref_desc d = machine_a();
	struct ref_fixture *f;
	struct recs want = { 0 };
	uint64_t a;

	/* [1 GiB + 2 MiB - 8 KiB, 1 GiB + 4 MiB + 4 KiB) */
	d.carveout.base = 1 * GiB + 2 * MiB - 8 * KiB;
	d.carveout.size = 2 * MiB + 12 * KiB;
	fixture_setup_desc((void **)&f, &d, 1 << 20);
	recs_add(&want, 1, 0x40000000, TABLE);
	recs_add(&want, 2, 0x40000000, TABLE);
	recs_add(&want, 3, 0x401fe000, ANNOT_HYP);
	recs_add(&want, 3, 0x401ff000, ANNOT_HYP);
	recs_add(&want, 2, 0x40200000, ANNOT_HYP);
	recs_add(&want, 2, 0x40400000, TABLE);
	recs_add(&want, 3, 0x40400000, ANNOT_HYP);
	assert_stream(&f->ref, REF_KIND_HOST_S2, 0, &want);
	recs_free(&want);

	recs_add(&want, 0, 0, TABLE);
	recs_add(&want, 1, 0x1040000000, TABLE);
	recs_add(&want, 2, 0x1040000000, TABLE);
	for (a = 0x401fe000; a < 0x40200000; a += 0x1000)
		recs_add(&want, 3, a + 64 * GiB, a | S1_PAGE_HYP | S2_PAGE);
	recs_add(&want, 2, 0x1040200000, 0x40200000 | S1_PAGE_HYP);
	recs_add(&want, 2, 0x1040400000, TABLE);
	recs_add(&want, 3, 0x1040400000, 0x40400000 | S1_PAGE_HYP | S2_PAGE);
	assert_stream(&f->ref, REF_KIND_HYP_S1, 0, &want);
	recs_free(&want);
	assert_int_equal(ref_table_pages(&f->ref, REF_KIND_HOST_S2, 0), 4);
	assert_int_equal(ref_table_pages(&f->ref, REF_KIND_HYP_S1, 0), 5);
	fixture_teardown((void **)&f);
}

/* A hyp VA offset that is not 2 MiB aligned forces pages (output alignment). */
static void initial_state_misaligned_hyp_offset_maps_pages(void **state)
{
	struct ref_desc d = machine_a();
	struct ref_fixture *f;
	struct recs want = { 0 };
	uint64_t a;

	d.hyp_va_offset = 64 * GiB + 4 * KiB;
	fixture_setup_desc((void **)&f, &d, 1 << 20);
	recs_add(&want, 0, 0, TABLE);
	recs_add(&want, 1, 0x1040000000, TABLE);
	recs_add(&want, 2, 0x1040000000, TABLE);
	for (a = 0x40000000; a < 0x401ff000; a += 0x1000)
		recs_add(&want, 3, a + 64 * GiB + 0x1000, a | S1_PAGE_HYP | S2_PAGE);
	recs_add(&want, 2, 0x1040200000, TABLE);
	recs_add(&want, 3, 0x1040200000, 0x401ff000 | S1_PAGE_HYP | S2_PAGE);
	assert_stream(&f->ref, REF_KIND_HYP_S1, 0, &want);
	recs_free(&want);
	assert_int_equal(ref_pool_free(&f->ref, REF_POOL_HYP), 16 - 5);
	fixture_teardown((void **)&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_rejects_bad_ia_bits),
		cmocka_unit_test(init_rejects_bad_region_count),
		cmocka_unit_test(init_rejects_unaligned_empty_or_unsorted_regions),
		cmocka_unit_test(init_accepts_touching_regions),
		cmocka_unit_test(init_rejects_region_beyond_ia_bits),
		cmocka_unit_test(init_rejects_carveout_outside_memory),
		cmocka_unit_test(init_rejects_pools_larger_than_carveout),
		cmocka_unit_test(init_rejects_too_many_vm_slots),
		cmocka_unit_test(init_rejects_hyp_va_beyond_48_bits),
		cmocka_unit_test(init_enomem_when_pools_cannot_hold_carveout_tables),
		cmocka_unit_test(init_enospc_when_arena_too_small),
		cmocka_unit_test_setup_teardown(initial_state_carveout_blocks, fixture_setup_a,
						fixture_teardown),
		cmocka_unit_test(initial_state_unaligned_carveout_uses_largest_leaves),
		cmocka_unit_test(initial_state_misaligned_hyp_offset_maps_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
