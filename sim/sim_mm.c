// SPDX-License-Identifier: MIT
/*
 * The platform operations of core/mm.h for the simulated machine: memory
 * through the page store and pools, TLB maintenance and entry stores
 * reported to the observer, shared-walk deferred freeing.
 */
#include "sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void (*sim_assert_hook)(const char *expr, const char *file, int line);

void core_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "core assertion failed: %s (%s:%d)\n", expr, file, line);
	if (sim_assert_hook)
		sim_assert_hook(expr, file, line);
	abort();
}

void sim_event(struct sim *sim, const struct sim_event *ev)
{
	if (sim->obs.event)
		sim->obs.event(sim->obs.arg, ev);
}

static void *mm_page_alloc(void *ctx, struct pgt_pool *pool)
{
	return sim_pool_alloc(pool);
}

static void mm_page_free(void *ctx, struct pgt_pool *pool, void *page)
{
	sim_pool_release(pool, page);
}

static u64 mm_pool_free_pages(void *ctx, struct pgt_pool *pool)
{
	return sim_pool_free(pool);
}

static int mm_pool_add(void *ctx, struct pgt_pool *pool, paddr_t page)
{
	return sim_pool_add_page(pool, page);
}

static int mm_pool_remove(void *ctx, struct pgt_pool *pool, paddr_t page)
{
	return sim_pool_remove_page(pool, page);
}

static void *mm_root_adopt(void *ctx, paddr_t page)
{
	struct sim *sim = ctx;
	u32 slot;

	if (sim_page_register(sim, page, &slot))
		return NULL;
	return sim_slot_take(sim, slot, SIM_SLOT_ROOT);
}

static void mm_root_release(void *ctx, void *root)
{
	struct sim *sim = ctx;
	u64 slot = sim_slot_of_va(sim, root);

	CORE_ASSERT(sim->slot_state[slot] == SIM_SLOT_ROOT);
	sim_slot_poison(sim, slot);
	sim_page_unregister(sim, (u32)slot);
}

static void mm_page_get(void *ctx, void *page)
{
	struct sim *sim = ctx;

	__atomic_fetch_add(&sim->slot_count[sim_slot_of_va(sim, page)], 1, __ATOMIC_RELAXED);
}

static void mm_page_put(void *ctx, void *page)
{
	struct sim *sim = ctx;
	u32 old = __atomic_fetch_sub(&sim->slot_count[sim_slot_of_va(sim, page)], 1,
				     __ATOMIC_RELAXED);

	/* The table's own reference is dropped only by freeing it. */
	CORE_ASSERT(old > 1);
}

static u32 mm_page_count(void *ctx, const void *page)
{
	struct sim *sim = ctx;

	return __atomic_load_n(&sim->slot_count[sim_slot_of_va(sim, page)], __ATOMIC_RELAXED);
}

static void *mm_phys_to_virt(void *ctx, paddr_t pa)
{
	return sim_phys_to_virt(ctx, pa);
}

static paddr_t mm_virt_to_phys(void *ctx, const void *va)
{
	struct sim *sim = ctx;

	return pa_init(sim->slot_pa[sim_slot_of_va(sim, va)]);
}

static void mm_tlbi_leaf(void *ctx, const struct pgt *pgt, u64 ia, u32 level)
{
	struct sim *sim = ctx;
	struct sim_event ev = { .kind = SIM_EV_TLBI_LEAF, .pgt = pgt, .ia = ia, .level = level };

	__atomic_fetch_add(&sim->nr_tlbi_leaf, 1, __ATOMIC_RELAXED);
	sim_event(sim, &ev);
}

static void mm_tlbi_range(void *ctx, const struct pgt *pgt, u64 ia, u64 size)
{
	struct sim *sim = ctx;
	struct sim_event ev = { .kind = SIM_EV_TLBI_RANGE, .pgt = pgt, .ia = ia, .size = size };

	__atomic_fetch_add(&sim->nr_tlbi_range, 1, __ATOMIC_RELAXED);
	sim_event(sim, &ev);
}

static void mm_tlbi_all(void *ctx, const struct pgt *pgt)
{
	struct sim *sim = ctx;
	struct sim_event ev = { .kind = SIM_EV_TLBI_ALL, .pgt = pgt };

	__atomic_fetch_add(&sim->nr_tlbi_all, 1, __ATOMIC_RELAXED);
	sim_event(sim, &ev);
}

