// SPDX-License-Identifier: MIT
/* A simulated pKVM machine for the unit tests. */
#include "machine.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

struct pkvm_desc machine_desc(u32 ia_bits, u32 nr_regions, const struct host_region *regions,
			      u64 carve_base, u64 carve_pages, u64 host_pool, u64 hyp_pool)
{
	struct pkvm_desc d = {
		.layout = { .nr_regions = nr_regions, .ia_bits = ia_bits },
		.carveout_base = carve_base,
		.carveout_size = carve_pages << PGT_PAGE_SHIFT,
		.host_pool_pages = host_pool,
		.hyp_pool_pages = hyp_pool,
		.hyp_va_offset = 0x100000000000ULL,
		.nr_vm_slots = 4,
	};

	for (u32 i = 0; i < nr_regions; i++)
		d.layout.regions[i] = regions[i];
	return d;
}

struct pkvm_desc machine_desc_virt(void)
{
	static const struct host_region mem[] = { { 0x40000000ULL, 0x80000000ULL } };

	return machine_desc(40, 1, mem, 0x60000000ULL, 1024, 256, 256);
}

int machine_init(struct machine *m, const struct pkvm_desc *d)
{
	struct pgt_pool *mc[PKVM_MAX_VMS];
	u64 host_base = d->carveout_base;
	u64 hyp_base = host_base + (d->host_pool_pages << PGT_PAGE_SHIFT);

	assert_int_equal(sim_init(&m->sim, 1U << 18), 0);
	assert_int_equal(sim_pool_init(&m->sim, &m->host_pool, pa_init(host_base),
				       d->host_pool_pages),
			 0);
	assert_int_equal(sim_pool_init(&m->sim, &m->hyp_pool, pa_init(hyp_base), d->hyp_pool_pages),
			 0);
	for (u32 i = 0; i < PKVM_MAX_VMS; i++) {
		sim_pool_init_empty(&m->sim, &m->memcache[i]);
		mc[i] = &m->memcache[i];
	}
	m->pages = calloc(pkvm_desc_memory_pages(d) + 1, sizeof(*m->pages));
	assert_non_null(m->pages);
	return pkvm_init(&m->pkvm, d, sim_mm(&m->sim), &m->host_pool, &m->hyp_pool, mc, m->pages);
}

void machine_fini(struct machine *m)
{
	struct sim_observer none = { 0 };

	sim_set_observer(&m->sim, &none);
	for (u32 i = 0; i < PKVM_MAX_VMS; i++)
		sim_pool_fini(&m->memcache[i]);
	sim_pool_fini(&m->host_pool);
	sim_pool_fini(&m->hyp_pool);
	free(m->pages);
	sim_fini(&m->sim);
}

struct machine *machine_new(const struct pkvm_desc *d)
{
	struct machine *m = test_malloc(sizeof(*m));

	assert_int_equal(machine_init(m, d), 0);
	machine_check(m);
	return m;
}

struct machine *machine_new_virt(void)
{
	struct pkvm_desc d = machine_desc_virt();

	return machine_new(&d);
}

void machine_free(struct machine *m)
{
	machine_check(m);
	machine_fini(m);
	test_free(m);
}

int machine_setup_virt(void **state)
{
	*state = machine_new_virt();
	return 0;
}

int machine_teardown(void **state)
{
	machine_free(*state);
	return 0;
}

static void host_identity(void *arg, u64 ia, u32 level, pte_t e)
{
	if (pte_valid(e))
		assert_int_equal(pte_out(e), ia);
}

void machine_check(struct machine *m)
{
	struct tbl_stats host = { 0 }, hyp = { 0 };

	tbl_check(&m->sim, &m->pkvm.host_s2, &host);
	tbl_check(&m->sim, &m->pkvm.hyp_s1, &hyp);
	assert_int_equal(sim_pool_free_all(&m->host_pool) + host.tables, sim_pool_size(&m->host_pool));
	assert_int_equal(sim_pool_free_all(&m->hyp_pool) + hyp.tables, sim_pool_size(&m->hyp_pool));
	tbl_for_each_leaf(&m->sim, &m->pkvm.host_s2, host_identity, NULL);
	for (u32 i = 0; i < m->pkvm.desc.nr_vm_slots; i++) {
		struct tbl_stats g = { 0 };

		if (m->pkvm.vms[i].state == PKVM_VM_FREE)
			continue;
		if (m->pkvm.vms[i].state == PKVM_VM_LIVE)
			tbl_check(&m->sim, &m->pkvm.vms[i].pgt, &g);
		else
			g.tables = 1;
		/* The pgd is not a memcache page: only non-root tables count. */
		assert_int_equal(sim_pool_free_all(&m->memcache[i]) + g.tables - 1,
				 sim_pool_size(&m->memcache[i]));
	}
}

struct digest {
	u64 h;
};

static void mix(struct digest *d, u64 v)
{
	for (u32 i = 0; i < 8; i++) {
		d->h ^= (v >> (i * 8)) & 0xff;
		d->h *= 0x100000001b3ULL;
	}
}

static void digest_leaf(void *arg, u64 ia, u32 level, pte_t e)
{
	struct digest *d = arg;

	mix(d, ia);
	mix(d, level);
	mix(d, e);
}

u64 machine_digest(struct machine *m)
{
	struct digest d = { 0xcbf29ce484222325ULL };
	struct tbl_stats st = { 0 };

	tbl_for_each_leaf(&m->sim, &m->pkvm.host_s2, digest_leaf, &d);
	tbl_for_each_leaf(&m->sim, &m->pkvm.hyp_s1, digest_leaf, &d);
	tbl_check(&m->sim, &m->pkvm.host_s2, &st);
	mix(&d, st.tables);
	for (u32 i = 0; i < PKVM_MAX_VMS; i++) {
		mix(&d, m->pkvm.vms[i].state);
		mix(&d, m->pkvm.vms[i].nr_owned);
		mix(&d, sim_pool_free(&m->memcache[i]));
		mix(&d, sim_pool_size(&m->memcache[i]));
		if (m->pkvm.vms[i].state == PKVM_VM_LIVE)
			tbl_for_each_leaf(&m->sim, &m->pkvm.vms[i].pgt, digest_leaf, &d);
	}
	mix(&d, sim_pool_free(&m->host_pool));
	mix(&d, sim_pool_free(&m->hyp_pool));
	for (u64 i = 0; i < m->pkvm.nr_pages; i++) {
		mix(&d, m->pages[i].pins);
		mix(&d, (u64)m->pages[i].vm << 8 | m->pages[i].flags);
	}
	return d.h;
}
