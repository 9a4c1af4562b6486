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

/*
 * A CPU touches memory: what it translates lands in the TLB model (SPEC
 * §11). Accesses change no table, so the reference has nothing to do.
 */
static void access(struct dual *d, const struct fz_op *o)
{
	struct diff_table t;
	u64 ia = o->pfn << 12;

	switch (o->kind) {
	case FZ_HOST_ACCESS:
		if (o->pfn < (1ULL << (d->m.host_ia_bits - 12))) {
			t = host_view(d);
			diff_tlb_access(&d->tlb, &d->pkvm.host_s2, &t, ia);
		}
		break;
	case FZ_HYP_ACCESS:
		t = hyp_view(d);
		ia += d->m.hyp_va_offset;
		if (ia < (1ULL << 48))
			diff_tlb_access(&d->tlb, &d->pkvm.hyp_s1, &t, ia);
		break;
	default:
		if (o->vm < d->m.nr_vm_slots && pkvm_vm_live(&d->pkvm, o->vm) &&
		    o->gfn < (1ULL << (d->pkvm.vms[o->vm].pgt.ia_bits - 12))) {
			t = guest_view(d, o->vm);
			diff_tlb_access(&d->tlb, &d->pkvm.vms[o->vm].pgt, &t, o->gfn << 12);
		}
		break;
	}
}

static int run_core(struct dual *d, const struct fz_op *o)
{
	struct pkvm *p = &d->pkvm;

	switch (o->kind) {
	case FZ_SHARE_HYP:
		return pkvm_host_share_hyp(p, o->pfn);
	case FZ_UNSHARE_HYP:
		return pkvm_host_unshare_hyp(p, o->pfn);
	case FZ_PIN:
		return pkvm_hyp_pin(p, o->pfn);
	case FZ_UNPIN:
		return pkvm_hyp_unpin(p, o->pfn);
	case FZ_DONATE_HYP:
		return pkvm_host_donate_hyp(p, o->pfn, o->nr);
	case FZ_HYP_DONATE_HOST:
		return pkvm_hyp_donate_host(p, o->pfn, o->nr);
	case FZ_VM_CREATE:
		return pkvm_vm_create(p, o->vm, o->ia_bits, o->pfn);
	case FZ_VM_TOPUP:
		return pkvm_vm_topup(p, o->vm, o->pfn);
	case FZ_DONATE_GUEST:
		return pkvm_host_donate_guest(p, o->vm, o->pfn, o->gfn);
	case FZ_SHARE_GUEST:
		return pkvm_host_share_guest(p, o->vm, o->pfn, o->gfn, o->prot);
	case FZ_UNSHARE_GUEST:
		return pkvm_host_unshare_guest(p, o->vm, o->gfn);
	case FZ_RELINQUISH:
		return pkvm_guest_relinquish(p, o->vm, o->gfn);
	case FZ_VM_TEARDOWN:
		return pkvm_vm_teardown(p, o->vm);
	case FZ_RECLAIM:
		return pkvm_host_reclaim_page(p, o->pfn);
	case FZ_HOST_ABORT:
		return pkvm_host_mem_abort(p, o->addr);
	case FZ_POOL_HIDE:
		sim_pool_hide(core_pool(d, o->pool), o->nr);
		return 0;
	case FZ_POOL_UNHIDE:
		sim_pool_unhide(core_pool(d, o->pool));
		return 0;
	case FZ_HOST_ACCESS:
	case FZ_HYP_ACCESS:
	case FZ_GUEST_ACCESS:
		access(d, o);
		return 0;
	case FZ_NR_OPS:
		break;
	}
	return 0;
}

