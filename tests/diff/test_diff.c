// SPDX-License-Identifier: MIT
/*
 * The differ (SPEC §10, §11): streams and digests of real core tables,
 * first-difference reports, descriptor words, the independent refcount
 * check, and the break-before-make checker.
 */
#include "diff/bbm.h"
#include "diff/diff.h"
#include "diff/tlb.h"
#include "events.h"
#include "sim_events.h"
#include "tables.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

static const uint64_t *mem_table(void *ctx, uint64_t pa)
{
	struct sim *sim = ctx;
	enum sim_slot_state st = sim_page_state(sim, pa_init(pa));

	return st == SIM_SLOT_TABLE || st == SIM_SLOT_ROOT ? sim_phys_to_virt(sim, pa_init(pa))
							    : NULL;
}

static uint32_t mem_count(void *ctx, uint64_t pa)
{
	return sim_page_count(ctx, pa_init(pa));
}

struct view {
	struct diff_mem mem;
	struct diff_table t;
};

static void view_of(struct view *v, struct tbl_fixture *f)
{
	v->mem = (struct diff_mem){ mem_table, mem_count, &f->sim };
	v->t = (struct diff_table){
		.kind = DIFF_GUEST_S2,
		.root_pa = pa_addr(f->pgt.root_pa),
		.start_level = f->pgt.start_level,
		.mem = &v->mem,
	};
}

static struct tbl_fixture *fixture_at(u64 pool_pages)
{
	struct tbl_fixture *f = test_malloc(sizeof(*f));

	tbl_fixture_init(f, PGT_GUEST_S2, 40, pool_pages);
	return f;
}

static void fixture_free(struct tbl_fixture *f)
{
	tbl_fixture_fini(f);
	test_free(f);
}

static void map(struct tbl_fixture *f, u64 ia, u64 size, u64 pa)
{
	assert_int_equal(pgt_s2_map(&f->pgt, ipa_init(ia), size / SZ_4K, pa_init(pa), PGT_PROT_RW,
				    PGT_MEM_NORMAL),
			 0);
}

struct rec_list {
	struct diff_record r[64];
	unsigned n;
};

static void keep(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	struct rec_list *l = arg;

	if (l->n < 64)
		l->r[l->n] = (struct diff_record){ level, ia, desc };
	l->n++;
}

static void stream_masks_table_addresses_in_preorder(void **state)
{
	struct tbl_fixture *f = fixture_at(64);
	struct rec_list l = { .n = 0 };
	struct view v;

	map(f, SZ_2M + 0x3000, SZ_4K, SZ_1G);
	view_of(&v, f);
	diff_table_stream(&v.t, keep, &l);
	/* L0 table, L1 table, L2 table, then the page. */
	assert_int_equal(l.n, 4);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(l.r[i].level, i);
		assert_int_equal(l.r[i].desc, 3);
		assert_int_equal(l.r[i].ia, i < 2 ? 0 : SZ_2M);
	}
	assert_int_equal(l.r[3].ia, SZ_2M + 0x3000);
	assert_int_equal(l.r[3].desc & 0xfffffffff000ULL, SZ_1G);
	fixture_free(f);
}

static void stream_hash_is_xxh3_of_le_records(void **state)
{
	struct tbl_fixture *f = fixture_at(64);
	unsigned char buf[4 * 24];
	struct rec_list l = { .n = 0 };
	struct view v;

	map(f, SZ_2M + 0x3000, SZ_4K, SZ_1G);
	view_of(&v, f);
	diff_table_stream(&v.t, keep, &l);
	for (unsigned i = 0; i < l.n; i++) {
		uint64_t words[3] = { l.r[i].level, l.r[i].ia, l.r[i].desc };

		for (unsigned w = 0; w < 3; w++)
			for (unsigned b = 0; b < 8; b++)
				buf[i * 24 + w * 8 + b] = (unsigned char)(words[w] >> (8 * b));
	}
	assert_int_equal(diff_stream_hash(diff_table_stream, &v.t), XXH3_64bits(buf, l.n * 24));
	fixture_free(f);
}

