// SPDX-License-Identifier: MIT
/*
 * Running one fuzz_parallel input. The platform's access hook (before every
 * shared-walk load and compare-and-swap, and before every store into a table
 * other walkers can reach) is a scheduling point; so is the moment just
 * after a walker swapped an entry to LOCKED, the window in which real CPUs
 * see a break-before-make in progress. The hooks also feed the shared-store
 * check (parallel_store.c). The store hook classifies each store by the
 * table page it lands in:
 *
 *  - live: the page is reachable from the root now. Fed to the
 *    break-before-make checker; it takes effect.
 *  - unlinked ("dead"): a shared walk replaced a table above it. The write
 *    is lost with the table (S43) and owes nothing: no walk can reach the
 *    page, and the unlinker's invalidation covers whatever was cached from
 *    it. Checking such writes against that unlinker's debt, still unpaid
 *    while it is descheduled, would report rules that were kept.
 *  - private: a table a walker is filling before it publishes it (or
 *    throws it away after losing the race). Not an effect of its own.
 */
#include "parallel_run.h"

#include "last_words.h"
#include "sim_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the pool's pages sit in the simulated physical address space. */
#define POOL_BASE 0x800000000ULL
#define SIM_SLOTS 1024U

/* @page's record in r->tables, or NULL for a page outside the pool. */
static struct par_table *table_of(struct par_run *r, uint64_t page)
{
	uint64_t i = (page - POOL_BASE) >> PGT_PAGE_SHIFT;

	return page >= POOL_BASE && i < FZP_POOL_FULL ? &r->tables[i] : NULL;
}

/* A store that makes an entry a table: remember where the table hangs. */
static void note_link(struct par_run *r, const struct sim_event *ev)
{
	struct par_table *t;

	if (!pte_is_table(ev->new_pte, ev->level))
		return;
	t = table_of(r, pa_addr(pte_table_pa(ev->new_pte)));
	if (t)
		*t = (struct par_table){ true, ev->level + 1, ev->ia };
}

/* Was @page unlinked? Its record (with the operation that did it), or NULL. */
static struct par_dead *dead_find(struct par_run *r, uint64_t page)
{
	for (unsigned i = 0; i < r->nr_dead; i++)
		if (r->dead[i].page == page)
			return &r->dead[i];
	return NULL;
}

/* @page (a table of @level) and every table below it are unreachable now. */
static void dead_mark(struct par_run *r, uint64_t page, u32 level, int unlinker)
{
	const pte_t *t = sim_phys_to_virt(&r->sim, pa_init(page));

	if (dead_find(r, page) || r->nr_dead == PAR_MAX_DEAD || !t)
		return;
	r->dead[r->nr_dead++] = (struct par_dead){ page, unlinker };
	for (u32 i = 0; level < PGT_MAX_LEVEL && i < PGT_ENTRIES; i++) {
		pte_t e = __atomic_load_n(&t[i], __ATOMIC_RELAXED);

		if (pte_is_table(e, level))
			dead_mark(r, pa_addr(pte_table_pa(e)), level + 1, unlinker);
	}
}

/* Is the table page at @level on the path from the root to @ia right now? */
static bool reachable(struct par_run *r, uint64_t page, u64 ia, u32 level)
{
	const pte_t *t = r->pgt.root;
	uint64_t pa = pa_addr(r->pgt.root_pa);

	for (u32 l = r->pgt.start_level; l < level; l++) {
		pte_t e = __atomic_load_n(&t[pgt_level_index(ia, l)], __ATOMIC_RELAXED);

		if (!pte_is_table(e, l))
			return false;
		pa = pa_addr(pte_table_pa(e));
		t = sim_phys_to_virt(&r->sim, pte_table_pa(e));
	}
	return pa == page;
}

/*
 * Other walkers can reach a table that hangs on the path from the root now,
 * or one a shared walk unlinked (they may still be inside). A table never
 * linked since it was allocated is private to the walker filling it.
 */
bool par_page_visible(struct par_run *r, uint64_t page)
{
	const struct par_table *t = table_of(r, page);

	if (dead_find(r, page))
		return true;
	return t && t->linked && reachable(r, page, t->ia, t->level);
}