static int run_ref(struct dual *d, const struct fz_op *o)
{
	struct ref *r = &d->ref;

	switch (o->kind) {
	case FZ_SHARE_HYP:
		return ref_host_share_hyp(r, o->pfn);
	case FZ_UNSHARE_HYP:
		return ref_host_unshare_hyp(r, o->pfn);
	case FZ_PIN:
		return ref_hyp_pin(r, o->pfn);
	case FZ_UNPIN:
		return ref_hyp_unpin(r, o->pfn);
	case FZ_DONATE_HYP:
		return ref_host_donate_hyp(r, o->pfn, o->nr);
	case FZ_HYP_DONATE_HOST:
		return ref_hyp_donate_host(r, o->pfn, o->nr);
	case FZ_VM_CREATE:
		return ref_vm_create(r, o->vm, o->ia_bits, o->pfn);
	case FZ_VM_TOPUP:
		return ref_vm_topup(r, o->vm, o->pfn);
	case FZ_DONATE_GUEST:
		return ref_host_donate_guest(r, o->vm, o->pfn, o->gfn);
	case FZ_SHARE_GUEST:
		return ref_host_share_guest(r, o->vm, o->pfn, o->gfn, o->prot);
	case FZ_UNSHARE_GUEST:
		return ref_host_unshare_guest(r, o->vm, o->gfn);
	case FZ_RELINQUISH:
		return ref_guest_relinquish(r, o->vm, o->gfn);
	case FZ_VM_TEARDOWN:
		return ref_vm_teardown(r, o->vm);
	case FZ_RECLAIM:
		return ref_host_reclaim_page(r, o->pfn);
	case FZ_HOST_ABORT:
		return ref_host_mem_abort(r, o->addr);
	case FZ_POOL_HIDE:
		ref_pool_hide(r, o->pool, o->nr);
		return 0;
	case FZ_POOL_UNHIDE:
		ref_pool_unhide(r, o->pool);
		return 0;
	case FZ_HOST_ACCESS:
	case FZ_HYP_ACCESS:
	case FZ_GUEST_ACCESS:
		return 0;
	case FZ_NR_OPS:
		break;
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

static bool fail(struct dual_failure *f, const char *check, const char *op, const char *what,
		 const char *fmt_detail)
{
	f->check = check;
	snprintf(f->signature, sizeof(f->signature), "%s/%s/%s", check, op, what);
	if (fmt_detail != f->detail)
		snprintf(f->detail, sizeof(f->detail), "%s", fmt_detail);
	return false;
}

/* The slow path: decode the first differing record into words. */
static void explain_mismatch(struct dual *d, struct diff_table *t, struct ref_src *rs,
			     struct dual_failure *f)
{
	static struct diff_record scratch[1U << 20];
	struct diff_mismatch mm;
	char exp[160] = "(none)", act[160] = "(none)";
	const struct diff_record *where;

	diff_first_difference(ref_stream_src, rs, diff_table_stream, t, scratch,
			      sizeof(scratch) / sizeof(scratch[0]), &mm);
	if (!mm.found) {
		snprintf(f->detail, sizeof(f->detail), "%s vm %u: digests differ but streams agree",
			 diff_kind_name(t->kind), t->vm);
		return;
	}
	if (mm.have_expected)
		diff_decode(t->kind, (unsigned)mm.expected.level, mm.expected.desc, exp, sizeof(exp));
	if (mm.have_actual)
		diff_decode(t->kind, (unsigned)mm.actual.level, mm.actual.desc, act, sizeof(act));
	where = mm.have_expected && mm.have_actual
			? (mm.expected.ia <= mm.actual.ia ? &mm.expected : &mm.actual)
		: mm.have_expected ? &mm.expected
				   : &mm.actual;
	snprintf(f->detail, sizeof(f->detail),
		 "first difference in %s (vm %u), record %llu, input address %#llx, level %llu\n"
		 "  expected (reference): %s [%#llx]\n"
		 "  actual   (core):      %s [%#llx]",
		 diff_kind_name(t->kind), t->vm, (unsigned long long)mm.index,
		 (unsigned long long)where->ia, (unsigned long long)where->level, exp,
		 (unsigned long long)mm.expected.desc, act, (unsigned long long)mm.actual.desc);
	d->n = d->n; /* the trace is already recorded */
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
	uint64_t pages = 1ULL << (9 * (3 - level));

	/* Table descriptors reach the stream masked to 0x3; skip them. */
	if (!(desc & 1) || (level < 3 && desc == 3) || !c->ok)
		return;
	if (!ref_host_may_access(c->ref, ia >> 12, pages)) {
		c->ok = false;
		c->ia = ia;
		c->level = level;
	}
}

/*
 * SPEC §11: host stage-2 valid leaves map only pages the host may touch
 * (ownership from the reference's records, structure from the core's memory).
 */
bool dual_host_leaves_accessible(struct dual *d, struct diff_table *t, const char *op,
				 struct dual_failure *f)
{
	struct host_access_check c = { &d->ref, true, 0, 0 };

	diff_table_stream(t, check_host_leaf, &c);
	if (c.ok)
		return true;
	snprintf(f->detail, sizeof(f->detail),
		 "host stage-2 maps ia %#llx (level %u) though a page in it is not the host's",
		 (unsigned long long)c.ia, c.level);
	return fail(f, "invariant", op, "host maps a page it does not own", f->detail);
}

static bool compare_table(struct dual *d, struct diff_table *t, unsigned slot, const char *op,
			  struct dual_failure *f)
{
	struct ref_src rs = { &d->ref, (unsigned)t->kind, t->vm };
	struct diff_violation v;
	uint64_t tables = 0;
	bool dirty = d->dirty[slot];
	const void *regime = slot == 0 ? (const void *)&d->pkvm.host_s2
			     : slot == 1 ? (const void *)&d->pkvm.hyp_s1
					 : (const void *)&d->pkvm.vms[slot - 2].pgt;
	uint64_t gen = ref_table_generation(&d->ref, (unsigned)t->kind, t->vm);
	char what[64];

	if (dirty)
		d->core_digest[slot] = diff_stream_hash(diff_table_stream, t);
	if (!d->ref_known[slot] || d->ref_generation[slot] != gen) {
		d->ref_digest[slot] = diff_stream_hash(ref_stream_src, &rs);
		d->ref_generation[slot] = gen;
		d->ref_known[slot] = true;
	}
	d->dirty[slot] = false;
	if (d->ref_digest[slot] != d->core_digest[slot]) {
		d->dirty[slot] = true;
		d->ref_known[slot] = false;
		explain_mismatch(d, t, &rs, f);
		snprintf(what, sizeof(what), "%s", diff_kind_name(t->kind));
		return fail(f, "digest", op, what, f->detail);
	}
	if (dirty && !diff_check_table(t, &tables, &v)) {
		d->dirty[slot] = true;
		d->core_tables[slot] = 0;
		snprintf(f->detail, sizeof(f->detail), "%s (vm %u): %s", diff_kind_name(t->kind),
			 t->vm, v.what);
		return fail(f, "invariant", op, diff_kind_name(t->kind), f->detail);
	}
	if (dirty)
		d->core_tables[slot] = tables;
	if (dirty && t->kind == DIFF_HOST_S2 && !dual_host_leaves_accessible(d, t, op, f)) {
		d->dirty[slot] = true;
		return false;
	}
	if (!diff_tlb_check(&d->tlb, regime, t, &v)) {
		snprintf(f->detail, sizeof(f->detail), "%s (vm %u): %s", diff_kind_name(t->kind),
			 t->vm, v.what);
		return fail(f, "tlb", op, diff_kind_name(t->kind), f->detail);
	}
	return true;
}

/*
 * SPEC §7 on the core side: every page of a pool is free or in one table.
 * A guest's root is its pgd, not a memcache page (S28).
 */
static bool pool_accounts(struct dual *d, unsigned pool, const char *op, struct dual_failure *f)
{
	struct pgt_pool *p = core_pool(d, pool);
	u64 in_tables = d->core_tables[pool];

	if (pool >= 2)
		in_tables = pkvm_vm_live(&d->pkvm, pool - 2) && in_tables ? in_tables - 1 : 0;
	if (sim_pool_free_all(p) + in_tables == sim_pool_size(p))
		return true;
	snprintf(f->detail, sizeof(f->detail),
		 "pool %u: %llu free + %llu in tables != %llu pages (a page lost, or linked twice)",
		 pool, (unsigned long long)sim_pool_free_all(p), (unsigned long long)in_tables,
		 (unsigned long long)sim_pool_size(p));
	return fail(f, "invariant", op, "pool accounting", f->detail);
}

static bool compare_pool(struct dual *d, unsigned pool, const char *op, struct dual_failure *f)
{
	u64 core = sim_pool_free(core_pool(d, pool)), ref = ref_pool_free(&d->ref, pool);

	if (!pool_accounts(d, pool, op, f))
		return false;
	if (core == ref)
		return true;
	snprintf(f->detail, sizeof(f->detail),
		 "pool %u (%s): core has %llu free table pages, reference %llu", pool,
		 pool == 0 ? "host" : pool == 1 ? "hyp" : "memcache", (unsigned long long)core,
		 (unsigned long long)ref);
	return fail(f, "pool", op, pool < 2 ? (pool ? "hyp" : "host") : "memcache", f->detail);
}

bool dual_step(struct dual *d, const struct fz_op *op, struct dual_failure *f)
{
	int ref_rc = run_ref(d, op), core_rc = run_core(d, op);

	if (d->n < DUAL_TRACE_MAX) {
		d->trace[d->n] = *op;
		d->rc[d->n] = core_rc;
		d->n++;
	}
	return dual_check(d, fz_op_name(op->kind), core_rc, ref_rc, f);
}

bool dual_check(struct dual *d, const char *name, int core_rc, int ref_rc, struct dual_failure *f)
{
	struct diff_table t;

	if (core_rc != ref_rc) {
		snprintf(f->detail, sizeof(f->detail), "%s returned %d, the reference %d", name,
			 core_rc, ref_rc);
		snprintf(f->signature, sizeof(f->signature), "return-code/%s/core=%d/ref=%d", name,
			 core_rc, ref_rc);
		f->check = "return-code";
		return false;
	}
	if (!diff_bbm_end_op(&d->bbm)) {
		snprintf(f->detail, sizeof(f->detail), "%s", d->bbm.v.what);
		return fail(f, "bbm", name, "rule", f->detail);
	}
	t = (struct diff_table){ DIFF_HOST_S2, 0, pa_addr(d->pkvm.host_s2.root_pa),
				 d->pkvm.host_s2.start_level, &d->mem, &d->layout };
	if (!compare_table(d, &t, 0, name, f))
		return false;
	t = (struct diff_table){ DIFF_HYP_S1, 0, pa_addr(d->pkvm.hyp_s1.root_pa),
				 d->pkvm.hyp_s1.start_level, &d->mem, NULL };
	if (!compare_table(d, &t, 1, name, f))
		return false;
	for (unsigned vm = 0; vm < d->m.nr_vm_slots; vm++) {
		bool live = pkvm_vm_live(&d->pkvm, vm);

		if (live != ref_vm_live(&d->ref, vm)) {
			snprintf(f->detail, sizeof(f->detail), "vm %u: core says %s, reference %s",
				 vm, live ? "live" : "not live", live ? "not live" : "live");
			return fail(f, "vm-state", name, "live", f->detail);
		}
		if (!live) {
			/* A new VM in this slot starts over on both sides. */
			diff_tlb_forget(&d->tlb, &d->pkvm.vms[vm].pgt);
			d->dirty[2 + vm] = true;
			d->ref_known[2 + vm] = false;
			continue;
		}
		t = (struct diff_table){ DIFF_GUEST_S2, vm, pa_addr(d->pkvm.vms[vm].pgt.root_pa),
					 d->pkvm.vms[vm].pgt.start_level, &d->mem, NULL };
		if (!compare_table(d, &t, 2 + vm, name, f))
			return false;
	}
	/* Pools last: a structural difference explains itself better. */
	for (unsigned pool = 0; pool < 2 + d->m.nr_vm_slots; pool++) {
		if (!compare_pool(d, pool, name, f))
			return false;
	}
	return true;
}

void dual_report(const struct dual *d, const struct dual_failure *f)
{
	char line[256];

	fz_machine_format(&d->m, line, sizeof(line));
	fprintf(stderr, "==== s2fuzz: core and reference disagree ====\n%s\n", line);
	for (unsigned i = 0; i < d->n; i++) {
		fz_op_format(&d->trace[i], line, sizeof(line));
		fprintf(stderr, "%4u  %-64s -> %d\n", i, line, d->rc[i]);
	}
	fprintf(stderr, "check: %s\n%s\n", f->check, f->detail);
	fprintf(stderr, "s2fuzz-signature: %s\n", f->signature);
}