static void mm_on_store(void *ctx, const struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte,
			u64 ia, u32 level)
{
	struct sim *sim = ctx;
	u64 page = (u64)(uintptr_t)ptep & ~(PGT_PAGE_SIZE - 1);
	struct sim_event ev;

	__atomic_fetch_add(&sim->nr_stores, 1, __ATOMIC_RELAXED);
	if (!sim->obs.event) /* nobody to tell: no event to build */
		return;
	ev = (struct sim_event){ .kind = SIM_EV_STORE, .pgt = pgt, .ptep = ptep, .old = old,
				 .new_pte = new_pte, .ia = ia, .level = level,
				 .table = pa_init(sim->slot_pa[sim_slot_of_va(sim, (void *)page)]) };
	sim_event(sim, &ev);
}

static void mm_on_access(void *ctx, const struct pgt *pgt, pte_t *ptep, enum pgt_access kind)
{
	struct sim *sim = ctx;

	if (sim->obs.access)
		sim->obs.access(sim->obs.arg, pgt, ptep, kind);
}

static void mm_shared_enter(void *ctx)
{
	struct sim *sim = ctx;

	pthread_mutex_lock(&sim->shared_lock);
	sim->shared_walkers++;
	pthread_mutex_unlock(&sim->shared_lock);
}

/* Called with shared_lock held and no walker inside. */
static void free_deferred_locked(struct sim *sim)
{
	for (u64 i = 0; i < sim->nr_deferred; i++) {
		struct sim_deferred *d = &sim->deferred[i];

		pgt_free_unlinked(d->pgt, d->table, d->level);
	}
	sim->nr_deferred = 0;
}

static void mm_shared_exit(void *ctx)
{
	struct sim *sim = ctx;

	pthread_mutex_lock(&sim->shared_lock);
	CORE_ASSERT(sim->shared_walkers > 0);
	if (--sim->shared_walkers == 0)
		free_deferred_locked(sim);
	pthread_mutex_unlock(&sim->shared_lock);
}

static void mm_free_unlinked(void *ctx, struct pgt *pgt, void *table, u32 level)
{
	struct sim *sim = ctx;

	pthread_mutex_lock(&sim->shared_lock);
	if (sim->nr_deferred == sim->cap_deferred) {
		u64 cap = sim->cap_deferred ? sim->cap_deferred * 2 : 16;
		struct sim_deferred *d = realloc(sim->deferred, cap * sizeof(*d));

		CORE_ASSERT(d != NULL);
		sim->deferred = d;
		sim->cap_deferred = cap;
	}
	sim->deferred[sim->nr_deferred++] = (struct sim_deferred){ pgt, table, level };
	if (sim->shared_walkers == 0)
		free_deferred_locked(sim);
	pthread_mutex_unlock(&sim->shared_lock);
}

void sim_quiesce(struct sim *sim)
{
	pthread_mutex_lock(&sim->shared_lock);
	if (sim->shared_walkers == 0)
		free_deferred_locked(sim);
	pthread_mutex_unlock(&sim->shared_lock);
}

static const struct pgt_mm_ops sim_mm_ops = {
	.page_alloc = mm_page_alloc,
	.page_free = mm_page_free,
	.pool_free_pages = mm_pool_free_pages,
	.pool_add = mm_pool_add,
	.pool_remove = mm_pool_remove,
	.root_adopt = mm_root_adopt,
	.root_release = mm_root_release,
	.page_get = mm_page_get,
	.page_put = mm_page_put,
	.page_count = mm_page_count,
	.phys_to_virt = mm_phys_to_virt,
	.virt_to_phys = mm_virt_to_phys,
	.tlbi_leaf = mm_tlbi_leaf,
	.tlbi_range = mm_tlbi_range,
	.tlbi_all = mm_tlbi_all,
	.shared_enter = mm_shared_enter,
	.shared_exit = mm_shared_exit,
	.free_unlinked = mm_free_unlinked,
	.on_store = mm_on_store,
	.on_access = mm_on_access,
};

int sim_init(struct sim *sim, u64 cap_slots)
{
	memset(sim, 0, sizeof(*sim));
	pthread_mutex_init(&sim->shared_lock, NULL);
	sim->mm = (struct pgt_mm){ .ops = &sim_mm_ops, .ctx = sim };
	return sim_pages_init(sim, cap_slots);
}

void sim_reset(struct sim *sim)
{
	CORE_ASSERT(sim->shared_walkers == 0);
	sim_pages_reset(sim);
	sim->nr_deferred = 0;
	sim->obs = (struct sim_observer){ 0 };
	sim->nr_tlbi_leaf = sim->nr_tlbi_range = sim->nr_tlbi_all = sim->nr_stores = 0;
}

void sim_fini(struct sim *sim)
{
	sim_pages_fini(sim);
	free(sim->deferred);
	pthread_mutex_destroy(&sim->shared_lock);
}

void sim_set_observer(struct sim *sim, const struct sim_observer *obs)
{
	sim->obs = *obs;
}

const struct pgt_mm *sim_mm(struct sim *sim)
{
	return &sim->mm;
}
