// SPDX-License-Identifier: MIT
/*
 * The hashed-walk stream (§10, S27) produced from the leaves alone: a
 * pre-order walk from the root in address order where every non-zero entry
 * yields (level, input address, descriptor), a table entry yielding 0x3 and
 * then its children. Which entries are tables follows from §4.3.
 */
#include "ref_priv.h"

struct stream {
	const struct ref_lmap *lm;
	ref_emit_fn emit;
	void *arg;
};

/* Emit the non-zero entries at `level` of the table spanning [lo, hi). */
static void stream_table(const struct stream *s, unsigned int level, uint64_t lo, uint64_t hi)
{
	const struct ref_runs *rs = &s->lm->leaves;
	uint64_t span = ref_span(level), pos = lo;

	while (pos < hi) {
		size_t i = ref_runs_find(rs, pos);
		const struct ref_run *run;
		uint64_t x;

		if (i == rs->nr || rs->run[i].start >= hi)
			return;
		run = &rs->run[i];
		x = ref_max(run->start, pos);
		REF_BUG_ON(run->level < level);
		if (run->level == level) {
			uint64_t end = ref_min(run->end, hi);

			for (; x < end; x += span)
				s->emit(s->arg, level, x << REF_PAGE_SHIFT,
					ref_leaf_desc(run->val, run->aux, level, x));
			pos = end;
		} else {
			x = ref_align_down(x, span);
			s->emit(s->arg, level, x << REF_PAGE_SHIFT, REF_DESC_TABLE);
			stream_table(s, level + 1, x, x + span);
			pos = x + span;
		}
	}
}

/* The whole stream of one table. */
void ref_stream_lmap(const struct ref_lmap *lm, ref_emit_fn emit, void *arg)
{
	struct stream s = { .lm = lm, .emit = emit, .arg = arg };

	if (!lm->nr_tables)
		return;
	stream_table(&s, ref_start_level(lm->ia_bits), 0, 1ull << (lm->ia_bits - REF_PAGE_SHIFT));
}
