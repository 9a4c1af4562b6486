// SPDX-License-Identifier: MIT
/*
 * fuzz_pkvm's and fuzz_hvc's world: both sides built from one machine
 * description, one operation run on each, then every comparison: return
 * codes, pools, which VMs live, the hashed walk of every table (with the
 * first differing entry on a mismatch), the invariants of SPEC §11 on the
 * core's memory, and break-before-make.
 */
#include "dual.h"

#include "feedback.h"
#include "ref_machine.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_ARENA_BYTES (64ULL << 20)

static void *ref_arena;

/*
 * Slot @i's core table, kind and VM: 0 host stage-2, 1 hyp stage-1, 2 + n
 * guest n. A diff_kind and the reference's REF_KIND_* are the same number.
 */
static struct pgt *slot_pgt(struct dual *d, unsigned i)
{
	return i == 0 ? &d->pkvm.host_s2 : i == 1 ? &d->pkvm.hyp_s1 : &d->pkvm.vms[i - 2].pgt;
}

static enum diff_kind slot_kind(unsigned i)
{
	return i == 0 ? DIFF_HOST_S2 : i == 1 ? DIFF_HYP_S1 : DIFF_GUEST_S2;
}

static unsigned slot_vm(unsigned i)
{
	return i < 2 ? 0 : i - 2;
}

/* The differ's view of slot @i's core table (the host's with the memory layout). */
static struct diff_table view(struct dual *d, unsigned i)
{
	const struct pgt *p = slot_pgt(d, i);

	return (struct diff_table){ .kind = slot_kind(i), .vm = slot_vm(i),
				    .root_pa = pa_addr(p->root_pa), .start_level = p->start_level,
				    .mem = &d->mem, .layout = i ? NULL : &d->layout };
}

/* Which slot a core table is. */
static unsigned table_slot(struct dual *d, const struct pgt *pgt)
{
	for (unsigned i = 0; i < 2 + PKVM_MAX_VMS; i++) {
		if (slot_pgt(d, i) == pgt)
			return i;
	}
	abort(); /* a store into a table the machine does not have */
}

static void feed_bbm(void *arg, const struct sim_event *ev)
{
	struct dual *d = arg;

	if (fz_feed_checkers(&d->bbm, &d->tlb, ev))
		d->slot[table_slot(d, ev->pgt)].stale = true;
}

int dual_init(struct dual *d, const struct fz_machine *m, struct fz_failure *f)
{
	struct pkvm_desc cd = {
		.layout = { .nr_regions = m->nr_regions, .ia_bits = m->host_ia_bits },
		.carveout_base = m->carve_base,
		.carveout_size = m->carve_size,
		.host_pool_pages = m->host_pool,
		.hyp_pool_pages = m->hyp_pool,
		.hyp_va_offset = m->hyp_va_offset,
		.nr_vm_slots = m->nr_vm_slots,
	};
	struct ref_desc rd;

	fz_ref_desc(m, &rd);
	for (unsigned i = 0; i < fz_machine_regions(m); i++)
		cd.layout.regions[i] =
			(struct host_region){ m->regions[i].base, m->regions[i].size };
	cd.nr_hyp_private = m->nr_private;
	for (unsigned i = 0; i < fz_machine_privates(m); i++) {
		cd.hyp_private[i] = (struct pkvm_hyp_private){
			m->private_range[i].va, m->private_range[i].pa, m->private_range[i].nr,
			m->private_range[i].prot, m->private_range[i].memtype
		};
	}
	return dual_init_descs(d, m, &cd, &rd, f);
}

/* The most memory a valid machine has: all of a 48-bit address space, in pages. */
#define MAX_MEMORY_PAGES (1ULL << 36)

/*
 * The core's side of init. A description the core rejects builds nothing
 * (pkvm_init would only return the same error); one it accepts gets its
 * pools and its page array, unless its memory could not exist (more than a
 * 48-bit space holds: the reference will have said -EINVAL).
 */
static int core_init(struct dual *d, const struct fz_machine *m, const struct pkvm_desc *cd)
{
	struct pgt_pool *mc[PKVM_MAX_VMS];
	int rc = pkvm_desc_check(cd);
	u64 pages = pkvm_desc_memory_pages(cd);
	bool build = !rc && pages <= MAX_MEMORY_PAGES;

	sim_pool_init(&d->sim, &d->host_pool, pa_init(m->carve_base), build ? m->host_pool : 0);
	sim_pool_init(&d->sim, &d->hyp_pool, pa_init(m->carve_base + (m->host_pool << 12)),
		      build ? m->hyp_pool : 0);
	for (unsigned i = 0; i < PKVM_MAX_VMS; i++) {
		sim_pool_init_empty(&d->sim, &d->memcache[i]);
		mc[i] = &d->memcache[i];
	}
	if (!build)
		return rc;
	d->pages_bytes = (pages + 1) * sizeof(*d->pages);
	d->pages = sim_zalloc_big(d->pages_bytes);
	if (!d->pages)
		abort();
	return pkvm_init(&d->pkvm, cd, sim_mm(&d->sim), &d->host_pool, &d->hyp_pool, mc, d->pages);
}

