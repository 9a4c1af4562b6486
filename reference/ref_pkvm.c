// SPDX-License-Identifier: MIT
/*
 * The pKVM layer's building blocks (§5): page records and the three kinds of
 * table write an ownership transition is made of. Each helper adds one step
 * to a transaction; nothing is visible until ref_txn_commit().
 *
 * A page record packs (state, vm, role) into the run's val and the hyp pin
 * count into aux, so pages with equal records merge into one run.
 */
#include "ref_priv.h"

static uint64_t pstate_pack(const struct ref_pstate *ps)
{
	return (uint64_t)ps->state | (uint64_t)ps->vm << 8 | (uint64_t)ps->role << 16;
}

/* The record of memory page pfn; false for MMIO (no record, §5). */
bool ref_pstate_get(const struct ref *r, uint64_t pfn, struct ref_pstate *ps)
{
	const struct ref_run *run = ref_runs_at(&r->pages, pfn);

	memset(ps, 0, sizeof(*ps));
	if (!run)
		return false;
	ps->state = (unsigned int)(run->val & 0xff);
	ps->vm = (unsigned int)((run->val >> 8) & 0xff);
	ps->role = (unsigned int)((run->val >> 16) & 0xff);
	ps->pin = (uint32_t)run->aux;
	return true;
}

/*
 * May the host touch every page of [pfn, pfn + nr)? MMIO always; memory
 * while the host owns it, exclusively or shared out (SPEC §5, §11).
 */
bool ref_host_may_access(const struct ref *r, uint64_t pfn, uint64_t nr)
{
	const struct ref_runs *rs = &r->pages;

	for (size_t i = ref_runs_find(rs, pfn); i < rs->nr && rs->run[i].start < pfn + nr; i++) {
		unsigned int state = (unsigned int)(rs->run[i].val & 0xff);

		if (state == REF_PS_HYP || state == REF_PS_GUEST)
			return false;
	}
	return true;
}

/* Every page of [lo, hi) is memory and in `state`. */
bool ref_pages_all(const struct ref *r, uint64_t lo, uint64_t hi, unsigned int state)
{
	const struct ref_runs *rs = &r->pages;
	uint64_t cur = lo;
	size_t i;

	for (i = ref_runs_find(rs, lo); i < rs->nr && cur < hi; i++) {
		if (rs->run[i].start > cur || (rs->run[i].val & 0xff) != state)
			return false;
		cur = rs->run[i].end;
	}
	return cur >= hi;
}

/* Give pages [lo, hi) the record ps. */
int ref_set_pages(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi,
		  const struct ref_pstate *ps)
{
	const struct ref_runs *cur = ref_txn_runs(t, &r->pages);
	struct ref_run run = {
		.val = pstate_pack(ps),
		.aux = ps->pin,
	};
	struct ref_runs nw;
	int ret;

	ret = ref_runs_replace(t->arena, cur, lo, hi, &run, &nw);
	return ref_txn_update(t, &r->pages, ret, &nw);
}

/* The host stage-2 as the transaction has it so far. */
static const struct ref_lmap *host_view(struct ref_txn *t, struct ref *r)
{
	return ref_txn_view(t, &r->host, &r->host_pool, r->host.nr_tables);
}

/* Host stage-2: write tmpl (0: the HOST owner, zero) over [lo, hi), §4.1. */
int ref_host_write(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi, uint64_t tmpl)
{
	const struct ref_lmap *v = host_view(t, r);
	struct ref_meaning m = { .tmpl = tmpl, .aux = 0 }; /* identity */
	struct ref_runs nw;
	int ret;

	ret = ref_install(t->arena, v, &r->mem, lo, hi, m, &nw);
	return ref_txn_update(t, &r->host.leaves, ret, &nw);
}

