// SPDX-License-Identifier: MIT
/*
 * brute_check against a reference stand-in: leaves given as runs, and a
 * stream that is the right one or deliberately broken. Each broken piece
 * must come back as its own verdict, the first differing record named.
 */
#include <brute/brute.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define NORMAL_RW 0x7fdull /* valid, normal, RWX, SH inner, AF */

/* A stream written out by hand; @drop and @flip break it at one record. */
struct hand {
	const struct brute_rec *rec;
	size_t nr, drop, flip;
};

static void hand_stream(const void *src, ref_emit_fn emit, void *arg)
{
	const struct hand *h = src;

	for (size_t i = 0; i < h->nr; i++) {
		if (i == h->drop)
			continue;
		emit(arg, h->rec[i].level, h->rec[i].ia, h->rec[i].desc ^ (i == h->flip ? 4 : 0));
	}
}

/* Guest-style, 39 bits: pages 0x40000-0x40002 map to 0x1-0x3; a 2 MiB block after. */
static struct ref_run runs[] = {
	{ 0x40000, 0x40003, NORMAL_RW, 0x1 - 0x40000ull, 3, 0 },
	{ 0x40200, 0x40400, NORMAL_RW, 0, 2, 0 },
};
static const struct brute_rec recs[] = {
	{ 1, 0x40000000, 3 },
	{ 2, 0x40000000, 3 },
	{ 3, 0x40000000, NORMAL_RW | 2 | 0x1000 },
	{ 3, 0x40001000, NORMAL_RW | 2 | 0x2000 },
	{ 3, 0x40002000, NORMAL_RW | 2 | 0x3000 },
	{ 2, 0x40200000, NORMAL_RW | 0x40200000 },
};

static enum brute_verdict check(struct brute *b, struct hand *h, uint64_t tables, uint64_t gen,
				char *detail)
{
	struct ref_runs rs = { runs, 2, 2 };
	struct brute_subject s = { &rs, tables, gen, hand_stream, h };

	return brute_check(b, &s, "guest", detail, 512);
}

static void right_stream_and_count_agree(void **state)
{
	struct hand h = { recs, 6, SIZE_MAX, SIZE_MAX };
	struct brute b;
	char d[512];

	brute_init(&b, false, 39);
	assert_int_equal(check(&b, &h, 3, 1, d), BRUTE_AGREE);
	assert_int_equal(brute_tables(&b), 3);
	/* Unchanged generation: not rebuilt, even with a stream now wrong. */
	h.flip = 2;
	assert_int_equal(check(&b, &h, 3, 1, d), BRUTE_AGREE);
	assert_int_equal(b.skipped, 1);
	brute_fini(&b);
}

static void broken_stream_names_the_first_differing_record(void **state)
{
	struct hand h = { recs, 6, SIZE_MAX, 3 };
	struct brute b;
	char d[512];

	brute_init(&b, false, 39);
	assert_int_equal(check(&b, &h, 3, 1, d), BRUTE_STREAM);
	assert_non_null(strstr(d, "differ first at record 3"));
	assert_non_null(strstr(d, "brute force: L3 ia 0x40001000 desc 0x27ff"));
	assert_non_null(strstr(d, "reference:   L3 ia 0x40001000 desc 0x27fb"));
	h.flip = SIZE_MAX;
	h.drop = 5; /* the stream stops one record early */
	assert_int_equal(check(&b, &h, 3, 2, d), BRUTE_STREAM);
	assert_non_null(strstr(d, "record 5"));
	assert_non_null(strstr(d, "(none: the stream ends)"));
	brute_fini(&b);
}

static void wrong_count_and_bad_leaves_are_caught(void **state)
{
	struct hand h = { recs, 6, SIZE_MAX, SIZE_MAX };
	struct brute b;
	char d[512];

	brute_init(&b, false, 39);
	assert_int_equal(check(&b, &h, 4, 1, d), BRUTE_TABLES);
	assert_non_null(strstr(d, "counts 4 table pages, its leaves need 3"));
	runs[1].start = 0x40002; /* the block's run overlaps the pages, unaligned */
	assert_int_equal(check(&b, &h, 3, 2, d), BRUTE_LEAVES);
	assert_non_null(strstr(d, "not aligned"));
	runs[1].start = 0x40000; /* aligned, over the pages' table */
	assert_int_equal(check(&b, &h, 3, 3, d), BRUTE_LEAVES);
	assert_non_null(strstr(d, "already taken"));
	runs[1].start = 0x40200;
	brute_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(right_stream_and_count_agree),
		cmocka_unit_test(broken_stream_names_the_first_differing_record),
		cmocka_unit_test(wrong_count_and_bad_leaves_are_caught),
	};

	return cmocka_run_group_tests_name("brute", tests, NULL, NULL);
}