static void feed_bbm(struct par_run *r, const struct sim_event *ev)
{
	struct diff_event e = fz_diff_event(ev);
	int v = r->sched.cur;

	diff_tlb_event(&r->tlb, &e);
	if (!diff_bbm_event(&r->bbm, &e) && !r->bbm_failed) {
		r->bbm_failed = true;
		r->bbm_op = v >= 0 ? r->cur_op[v] : PAR_NO_OP;
	}
}

/*
 * A table unlinked from a table that was itself already unlinked: tell the
 * free-after-invalidate check it is unlinked (it may be freed after the
 * table it hung in), against a regime of its own settled at once, so it
 * owes nothing in the table's real regime (see the top of this file).
 */
static void settle_dead_unlink(struct par_run *r, const struct sim_event *ev)
{
	struct diff_event e = fz_diff_event(ev);
	struct diff_event all = { .kind = DIFF_EV_TLBI_ALL,
				  .regime = &r->shadow_regime,
				  .table_kind = DIFF_GUEST_S2 };

	e.regime = &r->shadow_regime;
	diff_bbm_event(&r->bbm, &e);
	diff_bbm_event(&r->bbm, &all);
}

/* A scheduling point on vCPU @v's stack; returns when @v runs again. */
static void schedule(struct par_run *r, int v, char kind)
{
	if (r->sched.points >= PAR_MAX_POINTS) {
		struct fz_failure f;

		fz_failed(&f, "livelock", r->ops[r->cur_op[v]].op->def->name, "points",
			  "%u scheduling points and the vCPUs have not finished", PAR_MAX_POINTS);
		par_report(r, &f);
		abort();
	}
	sim_sched_point(&r->sched);
	if (r->nr_trace < PAR_TRACE_MAX)
		r->trace[r->nr_trace++] =
			(struct par_point){ (uint8_t)v, (uint8_t)kind, (uint8_t)r->cur_op[v] };
}

static void on_access(void *arg, const struct pgt *pgt, pte_t *ptep, enum pgt_access kind)
{
	struct par_run *r = arg;
	int v = r->sched.cur;
	struct par_op *o;

	if (v < 0)
		return;
	if (kind == PGT_ACCESS_STORE) {
		const struct pgt_mm *mm = sim_mm(&r->sim);
		void *va = (void *)((uintptr_t)ptep & ~(uintptr_t)(PGT_PAGE_SIZE - 1));
		uint64_t page = pa_addr(mm->ops->virt_to_phys(mm->ctx, va));

		/*
		 * A store into a table no other walker can reach gets no point:
		 * nobody could see the difference, and filling a split table
		 * would cost 512 of them.
		 */
		if (par_page_visible(r, page))
			schedule(r, v, 'S');
	} else {
		schedule(r, v, kind == PGT_ACCESS_LOAD ? 'L' : 'C');
	}
	par_store_access(r, (unsigned)v, ptep, kind);
	if (kind == PGT_ACCESS_STORE)
		return;
	o = &r->ops[r->cur_op[v]];
	r->clock++;
	if (o->start == UINT64_MAX)
		o->start = r->clock;
	if (kind == PGT_ACCESS_LOAD && pte_is_locked(__atomic_load_n(ptep, __ATOMIC_RELAXED))) {
		o->locked_seen++;
		r->nr_locked++;
	}
}

/* Widen @o's reach to the span of the entry at (@ia, @level). */
static void note_reach(struct par_op *o, uint64_t ia, unsigned level)
{
	uint64_t span = pgt_level_span(level), lo = ia & ~(span - 1);
	bool none = o->reach_lo == o->reach_hi;

	if (none || lo < o->reach_lo)
		o->reach_lo = lo;
	if (none || lo + span > o->reach_hi)
		o->reach_hi = lo + span;
}

