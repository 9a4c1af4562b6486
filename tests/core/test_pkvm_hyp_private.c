// SPDX-License-Identifier: MIT
/*
 * The hypervisor's private hyp stage-1 ranges (docs/semantics.md S32): how
 * pkvm_init maps them, every description it refuses, -ENOMEM from the hyp
 * pool, and that transitions on the pages next to them leave them alone.
 * Expected descriptors are spelled from SPEC §2 and S8, not from the core.
 */
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#define SZ_4K  0x1000ULL
#define SZ_2M  0x200000ULL
#define SZ_1G  0x40000000ULL
#define PFN(a) ((a) >> 12)

/* SPEC §2 hyp stage-1 leaf bits. */
#define S1_DEVICE (1ULL << 2) /* AttrIndx 1 */
#define S1_AP_RW  (1ULL << 6)
#define S1_AP_RO  (3ULL << 6)
#define S1_SH_AF  ((3ULL << 8) | (1ULL << 10))
#define S1_XN	  (1ULL << 54)
#define S1_BLOCK  0x1ULL
#define S1_PAGE	  0x3ULL

/* machine_desc_virt(): memory [1G, 3G), carve-out [0x60000000, +4M), offset 2^44. */
#define CARVE 0x60000000ULL
#define UART  0x09000000ULL

static const struct pkvm_hyp_private text = { CARVE + SZ_2M, CARVE + SZ_2M, 512,
					      PGT_PROT_R | PGT_PROT_X, PGT_MEM_NORMAL };
static const struct pkvm_hyp_private data = { CARVE + 2 * SZ_2M, CARVE + 2 * SZ_2M, 512 + 16,
					      PGT_PROT_RW, PGT_MEM_NORMAL };
static const struct pkvm_hyp_private uart = { UART, UART, 1, PGT_PROT_RW, PGT_MEM_DEVICE };

/* The virt machine with hyp text, data and a UART, as el2 maps them. */
static struct pkvm_desc desc_with_private(void)
{
	struct pkvm_desc d = machine_desc_virt();

	d.nr_hyp_private = 3;
	d.hyp_private[0] = text;
	d.hyp_private[1] = data;
	d.hyp_private[2] = uart;
	return d;
}

static pte_t hyp_leaf(struct machine *m, u64 va, u32 *level)
{
	return tbl_leaf(&m->pkvm.hyp_s1, va, level);
}

static void assert_hyp_leaf(struct machine *m, u64 va, u32 want_level, pte_t want)
{
	u32 level;

	assert_int_equal(hyp_leaf(m, va, &level), want);
	assert_int_equal(level, want_level);
}

static void private_ranges_map_with_largest_leaves_and_their_attributes(void **state)
{
	struct pkvm_desc d = desc_with_private();
	struct machine *m = machine_new(&d);
	u64 rw_tail = CARVE + 3 * SZ_2M;

	/* Hyp text: one 2 MiB block, read-only, executable. */
	assert_hyp_leaf(m, text.va, 2, text.pa | S1_SH_AF | S1_AP_RO | S1_BLOCK);
	/* Hyp data: a block, then 16 pages, read-write, execute-never. */
	assert_hyp_leaf(m, data.va, 2, data.pa | S1_SH_AF | S1_AP_RW | S1_XN | S1_BLOCK);
	assert_hyp_leaf(m, rw_tail, 3, rw_tail | S1_SH_AF | S1_AP_RW | S1_XN | S1_PAGE);
	assert_hyp_leaf(m, rw_tail + 15 * SZ_4K, 3,
			(rw_tail + 15 * SZ_4K) | S1_SH_AF | S1_AP_RW | S1_XN | S1_PAGE);
	assert_hyp_leaf(m, rw_tail + 16 * SZ_4K, 3, 0);
	/* The UART: one device page, never executable. */
	assert_hyp_leaf(m, UART, 3, UART | S1_DEVICE | S1_SH_AF | S1_AP_RW | S1_XN | S1_PAGE);
	assert_hyp_leaf(m, UART + SZ_4K, 3, 0);
	/* Below the text, the identity map has nothing: the carve-out is linear only. */
	assert_hyp_leaf(m, CARVE, 2, 0);
	machine_free(m);
}

static void private_range_output_decides_the_leaf_size(void **state)
{
	struct pkvm_desc d = machine_desc_virt();
	struct machine *m;

	/* VA 2 MiB-aligned, PA only page-aligned: no block can map it (§4.1). */
	d.nr_hyp_private = 1;
	d.hyp_private[0] =
		(struct pkvm_hyp_private){ SZ_2M, CARVE + SZ_4K, 512, PGT_PROT_R, PGT_MEM_NORMAL };
	m = machine_new(&d);
	assert_hyp_leaf(m, SZ_2M, 3, (CARVE + SZ_4K) | S1_SH_AF | S1_AP_RO | S1_XN | S1_PAGE);
	assert_hyp_leaf(m, 2 * SZ_2M - SZ_4K, 3,
			(CARVE + SZ_2M) | S1_SH_AF | S1_AP_RO | S1_XN | S1_PAGE);
	machine_free(m);
}

