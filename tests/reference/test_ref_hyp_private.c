// SPDX-License-Identifier: MIT
/*
 * The hypervisor's private hyp stage-1 ranges (S32) in the reference: which
 * descriptions init refuses, the records they add to the hyp stage-1 stream
 * (worked out by hand from SPEC §2, §4.1 and S8), -ENOMEM from the hyp pool,
 * and transitions next to them that leave them alone.
 * Machine A: memory [1 GiB, 3 GiB), carve-out [1 GiB, 1 GiB + 2 MiB),
 * hyp VA = PA + 64 GiB, 16-page pools.
 */
#include "ref_test.h"

#define S1_RX	  0x7c1ull /* valid, AP RO, SH, AF, executable */
#define S1_DEVICE 0x4ull   /* AttrIndx 1 */
#define UART	  0x09000000ull
#define HYPVA(pa) ((uint64_t)(pa) + 64 * GiB)

static struct ref_hyp_private range(uint64_t va, uint64_t pa, uint64_t nr, unsigned int prot,
				    unsigned int memtype)
{
	struct ref_hyp_private p = {
		.va = va, .pa = pa, .nr = nr, .prot = prot, .memtype = memtype
	};

	return p;
}

/* Machine A with hyp text over the carve-out, two data pages and a UART. */
static struct ref_desc machine_private(void)
{
	struct ref_desc d = machine_a();

	d.nr_hyp_private = 3;
	d.hyp_private[0] = range(1 * GiB, 1 * GiB, 512, REF_PROT_R | REF_PROT_X, REF_MT_NORMAL);
	d.hyp_private[1] = range(1 * GiB + 2 * MiB, 1 * GiB + 2 * MiB, 2, REF_PROT_R | REF_PROT_W,
				 REF_MT_NORMAL);
	d.hyp_private[2] = range(UART, UART, 1, REF_PROT_R | REF_PROT_W, REF_MT_DEVICE);
	return d;
}

/* machine_private() with range i replaced is refused. */
static void assert_refused(unsigned int i, struct ref_hyp_private p)
{
	struct ref_desc d = machine_private();

	d.hyp_private[i] = p;
	assert_int_equal(init_with(&d), -REF_EINVAL);
}

