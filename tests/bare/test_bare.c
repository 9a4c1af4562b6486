// SPDX-License-Identifier: MIT
/*
 * The release platform (bare/bare.h): its pools, counts and translation,
 * and the core running on it as on sim/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bare/bare.h"
#include "core/pgtable.h"

#define BASE 0x800000000ULL

/* Pages come from the arena in order; a physical address is the base plus the offset. */
static void pools_take_arena_pages_and_translate_by_arithmetic(void **state)
{
	struct bare b;
	struct pgt_pool p1, p2;
	void *a, *c;

	(void)state;
	assert_int_equal(bare_init(&b, 8, BASE), 0);
	assert_int_equal(bare_pool_init(&b, &p1, 3), 0);
	assert_int_equal(bare_pool_init(&b, &p2, 5), 0);
	assert_int_equal(bare_pool_init(&b, &p2, 1), -CORE_ENOMEM);
	a = bare_page_alloc(&p1);
	assert_int_equal(bare_pa(&b, a), BASE);
	assert_ptr_equal(bare_va(&b, BASE + 2 * PGT_PAGE_SIZE), b.arena + 2 * PGT_PAGE_SIZE);
	c = bare_page_alloc(&p2);
	assert_int_equal(bare_pa(&b, c), BASE + 3 * PGT_PAGE_SIZE);
	assert_int_equal(p1.nr_free, 2);
	assert_int_equal(p2.nr_free, 4);
	bare_fini(&b);
}

/* A page comes zeroed with count 1; get and put move it; free returns it to its pool. */
static void pages_are_zeroed_counted_and_recycled(void **state)
{
	struct bare b;
	struct pgt_pool p;
	u64 *page;

	(void)state;
	assert_int_equal(bare_init(&b, 2, BASE), 0);
	assert_int_equal(bare_pool_init(&b, &p, 2), 0);
	page = bare_page_alloc(&p);
	page[7] = 42;
	assert_int_equal(bare_page_count(&b, page), 1);
	bare_page_get(&b, page);
	assert_int_equal(bare_page_count(&b, page), 2);
	bare_page_put(&b, page);
	bare_page_free(&p, page);
	assert_int_equal(bare_page_count(&b, page), 0);
	assert_int_equal(p.nr_free, 2);
	assert_ptr_equal(bare_page_alloc(&p), page);
	assert_int_equal(page[7], 0);
	assert_non_null(bare_page_alloc(&p));
	assert_null(bare_page_alloc(&p));
	bare_fini(&b);
}

/* pool_remove takes a free page out, and refuses one in use. */
static void pool_remove_takes_only_free_pages(void **state)
{
	struct bare b;
	struct pgt_pool p;
	const struct pgt_mm *mm;
	void *used;

	(void)state;
	assert_int_equal(bare_init(&b, 3, BASE), 0);
	assert_int_equal(bare_pool_init(&b, &p, 3), 0);
	mm = bare_mm(&b);
	used = bare_page_alloc(&p);
	assert_int_equal(mm->ops->pool_remove(mm->ctx, &p, pa_init(bare_pa(&b, used))),
			 -CORE_EBUSY);
	assert_int_equal(mm->ops->pool_remove(mm->ctx, &p, pa_init(BASE + 2 * PGT_PAGE_SIZE)),
			 0);
	assert_int_equal(p.nr_free, 1);
	assert_int_equal(p.nr_pages, 2);
	bare_fini(&b);
}

/* The core on it: a block, a page inside it, and every table back in the pool after. */
static void core_maps_and_unmaps_on_the_release_platform(void **state)
{
	struct bare b;
	struct pgt_pool p;
	struct pgt t;
	pte_t e = 0;
	u32 level = 0;

	(void)state;
	assert_int_equal(bare_init(&b, 16, BASE), 0);
	assert_int_equal(bare_pool_init(&b, &p, 16), 0);
	assert_int_equal(pgt_init(&t, PGT_GUEST_S2, 48, 1, bare_mm(&b), &p, NULL), 0);
	assert_int_equal(p.nr_free, 15);
	assert_int_equal(pgt_s2_map(&t, ipa_init(0x40000000), 512, pa_init(0x80000000),
				    PGT_PROT_RW, PGT_MEM_NORMAL),
			 0);
	assert_int_equal(pgt_get_leaf(&t, 0x40001000, &e, &level), 0);
	assert_int_equal(level, 2);
	assert_int_equal(pgt_s2_unmap(&t, ipa_init(0x40001000), 1), 0);
	assert_int_equal(pgt_get_leaf(&t, 0x40002000, &e, &level), 0);
	assert_int_equal(level, 3);
	assert_true(b.tlbi_leaf + b.tlbi_range + b.tlbi_all > 0);
	assert_int_equal(pgt_s2_unmap(&t, ipa_init(0x40000000), 512), 0);
	assert_int_equal(p.nr_free, 15);
	pgt_destroy(&t);
	assert_int_equal(p.nr_free, 16);
	bare_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pools_take_arena_pages_and_translate_by_arithmetic),
		cmocka_unit_test(pages_are_zeroed_counted_and_recycled),
		cmocka_unit_test(pool_remove_takes_only_free_pages),
		cmocka_unit_test(core_maps_and_unmaps_on_the_release_platform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
