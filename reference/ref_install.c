// SPDX-License-Identifier: MIT
/*
 * Writing leaves into a table model, by the canonical-shape rules of §4:
 *
 *  - rule 1 (install): [lo, hi) is covered left to right, each time with the
 *    largest leaf that fits;
 *  - rule 2 (split): a leaf that straddles lo or hi and means something else
 *    is split, and the part of it outside [lo, hi) is re-installed by rule 1
 *    with its old meaning, except that the rest of a host default mapping
 *    becomes zero (S17);
 *  - S11: a straddling leaf that already means what is written stays whole
 *    (leaves fully inside [lo, hi) come out the same under rule 1 anyway);
 *  - rule 3 needs nothing here: tables are not stored, they are read off the
 *    leaves (ref_shape.c), so a table appears or disappears exactly when the
 *    leaves say so.
 */
#include "ref_priv.h"

/* Start an empty table of `kind` (only the root exists, §4.3). */
void ref_lmap_init(struct ref_lmap *lm, unsigned int kind, unsigned int ia_bits)
{
	memset(lm, 0, sizeof(*lm));
	lm->kind = kind;
	lm->ia_bits = ia_bits;
	lm->nr_tables = 1;
}

/* The smallest level number (largest span) a leaf may have in this table. */
static unsigned int top_leaf_level(const struct ref_lmap *lm)
{
	unsigned int s = ref_start_level(lm->ia_bits);

	return s < 1 ? 1 : s; /* never a block at level 0 (§1) */
}

/*
 * May a leaf of `level` with meaning m sit at page x (x aligned)? §4.1: its
 * output aligned to the span; in host stage-2 a valid leaf is a page unless
 * it is a default block inside one memory region or MMIO gap (S18).
 */
static bool leaf_fits(const struct ref_lmap *lm, const struct ref_mem *mem, unsigned int level,
		      uint64_t x, struct ref_meaning m)
{
	uint64_t span = ref_span(level);

	if (!(m.tmpl & REF_DESC_VALID))
		return true;
	if ((x + m.aux) & (span - 1))
		return false;
	if (lm->kind == REF_KIND_HOST_S2 && level < 3)
		return ref_mem_block_fits(mem, x, x + span) &&
		       ref_host_is_default(mem, x, x + span, m.tmpl);
	return true;
}

/* The level of the largest leaf that fits at x inside [x, hi) (§4.1). */
static unsigned int best_level(const struct ref_lmap *lm, const struct ref_mem *mem, uint64_t x,
			       uint64_t hi, struct ref_meaning m)
{
	unsigned int level;

	for (level = top_leaf_level(lm); level < 3; level++) {
		uint64_t span = ref_span(level);

		if (!(x & (span - 1)) && x + span <= hi && leaf_fits(lm, mem, level, x, m))
			return level;
	}
	return 3; /* a page always fits */
}

/*
 * Where the run of level-`level` leaves starting at x must end: the first
 * point where a larger leaf could start, or where no more whole leaves of
 * this size fit. Whether a leaf fits depends on its position only through
 * alignment, except for host default blocks (region bounds), which then go
 * one leaf at a time.
 */
static uint64_t run_stop(const struct ref_lmap *lm, const struct ref_mem *mem, uint64_t x,
			 uint64_t hi, unsigned int level, struct ref_meaning m)
{
	uint64_t span = ref_span(level), stop, bspan, y;

	if (lm->kind == REF_KIND_HOST_S2 && (m.tmpl & REF_DESC_VALID))
		return x + span;
	stop = x + (hi - x) / span * span;
	if (level == top_leaf_level(lm))
		return stop;
	bspan = ref_span(level - 1);
	y = ref_align_down(x, bspan) + bspan;
	if (y < stop && y + bspan <= hi && leaf_fits(lm, mem, level - 1, y, m))
		return y;
	return stop;
}

/* Rule 1: cover [lo, hi) with the largest leaves meaning m. */
static void cover(struct ref_build *b, const struct ref_lmap *lm, const struct ref_mem *mem,
		  uint64_t lo, uint64_t hi, struct ref_meaning m)
{
	uint64_t x = lo;

	if (!m.tmpl)
		return; /* zero entries are not leaves */
	while (x < hi) {
		unsigned int level = best_level(lm, mem, x, hi, m);
		struct ref_run run = {
			.start = x,
			.end = run_stop(lm, mem, x, hi, level, m),
			.val = m.tmpl,
			.aux = m.aux,
			.level = level,
		};

		ref_build_push(b, &run);
		x = run.end;
	}
}

/* One leaf of the table: its extent and meaning. */
struct leaf {
	uint64_t base, end;
	unsigned int level;
	struct ref_meaning m;
};