static void init_rejects_bad_private_ranges(void **state)
{
	const unsigned int R = REF_PROT_R, W = REF_PROT_W, X = REF_PROT_X;
	const unsigned int N = REF_MT_NORMAL, D = REF_MT_DEVICE;
	const uint64_t top = 1ull << 48, lin = HYPVA(1 * GiB), lin_end = HYPVA(3 * GiB);
	struct ref_desc d = machine_private();

	assert_int_equal(init_with(&d), 0);
	assert_refused(0, range(1 * GiB + 0x800, 1 * GiB, 1, R, N));
	assert_refused(0, range(1 * GiB, 1 * GiB + 0x800, 1, R, N));
	assert_refused(0, range(1 * GiB, 1 * GiB, 0, R, N));
	assert_refused(0, range(top - 4 * KiB, 1 * GiB, 2, R, N));
	assert_refused(0, range(top, 1 * GiB, 1, R, N));
	assert_refused(0, range(1 * GiB, top - 4 * KiB, 2, R, N));
	assert_refused(0, range(1 * GiB, 1 * GiB, UINT64_MAX, R, N));
	assert_refused(0, range(UINT64_MAX & ~0xfffull, 1 * GiB, 2, R, N));
	/* W^X; stage 1 cannot drop read; nothing beyond RWX. */
	assert_refused(0, range(1 * GiB, 1 * GiB, 1, R | W | X, N));
	assert_refused(0, range(1 * GiB, 1 * GiB, 1, W | X, N));
	assert_refused(0, range(1 * GiB, 1 * GiB, 1, W, N));
	assert_refused(0, range(1 * GiB, 1 * GiB, 1, X, N));
	assert_refused(0, range(1 * GiB, 1 * GiB, 1, 0, N));
	assert_refused(0, range(1 * GiB, 1 * GiB, 1, R | 8, N));
	assert_refused(2, range(UART, UART, 1, R | X, D));
	assert_refused(2, range(UART, UART, 1, R, 2));
	/* VA overlaps: another private range, the linear map of memory. */
	assert_refused(2, range(1 * GiB + 2 * MiB - 4 * KiB, UART, 1, R, D));
	assert_refused(2, range(1 * GiB + 2 * MiB + 4 * KiB, UART, 4, R, D));
	assert_refused(2, range(lin - 4 * KiB, UART, 2, R, D));
	assert_refused(2, range(lin_end - 4 * KiB, UART, 1, R, D));
	/* Touching is fine, and a PA may be mapped twice. */
	d.hyp_private[2] = range(lin - 4 * KiB, UART, 1, R, D);
	assert_int_equal(init_with(&d), 0);
	d.hyp_private[2] = range(lin_end, 1 * GiB, 1, R, N);
	assert_int_equal(init_with(&d), 0);
	/* At most REF_MAX_HYP_PRIVATE: fill every slot with its own device page. */
	for (unsigned int i = 3; i < REF_MAX_HYP_PRIVATE; i++)
		d.hyp_private[i] = range(UART + (i - 2) * 4 * KiB, UART + (i - 2) * 4 * KiB, 1, R, D);
	d.nr_hyp_private = REF_MAX_HYP_PRIVATE + 1;
	assert_int_equal(init_with(&d), -REF_EINVAL);
	d.nr_hyp_private = REF_MAX_HYP_PRIVATE;
	assert_int_equal(init_with(&d), 0);
	/* -EINVAL comes before -ENOMEM. */
	d.hyp_pool_pages = 0;
	d.hyp_private[3].prot = W;
	assert_int_equal(init_with(&d), -REF_EINVAL);
}

/*
 * Hyp stage-1 after init: the linear carve-out block, then the identity
 * ranges with the leaves §4.1 picks and the attributes S8 gives them.
 */
static void private_ranges_are_in_the_hyp_stream(void **state)
{
	struct ref_desc d = machine_private();
	struct ref_fixture *f;
	unsigned int level;
	uint64_t desc;

	fixture_setup_desc((void **)&f, &d, 1 << 20);
	assert_stream_is(&f->ref, REF_KIND_HYP_S1, 0, 11,
			 R(0, 0, TABLE),
			 R(1, 0, TABLE),
			 R(2, UART, TABLE),
			 R(3, UART, UART | S1_PAGE_HYP | S1_DEVICE | S2_PAGE),
			 R(1, 0x40000000, TABLE),
			 R(2, 0x40000000, 0x40000000 | S1_RX),
			 R(2, 0x40200000, TABLE),
			 R(3, 0x40200000, 0x40200000 | S1_PAGE_HYP | S2_PAGE),
			 R(3, 0x40201000, 0x40201000 | S1_PAGE_HYP | S2_PAGE),
			 R(1, HYPVA(0x40000000), TABLE),
			 R(2, HYPVA(0x40000000), 0x40000000 | S1_PAGE_HYP));
	assert_int_equal(ref_table_pages(&f->ref, REF_KIND_HYP_S1, 0), 7);
	assert_int_equal(ref_pool_free(&f->ref, REF_POOL_HYP), 16 - 7);
	assert_int_equal(ref_get_leaf(&f->ref, REF_KIND_HYP_S1, 0, 0x40123000, &level, &desc), 0);
	assert_int_equal(level, 2);
	assert_int_equal(desc, 0x40000000 | S1_RX);
	/* Host stage-2 and the page records know nothing of them. */
	assert_stream_is(&f->ref, REF_KIND_HOST_S2, 0, 2,
			 MACHINE_A_CARVEOUT);
	fixture_teardown((void **)&f);
}

