// SPDX-License-Identifier: MIT
/*
 * A kernel tree's pgtable.c, built by the adapter, on the simulated machine:
 * its tables are real tables in sim/'s pages, its pages come from and go
 * back to the table's pool, its invalidations and WARNs reach us. Facts
 * about the kernel's behaviour that hold in every tree the adapter knows
 * (docs/kernel-profile.md); what differs between trees is asked of
 * s2k_tree, which the build detected from the tree itself.
 */
#include "s2k/kernel_sim.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define POOL_BASE  0x800000000ULL
#define POOL_PAGES 64U
#define SZ_4K	   0x1000ULL
#define SZ_2M	   0x200000ULL
#define SZ_1G	   0x40000000ULL
#define PROT_RW	   6U /* KVM_PGTABLE_PROT_R | _W */
#define ENTRY_VALID  1ULL
#define OWNER_SHIFT 2 /* an invalid entry's owner id: bits [9:2] */

struct fixture {
	struct sim sim;
	struct pgt_pool pool;
	struct s2k_sim plat;
	struct s2k_table *t;
};

static struct fixture fx;

static struct fixture *table(enum s2k_kind kind, unsigned ia_bits, unsigned start_level)
{
	int rc = 0;

	assert_int_equal(sim_init(&fx.sim, 256), 0);
	assert_int_equal(sim_pool_init(&fx.sim, &fx.pool, pa_init(POOL_BASE), POOL_PAGES), 0);
	s2k_sim_init(&fx.plat, &fx.sim, &fx.pool);
	fx.t = s2k_table_create(kind, ia_bits, start_level, &s2k_sim_platform, &fx.plat, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(fx.t);
	return &fx;
}

/* Destroy the table: every page back in the pool, and no WARN on the way. */
static void done(struct fixture *f)
{
	s2k_table_destroy(f->t);
	assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES);
	assert_string_equal(f->plat.warning, "");
	assert_int_equal(f->plat.warnings, 0);
	assert_int_equal(sim_pool_empty(&f->pool), 0);
	sim_pool_fini(&f->pool);
	sim_fini(&f->sim);
}

static u64 invalidations(const struct fixture *f)
{
	u64 n = 0;

	for (unsigned k = 0; k < S2K_NR_TLBI_KINDS; k++)
		n += f->plat.tlbi[k];
	return n;
}

/*
 * A 2 MiB map into an empty 40-bit stage 2 (start level 0) is one block at
 * level 2, under two new tables; unmapping it frees both (the root stays).
 */
static void stage2_block_is_mapped_at_level_2_and_its_tables_freed_on_unmap(void **state)
{
	struct fixture *f = table(S2K_GUEST_S2, 40, 0);
	u64 pte = 0;
	int level = -1;

	(void)state;
	assert_int_equal(s2k_start_level(f->t), 0);
	assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES - 1);
	assert_int_equal(s2k_map(f->t, SZ_1G, SZ_2M, 4 * SZ_1G, PROT_RW), 0);
	assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES - 3);
	assert_int_equal(s2k_get_leaf(f->t, SZ_1G + SZ_4K, &pte, &level), 0);
	assert_int_equal(level, 2);
	assert_true(pte & ENTRY_VALID);
	assert_int_equal(pte & 0xfffffffff000ULL & ~(SZ_2M - 1), 4 * SZ_1G);
	/* The root holds one table entry: its count is 1 + 1. */
	assert_int_equal(sim_page_count(&f->sim, pa_init(s2k_root_pa(f->t))), 2);
	assert_int_equal(invalidations(f), 0);

	assert_int_equal(s2k_unmap(f->t, SZ_1G, SZ_2M), 0);
	assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES - 1);
	assert_int_equal(sim_page_count(&f->sim, pa_init(s2k_root_pa(f->t))), 1);
	assert_true(invalidations(f) > 0);
	/* Invalid: zero in 6.1 on; 5.10 only clears the valid bit (docs/kernel-tree.md). */
	assert_int_equal(s2k_get_leaf(f->t, SZ_1G, &pte, &level), 0);
	assert_false(pte & ENTRY_VALID);
	done(f);
}

/*
 * An annotation is an invalid leaf holding the owner id, counted like a
 * mapping. set_owner knows owners 0 (the host) and 1 (the hyp) only; the
 * typed annotations that replaced it (7.2) carry any 8-bit id, their type
 * in bits 63:60. 5.10 has neither.
 */
