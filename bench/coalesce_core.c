// SPDX-License-Identifier: MIT
/*
 * The coalescing benchmark's machine (bench/coalesce.c): the pKVM layer of
 * our core on the release platform (bare/). The arena holds the carve-out
 * (host pool, hyp pool) and, after it, the host pages the guests take for
 * their pgds and memcaches, which the core reads and writes as tables.
 */
#include "coalesce_core.h"

#include <stdlib.h>
#include <string.h>

#define DESC_VALID 0x1ULL
#define DESC_TABLE 0x2ULL
#define DESC_ADDR  0x0000fffffffff000ULL

int co_machine_init(struct co_machine *c, const struct co_memory *m, uint64_t carve_base,
		    uint64_t carve_pages, uint64_t host_pool, uint64_t hyp_pool,
		    uint64_t spare_pages, bool coalescing)
{
	struct pgt_pool *mc[PKVM_MAX_VMS];
	struct pkvm_desc d = {
		.layout = { .nr_regions = m->nr, .ia_bits = 48 },
		.carveout_base = carve_base,
		.carveout_size = carve_pages << CO_PAGE_SHIFT,
		.host_pool_pages = host_pool,
		.hyp_pool_pages = hyp_pool,
		.hyp_va_offset = 0x100000000000ULL,
		.nr_vm_slots = PKVM_MAX_VMS,
	};
	int ret;

	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < m->nr; i++)
		d.layout.regions[i] = (struct host_region){ m->r[i].base, m->r[i].size };
	ret = pkvm_desc_check(&d);
	if (ret)
		return ret;
	c->spare_base = carve_base + (carve_pages << CO_PAGE_SHIFT);
	c->spare_pages = spare_pages;
	ret = bare_init(&c->bare, carve_pages + spare_pages, carve_base);
	if (ret)
		return ret;
	if (bare_pool_init(&c->bare, &c->host_pool, host_pool) ||
	    bare_pool_init(&c->bare, &c->hyp_pool, hyp_pool))
		goto fail;
	for (unsigned i = 0; i < PKVM_MAX_VMS; i++) {
		bare_pool_init(&c->bare, &c->memcache[i], 0);
		mc[i] = &c->memcache[i];
	}
	c->pages = calloc(pkvm_desc_memory_pages(&d), sizeof(*c->pages));
	if (!c->pages)
		goto fail;
	ret = pkvm_init(&c->pkvm, &d, bare_mm(&c->bare), &c->host_pool, &c->hyp_pool, mc,
			c->pages);
	if (ret)
		goto fail_pages;
	c->pkvm.host_s2.no_coalescing = !coalescing;
	return 0;
fail_pages:
	free(c->pages);
fail:
	bare_fini(&c->bare);
	return ret ? ret : -CORE_ENOMEM;
}

void co_machine_fini(struct co_machine *c)
{
	free(c->pages);
	bare_fini(&c->bare);
}

static const u64 *co_table(struct co_machine *c, uint64_t desc)
{
	return bare_va(&c->bare, desc & DESC_ADDR);
}

bool co_host_leaf(struct co_machine *c, uint64_t pa, unsigned *level, uint64_t *base)
{
	const u64 *t = c->pkvm.host_s2.root;

	for (unsigned l = c->pkvm.host_s2.start_level; l <= 3; l++) {
		uint64_t d = t[(pa >> (CO_PAGE_SHIFT + 9 * (3 - l))) & 511];

		if (!(d & DESC_VALID))
			return false;
		if (l < 3 && (d & DESC_TABLE)) {
			t = co_table(c, d);
			continue;
		}
		*level = l;
		*base = pa & ~(CO_SPAN(l) - 1);
		return true;
	}
	return false;
}

static void count_leaves(struct co_machine *c, const u64 *t, unsigned level, uint64_t *leaves)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t d = t[i];

		if (!(d & DESC_VALID))
			continue;
		if (level < 3 && (d & DESC_TABLE))
			count_leaves(c, co_table(c, d), level + 1, leaves);
		else
			leaves[level]++;
	}
}

void co_host_shape(struct co_machine *c, struct co_result *r)
{
	memset(r->leaves, 0, sizeof(r->leaves));
	count_leaves(c, c->pkvm.host_s2.root, c->pkvm.host_s2.start_level, r->leaves);
	r->tables = c->host_pool.nr_pages - c->host_pool.nr_free;
}