static void init_enomem_when_hyp_pool_cannot_hold_private_tables(void **state)
{
	struct ref_desc d = machine_a();

	d.hyp_pool_pages = 3; /* root, L1, L2: the carve-out alone */
	assert_int_equal(init_with(&d), 0);
	d.nr_hyp_private = 1; /* [1 GiB, +2 MiB) needs an L2 table of its own */
	d.hyp_private[0] = range(1 * GiB, 1 * GiB, 512, REF_PROT_R | REF_PROT_X, REF_MT_NORMAL);
	assert_int_equal(init_with(&d), -REF_ENOMEM);
	d.hyp_pool_pages = 4;
	assert_int_equal(init_with(&d), 0);
	d = machine_private();
	d.hyp_pool_pages = 6;
	assert_int_equal(init_with(&d), -REF_ENOMEM);
	d.hyp_pool_pages = 7;
	assert_int_equal(init_with(&d), 0);
}

/*
 * The hyp stage-1 stream of the machine below: the linear map of memory ends
 * at @end, where a private range starts; @last, if not 0, is the hypervisor's
 * now and mapped on the page before it.
 */
static void assert_linear_map_next_to_private(const struct ref *r, uint64_t end, uint64_t last)
{
	struct recs want = { 0 };

	recs_add(&want, 0, 0, TABLE);
	recs_add(&want, 1, HYPVA(0x40000000), TABLE);
	recs_add(&want, 2, HYPVA(0x40000000), 0x40000000 | S1_PAGE_HYP);
	recs_add(&want, 1, HYPVA(0x80000000), TABLE);
	recs_add(&want, 2, end - 2 * MiB + 4 * KiB, TABLE);
	if (last)
		recs_add(&want, 3, end - 4 * KiB, (last << 12) | S1_PAGE_HYP | S2_PAGE);
	recs_add(&want, 3, end, 0x7fff000 | S1_RX | S2_PAGE);
	recs_add(&want, 1, end + 4 * KiB, TABLE);
	recs_add(&want, 2, end + 4 * KiB, 0x8000000 | S1_RX);
	assert_stream(r, REF_KIND_HYP_S1, 0, &want);
	recs_free(&want);
}

/*
 * Memory [1 GiB, 3 GiB - 4 KiB): the linear map ends one page short of
 * 2 MiB and a private range starts right there, sharing a level-3 table
 * with it. Donating the last memory pages to the hypervisor and back
 * changes only the linear map's records.
 */
static void transitions_next_to_private_ranges_leave_them_alone(void **state)
{
	struct ref_desc d = machine_a();
	const uint64_t end = HYPVA(3 * GiB - 4 * KiB), last = PFN(3 * GiB - 8 * KiB);
	struct ref_fixture *f;
	struct ref *r;

	d.mem[0].size = 2 * GiB - 4 * KiB;
	d.nr_hyp_private = 1;
	d.hyp_private[0] = range(end, 0x8000000 - 4 * KiB, 513, REF_PROT_R | REF_PROT_X,
				 REF_MT_NORMAL);
	fixture_setup_desc((void **)&f, &d, 1 << 20);
	r = &f->ref;
	assert_linear_map_next_to_private(r, end, 0);
	assert_int_equal(ref_host_donate_hyp(r, last, 1), 0);
	assert_linear_map_next_to_private(r, end, last);
	assert_int_equal(ref_pool_free(r, REF_POOL_HYP), 16 - 6);
	assert_int_equal(ref_hyp_donate_host(r, last, 1), 0);
	assert_linear_map_next_to_private(r, end, 0);
	assert_int_equal(ref_pool_free(r, REF_POOL_HYP), 16 - 6);
	fixture_teardown((void **)&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_rejects_bad_private_ranges),
		cmocka_unit_test(private_ranges_are_in_the_hyp_stream),
		cmocka_unit_test(init_enomem_when_hyp_pool_cannot_hold_private_tables),
		cmocka_unit_test(transitions_next_to_private_ranges_leave_them_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
