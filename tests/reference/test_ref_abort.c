// SPDX-License-Identifier: MIT
/* host_mem_abort: the lazy identity map (§6, S18, S19). */
#include "ref_test.h"

/*
 * Machine C: 4 GiB IPA; memory R0 = [1 GiB, 1 GiB + 4 MiB) holding the
 * carve-out (first 2 MiB) and R1 = [2 GiB + 1 MiB, 2 GiB + 3 MiB), which no
 * 2 MiB block fits.
 */
static int setup_c(void **state)
{
	return fixture_setup_ragged(state, 2 * MiB);
}

/* Machine D: 40-bit IPA (root level 0), memory [2 GiB, 4 GiB). */
static int setup_d(void **state)
{
	struct ref_desc d = machine_a();

	d.host_ia_bits = 40;
	d.mem[0].base = 2 * GiB;
	d.carveout.base = 2 * GiB;
	return fixture_setup_desc(state, &d, 1 << 20);
}

/* On machine A, an abort at @addr adds the one leaf (@level, @ia, @desc) and no table. */
static void abort_maps_one_leaf(void **state, uint64_t addr, unsigned int level, uint64_t ia,
				uint64_t desc)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, addr), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 3,
			 MACHINE_A_CARVEOUT,
			 R(level, ia, desc));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 14);
}

static void abort_maps_1g_block_when_region_allows(void **state)
{
	abort_maps_one_leaf(state, 0x80001000, 1, 0x80000000, 0x80000000 | S2_HOST_MEM);
}

static void abort_maps_2m_block_inside_existing_table(void **state)
{
	abort_maps_one_leaf(state, 0x40345000, 2, 0x40200000, 0x40200000 | S2_HOST_MEM);
}

static void abort_in_mmio_gap_maps_execute_never_block(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, 0), 0);
	assert_int_equal(ref_host_mem_abort(r, 0xfffff000), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 4,
			 R(1, 0, S2_HOST_MMIO),
			 MACHINE_A_CARVEOUT,
			 R(1, 0xc0000000, 0xc0000000 | S2_HOST_MMIO));
}

static void abort_on_annotated_page_is_eperm(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, 0x40000000), -REF_EPERM);
	assert_int_equal(ref_host_mem_abort(r, 0x401ff000), -REF_EPERM);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 2,
			 MACHINE_A_CARVEOUT);
}

static void abort_on_mapped_page_changes_nothing(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, 0x80000000), 0);
	assert_int_equal(ref_host_mem_abort(r, 0x80000000), 0);
	assert_int_equal(ref_host_mem_abort(r, 0xbffff000), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 3,
			 MACHINE_A_CARVEOUT,
			 R(1, 0x80000000, 0x80000000 | S2_HOST_MEM));
}

static void abort_unaligned_or_beyond_ia_bits_is_einval(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, 0x80000800), -REF_EINVAL);
	assert_int_equal(ref_host_mem_abort(r, 1ull << 32), -REF_EINVAL);
	assert_int_equal(ref_host_mem_abort(r, UINT64_MAX & ~0xfffull), -REF_EINVAL);
}

/* R1 starts 1 MiB into a 2 MiB block: only pages fit there (S18). */
static void abort_shrinks_block_to_region(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, 0x80100000), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 5,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80100000, 0x80100000 | S2_HOST_MEM | S2_PAGE));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 12);

	/* the gap below R1 in the same 2 MiB: an MMIO page */
	assert_int_equal(ref_host_mem_abort(r, 0x800ff000), 0);
	/* a 2 MiB block of the gap between R0 and R1 */
	assert_int_equal(ref_host_mem_abort(r, 0x7fe00000), 0);
	/* R0's second 2 MiB */
	assert_int_equal(ref_host_mem_abort(r, 0x40200000), 0);
	/* the gap right after R0 */
	assert_int_equal(ref_host_mem_abort(r, 0x40400000), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 9,
			 MACHINE_A_CARVEOUT,
			 R(2, 0x40200000, 0x40200000 | S2_HOST_MEM),
			 R(2, 0x40400000, 0x40400000 | S2_HOST_MMIO),
			 R(2, 0x7fe00000, 0x7fe00000 | S2_HOST_MMIO),
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x800ff000, 0x800ff000 | S2_HOST_MMIO | S2_PAGE),
			 R(3, 0x80100000, 0x80100000 | S2_HOST_MEM | S2_PAGE));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 12);
}

static void abort_enomem_changes_nothing(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_pool_hide(r, REF_POOL_HOST, 13), 13);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 1);
	assert_int_equal(ref_host_mem_abort(r, 0x80100000), -REF_ENOMEM);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 2,
			 MACHINE_A_CARVEOUT);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 1);
	/* a block needs no new table, so it still works */
	assert_int_equal(ref_host_mem_abort(r, 0x40200000), 0);
	ref_pool_unhide(r, REF_POOL_HOST);
	assert_int_equal(ref_host_mem_abort(r, 0x80100000), 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 12);
}

/* An empty level-0 entry: the block search starts at level 1 (S19). */
static void abort_below_empty_level0_entry_maps_1g_block(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, 0x8000000000), 0);
	assert_int_equal(ref_host_mem_abort(r, 0xc0000000), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 6,
			 R(0, 0, TABLE),
			 R(1, 0x80000000, TABLE),
			 R(2, 0x80000000, ANNOT_HYP),
			 R(1, 0xc0000000, 0xc0000000 | S2_HOST_MEM),
			 R(0, 0x8000000000, TABLE),
			 R(1, 0x8000000000, 0x8000000000 | S2_HOST_MMIO));
	assert_int_equal(ref_table_pages(r, REF_KIND_HOST_S2, 0), 4);
}

int main(void)
{
#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(abort_maps_1g_block_when_region_allows, fixture_setup_a),
		T(abort_maps_2m_block_inside_existing_table, fixture_setup_a),
		T(abort_in_mmio_gap_maps_execute_never_block, fixture_setup_a),
		T(abort_on_annotated_page_is_eperm, fixture_setup_a),
		T(abort_on_mapped_page_changes_nothing, fixture_setup_a),
		T(abort_unaligned_or_beyond_ia_bits_is_einval, fixture_setup_a),
		T(abort_shrinks_block_to_region, setup_c),
		T(abort_enomem_changes_nothing, setup_c),
		T(abort_below_empty_level0_entry_maps_1g_block, setup_d),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
