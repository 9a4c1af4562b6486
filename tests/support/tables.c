// SPDX-License-Identifier: MIT
/* Structural checks on table memory for the unit tests. */
#include "tables.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

static void check_table(struct sim *sim, struct pgt *pgt, paddr_t pa, u32 level, u64 base,
			struct tbl_stats *st, tbl_leaf_fn fn, void *arg)
{
	const pte_t *table = sim_phys_to_virt(sim, pa);
	u64 span = pgt_level_span(level);
	u32 counted = 0;

	st->tables++;
	for (u32 i = 0; i < PGT_ENTRIES; i++) {
		pte_t e = table[i];
		u64 ia = base + i * span;

		if (!e)
			continue;
		if (pgt_entry_counted(pgt, e, ia, level))
			counted++;
		if (pte_is_table(e, level)) {
			assert_int_equal(e & ~PTE_ADDR_MASK, PTE_TYPE_MASK);
			assert_int_equal(sim_page_state(sim, pte_table_pa(e)), SIM_SLOT_TABLE);
			check_table(sim, pgt, pte_table_pa(e), level + 1, ia, st, fn, arg);
			continue;
		}
		if (pte_is_locked(e))
			st->locked++;
		else if (pte_valid(e))
			st->leaves[level]++;
		else
			st->annotations[level]++;
		assert_true(level >= 1 || !pte_valid(e));
		if (fn)
			fn(arg, ia, level, e);
	}
	/* SPEC §3: count == 1 + counted entries. */
	assert_int_equal(sim_page_count(sim, pa), 1 + counted);
}

void tbl_check(struct sim *sim, struct pgt *pgt, struct tbl_stats *stats)
{
	struct tbl_stats local = { 0 };

	check_table(sim, pgt, pgt->root_pa, pgt->start_level, 0, stats ? stats : &local, NULL,
		    NULL);
	assert_int_equal((stats ? stats : &local)->locked, 0);
}

void tbl_for_each_leaf(struct sim *sim, struct pgt *pgt, tbl_leaf_fn fn, void *arg)
{
	struct tbl_stats st = { 0 };

	check_table(sim, pgt, pgt->root_pa, pgt->start_level, 0, &st, fn, arg);
}

pte_t tbl_leaf(struct pgt *pgt, u64 ia, u32 *level)
{
	u32 l;
	pte_t e;

	assert_int_equal(pgt_get_leaf(pgt, ia, &e, &l), 0);
	if (level)
		*level = l;
	return e;
}

struct leaf_list {
	u64 n;
	u64 (*e)[3];
};

static void collect(void *arg, u64 ia, u32 level, pte_t e)
{
	struct leaf_list *l = arg;

	l->e = realloc(l->e, (l->n + 1) * sizeof(*l->e));
	assert_non_null(l->e);
	l->e[l->n][0] = ia;
	l->e[l->n][1] = level;
	l->e[l->n][2] = e;
	l->n++;
}

void tbl_assert_same_leaves(struct sim *sim_a, struct pgt *a, struct sim *sim_b, struct pgt *b)
{
	struct leaf_list la = { 0 }, lb = { 0 };

	tbl_for_each_leaf(sim_a, a, collect, &la);
	tbl_for_each_leaf(sim_b, b, collect, &lb);
	assert_int_equal(la.n, lb.n);
	assert_memory_equal(la.e, lb.e, la.n * sizeof(*la.e));
	free(la.e);
	free(lb.e);
}

void tbl_print_stats(const char *title, const struct tbl_stats *s)
{
	printf("%s: %llu table pages\n", title, (unsigned long long)s->tables);
	printf("  level   valid leaves   annotations\n");
	for (u32 l = 1; l <= 3; l++)
		printf("  L%u     %12llu   %11llu\n", l, (unsigned long long)s->leaves[l],
		       (unsigned long long)s->annotations[l]);
}

static void fixture_init(struct tbl_fixture *f, enum pgt_kind kind, u32 ia_bits, u64 pool_pages,
			 const struct host_layout *layout)
{
	assert_int_equal(sim_init(&f->sim, 1U << 16), 0);
	/* Table pages well away from anything a test maps. */
	assert_int_equal(sim_pool_init(&f->sim, &f->pool, pa_init(0x7f0000000000ULL), pool_pages),
			 0);
	assert_int_equal(pgt_init(&f->pgt, kind, ia_bits, 1, sim_mm(&f->sim), &f->pool, layout), 0);
}

void tbl_fixture_init(struct tbl_fixture *f, enum pgt_kind kind, u32 ia_bits, u64 pool_pages)
{
	fixture_init(f, kind, ia_bits, pool_pages, NULL);
}

void tbl_fixture_fini(struct tbl_fixture *f)
{
	struct sim_observer none = { 0 };

	/* A test's event log may be gone already. */
	sim_set_observer(&f->sim, &none);
	pgt_destroy(&f->pgt);
	assert_int_equal(sim_pool_free(&f->pool), sim_pool_size(&f->pool));
	sim_pool_fini(&f->pool);
	sim_fini(&f->sim);
}

struct tbl_fixture *tbl_fixture_new(enum pgt_kind kind, u32 ia_bits, u64 pool_pages)
{
	struct tbl_fixture *f = test_malloc(sizeof(*f));

	tbl_fixture_init(f, kind, ia_bits, pool_pages);
	return f;
}

struct tbl_fixture *tbl_fixture_new_host(const struct host_layout *layout, u64 pool_pages)
{
	struct tbl_fixture *f = test_malloc(sizeof(*f));

	fixture_init(f, PGT_HOST_S2, layout->ia_bits, pool_pages, layout);
	return f;
}

void tbl_fixture_free(struct tbl_fixture *f)
{
	tbl_fixture_fini(f);
	test_free(f);
}
