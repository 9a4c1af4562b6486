// SPDX-License-Identifier: MIT
/*
 * The slow path after two digests disagree: find the first record where the
 * streams part ways.
 */
#include "diff/diff.h"

struct collect {
	struct diff_record *rec;
	size_t cap, n;
	bool overflow;
};

static void collect_record(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		c->overflow = true;
		return;
	}
	c->rec[c->n++] = (struct diff_record){ level, ia, desc };
}

struct against {
	const struct collect *expected;
	size_t i;
	struct diff_mismatch *out;
};

static void compare_record(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	struct against *a = arg;
	struct diff_record r = { level, ia, desc };
	const struct diff_record *e;

	if (a->out->found)
		return;
	e = a->i < a->expected->n ? &a->expected->rec[a->i] : NULL;
	if (!e || e->level != r.level || e->ia != r.ia || e->desc != r.desc) {
		a->out->found = true;
		a->out->index = a->i;
		a->out->have_expected = e != NULL;
		if (e)
			a->out->expected = *e;
		a->out->have_actual = true;
		a->out->actual = r;
	}
	a->i++;
}

void diff_first_difference(diff_stream_fn expected, void *esrc, diff_stream_fn actual, void *asrc,
			   struct diff_record *scratch, size_t cap, struct diff_mismatch *out)
{
	struct collect c = { scratch, cap, 0, false };
	struct against a = { &c, 0, out };

	*out = (struct diff_mismatch){ .overflow = false };
	expected(esrc, collect_record, &c);
	out->overflow = c.overflow;
	actual(asrc, compare_record, &a);
	if (!out->found && a.i < c.n) {
		/* The actual stream ended early: the expected record is missing. */
		out->found = true;
		out->index = a.i;
		out->have_expected = true;
		out->expected = c.rec[a.i];
	}
}
