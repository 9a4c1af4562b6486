// SPDX-License-Identifier: MIT
/*
 * Linearizability (docs/fuzz_parallel.md): the serial order a parallel run
 * stands for, replayed on the reference's single-table model. Leaves are
 * compared with table records left out: tables emptied by lost races may
 * stay until the next exclusive operation (§9).
 *
 * Writers are the operations whose final attempt stored into a reachable
 * table or one a shared walk had unlinked. A writer takes effect somewhere
 * between its first such store (in any attempt) and its last: a fault's
 * split shows before its leaf is written, even from an attempt that then
 * lost (relax_perms acts on whatever leaf holds the address), while a fault
 * that overwrites another's leaf must come after it. A writer whose last
 * store landed in an unlinked table lost it (S43) and goes before the
 * unlinker, at any time since its final attempt began. Every split (a leaf
 * replaced by a table of its pieces) is a step of its own at its publish:
 * it keeps the meaning, but relax_perms and mkyoung act on the smaller leaf
 * from then on, even if the fault that split it then loses or fails and the
 * split stays. The fault's own replay finds the split done. Writers whose
 * windows do not overlap keep their order; the others are tried from the
 * natural order (by last store) outwards, a bounded number of orders.
 *
 * Operations that stored nothing must fit a state the table passed through
 * during their final attempt: unchanged by them there, or erased by the
 * next writer (a fault that found its table being unlinked and stopped).
 */
#include "parallel_run.h"

#include "diff/diff.h"
#include "ref/ref_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_POOL_PAGES	65536ULL
#define REF_ARENA_BYTES (16ULL << 20)
#define MAX_LEAVES	(1U << 16)
#define MAX_ORDERS	256U
#define MAX_ENTRIES	(FZP_MAX_RECORDS + PAR_MAX_SPLITS)
#define SPLIT(i)	(-1 - (int)(i))

struct leaves {
	struct diff_record *rec;
	size_t n;
	bool overflow;
};

/* A writer: an operation, or a split (SPLIT(i)) as a step of its own. */
struct writer {
	int id;
	uint64_t lo, hi;	     /* its window: the clocks it may take effect at */
	uint64_t reach_lo, reach_hi; /* the input addresses its stores span */
};

/* A run of translation: [ia, ia + size) -> out with one set of attributes. */
struct span {
	uint64_t ia, size, out, attrs;
};

struct replay {
	struct par_run *r;
	struct ref_table t;
	bool enomem; /* a fault failed half-way: compare meaning, not leaves */
	/* The writers, and who must precede whom. */
	unsigned nw;
	struct writer w[MAX_ENTRIES];
	bool before[MAX_ENTRIES][MAX_ENTRIES];
	/* The order being tried, as indices into w. */
	unsigned order[MAX_ENTRIES];
	unsigned tried;
	struct leaves core;
};

static void *ref_arena;

/* The operation at position @k of the order, or NULL for a stray split. */
static const struct par_op *writer_op(const struct replay *p, unsigned k)
{
	int id = p->w[p->order[k]].id;

	return id >= 0 ? &p->r->ops[id] : NULL;
}

static int ref_apply(struct ref_table *t, const struct fz_op *op)
{
	uint64_t span = pgt_level_span(fzp_level(op)), ia = fzp_ia(op);

	switch (op->index) {
	case FZP_FAULT_MAP:
		return ref_table_fault_map(t, ia, fzp_level(op), fzp_pa(op), fzp_prot(op),
					   REF_MT_NORMAL);
	case FZP_MKYOUNG:
		return ref_table_mkyoung(t, ia);
	case FZP_RELAX_PERMS:
		return ref_table_relax_perms(t, ia, fzp_prot(op));
	case FZP_PRELUDE_MAP:
		return ref_table_map(t, ia & ~(span - 1), span >> 12, fzp_pa(op) & ~(span - 1),
				     fzp_prot(op), fzp_memtype(op));
	}
	return -REF_EINVAL;
}