/* The leaf holding `page`, if there is one. */
static bool leaf_at(const struct ref_lmap *lm, uint64_t page, struct leaf *l)
{
	const struct ref_run *run = ref_runs_at(&lm->leaves, page);

	if (!run)
		return false;
	l->level = run->level;
	l->base = ref_align_down(page, ref_span(run->level));
	l->end = l->base + ref_span(run->level);
	l->m.tmpl = run->val;
	l->m.aux = run->aux;
	return true;
}

/* Push one whole leaf unchanged. */
static void push_leaf(struct ref_build *b, const struct leaf *l)
{
	struct ref_run run = {
		.start = l->base,
		.end = l->end,
		.val = l->m.tmpl,
		.aux = l->m.aux,
		.level = l->level,
	};

	ref_build_push(b, &run);
}

/* What the rest of a split leaf means (§4.2; S17 for host defaults). */
static struct ref_meaning rest_meaning(const struct ref_lmap *lm, const struct ref_mem *mem,
				       const struct leaf *l)
{
	struct ref_meaning zero = { 0, 0 };

	if (lm->kind == REF_KIND_HOST_S2 && (l->m.tmpl & REF_DESC_VALID) &&
	    ref_host_is_default(mem, l->base, l->end, l->m.tmpl))
		return zero;
	return l->m;
}

static bool same_meaning(struct ref_meaning x, struct ref_meaning y)
{
	return x.tmpl == y.tmpl && x.aux == y.aux;
}

/*
 * out = the leaves of lm after writing meaning m (tmpl 0: zero entries) over
 * pages [lo, hi), per §4.1, §4.2 and S11.
 */
int ref_install(struct ref_arena *a, const struct ref_lmap *lm, const struct ref_mem *mem,
		uint64_t lo, uint64_t hi, struct ref_meaning m, struct ref_runs *out)
{
	struct leaf la, lb;
	bool has_a, has_b, keep_a, keep_b;
	uint64_t wlo, whi, mid_lo = lo, mid_hi = hi;
	struct ref_build b;

	REF_BUG_ON(lo >= hi);
	if (!(m.tmpl & REF_DESC_VALID))
		m.aux = 0; /* an invalid entry has no output */
	has_a = leaf_at(lm, lo, &la) && la.base < lo;
	has_b = leaf_at(lm, hi - 1, &lb) && lb.end > hi;
	keep_a = has_a && same_meaning(la.m, m);
	keep_b = has_b && same_meaning(lb.m, m);
	wlo = has_a ? la.base : lo;
	whi = has_b ? lb.end : hi;

	ref_build_init(&b, a, lm->leaves.nr + 8);
	ref_build_copy(&b, &lm->leaves, 0, wlo);
	if (has_a && has_b && la.base == lb.base) {
		/* one leaf holds the whole range */
		if (keep_a) {
			push_leaf(&b, &la);
		} else {
			cover(&b, lm, mem, la.base, lo, rest_meaning(lm, mem, &la));
			cover(&b, lm, mem, lo, hi, m);
			cover(&b, lm, mem, hi, la.end, rest_meaning(lm, mem, &la));
		}
	} else {
		if (keep_a) {
			push_leaf(&b, &la);
			mid_lo = la.end;
		} else if (has_a) {
			cover(&b, lm, mem, la.base, lo, rest_meaning(lm, mem, &la));
		}
		if (keep_b)
			mid_hi = lb.base;
		if (mid_lo < mid_hi)
			cover(&b, lm, mem, mid_lo, mid_hi, m);
		if (keep_b)
			push_leaf(&b, &lb);
		else if (has_b)
			cover(&b, lm, mem, hi, lb.end, rest_meaning(lm, mem, &lb));
	}
	ref_build_copy(&b, &lm->leaves, whi, UINT64_MAX);
	return ref_build_finish(&b, out);
}

/*
 * out = in with every valid leaf piece in [lo, hi) changed in place: its
 * template bits `clear` cleared and `set` set, level and output kept. Used
 * for S16's in-place returns and §5b's permission and aging operations,
 * which never split (callers pass whole leaves).
 */
int ref_rewrite(struct ref_arena *a, const struct ref_runs *in, uint64_t lo, uint64_t hi,
		uint64_t clear, uint64_t set, struct ref_runs *out)
{
	struct ref_build b;
	size_t i;

	ref_build_init(&b, a, in->nr + 2);
	ref_build_copy(&b, in, 0, lo);
	for (i = ref_runs_find(in, lo); i < in->nr && in->run[i].start < hi; i++) {
		struct ref_run piece = in->run[i];

		piece.start = ref_max(piece.start, lo);
		piece.end = ref_min(piece.end, hi);
		if (piece.val & REF_DESC_VALID)
			piece.val = (piece.val & ~clear) | set;
		ref_build_push(&b, &piece);
	}
	ref_build_copy(&b, in, hi, UINT64_MAX);
	return ref_build_finish(&b, out);
}