static void equal_tables_at_different_addresses_hash_equal(void **state)
{
	struct tbl_fixture *a = fixture_at(64), *b = fixture_at(128);
	struct view va, vb;

	/* Different allocation order: b's tables sit elsewhere. */
	map(b, 5 * SZ_1G, SZ_4K, SZ_1G);
	assert_int_equal(pgt_s2_unmap(&b->pgt, ipa_init(5 * SZ_1G), 1), 0);
	map(a, 0x3000, 3 * SZ_2M, SZ_1G + 0x3000);
	map(b, 0x3000, 3 * SZ_2M, SZ_1G + 0x3000);
	view_of(&va, a);
	view_of(&vb, b);
	assert_int_equal(diff_stream_hash(diff_table_stream, &va.t),
			 diff_stream_hash(diff_table_stream, &vb.t));
	assert_int_equal(pgt_s2_wrprotect(&b->pgt, ipa_init(0x5000), 1), 0);
	assert_int_not_equal(diff_stream_hash(diff_table_stream, &va.t),
			     diff_stream_hash(diff_table_stream, &vb.t));
	fixture_free(a);
	fixture_free(b);
}

static void first_difference_names_the_entry(void **state)
{
	struct tbl_fixture *a = fixture_at(64), *b = fixture_at(64);
	struct diff_record *scratch = calloc(1024, sizeof(*scratch));
	struct diff_mismatch mm;
	struct view va, vb;

	map(a, 0, 4 * SZ_4K, SZ_1G);
	map(b, 0, 4 * SZ_4K, SZ_1G);
	assert_int_equal(pgt_s2_mkold(&b->pgt, ipa_init(2 * SZ_4K), 1), 1);
	view_of(&va, a);
	view_of(&vb, b);
	diff_first_difference(diff_table_stream, &va.t, diff_table_stream, &vb.t, scratch, 1024,
			      &mm);
	assert_true(mm.found);
	assert_int_equal(mm.actual.ia, 2 * SZ_4K);
	assert_int_equal(mm.actual.level, 3);
	assert_int_equal(mm.expected.desc ^ mm.actual.desc, 1ULL << 10);
	/* One side shorter: the missing record is reported. */
	assert_int_equal(pgt_s2_unmap(&b->pgt, ipa_init(3 * SZ_4K), 1), 0);
	assert_int_equal(pgt_s2_mkyoung(&b->pgt, ipa_init(2 * SZ_4K)), 0);
	diff_first_difference(diff_table_stream, &va.t, diff_table_stream, &vb.t, scratch, 1024,
			      &mm);
	assert_true(mm.found && mm.have_expected && !mm.have_actual);
	assert_int_equal(mm.expected.ia, 3 * SZ_4K);
	diff_first_difference(diff_table_stream, &va.t, diff_table_stream, &va.t, scratch, 1024,
			      &mm);
	assert_false(mm.found);
	free(scratch);
	fixture_free(a);
	fixture_free(b);
}

static void decode_puts_descriptors_in_words(void **state)
{
	char buf[160];

	diff_decode(DIFF_GUEST_S2, 2, 0x40200000ULL | (0xfULL << 2) | (3ULL << 6) | (3ULL << 8) |
					       (1ULL << 10) | (1ULL << 56) | 1,
		    buf, sizeof(buf));
	assert_string_equal(buf, "L2 block -> 0x40200000 normal R W X SH=inner AF SHARED_BORROWED");
	diff_decode(DIFF_HOST_S2, 3, 2ULL << 2, buf, sizeof(buf));
	assert_string_equal(buf, "L3 invalid, owner GUEST(2)");
	diff_decode(DIFF_HOST_S2, 1, 1ULL << 10, buf, sizeof(buf));
	assert_string_equal(buf, "L1 LOCKED");
	diff_decode(DIFF_HYP_S1, 3, 0x1000ULL | (1ULL << 6) | (3ULL << 8) | (1ULL << 10) |
					    (1ULL << 54) | 3,
		    buf, sizeof(buf));
	assert_string_equal(buf, "L3 page -> 0x1000 normal RW SH=inner AF");
	diff_decode(DIFF_GUEST_S2, 1, 0x1234003ULL, buf, sizeof(buf));
	assert_string_equal(buf, "L1 table");
	/* Truncation keeps the buffer terminated. */
	diff_decode(DIFF_GUEST_S2, 1, 0x1234003ULL, buf, 4);
	assert_string_equal(buf, "L1 ");
}