/* @op, in the words of @what, returned @core on the core and @ref in the replay. */
static bool rc_differs(struct fz_failure *f, const struct fz_op *op, const char *what, int core,
		       int ref)
{
	char rcs[32];

	snprintf(rcs, sizeof(rcs), "core=%d/ref=%d", core, ref);
	return fz_failed(f, "return-code", op->def->name, rcs,
			 "%s: the core returned %d, the reference's serial replay %d", what, core,
			 ref);
}

/*
 * A split as a step of its own: the leaf at (@ia, @level), if the
 * serial state has one there, becomes a table of 512 leaves with its meaning.
 * The reference has no one-level split, so map one child with other
 * permissions (the leaf splits, §4.2), then map it back. A device leaf may
 * hold X only through relax_perms (S44; map refuses it, S4): so again.
 */
static void ref_split(struct ref_table *t, uint64_t ia, unsigned level)
{
	const uint64_t addr = 0x0000fffffffff000ULL;
	uint64_t desc, child = pgt_level_span(level + 1), out;
	unsigned have, prot, base, other, memtype;

	if (ref_table_get_leaf(t, ia, &have, &desc) || have != level || !(desc & 1))
		return;
	prot = ((desc >> 6) & 1 ? REF_PROT_R : 0) | ((desc >> 7) & 1 ? REF_PROT_W : 0) |
	       (((desc >> 53) & 3) ? 0 : REF_PROT_X);
	memtype = ((desc >> 2) & 0xf) == 0xf ? REF_MT_NORMAL : REF_MT_DEVICE;
	out = (desc & addr) + (ia & (pgt_level_span(level) - 1));
	base = memtype == REF_MT_DEVICE ? prot & ~REF_PROT_X : prot;
	other = base ^ REF_PROT_W ? base ^ REF_PROT_W : REF_PROT_R;
	ref_table_map(t, ia, child >> 12, out, other, memtype);
	ref_table_map(t, ia, child >> 12, out, base, memtype);
	if (base != prot)
		ref_table_relax_perms(t, ia, REF_PROT_X);
}

/* Apply the writer at position @k of the order to the reference. */
static bool apply_writer(struct replay *p, unsigned k, struct fz_failure *f)
{
	int id = p->w[p->order[k]].id, rc;
	const struct par_op *o;
	char what[192];

	if (id < 0) {
		ref_split(&p->t, p->r->splits[-1 - id].ia, p->r->splits[-1 - id].level);
		return true;
	}
	o = &p->r->ops[id];
	rc = ref_apply(&p->t, o->op);
	if (rc == o->rc)
		return true;
	par_op_describe(p->r, (unsigned)id, what, sizeof(what));
	return rc_differs(f, o->op, what, o->rc, rc);
}

/* The reference after the prelude (with the core's pool size) and @k writers. */
static bool rebuild(struct replay *p, unsigned k, struct fz_failure *f)
{
	struct par_run *r = p->r;
	char what[192];
	int rc;

	if (ref_table_init(&p->t, REF_STAGE2, r->in.setup.ia_bits, REF_POOL_PAGES, ref_arena,
			   REF_ARENA_BYTES))
		abort();
	ref_table_pool_hide(&p->t, REF_POOL_PAGES - r->in.setup.pool_pages);
	for (unsigned i = 0; i < r->in.nr_prelude; i++) {
		rc = ref_apply(&p->t, &r->in.prelude[i]);
		if (rc != r->prelude_rc[i]) {
			fz_format_op(&fz_world_parallel, &r->in.prelude[i], what, sizeof(what));
			return rc_differs(f, &r->in.prelude[i], what, r->prelude_rc[i], rc);
		}
	}
	/* Shared walks cannot count ahead (S42): no -ENOMEM in the replay. */
	ref_table_pool_unhide(&p->t);
	for (unsigned j = 0; j < k; j++)
		if (!apply_writer(p, j, f))
			return false;
	return true;
}

static void ref_src(void *src, diff_emit_fn emit, void *arg)
{
	ref_table_stream(src, emit, arg);
}

static uint64_t ref_hash(struct replay *p)
{
	return diff_stream_hash(ref_src, &p->t);
}

