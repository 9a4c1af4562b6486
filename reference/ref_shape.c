// SPDX-License-Identifier: MIT
/*
 * The shape of a table, read off its leaves (§4.3): a table exists under an
 * entry exactly when a leaf smaller than the entry's span lies inside that
 * span. Counting table pages, comparing two shapes (§7: new tables an
 * operation needs, tables it frees) and walking to one entry all follow from
 * that one sentence.
 */
#include "ref_priv.h"

/*
 * Merged intervals of entry indices at `level` that are tables: an entry is
 * a table iff some leaf with a larger level number lies in its span.
 */
struct titer {
	const struct ref_runs *rs;
	size_t i;
	uint64_t span;
	unsigned int level;
	uint64_t lo, hi; /* current interval, inclusive */
	bool valid;
};

/* Advance to the next merged interval of table entries. */
static void titer_next(struct titer *t)
{
	const struct ref_runs *rs = t->rs;

	t->valid = false;
	for (; t->i < rs->nr; t->i++) {
		const struct ref_run *run = &rs->run[t->i];
		uint64_t b0, b1;

		if (run->level <= t->level)
			continue;
		b0 = run->start / t->span;
		b1 = (run->end - 1) / t->span;
		if (!t->valid) {
			t->lo = b0;
			t->hi = b1;
			t->valid = true;
		} else if (b0 <= t->hi + 1) {
			t->hi = ref_max(t->hi, b1);
		} else {
			return;
		}
	}
}

static void titer_init(struct titer *t, const struct ref_runs *rs, unsigned int level)
{
	memset(t, 0, sizeof(*t));
	t->rs = rs;
	t->level = level;
	t->span = ref_span(level);
	titer_next(t);
}

/* Table pages of a table with these leaves, root included. */
uint64_t ref_count_tables(const struct ref_runs *rs, unsigned int ia_bits)
{
	uint64_t n = 1;
	unsigned int level;
	struct titer t;

	for (level = ref_start_level(ia_bits); level < 3; level++)
		for (titer_init(&t, rs, level); t.valid; titer_next(&t))
			n += t.hi - t.lo + 1;
	return n;
}

/* Table pages present in both shapes, root included. */
uint64_t ref_common_tables(const struct ref_runs *x, const struct ref_runs *y, unsigned int ia_bits)
{
	uint64_t n = 1;
	unsigned int level;
	struct titer tx, ty;

	for (level = ref_start_level(ia_bits); level < 3; level++) {
		titer_init(&tx, x, level);
		titer_init(&ty, y, level);
		while (tx.valid && ty.valid) {
			uint64_t lo = ref_max(tx.lo, ty.lo);
			uint64_t hi = ref_min(tx.hi, ty.hi);

			if (lo <= hi)
				n += hi - lo + 1;
			if (tx.hi < ty.hi)
				titer_next(&tx);
			else
				titer_next(&ty);
		}
	}
	return n;
}

/*
 * Where a walk for `page` stops (§5b get_leaf): the level of the leaf or of
 * the zero entry met, and the descriptor there (0 for a zero entry).
 */
void ref_walk(const struct ref_lmap *lm, uint64_t page, unsigned int *level, uint64_t *desc)
{
	unsigned int l;

	for (l = ref_start_level(lm->ia_bits);; l++) {
		uint64_t base = ref_align_down(page, ref_span(l));
		size_t i = ref_runs_find(&lm->leaves, base);
		const struct ref_run *run;

		*level = l;
		*desc = 0;
		if (i == lm->leaves.nr)
			return;
		run = &lm->leaves.run[i];
		if (run->start >= base + ref_span(l))
			return; /* nothing in this entry: zero */
		REF_BUG_ON(run->level < l);
		if (run->level == l) {
			*desc = ref_leaf_desc(run->val, run->aux, l, page);
			return;
		}
		REF_BUG_ON(l >= 3); /* a table: go down */
	}
}

/*
 * One pass of host coalescing (§4.4) over the tables whose entries are at
 * `tlevel` (3: tables under level-2 entries, 2: under level-1 entries) and
 * whose span meets [lo, hi): a table holding only zero entries and default
 * leaves is zapped, its leaves dropped. A level-2 table still holding a
 * level-3 table is not zappable (the deeper pass already zapped those that
 * could go).
 */
static int zap_pass(struct ref_arena *a, const struct ref_runs *in, const struct ref_mem *mem,
		    uint64_t lo, uint64_t hi, unsigned int tlevel, struct ref_runs *out)
{
	uint64_t span = ref_span(tlevel - 1), x, cursor = 0;
	uint64_t end = ref_align_down(hi - 1, span) + span;
	struct ref_build b;

	ref_build_init(&b, a, in->nr);
	for (x = ref_align_down(lo, span); x < end; x += span) {
		size_t i = ref_runs_find(in, x), j;
		bool zap = true;

		if (i == in->nr || in->run[i].start >= end)
			break;
		if (in->run[i].start >= x + span) {
			x = ref_align_down(in->run[i].start, span) - span;
			continue;
		}
		for (j = i; j < in->nr && in->run[j].start < x + span; j++) {
			const struct ref_run *run = &in->run[j];
			uint64_t s = ref_max(run->start, x);
			uint64_t e = ref_min(run->end, x + span);

			if (run->level != tlevel || !(run->val & REF_DESC_VALID) ||
			    !ref_host_is_default(mem, s, e, run->val)) {
				zap = false;
				break;
			}
		}
		if (!zap)
			continue;
		ref_build_copy(&b, in, cursor, x);
		cursor = x + span;
	}
	ref_build_copy(&b, in, cursor, UINT64_MAX);
	return ref_build_finish(&b, out);
}

/*
 * §4.4 coalescing after a return-to-default operation over pages [lo, hi):
 * level-3 tables first, then level-2 tables. Level-1 tables go only when
 * empty, which needs nothing (§4.3 follows from the leaves).
 */
int ref_coalesce(struct ref_arena *a, const struct ref_lmap *lm, const struct ref_mem *mem,
		 uint64_t lo, uint64_t hi, struct ref_runs *out)
{
	struct ref_runs tmp;
	int ret;

	ret = zap_pass(a, &lm->leaves, mem, lo, hi, 3, &tmp);
	if (ret)
		return ret;
	ret = zap_pass(a, &tmp, mem, lo, hi, 2, out);
	ref_runs_free(a, &tmp);
	return ret;
}