static void check_table_catches_a_wrong_refcount(void **state)
{
	struct tbl_fixture *f = fixture_at(64);
	struct diff_violation v;
	uint64_t tables = 0;
	struct view vw;
	pte_t e;
	u32 level;

	map(f, 0, 3 * SZ_4K, SZ_1G);
	view_of(&vw, f);
	assert_true(diff_check_table(&vw.t, &tables, &v));
	assert_int_equal(tables, 4);
	/* One extra reference on the L3 table page. */
	assert_int_equal(pgt_get_leaf(&f->pgt, 0, &e, &level), 0);
	f->sim.mm.ops->page_get(&f->sim, (void *)((uintptr_t)sim_phys_to_virt(&f->sim,
			pa_init(0x7f0000000000ULL + 3 * SZ_4K))));
	tables = 0;
	assert_false(diff_check_table(&vw.t, &tables, &v));
	assert_non_null(strstr(v.what, "refcount law"));
	f->sim.mm.ops->page_put(&f->sim, sim_phys_to_virt(&f->sim,
			pa_init(0x7f0000000000ULL + 3 * SZ_4K)));
	fixture_free(f);
}

/*
 * Kernel trees unlike SPEC §3 (diff_table.stale_invalid, .uncounted): an
 * invalid entry that kept its bits is not counted and not LOCKED, a table's
 * address in one is masked; an uncounted table skips the refcount law.
 */
static void stale_invalid_entries_are_uncounted_and_masked(void **state)
{
	struct tbl_fixture *f = fixture_at(64);
	uint64_t *l2 = sim_phys_to_virt(&f->sim, pa_init(0x7f0000000000ULL + 2 * SZ_4K));
	uint64_t *l3 = sim_phys_to_virt(&f->sim, pa_init(0x7f0000000000ULL + 3 * SZ_4K));
	uint64_t page0, stale_table = 0x7f0000099000ULL | 2;
	struct rec_list l = { .n = 0 };
	struct diff_violation v;
	uint64_t tables = 0;
	struct view vw;

	map(f, 0, 3 * SZ_4K, SZ_1G);
	view_of(&vw, f);
	page0 = l3[0];
	l3[0] = page0 & ~1ULL; /* AF (bit 10) stays: LOCKED by SPEC's reading */
	l2[1] = stale_table;
	assert_false(diff_check_table(&vw.t, &tables, &v));
	assert_non_null(strstr(v.what, "LOCKED"));
	vw.t.stale_invalid = true;
	assert_false(diff_check_table(&vw.t, &tables, &v));
	assert_non_null(strstr(v.what, "refcount law"));
	/* The kernel dropped its reference with the valid bit. */
	f->sim.mm.ops->page_put(&f->sim, l3);
	assert_true(diff_check_table(&vw.t, &tables, &v));
	diff_table_stream(&vw.t, keep, &l);
	assert_int_equal(l.n, 7);
	assert_int_equal(l.r[3].desc, page0 & ~1ULL);
	assert_int_equal(l.r[6].level, 2);
	assert_int_equal(l.r[6].ia, SZ_2M);
	assert_int_equal(l.r[6].desc, 2);
	assert_int_equal(diff_masked_desc(&vw.t, stale_table, 2), 2);
	assert_int_equal(diff_masked_desc(&vw.t, stale_table, 3), stale_table);
	/* An extra reference breaks the law, unless the table is uncounted. */
	f->sim.mm.ops->page_get(&f->sim, l3);
	f->sim.mm.ops->page_get(&f->sim, l3);
	assert_false(diff_check_table(&vw.t, &tables, &v));
	vw.t.uncounted = true;
	assert_true(diff_check_table(&vw.t, &tables, &v));
	f->sim.mm.ops->page_put(&f->sim, l3);
	l3[0] = page0;
	l2[1] = 0;
	fixture_free(f);
}

/* Break-before-make checker on hand-made event sequences. */
static const int regime;
#define STORE(ia_, lvl, o, n)                                                                       \
	((struct diff_event){ .kind = DIFF_EV_STORE, .regime = &regime, .ia = (ia_),               \
			      .level = (lvl), .old = (o), .new_pte = (n) })
#define TLBI_LEAF(ia_, lvl)                                                                         \
	((struct diff_event){ .kind = DIFF_EV_TLBI_LEAF, .regime = &regime, .ia = (ia_),           \
			      .level = (lvl) })
#define TLBI_RANGE(ia_, sz)                                                                         \
	((struct diff_event){ .kind = DIFF_EV_TLBI_RANGE, .regime = &regime, .ia = (ia_),          \
			      .size = (sz) })