/* @d with private range @i replaced by @r is refused. */
static void assert_refused(struct pkvm_desc d, u32 i, struct pkvm_hyp_private r)
{
	d.hyp_private[i] = r;
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
}

static void bad_private_range_is_einval(void **state)
{
	struct pkvm_desc d = desc_with_private();
	u64 linear = SZ_1G + d.hyp_va_offset, linear_end = 3 * SZ_1G + d.hyp_va_offset;
	const u32 R = PGT_PROT_R, W = PGT_PROT_W, X = PGT_PROT_X;
	const u32 N = PGT_MEM_NORMAL, DEV = PGT_MEM_DEVICE;
	const u64 top = 1ULL << 48;

	assert_int_equal(pkvm_desc_check(&d), 0);
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va + 0x800, text.pa, 1, R, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa + 0x800, 1, R, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa, 0, R, N });
	/* Past 2^48, and past 2^64 (wrapping). */
	assert_refused(d, 0, (struct pkvm_hyp_private){ top - SZ_4K, text.pa, 2, R, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ top, text.pa, 1, R, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, top - SZ_4K, 2, R, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa, ~0ULL, R, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ ~0ULL & ~(SZ_4K - 1), text.pa, 2, R, N });
	/* Protections: W^X, no write-only, no execute-only, nothing else. */
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa, 1, R | W | X, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa, 1, W | X, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa, 1, W, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa, 1, X, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa, 1, 0, N });
	assert_refused(d, 0, (struct pkvm_hyp_private){ text.va, text.pa, 1, R | 8, N });
	/* Memory types: no executable device, nothing but normal and device. */
	assert_refused(d, 2, (struct pkvm_hyp_private){ UART, UART, 1, R | X, DEV });
	assert_refused(d, 2, (struct pkvm_hyp_private){ UART, UART, 1, R, 2 });
	/* Overlapping another private range in VA, at either end. */
	assert_refused(d, 2, (struct pkvm_hyp_private){ data.va - SZ_4K, UART, 2, R, DEV });
	assert_refused(d, 2, (struct pkvm_hyp_private){ text.va + 511 * SZ_4K, UART, 1, R, DEV });
	/* Overlapping the linear map of memory, at either end. */
	assert_refused(d, 2, (struct pkvm_hyp_private){ linear - SZ_4K, UART, 2, R, DEV });
	assert_refused(d, 2, (struct pkvm_hyp_private){ linear_end - SZ_4K, UART, 1, R, DEV });
	/* Touching is fine, and so is sharing a PA. */
	d.hyp_private[2] = (struct pkvm_hyp_private){ linear - SZ_4K, UART, 1, R, DEV };
	assert_int_equal(pkvm_desc_check(&d), 0);
	d.hyp_private[2] = (struct pkvm_hyp_private){ linear_end, text.pa, 1, R, N };
	assert_int_equal(pkvm_desc_check(&d), 0);
	/* At most PKVM_MAX_HYP_PRIVATE: fill every slot with its own device page. */
	for (u32 i = 3; i < PKVM_MAX_HYP_PRIVATE; i++)
		d.hyp_private[i] = (struct pkvm_hyp_private){ UART + (i - 2) * SZ_4K,
							      UART + (i - 2) * SZ_4K, 1, R, DEV };
	d.nr_hyp_private = PKVM_MAX_HYP_PRIVATE + 1;
	assert_int_equal(pkvm_desc_check(&d), -EINVAL);
	d.nr_hyp_private = PKVM_MAX_HYP_PRIVATE;
	assert_int_equal(pkvm_desc_check(&d), 0);
}

static void bad_private_range_fails_init(void **state)
{
	struct pkvm_desc d = desc_with_private();
	struct machine *m = test_malloc(sizeof(*m));

	d.hyp_private[0].prot = PGT_PROT_RWX;
	assert_int_equal(machine_init(m, &d), -EINVAL);
	machine_fini(m);
	test_free(m);
}

static int init_with_hyp_pool(struct pkvm_desc d, u64 hyp_pool)
{
	struct machine *m = test_malloc(sizeof(*m));
	int ret;

	d.hyp_pool_pages = hyp_pool;
	ret = machine_init(m, &d);
	if (!ret)
		machine_check(m);
	machine_fini(m);
	test_free(m);
	return ret;
}