/* Leaves only: a table record is structure, and empty tables may be left (§9). */
static void collect_leaf(void *arg, unsigned level, uint64_t ia, uint64_t desc)
{
	struct leaves *l = arg;

	if (level < 3 && (desc & 3) == 3)
		return;
	if (l->n == MAX_LEAVES) {
		l->overflow = true;
		return;
	}
	l->rec[l->n++] = (struct diff_record){ level, ia, desc };
}

/* Merge leaves into maximal runs of one translation (meaning, not shape). */
static size_t to_spans(const struct leaves *l, struct span *s)
{
	const uint64_t addr = 0x0000fffffffff000ULL;
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct diff_record *d = &l->rec[i];
		struct span x = { d->ia, pgt_level_span((unsigned)d->level), d->desc & addr,
				  d->desc & ~(addr | 3ULL) };

		if (n && s[n - 1].ia + s[n - 1].size == x.ia && s[n - 1].attrs == x.attrs &&
		    s[n - 1].out + s[n - 1].size == x.out)
			s[n - 1].size += x.size;
		else
			s[n++] = x;
	}
	return n;
}

/* The latest writer meeting [ia, ia + size): the likely culprit. */
static const char *culprit(const struct replay *p, uint64_t ia, uint64_t size)
{
	for (unsigned k = p->nw; k-- > 0;) {
		const struct fz_op *op = writer_op(p, k) ? writer_op(p, k)->op : NULL;
		uint64_t span, base;

		if (!op)
			continue;
		span = op->index == FZP_FAULT_MAP ? pgt_level_span(fzp_level(op)) : 4096;
		base = fzp_ia(op) & ~(span - 1);
		if (base < ia + size && ia < base + span)
			return op->def->name;
	}
	return "parallel";
}

/* The leaves of the core (@c) and of the serial replay (@e) are the same. */
static bool leaves_match(struct replay *p, const struct leaves *c, const struct leaves *e,
			 struct fz_failure *f)
{
	char exp[160] = "(none)", act[160] = "(none)";
	const struct diff_record *where;
	size_t i = 0;

	while (i < c->n && i < e->n && !memcmp(&c->rec[i], &e->rec[i], sizeof(c->rec[i])))
		i++;
	if (i == c->n && i == e->n)
		return true;
	if (i < e->n)
		diff_decode(DIFF_GUEST_S2, (unsigned)e->rec[i].level, e->rec[i].desc, exp,
			    sizeof(exp));
	if (i < c->n)
		diff_decode(DIFF_GUEST_S2, (unsigned)c->rec[i].level, c->rec[i].desc, act,
			    sizeof(act));
	where = i < e->n && (i >= c->n || e->rec[i].ia <= c->rec[i].ia) ? &e->rec[i] : &c->rec[i];
	return fz_failed(f, "linearize",
			 culprit(p, where->ia, pgt_level_span((unsigned)where->level)), "leaf",
			 "leaf %zu differs (table records left out), input address %#llx level "
			 "%llu\n  expected (serial replay): %s\n  actual   (core):          %s",
			 i, (unsigned long long)where->ia, (unsigned long long)where->level, exp,
			 act);
}

/* The same translations, where a fault's -ENOMEM may have left other shapes. */
static bool spans_match(struct replay *p, const struct leaves *c, const struct leaves *e,
			struct fz_failure *f)
{
	static struct span cs[MAX_LEAVES], es[MAX_LEAVES];
	static const struct span none;
	size_t nc = to_spans(c, cs), ne = to_spans(e, es), i = 0;
	const struct span *x, *y;

	while (i < nc && i < ne && !memcmp(&cs[i], &es[i], sizeof(cs[i])))
		i++;
	if (i == nc && i == ne)
		return true;
	x = i < ne ? &es[i] : &none;
	y = i < nc ? &cs[i] : &none;
	return fz_failed(f, "linearize",
			 culprit(p, i < ne ? x->ia : y->ia, i < ne ? x->size : y->size), "meaning",
			 "a fault failed with -ENOMEM, so shapes may differ; translations differ:\n"
			 "  expected (serial replay): %#llx+%#llx -> %#llx attrs %#llx\n"
			 "  actual   (core):          %#llx+%#llx -> %#llx attrs %#llx",
			 (unsigned long long)x->ia, (unsigned long long)x->size,
			 (unsigned long long)x->out, (unsigned long long)x->attrs,
			 (unsigned long long)y->ia, (unsigned long long)y->size,
			 (unsigned long long)y->out, (unsigned long long)y->attrs);
}