#define TLBI_ADDR(ia_)                                                                              \
	((struct diff_event){ .kind = DIFF_EV_TLBI_ADDR, .regime = &regime, .ia = (ia_) })
#define FREE(pa)                                                                                    \
	((struct diff_event){ .kind = DIFF_EV_FREE, .regime = &regime, .page = (pa) })

#define BLOCK(pa) ((pa) | (0xfULL << 2) | (3ULL << 6) | (3ULL << 8) | (1ULL << 10) | 1)
#define PAGE(pa) (BLOCK(pa) | 2)
#define TABLE(pa) ((pa) | 3)

static void bbm_accepts_break_invalidate_make(void **state)
{
	static struct diff_bbm b;

	diff_bbm_init(&b);
	assert_true(diff_bbm_event(&b, &STORE(0, 2, BLOCK(SZ_1G), 0)));
	assert_true(diff_bbm_event(&b, &TLBI_LEAF(0x5000, 2)));
	assert_true(diff_bbm_event(&b, &STORE(0, 2, 0, BLOCK(2 * SZ_1G))));
	/* Table to block: range over the span, then free. */
	assert_true(diff_bbm_event(&b, &STORE(SZ_2M, 2, TABLE(0x9000), 0)));
	assert_true(diff_bbm_event(&b, &TLBI_RANGE(SZ_2M, SZ_2M)));
	assert_true(diff_bbm_event(&b, &STORE(SZ_2M, 2, 0, BLOCK(SZ_1G))));
	assert_true(diff_bbm_event(&b, &FREE(0x9000)));
	/* Permissions down in place, then invalidated; AF alone owes nothing. */
	assert_true(diff_bbm_event(&b, &STORE(0x1000, 3, PAGE(SZ_1G), PAGE(SZ_1G) & ~(1ULL << 7))));
	assert_true(diff_bbm_event(&b, &TLBI_LEAF(0x1000, 3)));
	assert_true(diff_bbm_event(&b, &STORE(0x2000, 3, PAGE(SZ_1G), PAGE(SZ_1G) & ~(1ULL << 10))));
	assert_true(diff_bbm_end_op(&b));
}

/* A TLBI by address with no level: any level's leaf there, and an empty table's span. */
static void bbm_one_address_pays_an_empty_table_only(void **state)
{
	static struct diff_bbm b;
	struct diff_event empty = STORE(SZ_2M, 2, TABLE(0x9000), 0);

	empty.old_empty_table = true;
	diff_bbm_init(&b);
	assert_true(diff_bbm_event(&b, &empty));
	assert_true(diff_bbm_event(&b, &TLBI_ADDR(SZ_2M + 0x5000)));
	assert_true(diff_bbm_event(&b, &FREE(0x9000)));
	assert_true(diff_bbm_event(&b, &STORE(0x1000, 3, PAGE(SZ_1G), 0)));
	assert_true(diff_bbm_event(&b, &TLBI_ADDR(0x1000)));
	assert_true(diff_bbm_end_op(&b));
	/* A table that held a valid entry needs its whole span. */
	diff_bbm_init(&b);
	assert_true(diff_bbm_event(&b, &STORE(SZ_2M, 2, TABLE(0x9000), 0)));
	assert_true(diff_bbm_event(&b, &TLBI_ADDR(SZ_2M)));
	assert_false(diff_bbm_event(&b, &FREE(0x9000)));
}

/*
 * Past the ledger's size, leaves owed are folded into one debt that only a
 * range reaching every one of them (or everything) pays.
 */
static void bbm_folds_many_leaves_and_wants_them_all(void **state)
{
	static struct diff_bbm b;
	const unsigned n = DIFF_BBM_PENDING + 10;

	for (unsigned pass = 0; pass < 3; pass++) {
		diff_bbm_init(&b);
		for (unsigned i = 0; i < n; i++)
			assert_true(diff_bbm_event(
				&b, &STORE(SZ_1G + 2 * i * SZ_4K, 3, PAGE(SZ_1G),
					   PAGE(SZ_1G) & ~(1ULL << 7))));
		if (pass == 0) /* all of them: paid */
			assert_true(diff_bbm_event(&b, &TLBI_RANGE(SZ_1G, 2 * n * SZ_4K)));
		else if (pass == 1) /* one page short of the last: not */
			assert_true(diff_bbm_event(&b, &TLBI_RANGE(SZ_1G, 2 * (n - 1) * SZ_4K)));
		else /* one address inside the folded debt: not */
			assert_true(diff_bbm_event(&b, &TLBI_LEAF(SZ_1G + 2 * (n - 2) * SZ_4K, 3)));
		assert_int_equal(diff_bbm_end_op(&b), pass == 0);
	}
}