static void hyp_pool_too_small_for_private_ranges_is_enomem(void **state)
{
	struct pkvm_desc d = machine_desc_virt();

	/* Root, L1 and L2 tables for the carve-out's two blocks. */
	assert_int_equal(init_with_hyp_pool(d, 2), -ENOMEM);
	assert_int_equal(init_with_hyp_pool(d, 3), 0);
	/* The text block needs an L1 and an L2 table of its own under VA 0. */
	d.nr_hyp_private = 1;
	d.hyp_private[0] = text;
	assert_int_equal(init_with_hyp_pool(d, 4), -ENOMEM);
	assert_int_equal(init_with_hyp_pool(d, 5), 0);
	/* The UART page adds an L2 and an L3 table (its L1 table is shared). */
	d.nr_hyp_private = 2;
	d.hyp_private[1] = uart;
	assert_int_equal(init_with_hyp_pool(d, 6), -ENOMEM);
	assert_int_equal(init_with_hyp_pool(d, 7), 0);
}

/* Every hyp stage-1 leaf in [lo, hi), as (va, level, entry) triples. */
struct leaf_list {
	u64 lo, hi;
	u64 n;
	u64 v[64][3];
};

static void collect_leaf(void *arg, u64 ia, u32 level, pte_t e)
{
	struct leaf_list *l = arg;

	if (ia < l->lo || ia >= l->hi)
		return;
	assert_true(l->n < 64);
	l->v[l->n][0] = ia;
	l->v[l->n][1] = level;
	l->v[l->n][2] = e;
	l->n++;
}

static struct leaf_list hyp_leaves(struct machine *m, u64 lo, u64 hi)
{
	struct leaf_list l = { .lo = lo, .hi = hi };

	tbl_for_each_leaf(&m->sim, &m->pkvm.hyp_s1, collect_leaf, &l);
	return l;
}

/*
 * Memory [1G, 3G - 4K): the linear map ends one page short of 2 MiB, and a
 * private range starts right there, so its first page shares a level-3
 * table with the linear map of the last memory pages.
 */
static void transitions_next_to_private_ranges_leave_them_alone(void **state)
{
	static const struct host_region mem[] = { { SZ_1G, 2 * SZ_1G - SZ_4K } };
	struct pkvm_desc d = machine_desc(40, 1, mem, CARVE, 1024, 256, 256);
	u64 linear_end = 3 * SZ_1G - SZ_4K + d.hyp_va_offset;
	u64 last_pfn = PFN(3 * SZ_1G - 2 * SZ_4K);
	struct leaf_list before, after;
	struct machine *m;
	u32 level;

	d.nr_hyp_private = 2;
	/* One page, then a block: the PA is chosen so that VA linear_end + 4K meets a 2 MiB PA. */
	d.hyp_private[0] = (struct pkvm_hyp_private){ linear_end, 0x8000000 - SZ_4K, 513,
						      PGT_PROT_R | PGT_PROT_X, PGT_MEM_NORMAL };
	d.hyp_private[1] = uart;
	m = machine_new(&d);
	before = hyp_leaves(m, linear_end, linear_end + 2 * SZ_2M);
	assert_int_equal(before.n, 2);
	assert_int_equal(before.v[0][1], 3);
	assert_int_equal(before.v[1][1], 2);

	assert_int_equal(pkvm_host_donate_hyp(&m->pkvm, last_pfn, 1), 0);
	assert_int_equal(hyp_leaf(m, linear_end - SZ_4K, &level),
			 (last_pfn << 12) | S1_SH_AF | S1_AP_RW | S1_XN | S1_PAGE);
	assert_int_equal(level, 3);
	after = hyp_leaves(m, linear_end, linear_end + 2 * SZ_2M);
	assert_memory_equal(&after, &before, sizeof(before));
	machine_check(m);

	assert_int_equal(pkvm_host_share_hyp(&m->pkvm, last_pfn - 1), 0);
	assert_int_equal(pkvm_hyp_donate_host(&m->pkvm, last_pfn, 1), 0);
	assert_int_equal(pkvm_host_unshare_hyp(&m->pkvm, last_pfn - 1), 0);
	assert_hyp_leaf(m, linear_end - SZ_4K, 3, 0);
	after = hyp_leaves(m, linear_end, linear_end + 2 * SZ_2M);
	assert_memory_equal(&after, &before, sizeof(before));
	assert_hyp_leaf(m, UART, 3, UART | S1_DEVICE | S1_SH_AF | S1_AP_RW | S1_XN | S1_PAGE);
	machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(private_ranges_map_with_largest_leaves_and_their_attributes),
		cmocka_unit_test(private_range_output_decides_the_leaf_size),
		cmocka_unit_test(bad_private_range_is_einval),
		cmocka_unit_test(bad_private_range_fails_init),
		cmocka_unit_test(hyp_pool_too_small_for_private_ranges_is_enomem),
		cmocka_unit_test(transitions_next_to_private_ranges_leave_them_alone),
	};

	return cmocka_run_group_tests_name("pkvm_hyp_private", tests, NULL, NULL);
}