/*
 * May operation @id, whose final attempt ran over clocks [s, e], go between
 * the writers at positions k - 1 and k? Yes if some clock in [s, e] can
 * come after every writer before k and before every writer from k on.
 * Only writers that met what @id may change count (a fault its level's
 * block, mkyoung and relax_perms the leaf holding ia, at most its 1 GiB
 * block): the others commute with it, so the order of writers could place
 * them on whichever side time demands (linearizability is local to each
 * object).
 */
static bool window_allows(const struct replay *p, unsigned k, unsigned id)
{
	const struct par_op *o = &p->r->ops[id];
	uint64_t size = pgt_level_span(o->op->index == FZP_FAULT_MAP ? fzp_level(o->op) : 1);
	uint64_t lo = fzp_ia(o->op) & ~(size - 1), hi = lo + size;
	uint64_t after = o->start, before = UINT64_MAX;

	for (unsigned j = 0; j < p->nw; j++) {
		const struct writer *w = &p->w[p->order[j]];

		if (w->reach_hi <= lo || hi <= w->reach_lo)
			continue;
		if (j < k && w->lo + 1 > after)
			after = w->lo + 1;
		if (j >= k && w->hi < before)
			before = w->hi;
	}
	return after <= o->end && after < before;
}

/*
 * Can operation @id, which stored nothing, go at position @k (the state
 * hashed in h[k])? Either it changes nothing there, or writer k erases what
 * it writes (S43). *dirty: the reference is no longer in state k.
 */
static bool fits(struct replay *p, unsigned id, unsigned k, const uint64_t *h, int *ref_rc,
		 bool *dirty)
{
	const struct par_op *o = &p->r->ops[id];

	*ref_rc = ref_apply(&p->t, o->op);
	*dirty = ref_hash(p) != h[k];
	if (*ref_rc != o->rc)
		return false;
	if (!*dirty)
		return true;
	if (k == p->nw || !writer_op(p, k))
		return false;
	return ref_apply(&p->t, writer_op(p, k)->op) == writer_op(p, k)->rc &&
	       ref_hash(p) == h[k + 1];
}

/*
 * Is @o replayed, as a writer or else as an operation that stored nothing?
 * Not a fault that kept losing alone or failed half-way with -ENOMEM. Its
 * stores are the final attempt's own leaf writes, not the splits it
 * published (steps of their own): a fault that only split and then found
 * its meaning there (another operation put it in the smaller leaf
 * meanwhile) wrote nothing of its own. It takes effect at a load, any time
 * in its final attempt, like an operation that stored nothing.
 */
static bool replayed(const struct par_op *o, bool as_writer)
{
	return !o->eagain_alone && !(o->op->index == FZP_FAULT_MAP && o->rc == -CORE_ENOMEM) &&
	       (o->stores - o->split_stores != 0) == as_writer;
}