static void bbm_rejects_valid_to_valid_with_new_output(void **state)
{
	static struct diff_bbm b;

	diff_bbm_init(&b);
	assert_false(diff_bbm_event(&b, &STORE(0, 2, BLOCK(SZ_1G), BLOCK(2 * SZ_1G))));
	assert_non_null(strstr(b.v.what, "without break-before-make"));
}

static void bbm_rejects_make_before_invalidate(void **state)
{
	static struct diff_bbm b;

	diff_bbm_init(&b);
	assert_true(diff_bbm_event(&b, &STORE(0, 2, BLOCK(SZ_1G), 0)));
	assert_false(diff_bbm_event(&b, &STORE(0, 2, 0, TABLE(0x5000))));
	assert_non_null(strstr(b.v.what, "before the old one was invalidated"));
}

static void bbm_rejects_free_before_invalidate(void **state)
{
	static struct diff_bbm b;

	diff_bbm_init(&b);
	assert_true(diff_bbm_event(&b, &STORE(SZ_2M, 2, TABLE(0x9000), 0)));
	assert_false(diff_bbm_event(&b, &FREE(0x9000)));
	assert_non_null(strstr(b.v.what, "freed before"));
}

static void bbm_rejects_table_zap_invalidating_one_address(void **state)
{
	static struct diff_bbm b;

	diff_bbm_init(&b);
	assert_true(diff_bbm_event(&b, &STORE(SZ_2M, 2, TABLE(0x9000), 0)));
	assert_true(diff_bbm_event(&b, &TLBI_LEAF(SZ_2M, 2)));
	assert_false(diff_bbm_event(&b, &FREE(0x9000)));
}

static void bbm_rejects_freeing_a_linked_table(void **state)
{
	struct diff_bbm *b = test_malloc(sizeof(*b));
	struct diff_event link = STORE(0, 1, 0, TABLE(0x9000));
	struct diff_event sub = STORE(SZ_2M, 2, 0, TABLE(0xa000));

	/* 0x9000 hangs under the root page 0x1000; 0xa000 under 0x9000. */
	link.table_page = 0x1000;
	sub.table_page = 0x9000;
	diff_bbm_init(b);
	assert_true(diff_bbm_event(b, &link));
	assert_true(diff_bbm_event(b, &sub));
	assert_false(diff_bbm_event(b, &FREE(0xa000)));
	assert_non_null(strstr(b->v.what, "still linked"));
	/* Unlinking the parent and invalidating its span makes the subtree free-able. */
	diff_bbm_init(b);
	assert_true(diff_bbm_event(b, &link));
	assert_true(diff_bbm_event(b, &sub));
	assert_true(diff_bbm_event(b, &STORE(0, 1, TABLE(0x9000), 0)));
	assert_true(diff_bbm_event(b, &TLBI_RANGE(0, SZ_1G)));
	assert_true(diff_bbm_event(b, &FREE(0xa000)));
	assert_true(diff_bbm_event(b, &FREE(0x9000)));
	assert_true(diff_bbm_end_op(b));
	test_free(b);
}

/*
 * A violation names the table it happened in, also where the event that
 * shows it carries none (a page free, the end of an operation): a guest's
 * table is not "host stage-2".
 */
static void bbm_violations_name_the_table_they_happened_in(void **state)
{
	struct diff_bbm *b = test_malloc(sizeof(*b));
	struct diff_event gone = STORE(SZ_2M, 2, TABLE(0x9000), 0);
	struct diff_event link = STORE(0, 1, 0, TABLE(0x9000));
	struct diff_event leaf = STORE(0x1000, 3, PAGE(SZ_1G), 0);

	gone.table_kind = link.table_kind = leaf.table_kind = DIFF_GUEST_S2;
	link.table_page = 0x1000;
	diff_bbm_init(b);
	assert_true(diff_bbm_event(b, &gone));
	assert_false(diff_bbm_event(b, &FREE(0x9000)));
	assert_non_null(strstr(b->v.what, "freed before"));
	assert_non_null(strstr(b->v.what, "guest stage-2 ia 0x200000 level 2"));
	diff_bbm_init(b);
	assert_true(diff_bbm_event(b, &link));
	assert_false(diff_bbm_event(b, &FREE(0x9000)));
	assert_non_null(strstr(b->v.what, "still linked (guest stage-2 page 0x9000)"));
	diff_bbm_init(b);
	assert_true(diff_bbm_event(b, &leaf));
	assert_false(diff_bbm_end_op(b));
	assert_non_null(strstr(b->v.what, "guest stage-2 ia 0x1000 level 3"));
	test_free(b);
}