static void set_owner_leaves_an_invalid_entry_with_the_owner(void **state)
{
	struct fixture *f = table(S2K_GUEST_S2, 36, 1);
	u64 pte = 0, type = (u64)s2k_tree.annotation_type << 60;
	int level = -1;

	(void)state;
	assert_int_equal(s2k_start_level(f->t), 1);
	if (!s2k_tree.has_set_owner) {
		assert_int_equal(s2k_set_owner(f->t, SZ_1G, SZ_4K, 1), -EOPNOTSUPP);
		done(f);
		return;
	}
	if (!type)
		assert_int_equal(s2k_set_owner(f->t, SZ_1G + 5 * SZ_4K, SZ_4K, 2), -EINVAL);
	assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES - 1);
	assert_int_equal(s2k_set_owner(f->t, SZ_1G + 5 * SZ_4K, SZ_4K, 1), 0);
	assert_int_equal(s2k_get_leaf(f->t, SZ_1G + 5 * SZ_4K, &pte, &level), 0);
	assert_int_equal(level, 3);
	assert_false(pte & ENTRY_VALID);
	assert_int_equal(pte, 1ULL << OWNER_SHIFT | type);
	/* Owner 0 (the host's): cleared again (typed: annotated), and unmap takes the tables. */
	assert_int_equal(s2k_set_owner(f->t, SZ_1G + 5 * SZ_4K, SZ_4K, 0), 0);
	assert_int_equal(s2k_unmap(f->t, SZ_1G, SZ_2M), 0);
	assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES - 1);
	done(f);
}

/* No free page for a table: -ENOMEM. */
static void map_without_pages_fails_with_enomem(void **state)
{
	struct fixture *f = table(S2K_GUEST_S2, 40, 0);
	u64 pte = 0;
	int level = -1;

	(void)state;
	sim_pool_hide(&f->pool, sim_pool_free(&f->pool));
	assert_int_equal(s2k_map(f->t, SZ_1G, SZ_4K, SZ_1G, PROT_RW), -ENOMEM);
	sim_pool_unhide(&f->pool);
	assert_int_equal(s2k_get_leaf(f->t, SZ_1G, &pte, &level), 0);
	assert_false(pte & ENTRY_VALID);
	done(f);
}

/* Eager split where the tree has it: a block becomes 512 pages; else refused. */
static void split_turns_a_block_into_pages_where_the_tree_has_it(void **state)
{
	struct fixture *f = table(S2K_GUEST_S2, 40, 0);
	u64 pte = 0;
	int level = -1;

	(void)state;
	assert_int_equal(s2k_map(f->t, SZ_1G, SZ_2M, SZ_1G, PROT_RW), 0);
	if (!s2k_tree.has_split) {
		assert_int_equal(s2k_split(f->t, SZ_1G, SZ_2M), -EOPNOTSUPP);
	} else {
		assert_int_equal(s2k_split(f->t, SZ_1G, SZ_2M), 0);
		assert_int_equal(s2k_get_leaf(f->t, SZ_1G + 7 * SZ_4K, &pte, &level), 0);
		assert_int_equal(level, 3);
		assert_int_equal(pte & 0xfffffffff000ULL, SZ_1G + 7 * SZ_4K);
		assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES - 4);
	}
	assert_int_equal(s2k_unmap(f->t, SZ_1G, SZ_2M), 0);
	done(f);
}

/* Young and old: mkold reports the access flag and clears it; mkyoung sets it. */
static void mkold_reports_young_once_and_mkyoung_makes_it_young_again(void **state)
{
	struct fixture *f = table(S2K_GUEST_S2, 40, 0);

	(void)state;
	assert_int_equal(s2k_map(f->t, SZ_1G, SZ_4K, SZ_1G, PROT_RW), 0);
	assert_true(s2k_mkold(f->t, SZ_1G, SZ_4K));
	assert_false(s2k_mkold(f->t, SZ_1G, SZ_4K));
	/* mkyoung sets it again (newer trees: a shared walk, in an RCU section). */
	s2k_mkyoung(f->t, SZ_1G);
	assert_true(s2k_mkold(f->t, SZ_1G, SZ_4K));
	assert_int_equal(s2k_unmap(f->t, SZ_1G, SZ_4K), 0);
	done(f);
}

