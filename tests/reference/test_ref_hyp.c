// SPDX-License-Identifier: MIT
/*
 * Host <-> hyp transitions (§5): share, unshare, pin, donate both ways, with
 * the split (§4.2, S17) and coalescing (§4.4, S16) rules they exercise.
 * Machine A: memory [1 GiB, 3 GiB), carve-out [1 GiB, 1 GiB + 2 MiB),
 * hyp VA = PA + 64 GiB.
 */
#include "ref_test.h"

#define HYPVA(pa)     ((uint64_t)(pa) + 64 * GiB)
#define HYP_BLOCK(pa) ((uint64_t)(pa) | S1_PAGE_HYP)
#define HYP_PAGE(pa)  ((uint64_t)(pa) | S1_PAGE_HYP | S2_PAGE)

static void assert_host_initial(const struct ref *r)
{
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 2,
			 MACHINE_A_CARVEOUT);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 14);
}

static void assert_hyp_initial(const struct ref *r)
{
	assert_stream_is(r, REF_KIND_HYP_S1, 0, 3,
			 MACHINE_A_HYP_CARVEOUT);
	assert_int_equal(ref_pool_free(r, REF_POOL_HYP), 13);
}

static void share_hyp_splits_default_block_rest_zero(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct ref_page_state ps;

	assert_int_equal(ref_host_mem_abort(r, 0x80000000), 0);
	assert_int_equal(ref_host_share_hyp(r, PFN(0x80005000)), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 5,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80005000, 0x80005000 | S2_HOST_MEM | S2_PAGE | SW_SHARED_OWNED));
	assert_stream_is(r, REF_KIND_HYP_S1, 0, 6,
			 MACHINE_A_HYP_CARVEOUT,
			 TABLES_ABOVE_L3(HYPVA(0x80000000)),
			 R(3, HYPVA(0x80005000), HYP_PAGE(0x80005000) | SW_BORROWED));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 12);
	assert_int_equal(ref_pool_free(r, REF_POOL_HYP), 11);
	assert_int_equal(ref_table_pages(r, REF_KIND_HOST_S2, 0), 4);
	assert_int_equal(ref_table_pages(r, REF_KIND_HYP_S1, 0), 5);
	ref_page(r, PFN(0x80005000), &ps);
	assert_int_equal(ps.owner, REF_OWNER_HOST);
	assert_int_equal(ps.host, REF_SHARED_OWNED);
	assert_int_equal(ps.hyp, REF_SHARED_BORROWED);
	assert_int_equal(ps.pin, 0);
	/* the rest of the old block is unmapped and refaults */
	assert_int_equal(ref_host_mem_abort(r, 0x80006000), 0);
	assert_int_equal(ref_host_mem_abort(r, 0x80400000), 0);
	assert_int_equal(ref_host_mem_abort(r, 0x90000000), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 8,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80005000, 0x80005000 | S2_HOST_MEM | S2_PAGE | SW_SHARED_OWNED),
			 R(3, 0x80006000, 0x80006000 | S2_HOST_MEM | S2_PAGE),
			 R(2, 0x80400000, 0x80400000 | S2_HOST_MEM),
			 R(2, 0x90000000, 0x90000000 | S2_HOST_MEM));
}

static void share_hyp_rejects_non_host_pages(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_share_hyp(r, PFN(0x40000000)), -REF_EPERM);
	assert_int_equal(ref_host_share_hyp(r, PFN(0xc0000000)), -REF_EPERM);
	assert_int_equal(ref_host_share_hyp(r, PFN(0x80000000)), 0);
	assert_int_equal(ref_host_share_hyp(r, PFN(0x80000000)), -REF_EPERM);
	assert_int_equal(ref_host_share_hyp(r, 1ull << 20), -REF_EINVAL);
}