static void bbm_rejects_unpaid_break_at_end(void **state)
{
	static struct diff_bbm b;

	diff_bbm_init(&b);
	assert_true(diff_bbm_event(&b, &STORE(0x1000, 3, PAGE(SZ_1G), 0)));
	assert_false(diff_bbm_end_op(&b));
	assert_non_null(strstr(b.v.what, "never invalidated"));
	diff_bbm_init(&b);
	assert_true(diff_bbm_event(&b, &STORE(0x1000, 3, PAGE(SZ_1G), PAGE(SZ_1G) & ~(1ULL << 7))));
	assert_false(diff_bbm_end_op(&b));
}

/* The real core, watched by the checkers through the simulated machine. */
static void feed(void *arg, const struct sim_event *ev)
{
	struct diff_event e = fz_diff_event(ev);

	diff_bbm_event(arg, &e);
}

static void feed_tlb(void *arg, const struct sim_event *ev)
{
	struct diff_event e = fz_diff_event(ev);

	diff_tlb_event(arg, &e);
}

static void core_operations_follow_break_before_make(void **state)
{
	struct tbl_fixture *f = fixture_at(2048);
	struct diff_bbm *b = test_malloc(sizeof(*b));
	struct sim_observer obs = { .event = feed, .arg = b };

	diff_bbm_init(b);
	sim_set_observer(&f->sim, &obs);
	map(f, SZ_1G, SZ_1G, 4 * SZ_1G);
	assert_true(diff_bbm_end_op(b));
	assert_int_equal(pgt_s2_unmap(&f->pgt, ipa_init(SZ_1G + 0x7000), 1), 0);
	assert_true(diff_bbm_end_op(b));
	map(f, SZ_1G, SZ_2M, 8 * SZ_1G);
	assert_true(diff_bbm_end_op(b));
	assert_int_equal(pgt_s2_wrprotect(&f->pgt, ipa_init(SZ_1G), 1024), 0);
	assert_true(diff_bbm_end_op(b));
	assert_int_equal(pgt_s2_split(&f->pgt, ipa_init(SZ_1G + 4 * SZ_2M), 1), 0);
	assert_true(diff_bbm_end_op(b));
	map(f, SZ_1G, SZ_1G, 4 * SZ_1G);
	assert_true(diff_bbm_end_op(b));
	assert_int_equal(pgt_s2_relax_perms(&f->pgt, ipa_init(SZ_1G), PGT_PROT_X), 0);
	assert_int_equal(pgt_s2_fault_map(&f->pgt, ipa_init(SZ_1G + 0x5000), 3,
					  pa_init(9 * SZ_1G), PGT_PROT_R, PGT_MEM_NORMAL),
			 0);
	assert_true(diff_bbm_end_op(b));
	pgt_free_tables(&f->pgt);
	assert_true(diff_bbm_end_op(b));
	if (b->failed)
		print_error("%s\n", b->v.what);
	test_free(b);
	fixture_free(f);
}