/* Place every operation that stored nothing, for the current order. */
static bool place_noops(struct replay *p, struct fz_failure *f)
{
	static uint64_t h[MAX_ENTRIES + 1];
	struct par_run *r = p->r;
	bool todo[FZP_MAX_RECORDS];
	int last_rc[FZP_MAX_RECORDS];

	if (!rebuild(p, 0, f))
		return false;
	h[0] = ref_hash(p);
	for (unsigned k = 0; k < p->nw; k++) {
		if (!apply_writer(p, k, f))
			return false;
		h[k + 1] = ref_hash(p);
	}
	if (!rebuild(p, 0, f))
		return false;
	for (unsigned id = 0; id < r->nr_ops; id++) {
		todo[id] = replayed(&r->ops[id], false);
		last_rc[id] = 0;
	}
	for (unsigned k = 0; k <= p->nw; k++) {
		for (unsigned id = 0; id < r->nr_ops; id++) {
			bool dirty;

			if (!todo[id] || !window_allows(p, k, id))
				continue;
			if (fits(p, id, k, h, &last_rc[id], &dirty)) {
				todo[id] = false;
				r->ops[id].serial = (int)k;
				r->ops[id].noop = true;
				r->ops[id].erased = dirty;
			}
			if (dirty && !rebuild(p, k, f))
				return false;
		}
		if (k < p->nw && !apply_writer(p, k, f))
			return false;
	}
	for (unsigned id = 0; id < r->nr_ops; id++) {
		const struct par_op *o = &r->ops[id];
		char op[192];

		if (!todo[id])
			continue;
		par_op_describe(r, id, op, sizeof(op));
		return fz_failed(f, "linearize", o->op->def->name, "no-op",
				 "%s returned %d and stored nothing, but at no state the table "
				 "passed through during its final attempt (clocks %llu..%llu) does "
				 "the reference agree, nor is its effect there erased by the next "
				 "writer (it last returned %d)",
				 op, o->rc, (unsigned long long)o->start,
				 (unsigned long long)o->end, last_rc[id]);
	}
	return true;
}

/* Replay the current order of writers and compare; then place the no-ops. */
static bool try_order(struct replay *p, struct fz_failure *f)
{
	static struct diff_record ref_rec[MAX_LEAVES];
	struct leaves e = { ref_rec, 0, false };

	for (unsigned id = 0; id < p->r->nr_ops; id++) {
		p->r->ops[id].serial = -1;
		p->r->ops[id].noop = p->r->ops[id].erased = false;
	}
	for (unsigned k = 0; k < p->nw; k++)
		if (writer_op(p, k))
			p->r->ops[p->w[p->order[k]].id].serial = (int)k;
	if (!rebuild(p, p->nw, f))
		return false;
	ref_table_stream(&p->t, collect_leaf, &e);
	if (e.overflow)
		return fz_failed(f, "harness", "parallel", "too-many-leaves", "more than %u leaves",
				 MAX_LEAVES);
	if (!(p->enomem ? spans_match(p, &p->core, &e, f) : leaves_match(p, &p->core, &e, f)))
		return false;
	return place_noops(p, f);
}

/* The natural order: of the writers whose constraints allow, earliest last store. */
static bool natural_order(struct replay *p)
{
	bool used[MAX_ENTRIES] = { false };

	for (unsigned depth = 0; depth < p->nw; depth++) {
		unsigned best = p->nw;

		for (unsigned a = 0; a < p->nw; a++) {
			bool ready = !used[a];

			for (unsigned b = 0; ready && b < p->nw; b++)
				ready = used[b] || b == a || !p->before[b][a];
			if (ready && (best == p->nw || p->w[a].hi < p->w[best].hi ||
				      (p->w[a].hi == p->w[best].hi && p->w[a].lo < p->w[best].lo)))
				best = a;
		}
		if (best == p->nw)
			return false; /* a cycle: no order at all */
		used[best] = true;
		p->order[depth] = best;
	}
	return true;
}

/* Swap positions @i and @i + 1 if the constraints allow it. */
static bool swap_next(struct replay *p, unsigned i)
{
	unsigned a = p->order[i], b = p->order[i + 1];

	if (p->before[a][b])
		return false;
	p->order[i] = b;
	p->order[i + 1] = a;
	return true;
}

/* Try the current order: 1 matched, 0 not, -1 out of tries. */
static int attempt(struct replay *p, struct fz_failure *f)
{
	struct fz_failure mine;

	if (try_order(p, p->tried ? &mine : f))
		return 1;
	return ++p->tried >= MAX_ORDERS ? -1 : 0;
}

/*
 * Orders by distance from the natural one: itself, then each swap of two
 * neighbours, then each two such swaps, as the constraints allow. Races move
 * writers only a little, and this reaches such moves anywhere in the order.
 * The first failure (the natural order's) is the one reported.
 */
