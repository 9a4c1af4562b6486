// SPDX-License-Identifier: MIT
/* Building both sides and running one operation on each. */
#include "dual.h"
#include "sim_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_ARENA_BYTES (64ULL << 20)

static void *ref_arena;

unsigned dual_table_index(const struct dual *d, const struct pgt *pgt)
{
	if (pgt == &d->pkvm.host_s2)
		return 0;
	if (pgt == &d->pkvm.hyp_s1)
		return 1;
	for (unsigned vm = 0; vm < PKVM_MAX_VMS; vm++) {
		if (pgt == &d->pkvm.vms[vm].pgt)
			return 2 + vm;
	}
	abort(); /* a store into a table the machine does not have */
}

static void feed_bbm(void *arg, const struct sim_event *ev)
{
	struct dual *d = arg;

	if (fz_feed_checkers(&d->bbm, &d->tlb, ev))
		d->slot[dual_table_index(d, ev->pgt)].stale = true;
}

static void to_core_desc(const struct fz_machine *m, struct pkvm_desc *c)
{
	memset(c, 0, sizeof(*c));
	c->layout.nr_regions = m->nr_regions;
	c->layout.ia_bits = m->host_ia_bits;
	for (unsigned i = 0; i < m->nr_regions; i++) {
		c->layout.regions[i].base = m->regions[i].base;
		c->layout.regions[i].size = m->regions[i].size;
	}
	c->carveout_base = m->carve_base;
	c->carveout_size = m->carve_pages << 12;
	c->host_pool_pages = m->host_pool;
	c->hyp_pool_pages = m->hyp_pool;
	c->hyp_va_offset = m->hyp_va_offset;
	c->nr_vm_slots = m->nr_vm_slots;
	c->nr_hyp_private = 0; /* fuzz machines have no private hyp ranges yet (S32) */
}

static void to_ref_desc(const struct fz_machine *m, struct ref_desc *r)
{
	memset(r, 0, sizeof(*r));
	r->nr_mem = m->nr_regions;
	for (unsigned i = 0; i < m->nr_regions; i++) {
		r->mem[i].base = m->regions[i].base;
		r->mem[i].size = m->regions[i].size;
	}
	r->carveout.base = m->carve_base;
	r->carveout.size = m->carve_pages << 12;
	r->host_pool_pages = m->host_pool;
	r->hyp_pool_pages = m->hyp_pool;
	r->hyp_va_offset = m->hyp_va_offset;
	r->host_ia_bits = m->host_ia_bits;
	r->nr_vm_slots = m->nr_vm_slots;
	r->nr_hyp_private = 0;
}

int dual_init(struct dual *d, const struct fz_machine *m, struct fz_failure *f)
{
	struct pkvm_desc cd;
	struct ref_desc rd;

	to_core_desc(m, &cd);
	to_ref_desc(m, &rd);
	return dual_init_descs(d, m, &cd, &rd, f);
}

int dual_init_descs(struct dual *d, const struct fz_machine *m, const struct pkvm_desc *cd,
		    const struct ref_desc *rd, struct fz_failure *f)
{
	struct pgt_pool *mc[PKVM_MAX_VMS];
	struct sim_observer obs = { .event = feed_bbm, .arg = d };
	int core_rc, ref_rc;

	memset(d, 0, sizeof(*d));
	d->m = *m;
	for (unsigned i = 0; i < 2 + PKVM_MAX_VMS; i++)
		d->slot[i].stale = true;
	if (sim_init(&d->sim, 1U << 16))
		abort();
	sim_pool_init(&d->sim, &d->host_pool, pa_init(m->carve_base), m->host_pool);
	sim_pool_init(&d->sim, &d->hyp_pool, pa_init(m->carve_base + (m->host_pool << 12)),
		      m->hyp_pool);
	for (unsigned i = 0; i < PKVM_MAX_VMS; i++) {
		sim_pool_init_empty(&d->sim, &d->memcache[i]);
		mc[i] = &d->memcache[i];
	}
	d->pages_bytes = (pkvm_desc_memory_pages(cd) + 1) * sizeof(*d->pages);
	d->pages = sim_zalloc_big(d->pages_bytes);
	if (!d->pages)
		abort();
	diff_bbm_init(&d->bbm);
	diff_tlb_init(&d->tlb);
	sim_set_observer(&d->sim, &obs);
	core_rc =
		pkvm_init(&d->pkvm, cd, sim_mm(&d->sim), &d->host_pool, &d->hyp_pool, mc, d->pages);
	if (!ref_arena && !(ref_arena = malloc(REF_ARENA_BYTES)))
		abort();
	ref_rc = ref_init(&d->ref, rd, ref_arena, REF_ARENA_BYTES);
	d->mem = fz_sim_mem(&d->sim);
	d->layout.nr_regions = m->nr_regions;
	for (unsigned i = 0; i < m->nr_regions; i++) {
		d->layout.regions[i].base = m->regions[i].base;
		d->layout.regions[i].size = m->regions[i].size;
	}
	if (core_rc == ref_rc)
		return core_rc ? 1 : 0;
	fz_failed(f, "init", "machine", "rc", "machine description: core returned %d, reference %d",
		  core_rc, ref_rc);
	snprintf(f->signature, sizeof(f->signature), "init/core=%d/ref=%d", core_rc, ref_rc);
	return -1;
}

void dual_fini(struct dual *d)
{
	struct sim_observer none = { 0 };

	sim_set_observer(&d->sim, &none);
	for (unsigned i = 0; i < PKVM_MAX_VMS; i++)
		sim_pool_fini(&d->memcache[i]);
	sim_pool_fini(&d->host_pool);
	sim_pool_fini(&d->hyp_pool);
	sim_free_big(d->pages, d->pages_bytes);
	sim_fini(&d->sim);
}

/* fuzz_pkvm: the operations of ops_pkvm.c, compared by dual_check. */
static struct dual pkvm_state;

static int world_init(void *d, const void *setup, struct fz_failure *f)
{
	return dual_init(d, setup, f);
}

static void world_fini(void *d)
{
	dual_fini(d);
}

static bool pkvm_check(void *d, const struct fz_op *op, int core_rc, int ref_rc,
		       struct fz_failure *f)
{
	return dual_check(d, op->def->name, core_rc, ref_rc, f);
}

static size_t describe(const void *setup, char *buf, size_t len)
{
	return fz_machine_format(setup, buf, len);
}

const struct fz_harness fz_pkvm_harness = {
	&fz_world_pkvm, &pkvm_state, world_init, world_fini, pkvm_check, NULL, describe,
};

/* fuzz_hvc: hypercall registers (ops_hvc.c), then the same comparisons. */
static struct dual hvc_state;

const struct fz_harness fz_hvc_harness = {
	&fz_world_hvc, &hvc_state, world_init, world_fini, fz_hvc_check, fz_hvc_result, describe,
};