static void tlb_model_catches_a_change_without_invalidation(void **state)
{
	struct tbl_fixture *f = fixture_at(64);
	static struct diff_tlb tlb;
	struct diff_violation v;
	struct view vw;
	pte_t *l3;
	pte_t e;
	u32 level;

	map(f, SZ_2M, SZ_2M, SZ_1G);
	map(f, 0x5000, SZ_4K, 2 * SZ_1G);
	view_of(&vw, f);
	diff_tlb_init(&tlb);
	diff_tlb_access(&tlb, &f->pgt, &vw.t, SZ_2M + 0x3000);
	diff_tlb_access(&tlb, &f->pgt, &vw.t, 0x5000);
	diff_tlb_access(&tlb, &f->pgt, &vw.t, 0x9000); /* unmapped: nothing cached */
	assert_true(diff_tlb_check(&tlb, &f->pgt, &vw.t, &v));
	/* The page's output changes behind the model's back: stale. */
	assert_int_equal(pgt_get_leaf(&f->pgt, 0x5000, &e, &level), 0);
	l3 = sim_phys_to_virt(&f->sim, pa_init(0x7f0000000000ULL + 3 * SZ_4K));
	assert_int_equal(l3[5], e);
	l3[5] = e + SZ_1G;
	assert_false(diff_tlb_check(&tlb, &f->pgt, &vw.t, &v));
	assert_non_null(strstr(v.what, "stale TLB entry"));
	/* An invalidation at the wrong level does not help; the right one does. */
	diff_tlb_event(&tlb, &(struct diff_event){ .kind = DIFF_EV_TLBI_LEAF, .regime = &f->pgt,
						   .ia = 0x5000, .level = 2 });
	assert_false(diff_tlb_check(&tlb, &f->pgt, &vw.t, &v));
	diff_tlb_event(&tlb, &(struct diff_event){ .kind = DIFF_EV_TLBI_LEAF, .regime = &f->pgt,
						   .ia = 0x5000, .level = 3 });
	assert_true(diff_tlb_check(&tlb, &f->pgt, &vw.t, &v));
	l3[5] = e;
	/* Permissions count, AF does not (S14). */
	diff_tlb_access(&tlb, &f->pgt, &vw.t, 0x5000);
	l3[5] = e & ~PTE_AF;
	assert_true(diff_tlb_check(&tlb, &f->pgt, &vw.t, &v));
	l3[5] = e & ~PTE_S2_AP_W;
	assert_false(diff_tlb_check(&tlb, &f->pgt, &vw.t, &v));
	l3[5] = e;
	fixture_free(f);
}

static void tlb_model_is_emptied_by_the_cores_invalidations(void **state)
{
	struct tbl_fixture *f = fixture_at(64);
	struct diff_tlb *tlb = test_malloc(sizeof(*tlb));
	struct diff_violation v;
	struct view vw;

	map(f, 0, 4 * SZ_4K, SZ_1G);
	view_of(&vw, f);
	diff_tlb_init(tlb);
	for (u64 a = 0; a < 4 * SZ_4K; a += SZ_4K)
		diff_tlb_access(tlb, &f->pgt, &vw.t, a);
	/* The real core, with its invalidations fed to the model, stays coherent. */
	{
		struct sim_observer obs = { .event = feed_tlb, .arg = tlb };

		sim_set_observer(&f->sim, &obs);
	}
	map(f, 0, 2 * SZ_4K, 3 * SZ_1G);
	assert_true(diff_tlb_check(tlb, &f->pgt, &vw.t, &v));
	assert_int_equal(pgt_s2_wrprotect(&f->pgt, ipa_init(0), 4), 0);
	assert_true(diff_tlb_check(tlb, &f->pgt, &vw.t, &v));
	map(f, 0, SZ_2M, 5 * SZ_1G);
	assert_true(diff_tlb_check(tlb, &f->pgt, &vw.t, &v));
	test_free(tlb);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_masks_table_addresses_in_preorder),
		cmocka_unit_test(stream_hash_is_xxh3_of_le_records),
		cmocka_unit_test(equal_tables_at_different_addresses_hash_equal),
		cmocka_unit_test(first_difference_names_the_entry),
		cmocka_unit_test(decode_puts_descriptors_in_words),
		cmocka_unit_test(check_table_catches_a_wrong_refcount),
		cmocka_unit_test(stale_invalid_entries_are_uncounted_and_masked),
		cmocka_unit_test(bbm_accepts_break_invalidate_make),
		cmocka_unit_test(bbm_one_address_pays_an_empty_table_only),
		cmocka_unit_test(bbm_folds_many_leaves_and_wants_them_all),
		cmocka_unit_test(bbm_rejects_valid_to_valid_with_new_output),
		cmocka_unit_test(bbm_rejects_make_before_invalidate),
		cmocka_unit_test(bbm_rejects_free_before_invalidate),
		cmocka_unit_test(bbm_rejects_table_zap_invalidating_one_address),
		cmocka_unit_test(bbm_rejects_freeing_a_linked_table),
		cmocka_unit_test(bbm_rejects_unpaid_break_at_end),
		cmocka_unit_test(bbm_violations_name_the_table_they_happened_in),
		cmocka_unit_test(core_operations_follow_break_before_make),
		cmocka_unit_test(tlb_model_catches_a_change_without_invalidation),
		cmocka_unit_test(tlb_model_is_emptied_by_the_cores_invalidations),
	};

	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
