// SPDX-License-Identifier: MIT
/*
 * Pools of table pages: a stack of free slots per pool. Pages enter a pool
 * when it is made (a carve-out range) or by pool_add (a memcache top-up) and
 * leave it by pool_remove (reclaim).
 */
#include "sim_internal.h"

#include <stdlib.h>

static int pool_push(struct pgt_pool *pool, u32 slot)
{
	if (pool->nr_free == pool->cap) {
		u64 cap = pool->cap ? pool->cap * 2 : 64;
		u32 *p = realloc(pool->free, cap * sizeof(*p));

		if (!p)
			return -CORE_ENOMEM;
		pool->free = p;
		pool->cap = cap;
	}
	pool->free[pool->nr_free++] = slot;
	return 0;
}

void sim_pool_init_empty(struct sim *sim, struct pgt_pool *pool)
{
	*pool = (struct pgt_pool){ .sim = sim };
	pthread_mutex_init(&pool->lock, NULL);
}

int sim_pool_add_page(struct pgt_pool *pool, paddr_t pa)
{
	u32 slot;
	int ret = sim_page_register(pool->sim, pa, &slot);

	if (ret)
		return ret;
	ret = pool_push(pool, slot);
	if (ret) {
		sim_page_unregister(pool->sim, slot);
		return ret;
	}
	pool->nr_pages++;
	return 0;
}

int sim_pool_init(struct sim *sim, struct pgt_pool *pool, paddr_t base, u64 nr)
{
	sim_pool_init_empty(sim, pool);
	/* Highest address first on the stack, so pages come out in address order. */
	for (u64 i = nr; i-- > 0;) {
		int ret = sim_pool_add_page(pool, pa_init(pa_addr(base) + i * PGT_PAGE_SIZE));

		if (ret)
			return ret;
	}
	return 0;
}

void sim_pool_fini(struct pgt_pool *pool)
{
	pthread_mutex_destroy(&pool->lock);
	free(pool->free);
	pool->free = NULL;
}

int sim_pool_remove_page(struct pgt_pool *pool, paddr_t pa)
{
	s64 slot = sim_slot_of_pa(pool->sim, pa);

	if (slot < 0)
		return -CORE_ENOENT;
	for (u64 i = 0; i < pool->nr_free; i++) {
		if (pool->free[i] != (u32)slot)
			continue;
		pool->free[i] = pool->free[--pool->nr_free];
		if (pool->hidden > pool->nr_free)
			pool->hidden = pool->nr_free;
		pool->nr_pages--;
		sim_page_unregister(pool->sim, (u32)slot);
		return 0;
	}
	return -CORE_EBUSY;
}

u64 sim_pool_empty(struct pgt_pool *pool)
{
	/* free[0] is found at once; the last page takes its place. */
	while (pool->nr_free)
		sim_pool_remove_page(pool, pa_init(pool->sim->slot_pa[pool->free[0]]));
	pool->hidden = 0;
	return pool->nr_pages;
}

void *sim_pool_alloc(struct pgt_pool *pool)
{
	void *page = NULL;

	pthread_mutex_lock(&pool->lock);
	if (pool->nr_free > pool->hidden)
		page = sim_slot_take(pool->sim, pool->free[--pool->nr_free], SIM_SLOT_TABLE);
	pthread_mutex_unlock(&pool->lock);
	return page;
}

void sim_pool_release(struct pgt_pool *pool, void *page)
{
	struct sim *sim = pool->sim;
	u64 slot = sim_slot_of_va(sim, page);
	struct sim_event ev = { .kind = SIM_EV_PAGE_FREE, .page = pa_init(sim->slot_pa[slot]) };
	int ret;

	CORE_ASSERT(sim->slot_state[slot] == SIM_SLOT_TABLE);
	sim_event(sim, &ev);
	pthread_mutex_lock(&pool->lock);
	sim->slot_state[slot] = SIM_SLOT_FREE;
	__atomic_store_n(&sim->slot_count[slot], 0, __ATOMIC_RELAXED);
	sim_slot_poison(sim, slot);
	ret = pool_push(pool, (u32)slot);
	CORE_ASSERT(ret == 0);
	pthread_mutex_unlock(&pool->lock);
}

u64 sim_pool_free(const struct pgt_pool *pool)
{
	struct pgt_pool *p = (struct pgt_pool *)pool;
	u64 n;

	pthread_mutex_lock(&p->lock);
	n = pool->nr_free - pool->hidden;
	pthread_mutex_unlock(&p->lock);
	return n;
}

u64 sim_pool_free_all(const struct pgt_pool *pool)
{
	return pool->nr_free;
}

u64 sim_pool_size(const struct pgt_pool *pool)
{
	return pool->nr_pages;
}

void sim_pool_hide(struct pgt_pool *pool, u64 nr)
{
	u64 avail = pool->nr_free - pool->hidden;

	pool->hidden += nr < avail ? nr : avail;
}

void sim_pool_unhide(struct pgt_pool *pool)
{
	pool->hidden = 0;
}