/*
 * The hyp's stage 1: 48 bits from level 0. Unmap returns the bytes unmapped
 * and stops at the first entry that maps nothing.
 */
static void hyp_page_is_mapped_at_level_3_and_unmapped_by_the_byte(void **state)
{
	struct fixture *f = table(S2K_HYP_S1, 48, 0);
	u64 pte = 0;
	int level = -1;

	(void)state;
	assert_int_equal(s2k_start_level(f->t), 0);
	assert_int_equal(s2k_map(f->t, SZ_1G + SZ_4K, SZ_4K, 8 * SZ_1G, PROT_RW), 0);
	assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES - 4);
	assert_int_equal(s2k_get_leaf(f->t, SZ_1G + SZ_4K, &pte, &level), 0);
	assert_int_equal(level, 3);
	assert_int_equal(pte & 0xfffffffff000ULL, 8 * SZ_1G);
	if (!s2k_tree.has_hyp_unmap) { /* 5.10 */
		assert_int_equal(s2k_unmap(f->t, SZ_1G + SZ_4K, SZ_4K), -EOPNOTSUPP);
		done(f);
		return;
	}
	assert_int_equal(s2k_unmap(f->t, SZ_1G, SZ_2M), 0);
	assert_int_equal(invalidations(f), 0);
	assert_int_equal(s2k_unmap(f->t, SZ_1G + SZ_4K, SZ_4K), (int64_t)SZ_4K);
	assert_true(invalidations(f) > 0);
	assert_int_equal(sim_pool_free(&f->pool), POOL_PAGES - 1);
	done(f);
}

/*
 * What the build read from pgtable.c's code (tools/kernel-tree.sh), against
 * what the code does: an entry made invalid keeps its other bits or not; a
 * map over a valid leaf replaces it or leaves it (-EAGAIN, or skipped); the
 * hyp's table pages count their entries or not.
 */
static void the_tree_does_what_the_build_read_from_its_code(void **state)
{
	struct fixture *f = table(S2K_GUEST_S2, 40, 0);
	u64 pte = 0, old = 0;
	int level = -1, rc;

	(void)state;
	assert_int_equal(s2k_map(f->t, SZ_1G, 2 * SZ_4K, SZ_1G, PROT_RW), 0);
	assert_int_equal(s2k_get_leaf(f->t, SZ_1G, &old, &level), 0);
	rc = s2k_map(f->t, SZ_1G, SZ_4K, SZ_1G, PROT_RW | 1);
	assert_int_equal(s2k_get_leaf(f->t, SZ_1G, &pte, &level), 0);
	if (s2k_tree.map_again_on_leaf) {
		assert_true(rc == 0 || rc == -EAGAIN);
		assert_int_equal(pte, old);
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(pte, old & ~(1ULL << 54)); /* executable now: XN clear */
	}
	assert_int_equal(s2k_unmap(f->t, SZ_1G, SZ_4K), 0);
	assert_int_equal(s2k_get_leaf(f->t, SZ_1G, &old, &level), 0);
	assert_int_equal(old, s2k_tree.invalid_keeps_bits ? pte & ~ENTRY_VALID : 0);
	assert_int_equal(s2k_unmap(f->t, SZ_1G, SZ_2M), 0);
	done(f);

	f = table(S2K_HYP_S1, 48, 0);
	assert_int_equal(s2k_map(f->t, SZ_1G, 2 * SZ_4K, 8 * SZ_1G, PROT_RW), 0);
	/* The root holds one table entry. */
	assert_int_equal(sim_page_count(&f->sim, pa_init(s2k_root_pa(f->t))),
			 s2k_tree.hyp_counts_tables ? 2 : 1);
	done(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stage2_block_is_mapped_at_level_2_and_its_tables_freed_on_unmap),
		cmocka_unit_test(set_owner_leaves_an_invalid_entry_with_the_owner),
		cmocka_unit_test(map_without_pages_fails_with_enomem),
		cmocka_unit_test(split_turns_a_block_into_pages_where_the_tree_has_it),
		cmocka_unit_test(mkold_reports_young_once_and_mkyoung_makes_it_young_again),
		cmocka_unit_test(hyp_page_is_mapped_at_level_3_and_unmapped_by_the_byte),
		cmocka_unit_test(the_tree_does_what_the_build_read_from_its_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
