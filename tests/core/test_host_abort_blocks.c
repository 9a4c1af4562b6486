// SPDX-License-Identifier: MIT
/*
 * The block a host abort maps (SPEC §6, docs/semantics.md S18, S19, S29):
 * the largest aligned 1 GiB, 2 MiB or 4 KiB block holding the address that
 * lies inside one memory region or one MMIO gap. A region's end is the first
 * address past it, so a block may end exactly there and never one page
 * later. The regions here end one page short of a 2 MiB and of a 1 GiB
 * boundary, exactly on a 2 MiB boundary, exactly on a 1 GiB boundary, and
 * against a touching region, so that an inclusive end or a strict comparison
 * maps a block of the wrong size.
 */
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

/* A 2 MiB-unaligned end: the last 2 MiB of the region is one page short. */
#define SHORT_2M_BASE SZ_1G
#define SHORT_2M_END  (SZ_1G + 3 * SZ_2M - SZ_4K)
/* A 1 GiB-unaligned end: the region's gigabyte is one page short. */
#define SHORT_1G_BASE (2 * SZ_1G)
#define SHORT_1G_END  (3 * SZ_1G - SZ_4K)
/* Ends on a 2 MiB boundary that is not a 1 GiB one. */
#define EXACT_2M_BASE (4 * SZ_1G)
#define EXACT_2M_END  (4 * SZ_1G + 3 * SZ_2M)
/* A whole aligned gigabyte. */
#define EXACT_1G_BASE (5 * SZ_1G)
#define EXACT_1G_END  (6 * SZ_1G)
/* Two touching regions meeting 1 MiB into a 2 MiB block (S29). */
#define TOUCH_BASE (7 * SZ_1G)
#define TOUCH_MID  (7 * SZ_1G + SZ_2M / 2)
#define TOUCH_END  (7 * SZ_1G + 2 * SZ_2M)
/* The carve-out's own region, away from the ends under test. */
#define CARVE_BASE (8 * SZ_1G)

static struct machine *machine_with_odd_region_ends(void)
{
	static const struct host_region mem[] = {
		{ SHORT_2M_BASE, SHORT_2M_END - SHORT_2M_BASE },
		{ SHORT_1G_BASE, SHORT_1G_END - SHORT_1G_BASE },
		{ EXACT_2M_BASE, EXACT_2M_END - EXACT_2M_BASE },
		{ EXACT_1G_BASE, EXACT_1G_END - EXACT_1G_BASE },
		{ TOUCH_BASE, TOUCH_MID - TOUCH_BASE },
		{ TOUCH_MID, TOUCH_END - TOUCH_MID },
		{ CARVE_BASE, 32 * SZ_2M },
	};
	struct pkvm_desc d = machine_desc(40, 7, mem, CARVE_BASE, 1024, 256, 256);

	return machine_new(&d);
}

/*
 * The host touches @addr: one default leaf of @level now maps it, the
 * identity of its aligned block, with the default of the block's first page
 * (memory or MMIO, which the whole block must share).
 */
static void assert_abort_maps(struct machine *m, u64 addr, u32 level)
{
	u64 base = addr & ~(pgt_level_span(level) - 1);
	u32 got;
	pte_t e;

	assert_int_equal(pkvm_host_mem_abort(&m->pkvm, addr), 0);
	e = tbl_leaf(&m->pkvm.host_s2, addr, &got);
	if (got != level)
		print_error("abort at %#llx mapped a level-%u leaf, want level %u\n",
			    (unsigned long long)addr, got, level);
	assert_int_equal(got, level);
	assert_true(pte_valid(e));
	assert_int_equal(pte_out(e), base);
	assert_int_equal(pte_attrs(e), host_default_attrs(&m->pkvm.desc.layout, base));
	machine_check(m);
}

static void abort_block_stops_before_a_region_end_one_page_short_of_2m(void **state)
{
	struct machine *m = machine_with_odd_region_ends();

	/* The first two 2 MiB of the region fit, the third misses its last page. */
	assert_abort_maps(m, SHORT_2M_BASE + SZ_2M + 9 * SZ_4K, 2);
	assert_abort_maps(m, SHORT_2M_BASE + 2 * SZ_2M, 3);
	assert_abort_maps(m, SHORT_2M_END - SZ_4K, 3);
	/* The page past the end is MMIO, still unmapped, and maps execute-never. */
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, SHORT_2M_END, NULL), 0);
	assert_abort_maps(m, SHORT_2M_END, 3);
	assert_int_equal(tbl_leaf(&m->pkvm.host_s2, SHORT_2M_END, NULL) & PTE_S2_XN_MASK,
			 PTE_S2_XN);
	machine_free(m);
}

static void abort_block_stops_before_a_region_end_one_page_short_of_1g(void **state)
{
	struct machine *m = machine_with_odd_region_ends();

	/* The region's gigabyte misses its last page: 2 MiB blocks, then pages. */
	assert_abort_maps(m, SHORT_1G_BASE, 2);
	assert_abort_maps(m, SHORT_1G_BASE + 300 * SZ_2M + 5 * SZ_4K, 2);
	assert_abort_maps(m, SHORT_1G_END - SZ_2M + SZ_4K, 3);
	assert_abort_maps(m, SHORT_1G_END - SZ_4K, 3);
	assert_abort_maps(m, SHORT_1G_END, 3);
	machine_free(m);
}

static void abort_block_may_end_exactly_at_a_region_end(void **state)
{
	struct machine *m = machine_with_odd_region_ends();

	/* The last 2 MiB of a region ending on a 2 MiB boundary is a block... */
	assert_abort_maps(m, EXACT_2M_END - SZ_4K, 2);
	/* ...and so is the MMIO 2 MiB right after it (the gap is 1 GiB - 6 MiB). */
	assert_abort_maps(m, EXACT_2M_END, 2);
	/* A region that is exactly one aligned gigabyte: one 1 GiB block. */
	assert_abort_maps(m, EXACT_1G_BASE + 7 * SZ_4K, 1);
	/* The MMIO gigabyte that starts where it ends. */
	assert_abort_maps(m, EXACT_1G_END, 1);
	machine_free(m);
}

static void abort_block_never_spans_two_touching_regions(void **state)
{
	struct machine *m = machine_with_odd_region_ends();

	/* [TOUCH_BASE, TOUCH_BASE + 2M) is all memory but two regions: pages. */
	assert_abort_maps(m, TOUCH_BASE, 3);
	assert_abort_maps(m, TOUCH_MID - SZ_4K, 3);
	assert_abort_maps(m, TOUCH_MID, 3);
	/* The second 2 MiB lies in the second region alone. */
	assert_abort_maps(m, TOUCH_END - SZ_4K, 2);
	machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(abort_block_stops_before_a_region_end_one_page_short_of_2m),
		cmocka_unit_test(abort_block_stops_before_a_region_end_one_page_short_of_1g),
		cmocka_unit_test(abort_block_may_end_exactly_at_a_region_end),
		cmocka_unit_test(abort_block_never_spans_two_touching_regions),
	};

	return cmocka_run_group_tests_name("host_abort_blocks", tests, NULL, NULL);
}