/* Unsharing coalesces the tables left with default leaves only (§4.4). */
static void unshare_hyp_returns_default_and_coalesces(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct ref_page_state ps;

	assert_int_equal(ref_host_mem_abort(r, 0x80000000), 0);
	assert_int_equal(ref_host_share_hyp(r, PFN(0x80005000)), 0);
	assert_int_equal(ref_host_mem_abort(r, 0x80006000), 0);
	assert_int_equal(ref_host_mem_abort(r, 0x80400000), 0);
	assert_int_equal(ref_host_unshare_hyp(r, PFN(0x80005000)), 0);
	assert_host_initial(r);
	assert_hyp_initial(r);
	ref_page(r, PFN(0x80005000), &ps);
	assert_int_equal(ps.host, REF_OWNED);
	assert_int_equal(ps.hyp, REF_NOPAGE);
	assert_int_equal(ref_host_mem_abort(r, 0x80005000), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 3,
			 MACHINE_A_CARVEOUT,
			 R(1, 0x80000000, 0x80000000 | S2_HOST_MEM));
}

/* A table still holding a counted entry stays; the page stays mapped (S16). */
static void unshare_hyp_keeps_table_with_annotation(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_share_hyp(r, PFN(0x80005000)), 0);
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x80007000), 1), 0);
	assert_int_equal(ref_host_unshare_hyp(r, PFN(0x80005000)), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 6,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80005000, 0x80005000 | S2_HOST_MEM | S2_PAGE),
			 R(3, 0x80007000, ANNOT_HYP));
	assert_stream_is(r, REF_KIND_HYP_S1, 0, 6,
			 MACHINE_A_HYP_CARVEOUT,
			 TABLES_ABOVE_L3(HYPVA(0x80000000)),
			 R(3, HYPVA(0x80007000), HYP_PAGE(0x80007000)));
	/* giving the last page back clears everything */
	assert_int_equal(ref_hyp_donate_host(r, PFN(0x80007000), 1), 0);
	assert_host_initial(r);
	assert_hyp_initial(r);
}

static void pinned_page_cannot_be_unshared(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct ref_page_state ps;
	uint64_t pfn = PFN(0x80005000);

	assert_int_equal(ref_hyp_pin(r, pfn), -REF_EPERM);
	assert_int_equal(ref_hyp_unpin(r, pfn), -REF_EPERM);
	assert_int_equal(ref_host_unshare_hyp(r, pfn), -REF_EPERM);
	assert_int_equal(ref_host_share_hyp(r, pfn), 0);
	assert_int_equal(ref_hyp_unpin(r, pfn), -REF_EPERM);
	assert_int_equal(ref_hyp_pin(r, pfn), 0);
	assert_int_equal(ref_hyp_pin(r, pfn), 0);
	ref_page(r, pfn, &ps);
	assert_int_equal(ps.pin, 2);
	assert_int_equal(ref_host_unshare_hyp(r, pfn), -REF_EBUSY);
	assert_int_equal(ref_hyp_unpin(r, pfn), 0);
	assert_int_equal(ref_host_unshare_hyp(r, pfn), -REF_EBUSY);
	assert_int_equal(ref_hyp_unpin(r, pfn), 0);
	assert_int_equal(ref_host_unshare_hyp(r, pfn), 0);
	assert_host_initial(r);
	assert_int_equal(ref_hyp_pin(r, 1ull << 20), -REF_EINVAL);
	assert_int_equal(ref_hyp_unpin(r, 1ull << 20), -REF_EINVAL);
}

/* The expected streams after a 1 GiB block lost its first page (§4.2). */
static void want_1g_minus_first_page(struct recs *host, struct recs *hyp)
{
	uint64_t a;

	recs_add(host, 1, 0x40000000, TABLE);
	recs_add(host, 2, 0x40000000, ANNOT_HYP);
	recs_add(host, 1, 0x80000000, TABLE);
	recs_add(host, 2, 0x80000000, TABLE);
	for (a = 0x80001000; a < 0x80200000; a += 0x1000)
		recs_add(host, 3, a, ANNOT_HYP);
	for (a = 0x80200000; a < 0xc0000000; a += 0x200000)
		recs_add(host, 2, a, ANNOT_HYP);

	recs_add(hyp, 0, 0, TABLE);
	recs_add(hyp, 1, HYPVA(0x40000000), TABLE);
	recs_add(hyp, 2, HYPVA(0x40000000), HYP_BLOCK(0x40000000));
	recs_add(hyp, 1, HYPVA(0x80000000), TABLE);
	recs_add(hyp, 2, HYPVA(0x80000000), TABLE);
	for (a = 0x80001000; a < 0x80200000; a += 0x1000)
		recs_add(hyp, 3, HYPVA(a), HYP_PAGE(a));
	for (a = 0x80200000; a < 0xc0000000; a += 0x200000)
		recs_add(hyp, 2, HYPVA(a), HYP_BLOCK(a));
}