/* Sort a vCPU's store: live, into an unlinked (dead) table, or private. */
static void on_store(struct par_run *r, const struct sim_event *ev)
{
	bool was_table = pte_is_table(ev->old, ev->level), live;
	bool table = pte_is_table(ev->new_pte, ev->level);
	int v = r->sched.cur, op, unlinker;
	const struct par_dead *d;
	struct par_op *o;

	note_link(r, ev);
	if (v < 0) {
		feed_bbm(r, ev); /* the exclusive prelude */
		return;
	}
	op = r->cur_op[v];
	o = &r->ops[op];
	r->clock++;
	d = dead_find(r, pa_addr(ev->table));
	unlinker = d ? d->unlinker : PAR_NO_OP;
	live = !d && reachable(r, pa_addr(ev->table), ev->ia, ev->level);
	par_store_event(r, (unsigned)v, ev, live || d);
	if (live)
		feed_bbm(r, ev);
	else if (d && was_table)
		settle_dead_unlink(r, ev);
	/* A new empty table changes no leaf: not an effect (§9 lets it stay). */
	if ((live || d) && !(ev->old == 0 && table)) {
		r->nr_effects++;
		o->stores++;
		if (!o->first_effect)
			o->first_effect = r->clock;
		o->last_store = r->clock;
		note_reach(o, ev->ia, ev->level);
		o->lost_to = unlinker;
	}
	if (live && was_table)
		dead_mark(r, pa_addr(pte_table_pa(ev->old)), ev->level + 1, op);
	if (d && table)
		dead_mark(r, pa_addr(pte_table_pa(ev->new_pte)), ev->level + 1, unlinker);
	if (live && ev->old == PTE_LOCKED && table &&
	    pte_is_valid_leaf(r->locked_old[v], ev->level)) {
		o->split_stores += 2; /* the LOCKED store and this publish */
		if (r->nr_splits == PAR_MAX_SPLITS)
			r->splits_overflow = true;
		else
			r->splits[r->nr_splits++] =
				(struct par_split){ r->clock, ev->ia, ev->level, op };
	}
	if (ev->new_pte == PTE_LOCKED) {
		r->locked_old[v] = ev->old;
		schedule(r, v, 'K');
	}
}

static void on_event(void *arg, const struct sim_event *ev)
{
	struct par_run *r = arg;
	struct par_dead *d;

	if (ev->kind == SIM_EV_STORE) {
		on_store(r, ev);
		return;
	}
	if (ev->kind == SIM_EV_PAGE_FREE) {
		struct par_table *t = table_of(r, pa_addr(ev->page));

		if (t)
			t->linked = false;
		if ((d = dead_find(r, pa_addr(ev->page))))
			*d = r->dead[--r->nr_dead];
	}
	feed_bbm(r, ev);
}

static int run_core(struct par_run *r, const struct fz_op *op)
{
	u64 span = pgt_level_span(fzp_level(op)), ia = fzp_ia(op);

	switch (op->index) {
	case FZP_FAULT_MAP:
		return pgt_s2_fault_map(&r->pgt, ipa_init(ia), fzp_level(op), pa_init(fzp_pa(op)),
					fzp_prot(op), PGT_MEM_NORMAL);
	case FZP_MKYOUNG:
		return pgt_s2_mkyoung(&r->pgt, ipa_init(ia));
	case FZP_RELAX_PERMS:
		return pgt_s2_relax_perms(&r->pgt, ipa_init(ia), fzp_prot(op));
	case FZP_PRELUDE_MAP:
		return pgt_s2_map(&r->pgt, ipa_init(ia & ~(span - 1)), span >> PGT_PAGE_SHIFT,
				  pa_init(fzp_pa(op) & ~(span - 1)), fzp_prot(op), fzp_memtype(op));
	}
	return -CORE_EINVAL;
}

/*
 * Retry -EAGAIN while another vCPU may have caused it. fault_map only loses
 * races, so an attempt begun with every other vCPU finished (a quiescent
 * table) must not fail: that means a LOCKED entry was left behind.
 * mkyoung and relax_perms also say -EAGAIN for "no valid leaf" (S44): that
 * answer is final when nobody stored anything and no LOCKED entry was seen
 * while they looked.
 */
static void run_op(struct par_run *r, struct par_op *o)
{
	int rc;

	for (;;) {
		bool alone = sim_sched_alone(&r->sched);
		uint64_t effects = r->nr_effects;
		unsigned locked = o->locked_seen;

		o->attempts++;
		par_store_attempt(r, o->vcpu);
		o->start = UINT64_MAX;
		o->stores = o->split_stores = 0;
		o->reach_lo = o->reach_hi = 0;
		o->lost_to = PAR_NO_OP;
		rc = run_core(r, o->op);
		if (rc != -CORE_EAGAIN)
			break;
		if (alone) {
			o->eagain_alone = o->op->index == FZP_FAULT_MAP;
			break;
		}
		if (o->op->index != FZP_FAULT_MAP && r->nr_effects == effects &&
		    o->locked_seen == locked)
			break;
		r->nr_eagain++;
	}
	o->rc = rc;
	o->end = r->clock;
	/*
	 * Done, the vCPU touches the address again, as it would after a fault:
	 * what it translates now sits in its TLB (the model's), and whoever
	 * changes that entry later must invalidate it (SPEC §11).
	 */
	if (!rc) {
		struct diff_table t = par_view(r);

		diff_tlb_access(&r->tlb, &r->pgt, &t, fzp_ia(o->op));
	}
	if (o->start == UINT64_MAX)
		o->start = o->end;
}