int dual_init_descs(struct dual *d, const struct fz_machine *m, const struct pkvm_desc *cd,
		    const struct ref_desc *rd, struct fz_failure *f)
{
	struct sim_observer obs = { .event = feed_bbm, .arg = d };
	int core_rc, ref_rc;

	memset(d, 0, offsetof(struct dual, sim));
	d->m = *m;
	for (unsigned i = 0; i < 2 + PKVM_MAX_VMS; i++)
		d->slot[i].stale = true;
	if (d->sim_up)
		sim_reset(&d->sim);
	else if (sim_init(&d->sim, 1U << 16))
		abort();
	d->sim_up = true;
	diff_bbm_init(&d->bbm);
	diff_tlb_init(&d->tlb);
	sim_set_observer(&d->sim, &obs);
	core_rc = core_init(d, m, cd);
	if (!ref_arena && !(ref_arena = malloc(REF_ARENA_BYTES)))
		abort();
	ref_rc = ref_init(&d->ref, rd, ref_arena, REF_ARENA_BYTES);
	d->mem = fz_sim_mem(&d->sim);
	d->brute_on = brute_small_enough(fz_memory_pages(m) << 12, m->host_pool, m->hyp_pool);
	for (unsigned i = 0; i < 2 + PKVM_MAX_VMS; i++)
		brute_forget(&d->brute[i]);
	d->layout.nr_regions = fz_machine_regions(m);
	for (unsigned i = 0; i < fz_machine_regions(m); i++) {
		d->layout.regions[i].base = m->regions[i].base;
		d->layout.regions[i].size = m->regions[i].size;
	}
	if (core_rc == ref_rc && core_rc) {
		/* Nothing to run: what is left only reads the slots a machine can have. */
		d->m.nr_vm_slots = d->m.nr_vm_slots < PKVM_MAX_VMS ? d->m.nr_vm_slots : PKVM_MAX_VMS;
		return 1;
	}
	if (core_rc == ref_rc)
		return dual_check(d, "init", 0, 0, f) ? 0 : -1;
	fz_failed(f, "init", "machine", "rc", "machine description: core returned %d, reference %d",
		  core_rc, ref_rc);
	snprintf(f->signature, sizeof(f->signature), "init/core=%d/ref=%d", core_rc, ref_rc);
	return -1;
}

void dual_end(struct dual *d)
{
	struct sim_observer none = { 0 };

	sim_set_observer(&d->sim, &none);
	for (unsigned i = 0; i < PKVM_MAX_VMS; i++)
		sim_pool_fini(&d->memcache[i]);
	sim_pool_fini(&d->host_pool);
	sim_pool_fini(&d->hyp_pool);
	sim_free_big(d->pages, d->pages_bytes);
}

void dual_fini(struct dual *d)
{
	dual_end(d);
	sim_fini(&d->sim);
	d->sim_up = false;
	for (unsigned i = 0; i < 2 + PKVM_MAX_VMS; i++)
		brute_fini(&d->brute[i]);
}

/* Pool 0 the host's, 1 the hyp's, 2 + n VM n's memcache. */
static struct pgt_pool *core_pool(struct dual *d, unsigned pool)
{
	return pool == 0 ? &d->host_pool : pool == 1 ? &d->hyp_pool : &d->memcache[pool - 2];
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
	u64 ia = (page << 12) + (kind == DIFF_HYP_S1 ? d->m.hyp_va_offset : 0);
	struct diff_table t;
	unsigned i;

	if (kind == DIFF_HOST_S2 && page < (1ULL << (d->m.host_ia_bits - 12)))
		i = 0;
	else if (kind == DIFF_HYP_S1 && ia < (1ULL << 48))
		i = 1;
	else if (kind == DIFF_GUEST_S2 && vm < d->m.nr_vm_slots && pkvm_vm_live(&d->pkvm, vm) &&
		 page < (1ULL << (d->pkvm.vms[vm].pgt.ia_bits - 12)))
		i = 2 + vm;
	else
		return 0;
	t = view(d, i);
	diff_tlb_access(&d->tlb, slot_pgt(d, i), &t, ia);
	return 0;
}

/* The reference's stream of slot @slot. */
struct ref_src {
	const struct ref *r;
	unsigned slot;
};

static void ref_stream_src(void *src, diff_emit_fn emit, void *arg)
{
	const struct ref_src *s = src;

	ref_stream(s->r, slot_kind(s->slot), slot_vm(s->slot), emit, arg);
}

uint64_t dual_core_state_digest(struct dual *d)
{
	struct diff_state s = { 0 };

	for (unsigned i = 0; i < 2 + d->m.nr_vm_slots; i++) {
		struct diff_table t = view(d, i);

		if (i < 2 || pkvm_vm_live(&d->pkvm, i - 2))
			diff_state_add(&s, t.kind, t.vm, diff_stream_hash(diff_table_stream, &t));
	}
	return diff_state_hash(&s);
}

