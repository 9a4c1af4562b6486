// SPDX-License-Identifier: MIT
/* The comparisons after an operation (checks.h), for every world and el2's (freestanding). */
#include "checks.h"
#include "ref/ref.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef FZ_EXPLAIN_RECORDS /* what the first-difference search holds; el2's image has less */
#define FZ_EXPLAIN_RECORDS (1U << 20)
#endif

bool fz_mark(struct fz_failure *f, const char *check, const char *op, const char *what)
{
	f->check = check;
	snprintf(f->signature, sizeof(f->signature), "%s/%s/%s", check, op, what);
	return false;
}

bool fz_failed(struct fz_failure *f, const char *check, const char *op, const char *what,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	return fz_mark(f, check, op, what);
}

bool fz_check_rc(const char *op, int core_rc, int ref_rc, struct fz_failure *f)
{
	if (core_rc == ref_rc)
		return true;
	fz_failed(f, "return-code", op, "", "%s returned %d, the reference %d", op, core_rc, ref_rc);
	snprintf(f->signature, sizeof(f->signature), "return-code/%s/core=%d/ref=%d", op, core_rc,
		 ref_rc);
	return false;
}

bool fz_check_hvc_regs(const uint64_t *in, const uint64_t *out, bool call, int ref_rc,
		       const char *op, struct fz_failure *f)
{
	static const char *const regs[] = { "x0", "x1", "x2", "x3", "x4" };
	int64_t x1 = (int64_t)out[1];

	for (unsigned i = 0; i < 5; i++) {
		uint64_t want = in[i];

		if (!i)
			want = call ? 0 : UINT64_MAX;
		else if (i == 1 && call)
			want = (uint64_t)(int64_t)ref_rc;
		/* x1 of a call: a result the return-code check can name, or a broken register. */
		if (i == 1 && call ? x1 < -4095 || x1 > 0 : out[i] != want)
			return fz_failed(f, "hvc-abi", op, regs[i],
					 "%s: %s is %#llx after the call, the ABI says %#llx", op,
					 regs[i], (unsigned long long)out[i], (unsigned long long)want);
	}
	return fz_check_rc(op, call ? (int)x1 : 0, ref_rc, f);
}

/* The slow path: the first differing record, decoded into words. */
static void explain(const struct fz_pair *p, struct fz_failure *f)
{
	static struct diff_record scratch[FZ_EXPLAIN_RECORDS];
	const struct diff_table *t = &p->core;
	char exp[160] = "(none)", act[160] = "(none)";
	const char *side = p->side ? p->side : "core";
	int pad = 10 - (int)strlen(side);
	const struct diff_record *where;
	struct diff_mismatch mm;

	diff_first_difference(p->ref_stream, p->ref_src, diff_table_stream, (void *)t, scratch,
			      sizeof(scratch) / sizeof(scratch[0]), &mm);
	if (!mm.found) {
		snprintf(f->detail, sizeof(f->detail), "%s (vm %u): digests differ but streams agree%s",
			 diff_kind_name(t->kind), t->vm,
			 mm.overflow ? " (stream too long to compare)" : "");
		return;
	}
	if (mm.have_expected)
		diff_decode(t->kind, (unsigned)mm.expected.level, mm.expected.desc, exp, sizeof(exp));
	if (mm.have_actual)
		diff_decode(t->kind, (unsigned)mm.actual.level, mm.actual.desc, act, sizeof(act));
	where = !mm.have_actual || (mm.have_expected && mm.expected.ia <= mm.actual.ia) ? &mm.expected
											  : &mm.actual;
	snprintf(f->detail, sizeof(f->detail),
		 "first difference in %s (vm %u), record %llu, input address %#llx, level %llu\n"
		 "  expected (reference): %s [%#llx]\n"
		 "  actual   (%s):%*s%s [%#llx]",
		 diff_kind_name(t->kind), t->vm, (unsigned long long)mm.index,
		 (unsigned long long)where->ia, (unsigned long long)where->level, exp,
		 (unsigned long long)mm.expected.desc, side, pad > 1 ? pad : 1, "", act,
		 (unsigned long long)mm.actual.desc);
}

bool fz_compare_table(struct fz_slot *s, const struct fz_pair *p, const char *op,
		      struct fz_failure *f)
{
	const char *kind = diff_kind_name(p->core.kind);
	struct diff_violation v;
	bool stale = s->stale;
	uint64_t tables = 0;

	if (stale)
		s->core_digest = diff_stream_hash(diff_table_stream, (void *)&p->core);
	if (!s->ref_known || s->ref_generation != p->ref_generation) {
		s->ref_digest = diff_stream_hash(p->ref_stream, p->ref_src);
		s->ref_generation = p->ref_generation;
		s->ref_known = true;
	}
	s->stale = false;
	if (s->core_digest != s->ref_digest) {
		s->stale = true;
		s->ref_known = false;
		explain(p, f);
		return fz_mark(f, "digest", op, kind);
	}
	if (stale && !diff_check_table(&p->core, &tables, &v)) {
		s->stale = true;
		return fz_failed(f, "invariant", op, kind, "%s (vm %u): %s", kind, p->core.vm, v.what);
	}
	if (stale)
		s->tables = tables;
	return true;
}

struct host_access_check {
	const struct ref *ref;
	bool ok;
	uint64_t ia;
	unsigned level;
};

static void check_host_leaf(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	struct host_access_check *c = arg;

	/* Table descriptors reach the stream masked to 0x3; skip them. */
	if (!(desc & 1) || (level < 3 && desc == 3) || !c->ok)
		return;
	if (!ref_host_may_access(c->ref, ia >> 12, 1ULL << (9 * (3 - level)))) {
		c->ok = false;
		c->ia = ia;
		c->level = level;
	}
}

bool fz_check_host_leaves(const struct ref *r, struct diff_table *t, const char *op,
			  struct fz_failure *f)
{
	struct host_access_check c = { r, true, 0, 0 };

	diff_table_stream(t, check_host_leaf, &c);
	if (c.ok)
		return true;
	return fz_failed(f, "invariant", op, "host maps a page it does not own",
			 "host stage-2 maps ia %#llx (level %u) though a page in it is not the host's",
			 (unsigned long long)c.ia, c.level);
}

bool fz_check_pool(const char *op, const char *name, uint64_t core_free, uint64_t ref_free,
		   uint64_t core_free_all, uint64_t in_tables, uint64_t size, struct fz_failure *f)
{
	if (core_free_all + in_tables != size)
		return fz_failed(f, "invariant", op, "pool accounting",
				 "%s pool: %llu free + %llu in tables != %llu pages (a page lost, "
				 "or linked twice)",
				 name, (unsigned long long)core_free_all,
				 (unsigned long long)in_tables, (unsigned long long)size);
	if (core_free != ref_free)
		return fz_failed(f, "pool", op, name,
				 "%s pool: core has %llu free table pages, reference %llu", name,
				 (unsigned long long)core_free, (unsigned long long)ref_free);
	return true;
}

bool fz_check_state(const struct diff_state *core, const struct diff_state *ref, const char *op,
		    struct fz_failure *f)
{
	uint64_t c = diff_state_hash(core), r = diff_state_hash(ref);

	if (c == r)
		return true;
	return fz_failed(f, "digest", op, "state",
			 "whole-state digests differ: core %#llx over %u tables, reference %#llx "
			 "over %u",
			 (unsigned long long)c, core->n, (unsigned long long)r, ref->n);
}