static void vcpu_body(void *arg, unsigned v)
{
	struct par_run *r = arg;

	for (unsigned id = 0; id < r->nr_ops; id++) {
		if (r->ops[id].vcpu != v)
			continue;
		r->cur_op[v] = (int)id;
		run_op(r, &r->ops[id]);
	}
}

bool par_run(struct par_run *r, const uint8_t *data, size_t size)
{
	struct sim_observer obs = { .event = on_event, .access = on_access, .arg = r };
	struct par_table *root;

	if (!fzp_decode(data, size, &r->in))
		return false;
	r->bbm_failed = r->splits_overflow = false;
	r->bbm_op = PAR_NO_OP;
	r->clock = r->nr_eagain = r->nr_locked = r->nr_effects = 0;
	r->nr_ops = r->nr_dead = r->nr_splits = 0;
	r->nr_trace = 0;
	r->store_failed = false;
	memset(r->tables, 0, sizeof(r->tables));
	memset(r->walker, 0, sizeof(r->walker));
	r->sched.cur = -1;
	for (unsigned v = 0; v < r->in.setup.nr_vcpus; v++)
		for (unsigned i = 0; i < r->in.nr_ops[v]; i++)
			r->ops[r->nr_ops++] = (struct par_op){ .op = &r->in.ops[v][i], .vcpu = v,
							       .index = i, .lost_to = PAR_NO_OP,
							       .serial = -1 };
	par_watch(r);
	/* One machine for the life of the process: mapping it is a system call. */
	if (!r->sim_up && sim_init(&r->sim, SIM_SLOTS))
		abort();
	r->sim_up = true;
	if (sim_pool_init(&r->sim, &r->pool, pa_init(POOL_BASE), r->in.setup.pool_pages))
		abort();
	diff_bbm_init(&r->bbm);
	diff_tlb_init(&r->tlb);
	sim_set_observer(&r->sim, &obs);
	if (pgt_init(&r->pgt, PGT_GUEST_S2, r->in.setup.ia_bits, 1, sim_mm(&r->sim), &r->pool,
		     NULL))
		abort(); /* the pool always holds the root */
	if (!(root = table_of(r, pa_addr(r->pgt.root_pa))))
		abort(); /* from the pool too */
	*root = (struct par_table){ true, r->pgt.start_level, 0 };
	for (unsigned i = 0; i < r->in.nr_prelude; i++) {
		r->prelude_rc[i] = run_core(r, &r->in.prelude[i]);
		if (!diff_bbm_end_op(&r->bbm) && !r->bbm_failed)
			r->bbm_failed = true;
	}
	sim_sched_run(&r->sched, r->in.setup.nr_vcpus, r->in.sched, r->in.sched_len, vcpu_body, r);
	sim_quiesce(&r->sim);
	return true;
}

void par_run_fini(struct par_run *r)
{
	struct sim_observer none = { 0 };

	sim_set_observer(&r->sim, &none);
	pgt_destroy(&r->pgt);
	if (sim_pool_empty(&r->pool))
		abort(); /* par_check's accounting would have said so */
	sim_pool_fini(&r->pool);
	fz_live_end();
}

struct diff_table par_view(struct par_run *r)
{
	r->mem = fz_sim_mem(&r->sim);
	return (struct diff_table){ .kind = DIFF_GUEST_S2, .root_pa = pa_addr(r->pgt.root_pa),
				    .start_level = r->pgt.start_level, .mem = &r->mem };
}

void par_op_describe(const struct par_run *r, unsigned id, char *buf, size_t len)
{
	const struct par_op *o = &r->ops[id];
	char line[160];

	fz_format_op(&fz_world_parallel, o->op, line, sizeof(line));
	snprintf(buf, len, "vcpu%u#%u %s", o->vcpu, o->index, line);
}