/* Host stage-2: S16's in-place change of the valid pages [lo, hi). */
int ref_host_in_place(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi, uint64_t tmpl)
{
	const struct ref_lmap *v = host_view(t, r);
	struct ref_runs nw;
	int ret;

	ret = ref_rewrite(t->arena, &v->leaves, lo, hi, ~0ull, tmpl, &nw);
	return ref_txn_update(t, &r->host.leaves, ret, &nw);
}

/* Host stage-2: §4.4 coalescing over pages [lo, hi). */
int ref_host_coalesce(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi)
{
	const struct ref_lmap *v = host_view(t, r);
	struct ref_runs nw;
	int ret;

	ret = ref_coalesce(t->arena, v, &r->mem, lo, hi, &nw);
	return ref_txn_update(t, &r->host.leaves, ret, &nw);
}

/*
 * Hyp stage-1: map VA pages [va_lo, va_hi) to PA page va + aux with tmpl, or
 * unmap them (tmpl 0).
 */
int ref_hyp_write_va(struct ref_txn *t, struct ref *r, uint64_t va_lo, uint64_t va_hi,
		     uint64_t tmpl, uint64_t aux)
{
	const struct ref_lmap *v;
	struct ref_meaning m = { .tmpl = tmpl, .aux = aux };
	struct ref_runs nw;
	int ret;

	v = ref_txn_view(t, &r->hyp, &r->hyp_pool, r->hyp.nr_tables);
	ret = ref_install(t->arena, v, &r->mem, va_lo, va_hi, m, &nw);
	return ref_txn_update(t, &r->hyp.leaves, ret, &nw);
}

/*
 * Hyp stage-1: map physical pages [lo, hi) at VA = PA + hyp_va_offset with
 * tmpl, or unmap them (tmpl 0), §3.
 */
int ref_hyp_write(struct ref_txn *t, struct ref *r, uint64_t lo, uint64_t hi, uint64_t tmpl)
{
	return ref_hyp_write_va(t, r, lo + r->hyp_va_pages, hi + r->hyp_va_pages, tmpl,
				0 - r->hyp_va_pages);
}

/* Guest stage-2 of vm: map gfn to pfn with tmpl, or unmap it (tmpl 0). */
int ref_guest_write(struct ref_txn *t, struct ref *r, unsigned int vm, uint64_t gfn, uint64_t tmpl,
		    uint64_t pfn)
{
	struct ref_vm *v = &r->vm[vm];
	const struct ref_lmap *view;
	struct ref_meaning m = { .tmpl = tmpl, .aux = pfn - gfn };
	struct ref_runs nw;
	int ret;

	view = ref_txn_view(t, &v->s2, &v->memcache, ref_pool_used(r, REF_POOL_VM(vm)));
	ret = ref_install(t->arena, view, NULL, gfn, gfn + 1, m, &nw);
	return ref_txn_update(t, &v->s2.leaves, ret, &nw);
}

/* The pool behind a pool id, or NULL. */
const struct ref_pool *ref_pool_of(const struct ref *r, unsigned int pool)
{
	if (pool == REF_POOL_HOST)
		return &r->host_pool;
	if (pool == REF_POOL_HYP)
		return &r->hyp_pool;
	if (pool >= REF_POOL_VM(0) && pool < REF_POOL_VM(r->desc.nr_vm_slots))
		return &r->vm[pool - REF_POOL_VM(0)].memcache;
	return NULL;
}

/*
 * Pages a pool has in tables: the host and hyp roots come from their pools
 * (S28); a guest's root is its pgd page, so its memcache holds only the
 * tables below the root.
 */
uint64_t ref_pool_used(const struct ref *r, unsigned int pool)
{
	const struct ref_vm *v;

	if (pool == REF_POOL_HOST)
		return r->host.nr_tables;
	if (pool == REF_POOL_HYP)
		return r->hyp.nr_tables;
	if (pool < REF_POOL_VM(0) || pool >= REF_POOL_VM(r->desc.nr_vm_slots))
		return 0;
	v = &r->vm[pool - REF_POOL_VM(0)];
	return v->s2.nr_tables ? v->s2.nr_tables - 1 : 0;
}