/*
 * A donated 1 GiB is one block in both tables; giving one page back splits
 * it into 511 2 MiB blocks and a table of 511 pages, in both (§4.2). It needs
 * two new tables in each pool, so short pools fail it with nothing changed.
 */
static void hyp_donate_host_splits_1g_block_keeping_the_rest(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;
	struct recs host = { 0 }, hyp = { 0 };
	uint64_t pfn = PFN(0x80000000);

	assert_int_equal(ref_host_donate_hyp(r, pfn, 1ull << 18), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 3,
			 MACHINE_A_CARVEOUT,
			 R(1, 0x80000000, ANNOT_HYP));
	assert_stream_is(r, REF_KIND_HYP_S1, 0, 4,
			 MACHINE_A_HYP_CARVEOUT,
			 R(1, HYPVA(0x80000000), HYP_BLOCK(0x80000000)));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 14);
	assert_int_equal(ref_pool_free(r, REF_POOL_HYP), 13);

	/* short host pool, then short hyp pool: -ENOMEM, nothing changes */
	ref_pool_hide(r, REF_POOL_HOST, 13);
	assert_int_equal(ref_hyp_donate_host(r, pfn, 1), -REF_ENOMEM);
	ref_pool_unhide(r, REF_POOL_HOST);
	ref_pool_hide(r, REF_POOL_HYP, 12);
	assert_int_equal(ref_hyp_donate_host(r, pfn, 1), -REF_ENOMEM);
	ref_pool_unhide(r, REF_POOL_HYP);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 3,
			 MACHINE_A_CARVEOUT,
			 R(1, 0x80000000, ANNOT_HYP));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 14);
	assert_int_equal(ref_pool_free(r, REF_POOL_HYP), 13);

	assert_int_equal(ref_hyp_donate_host(r, pfn, 1), 0);
	want_1g_minus_first_page(&host, &hyp);
	assert_stream(r, REF_KIND_HOST_S2, 0, &host);
	assert_stream(r, REF_KIND_HYP_S1, 0, &hyp);
	recs_free(&host);
	recs_free(&hyp);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 12);
	assert_int_equal(ref_pool_free(r, REF_POOL_HYP), 11);

	/* the rest goes back too: every table is zapped (§4.4) */
	assert_int_equal(ref_hyp_donate_host(r, pfn + 1, (1ull << 18) - 1), 0);
	assert_host_initial(r);
	assert_hyp_initial(r);
	assert_int_equal(ref_nr_page_runs(r), 2);
}

/* Donating part of a default block: the rest becomes zero (S17). */
static void donate_hyp_inside_default_block_rest_zero(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, 0x80000000), 0);
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x80200000), 512), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 4,
			 MACHINE_A_CARVEOUT,
			 R(1, 0x80000000, TABLE),
			 R(2, 0x80200000, ANNOT_HYP));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 13);
	assert_int_equal(ref_hyp_donate_host(r, PFN(0x80200000), 512), 0);
	assert_host_initial(r);
	assert_hyp_initial(r);
}

/* Coalescing only looks at tables meeting the operation's pages (§4.4). */
static void coalescing_is_limited_to_the_operation_range(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_host_mem_abort(r, 0x80000000), 0);
	assert_int_equal(ref_host_share_hyp(r, PFN(0x80005000)), 0);
	assert_int_equal(ref_host_mem_abort(r, 0x80006000), 0);
	assert_int_equal(ref_host_mem_abort(r, 0x80400000), 0);
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x80800000), 1), 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 11);
	assert_int_equal(ref_hyp_donate_host(r, PFN(0x80800000), 1), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 7,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80005000, 0x80005000 | S2_HOST_MEM | S2_PAGE | SW_SHARED_OWNED),
			 R(3, 0x80006000, 0x80006000 | S2_HOST_MEM | S2_PAGE),
			 R(2, 0x80400000, 0x80400000 | S2_HOST_MEM));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 12);
	assert_int_equal(ref_host_unshare_hyp(r, PFN(0x80005000)), 0);
	assert_host_initial(r);
}

