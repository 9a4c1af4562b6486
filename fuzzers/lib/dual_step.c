// SPDX-License-Identifier: MIT
/*
 * One operation on both sides, then every comparison: return codes, pools,
 * which VMs live, the hashed walk of every table (with the first differing
 * entry on a mismatch), the invariants of SPEC §11 on the core's memory,
 * and break-before-make.
 */
#include "dual.h"

#include <stdio.h>
#include <string.h>

static struct pgt_pool *core_pool(struct dual *d, unsigned pool)
{
	if (pool == 0)
		return &d->host_pool;
	if (pool == 1)
		return &d->hyp_pool;
	return &d->memcache[pool - 2];
}

static struct diff_table host_view(struct dual *d)
{
	return (struct diff_table){ DIFF_HOST_S2, 0, pa_addr(d->pkvm.host_s2.root_pa),
				    d->pkvm.host_s2.start_level, &d->mem, &d->layout };
}

static struct diff_table hyp_view(struct dual *d)
{
	return (struct diff_table){ DIFF_HYP_S1, 0, pa_addr(d->pkvm.hyp_s1.root_pa),
				    d->pkvm.hyp_s1.start_level, &d->mem, NULL };
}

static struct diff_table guest_view(struct dual *d, unsigned vm)
{
	return (struct diff_table){ DIFF_GUEST_S2, vm, pa_addr(d->pkvm.vms[vm].pgt.root_pa),
				    d->pkvm.vms[vm].pgt.start_level, &d->mem, NULL };
}

int dual_pool_hide(void *w, unsigned pool, uint64_t nr)
{
	sim_pool_hide(core_pool(w, pool), nr);
	return 0;
}

int dual_pool_unhide(void *w, unsigned pool)
{
	sim_pool_unhide(core_pool(w, pool));
	return 0;
}

/*
 * A CPU touches memory: what it translates lands in the TLB model (SPEC
 * §11). Accesses change no table, so the reference has nothing to do.
 */
int dual_access(void *w, enum diff_kind kind, unsigned vm, uint64_t page)
{
	struct dual *d = w;
	struct diff_table t;
	u64 ia = page << 12;

	if (kind == DIFF_HOST_S2 && page < (1ULL << (d->m.host_ia_bits - 12))) {
		t = host_view(d);
		diff_tlb_access(&d->tlb, &d->pkvm.host_s2, &t, ia);
	} else if (kind == DIFF_HYP_S1 && ia + d->m.hyp_va_offset < (1ULL << 48)) {
		t = hyp_view(d);
		diff_tlb_access(&d->tlb, &d->pkvm.hyp_s1, &t, ia + d->m.hyp_va_offset);
	} else if (kind == DIFF_GUEST_S2 && vm < d->m.nr_vm_slots && pkvm_vm_live(&d->pkvm, vm) &&
		   page < (1ULL << (d->pkvm.vms[vm].pgt.ia_bits - 12))) {
		t = guest_view(d, vm);
		diff_tlb_access(&d->tlb, &d->pkvm.vms[vm].pgt, &t, ia);
	}
	return 0;
}

struct ref_src {
	const struct ref *r;
	unsigned kind, vm;
};

static void ref_stream_src(void *src, diff_emit_fn emit, void *arg)
{
	const struct ref_src *s = src;

	ref_stream(s->r, s->kind, s->vm, emit, arg);
}

uint64_t dual_core_state_digest(struct dual *d)
{
	struct diff_state s = { 0 };
	struct diff_table t = host_view(d);

	diff_state_add(&s, DIFF_HOST_S2, 0, diff_stream_hash(diff_table_stream, &t));
	t = hyp_view(d);
	diff_state_add(&s, DIFF_HYP_S1, 0, diff_stream_hash(diff_table_stream, &t));
	for (unsigned vm = 0; vm < d->m.nr_vm_slots; vm++) {
		if (!pkvm_vm_live(&d->pkvm, vm))
			continue;
		t = guest_view(d, vm);
		diff_state_add(&s, DIFF_GUEST_S2, vm, diff_stream_hash(diff_table_stream, &t));
	}
	return diff_state_hash(&s);
}

uint64_t dual_ref_state_digest(const struct ref *r, unsigned nr_vm_slots)
{
	struct diff_state s = { 0 };
	struct ref_src t = { r, REF_KIND_HOST_S2, 0 };

	diff_state_add(&s, DIFF_HOST_S2, 0, diff_stream_hash(ref_stream_src, &t));
	t.kind = REF_KIND_HYP_S1;
	diff_state_add(&s, DIFF_HYP_S1, 0, diff_stream_hash(ref_stream_src, &t));
	for (unsigned vm = 0; vm < nr_vm_slots; vm++) {
		if (!ref_vm_live(r, vm))
			continue;
		t = (struct ref_src){ r, REF_KIND_GUEST_S2, vm };
		diff_state_add(&s, DIFF_GUEST_S2, vm, diff_stream_hash(ref_stream_src, &t));
	}
	return diff_state_hash(&s);
}

