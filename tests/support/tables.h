/* SPDX-License-Identifier: MIT */
/*
 * Structural checks on real table memory for the unit tests: the refcount
 * law (SPEC §3), reachability, no LOCKED entry, and leaf listings.
 */
#ifndef TEST_TABLES_H
#define TEST_TABLES_H

#include "core/host_layout.h"
#include "core/pgtable.h"
#include "sim/sim.h"

struct tbl_stats {
	u64 tables;	     /* table pages, root included */
	u64 leaves[4];	     /* valid leaves by level */
	u64 annotations[4];  /* non-zero invalid entries by level */
	u64 locked;
};

typedef void (*tbl_leaf_fn)(void *arg, u64 ia, u32 level, pte_t e);

/* Walk every entry; fail the test on a refcount or reachability error. */
void tbl_check(struct sim *sim, struct pgt *pgt, struct tbl_stats *stats);
/* Call @fn for every non-zero non-table entry, in address order. */
void tbl_for_each_leaf(struct sim *sim, struct pgt *pgt, tbl_leaf_fn fn, void *arg);
/* The leaf (or invalid entry) that maps @ia, and its level if @level is not NULL. */
pte_t tbl_leaf(struct pgt *pgt, u64 ia, u32 *level);
/*
 * Fail the test unless @a (on @sim_a) and @b (on @sim_b) hold the same
 * leaves and invalid entries, by input address, level and descriptor.
 * Table pages are not compared: each side has its own.
 */
void tbl_assert_same_leaves(struct sim *sim_a, struct pgt *a, struct sim *sim_b, struct pgt *b);
/* A printable dump of leaves by level, for scenario reports. */
void tbl_print_stats(const char *title, const struct tbl_stats *s);

/* A lone table on a fresh machine, its pool at @pool_base with @pool_pages. */
struct tbl_fixture {
	struct sim sim;
	struct pgt_pool pool;
	struct pgt pgt;
};

void tbl_fixture_init(struct tbl_fixture *f, enum pgt_kind kind, u32 ia_bits, u64 pool_pages);
void tbl_fixture_fini(struct tbl_fixture *f);
/* The same in cmocka's test memory, where a leak fails the test. */
struct tbl_fixture *tbl_fixture_new(enum pgt_kind kind, u32 ia_bits, u64 pool_pages);
/* A host stage-2 over @layout (which must outlive it), in cmocka's test memory. */
struct tbl_fixture *tbl_fixture_new_host(const struct host_layout *layout, u64 pool_pages);
void tbl_fixture_free(struct tbl_fixture *f);

#endif /* TEST_TABLES_H */