uint64_t dual_ref_state_digest(const struct ref *r, unsigned nr_vm_slots)
{
	struct diff_state s = { 0 };

	for (unsigned i = 0; i < 2 + nr_vm_slots; i++) {
		struct ref_src src = { r, i };

		if (i < 2 || ref_vm_live(r, i - 2))
			diff_state_add(&s, slot_kind(i), slot_vm(i),
				       diff_stream_hash(ref_stream_src, &src));
	}
	return diff_state_hash(&s);
}

/* Slot @i: both digests, structure, host ownership, and the TLB model. */
static bool compare_table(struct dual *d, unsigned i, const char *op, struct diff_state *core,
			  struct diff_state *ref, struct fz_failure *f)
{
	struct ref_src rs = { &d->ref, i };
	struct fz_pair p = { view(d, i), ref_stream_src, &rs,
			     ref_table_generation(&d->ref, slot_kind(i), slot_vm(i)), "core" };
	struct diff_table *t = &p.core;
	bool stale = d->slot[i].stale;
	struct diff_violation v;

	if (!fz_compare_table(&d->slot[i], &p, op, f))
		return false;
	diff_state_add(core, t->kind, t->vm, d->slot[i].core_digest);
	diff_state_add(ref, t->kind, t->vm, d->slot[i].ref_digest);
	if (stale && t->kind == DIFF_HOST_S2 && !fz_check_host_leaves(&d->ref, t, op, f)) {
		d->slot[i].stale = true;
		return false;
	}
	if (!diff_tlb_check(&d->tlb, slot_pgt(d, i), t, &v))
		return fz_failed(f, "tlb", op, diff_kind_name(t->kind), "%s (vm %u): %s",
				 diff_kind_name(t->kind), t->vm, v.what);
	return true;
}

/* Slot @i's shape as the reference derives it, against the brute-force model's. */
static bool oracle_check(struct dual *d, unsigned i, const char *op, struct fz_failure *f)
{
	enum brute_verdict v = brute_check_ref(&d->brute[i], &d->ref, slot_kind(i), slot_vm(i),
					       f->detail, sizeof(f->detail));

	return v == BRUTE_AGREE || fz_mark(f, "oracle", op, brute_verdict_name(v));
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

bool dual_check(struct dual *d, const char *name, int core_rc, int ref_rc, struct fz_failure *f)
{
	struct diff_state core = { 0 }, ref = { 0 };

	if (!fz_check_rc(name, core_rc, ref_rc, f))
		return false;
	if (!diff_bbm_end_op(&d->bbm))
		return fz_failed(f, "bbm", name, "rule", "%s", d->bbm.v.what);
	for (unsigned i = 0; i < 2 + d->m.nr_vm_slots; i++) {
		unsigned vm = i - 2;
		bool live = i < 2 || pkvm_vm_live(&d->pkvm, vm);

		if (i >= 2 && live != ref_vm_live(&d->ref, vm))
			return fz_failed(f, "vm-state", name, "live",
					 "vm %u: core says %s, reference %s", vm,
					 live ? "live" : "not live", live ? "not live" : "live");
		if (!live) {
			/* A new VM in this slot starts over on both sides. */
			diff_tlb_forget(&d->tlb, slot_pgt(d, i));
			d->slot[i].stale = true;
			d->slot[i].ref_known = false;
			brute_forget(&d->brute[i]);
			continue;
		}
		/* First: a reference that departs from §4 is its own finding, not the core's. */
		if (d->brute_on && !oracle_check(d, i, name, f))
			return false;
		if (!compare_table(d, i, name, &core, &ref, f))
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

/* The machine of whichever of the two targets this process runs. */
static struct dual state;

static int world_init(void *d, const void *setup, struct fz_failure *f)
{
	fz_feedback_pkvm_start();
	return dual_init(d, setup, f);
}

static void world_fini(void *d)
{
	dual_end(d);
}

/* fuzz_pkvm: the operations of ops_pkvm.c, compared by dual_check. */
static bool pkvm_check(void *d, const struct fz_op *op, int core_rc, int ref_rc,
		       struct fz_failure *f)
{
	return dual_check(d, op->def->name, core_rc, ref_rc, f);
}

/* State feedback on either target's operations (feedback.h). */
static void pkvm_observe(void *d, const struct fz_op *op, int rc, bool done)
{
	fz_feedback_pkvm(d, &fz_world_pkvm, op, rc, done);
}

static void hvc_observe(void *d, const struct fz_op *op, int rc, bool done)
{
	fz_feedback_pkvm(d, &fz_world_hvc, op, rc, done);
}

static void summary(const void *d, FILE *out)
{
	(void)d;
	fz_feedback_print_lifecycle(out);
}

const struct fz_harness fz_pkvm_harness = {
	&fz_world_pkvm, &state, world_init, world_fini, pkvm_check, NULL, fz_machine_format, &state.ref,
	pkvm_observe, summary, NULL,
};

/* fuzz_hvc: hypercall registers (ops_hvc.c), then the same comparisons. */
const struct fz_harness fz_hvc_harness = {
	&fz_world_hvc, &state, world_init, world_fini, fz_hvc_check, fz_hvc_result,
	fz_machine_format, &state.ref, hvc_observe, summary, NULL,
};