bool dual_host_leaves_accessible(struct dual *d, struct diff_table *t, const char *op,
				 struct fz_failure *f)
{
	return fz_check_host_leaves(&d->ref, t, op, f);
}

/* Table @slot: both digests, structure, host ownership, and the TLB model. */
static bool compare_table(struct dual *d, struct diff_table *t, unsigned slot, const char *op,
			  struct diff_state *core, struct diff_state *ref, struct fz_failure *f)
{
	struct ref_src rs = { &d->ref, (unsigned)t->kind, t->vm };
	struct fz_pair p = { *t, ref_stream_src, &rs,
			     ref_table_generation(&d->ref, (unsigned)t->kind, t->vm) };
	const void *regime = slot == 0 ? (const void *)&d->pkvm.host_s2
			     : slot == 1 ? (const void *)&d->pkvm.hyp_s1
					 : (const void *)&d->pkvm.vms[slot - 2].pgt;
	bool stale = d->slot[slot].stale;
	struct diff_violation v;

	if (!fz_compare_table(&d->slot[slot], &p, op, f))
		return false;
	diff_state_add(core, t->kind, t->vm, d->slot[slot].core_digest);
	diff_state_add(ref, t->kind, t->vm, d->slot[slot].ref_digest);
	if (stale && t->kind == DIFF_HOST_S2 && !dual_host_leaves_accessible(d, t, op, f)) {
		d->slot[slot].stale = true;
		return false;
	}
	if (!diff_tlb_check(&d->tlb, regime, t, &v))
		return fz_failed(f, "tlb", op, diff_kind_name(t->kind), "%s (vm %u): %s",
				 diff_kind_name(t->kind), t->vm, v.what);
	return true;
}

/*
 * SPEC §7: every page of a pool is free or in one table, and both sides
 * have as many free. A guest's root is its pgd, not a memcache page (S28).
 */
static bool compare_pool(struct dual *d, unsigned pool, const char *op, struct fz_failure *f)
{
	struct pgt_pool *p = core_pool(d, pool);
	u64 in_tables = d->slot[pool].tables;

	if (pool >= 2)
		in_tables = pkvm_vm_live(&d->pkvm, pool - 2) && in_tables ? in_tables - 1 : 0;
	return fz_check_pool(op, pool < 2 ? (pool ? "hyp" : "host") : "memcache",
			     sim_pool_free(p), ref_pool_free(&d->ref, pool), sim_pool_free_all(p),
			     in_tables, sim_pool_size(p), f);
}

bool dual_step(struct dual *d, const struct fz_op *op, struct fz_failure *f)
{
	int ref_rc = op->def->ref(d, op), core_rc = op->def->core(d, op);

	return dual_check(d, op->def->name, core_rc, ref_rc, f);
}

bool dual_check(struct dual *d, const char *name, int core_rc, int ref_rc, struct fz_failure *f)
{
	struct diff_state core = { 0 }, ref = { 0 };
	struct diff_table t;

	if (!fz_check_rc(name, core_rc, ref_rc, f))
		return false;
	if (!diff_bbm_end_op(&d->bbm))
		return fz_failed(f, "bbm", name, "rule", "%s", d->bbm.v.what);
	t = host_view(d);
	if (!compare_table(d, &t, 0, name, &core, &ref, f))
		return false;
	t = hyp_view(d);
	if (!compare_table(d, &t, 1, name, &core, &ref, f))
		return false;
	for (unsigned vm = 0; vm < d->m.nr_vm_slots; vm++) {
		bool live = pkvm_vm_live(&d->pkvm, vm);

		if (live != ref_vm_live(&d->ref, vm))
			return fz_failed(f, "vm-state", name, "live", "vm %u: core says %s, reference %s",
					 vm, live ? "live" : "not live", live ? "not live" : "live");
		if (!live) {
			/* A new VM in this slot starts over on both sides. */
			diff_tlb_forget(&d->tlb, &d->pkvm.vms[vm].pgt);
			d->slot[2 + vm].stale = true;
			d->slot[2 + vm].ref_known = false;
			continue;
		}
		t = guest_view(d, vm);
		if (!compare_table(d, &t, 2 + vm, name, &core, &ref, f))
			return false;
	}
	if (!fz_check_state(&core, &ref, name, f))
		return false;
	/* Pools last: a structural difference explains itself better. */
	for (unsigned pool = 0; pool < 2 + d->m.nr_vm_slots; pool++) {
		if (!compare_pool(d, pool, name, f))
			return false;
	}
	return true;
}
