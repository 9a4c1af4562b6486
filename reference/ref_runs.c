// SPDX-License-Identifier: MIT
/*
 * Sorted runs: [start, end) page ranges whose pages share one record, sorted,
 * never overlapping, and merged whenever two neighbours touch and carry the
 * same record. Every table and the page-ownership records are kept this way,
 * so memory touched page by page costs one run per distinct record, not one
 * per page. Lists are never edited in place: a builder produces the new list
 * and the caller swaps it in, which makes "on error nothing changes" (§5)
 * trivially true.
 */
#include "ref_priv.h"

#define REF_BUILD_MIN 8

/* Start an empty list; `hint` is the expected number of runs. */
void ref_build_init(struct ref_build *b, struct ref_arena *a, size_t hint)
{
	memset(b, 0, sizeof(*b));
	b->arena = a;
	b->hint = hint;
}

/* Double the capacity of the list being built. */
static void build_grow(struct ref_build *b)
{
	size_t cap = b->out.cap ? 2 * b->out.cap : ref_max(b->hint, REF_BUILD_MIN);
	struct ref_run *nw;

	nw = ref_arena_alloc(b->arena, cap * sizeof(*nw));
	if (!nw) {
		b->err = -REF_ENOSPC;
		return;
	}
	if (b->out.nr)
		memcpy(nw, b->out.run, b->out.nr * sizeof(*nw));
	ref_arena_free(b->arena, b->out.run, b->out.cap * sizeof(*nw));
	b->out.run = nw;
	b->out.cap = cap;
}

/* Two runs carry the same record. */
static bool same_record(const struct ref_run *x, const struct ref_run *y)
{
	return x->val == y->val && x->aux == y->aux && x->level == y->level;
}

/* Append a run at or after the end of the list, merging with the last run. */
void ref_build_push(struct ref_build *b, const struct ref_run *run)
{
	struct ref_run *last;

	if (b->err || run->start >= run->end)
		return;
	if (b->out.nr) {
		last = &b->out.run[b->out.nr - 1];
		REF_BUG_ON(last->end > run->start);
		if (last->end == run->start && same_record(last, run)) {
			last->end = run->end;
			return;
		}
	}
	if (b->out.nr == b->out.cap) {
		build_grow(b);
		if (b->err)
			return;
	}
	b->out.run[b->out.nr] = *run;
	b->out.run[b->out.nr].pad = 0;
	b->out.nr++;
}

/* Append the parts of `in` that lie in [lo, hi). */
void ref_build_copy(struct ref_build *b, const struct ref_runs *in, uint64_t lo, uint64_t hi)
{
	size_t i;
	struct ref_run piece;

	if (lo >= hi)
		return;
	for (i = ref_runs_find(in, lo); i < in->nr; i++) {
		if (in->run[i].start >= hi)
			break;
		piece = in->run[i];
		piece.start = ref_max(piece.start, lo);
		piece.end = ref_min(piece.end, hi);
		ref_build_push(b, &piece);
	}
}

/* Hand the built list to `out`, or free it and report -REF_ENOSPC. */
int ref_build_finish(struct ref_build *b, struct ref_runs *out)
{
	if (b->err) {
		ref_runs_free(b->arena, &b->out);
		return b->err;
	}
	*out = b->out;
	return 0;
}

/* Release a list's storage. */
void ref_runs_free(struct ref_arena *a, struct ref_runs *rs)
{
	ref_arena_free(a, rs->run, rs->cap * sizeof(*rs->run));
	memset(rs, 0, sizeof(*rs));
}

/* Index of the first run that ends after `page` (nr if none). */
size_t ref_runs_find(const struct ref_runs *rs, uint64_t page)
{
	size_t lo = 0, hi = rs->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rs->run[mid].end <= page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The run holding `page`, or NULL. */
const struct ref_run *ref_runs_at(const struct ref_runs *rs, uint64_t page)
{
	size_t i = ref_runs_find(rs, page);

	if (i < rs->nr && rs->run[i].start <= page)
		return &rs->run[i];
	return NULL;
}

/* out = in with [lo, hi) replaced by `with` (NULL: emptied). */
int ref_runs_replace(struct ref_arena *a, const struct ref_runs *in, uint64_t lo, uint64_t hi,
		     const struct ref_run *with, struct ref_runs *out)
{
	struct ref_build b;
	struct ref_run run;

	ref_build_init(&b, a, in->nr + 2);
	ref_build_copy(&b, in, 0, lo);
	if (with) {
		run = *with;
		run.start = lo;
		run.end = hi;
		ref_build_push(&b, &run);
	}
	ref_build_copy(&b, in, hi, UINT64_MAX);
	return ref_build_finish(&b, out);
}