static void donate_hyp_rejects_partly_owned_ranges(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	/* the carve-out's last page is HYP */
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x401ff000), 2), -REF_EPERM);
	/* running off memory into MMIO */
	assert_int_equal(ref_host_donate_hyp(r, PFN(0xbffff000), 2), -REF_EPERM);
	assert_int_equal(ref_host_share_hyp(r, PFN(0x80001000)), 0);
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x80000000), 4), -REF_EPERM);
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x80000000), 0), -REF_EINVAL);
	assert_int_equal(ref_host_donate_hyp(r, UINT64_MAX, 2), -REF_EINVAL);
	assert_int_equal(ref_host_donate_hyp(r, (1ull << 20) - 1, 2), -REF_EINVAL);
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x80002000), 2), 0);
}

static void hyp_donate_host_rejects_carveout_and_host_pages(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	assert_int_equal(ref_hyp_donate_host(r, PFN(0x40000000), 1), -REF_EPERM);
	assert_int_equal(ref_host_donate_hyp(r, PFN(0x40200000), 2), 0);
	/* one page of the carve-out in the range */
	assert_int_equal(ref_hyp_donate_host(r, PFN(0x401ff000), 3), -REF_EPERM);
	/* one host page in the range */
	assert_int_equal(ref_hyp_donate_host(r, PFN(0x40200000), 3), -REF_EPERM);
	assert_int_equal(ref_hyp_donate_host(r, PFN(0x40200000), 0), -REF_EINVAL);
	assert_int_equal(ref_hyp_donate_host(r, PFN(0x40200000), 2), 0);
	assert_host_initial(r);
	assert_hyp_initial(r);
}

/* Machine A with memory cut to [1 GiB, 1 GiB + 4 MiB) + [2 GiB + 1 MiB, +4 MiB). */
static int setup_ragged(void **state)
{
	return fixture_setup_ragged(state, 4 * MiB);
}

/*
 * A level-2 table is zapped only if it holds no table any more: a level-3
 * table of default pages outside the operation's range stays, and so does
 * its parent (§4.4 "whose span meets the operation's range").
 */
static void coalescing_keeps_parent_of_untouched_default_table(void **state)
{
	struct ref *r = &((struct ref_fixture *)*state)->ref;

	/* R1's first 1 MiB shares a 2 MiB block with the gap: pages */
	assert_int_equal(ref_host_mem_abort(r, 0x80100000), 0);
	assert_int_equal(ref_host_share_hyp(r, PFN(0x80200000)), 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 11);
	assert_int_equal(ref_host_unshare_hyp(r, PFN(0x80200000)), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 5,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80100000, 0x80100000 | S2_HOST_MEM | S2_PAGE));
	assert_int_equal(ref_pool_free(r, REF_POOL_HOST), 12);
	/* the 2 MiB inside R1 is a block again on the next touch */
	assert_int_equal(ref_host_mem_abort(r, 0x80201000), 0);
	assert_stream_is(r, REF_KIND_HOST_S2, 0, 6,
			 MACHINE_A_CARVEOUT,
			 TABLES_ABOVE_L3(0x80000000),
			 R(3, 0x80100000, 0x80100000 | S2_HOST_MEM | S2_PAGE),
			 R(2, 0x80200000, 0x80200000 | S2_HOST_MEM));
	/* touching the default table's own 2 MiB range zaps both */
	assert_int_equal(ref_host_share_hyp(r, PFN(0x80101000)), 0);
	assert_int_equal(ref_host_unshare_hyp(r, PFN(0x80101000)), 0);
	assert_host_initial(r);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup_a, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(share_hyp_splits_default_block_rest_zero),
		T(share_hyp_rejects_non_host_pages),
		T(unshare_hyp_returns_default_and_coalesces),
		T(unshare_hyp_keeps_table_with_annotation),
		T(pinned_page_cannot_be_unshared),
		T(hyp_donate_host_splits_1g_block_keeping_the_rest),
		T(donate_hyp_inside_default_block_rest_zero),
		T(coalescing_is_limited_to_the_operation_range),
		T(donate_hyp_rejects_partly_owned_ranges),
		T(hyp_donate_host_rejects_carveout_and_host_pages),
		cmocka_unit_test_setup_teardown(coalescing_keeps_parent_of_untouched_default_table,
						setup_ragged, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