static int search(struct replay *p, struct fz_failure *f)
{
	unsigned natural[MAX_ENTRIES];
	int ret;

	if (!natural_order(p))
		return 0;
	memcpy(natural, p->order, sizeof(natural));
	if ((ret = attempt(p, f)))
		return ret;
	for (unsigned i = 0; i + 1 < p->nw; i++) {
		if (swap_next(p, i) && (ret = attempt(p, f)))
			return ret;
		memcpy(p->order, natural, sizeof(natural));
	}
	for (unsigned i = 0; i + 1 < p->nw; i++) {
		for (unsigned j = 0; j + 1 < p->nw; j++) {
			if (j != i && swap_next(p, i) && swap_next(p, j) && (ret = attempt(p, f)))
				return ret;
			memcpy(p->order, natural, sizeof(natural));
		}
	}
	return 0;
}

/* Writers, their windows and reach, and the order constraints between them. */
static void find_writers(struct replay *p)
{
	struct par_run *r = p->r;
	int index[FZP_MAX_RECORDS];

	p->enomem = false;
	for (unsigned id = 0; id < r->nr_ops; id++) {
		const struct par_op *o = &r->ops[id];

		index[id] = -1;
		if (o->op->index == FZP_FAULT_MAP && o->rc == -CORE_ENOMEM)
			p->enomem = true;
		if (!replayed(o, true))
			continue;
		index[id] = (int)p->nw;
		/* A failed attempt's split is seen by relax_perms and mkyoung too. */
		p->w[p->nw++] = (struct writer){ (int)id, o->first_effect, o->last_store,
						 o->reach_lo, o->reach_hi };
	}
	/* A lost write goes before its unlinker, any time since its attempt began. */
	for (unsigned pass = 0; pass < p->nw; pass++) {
		for (unsigned a = 0; a < p->nw; a++) {
			int u = r->ops[p->w[a].id].lost_to;

			if (u < 0 || index[u] < 0)
				continue;
			p->w[a].lo = r->ops[p->w[a].id].start;
			p->w[a].hi = p->w[index[u]].hi;
			p->before[a][index[u]] = true;
		}
	}
	/* Every split is a step of its own (see the top of this file). */
	for (unsigned i = 0; i < r->nr_splits; i++) {
		const struct par_split *sp = &r->splits[i];
		uint64_t span = pgt_level_span(sp->level), lo = sp->ia & ~(span - 1);

		p->w[p->nw++] = (struct writer){ SPLIT(i), sp->clock, sp->clock, lo, lo + span };
	}
	for (unsigned a = 0; a < p->nw; a++)
		for (unsigned b = 0; b < p->nw; b++)
			if (p->w[a].hi < p->w[b].lo)
				p->before[a][b] = true;
}

bool par_check_serial(struct par_run *r, struct fz_failure *f)
{
	static struct replay p;
	static struct diff_record core_rec[MAX_LEAVES];
	struct diff_table t = par_view(r);
	size_t len;

	/* Too many splits recorded to place them all: no verdict. */
	if (r->splits_overflow)
		return true;
	if (!ref_arena && !(ref_arena = malloc(REF_ARENA_BYTES)))
		abort();
	memset(&p, 0, sizeof(p));
	p.r = r;
	p.core = (struct leaves){ core_rec, 0, false };
	diff_table_stream(&t, collect_leaf, &p.core);
	if (p.core.overflow)
		return fz_failed(f, "harness", "parallel", "too-many-leaves", "more than %u leaves",
				 MAX_LEAVES);
	find_writers(&p);
	switch (search(&p, f)) {
	case 1:
		return true;
	case 0:
		if (p.tried)
			break;
		return fz_failed(f, "linearize", "parallel", "no-order",
				 "the writers' windows and lost writes admit no order at all");
	default:
		break;
	}
	len = strlen(f->detail);
	snprintf(f->detail + len, sizeof(f->detail) - len,
		 "\n(the first of %u serial orders tried, by last store; none matched)", p.tried);
	return false;
}
