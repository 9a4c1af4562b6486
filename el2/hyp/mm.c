// SPDX-License-Identifier: MIT
/* The platform interface of core/mm.h on the real machine (el2/mm.h). */
#include "el2/mm.h"
#include "el2/cpus.h"
#include "el2/libc.h"
#include "el2/sysreg.h"

/* Freed table pages are filled with this: invalid (bit 0 clear) in every entry. */
#define EL2_POISON 0x0bad0bad0bad0ba0ULL
/* Invalidate by page up to this many pages, else the whole regime. */
#define TLBI_RANGE_MAX_PAGES 512

static struct el2_mm_config cfg;
static bool mmu_on;
static u64 host_vttbr;
static el2_mm_observer_fn observer;
/* Pools are shared by the shared walks of host aborts on several CPUs (S46). */
static struct el2_lock pool_lock;

/*
 * Tables a shared walk unlinked, which another CPU's walk may still be
 * reading: freed by the next exclusive holder of el2_state_lock. A walk
 * unlinks at most one (SPEC §9's fault stops once its leaf is written) and
 * hands its CPU's to an exclusive section right after, so one per CPU is room.
 * The only shared walks el2 runs today, host aborts, unlink none (they fill
 * zero entries, S46); this keeps any other shared walk safe.
 */
static struct {
	struct pgt *pgt;
	void *table;
	u32 level;
} deferred[EL2_MAX_CPUS];
static u32 nr_deferred;

/* Exclusives need the MMU on (cacheable memory); before that only one CPU runs. */
static void pool_lock_take(void)
{
	if (mmu_on)
		el2_lock(&pool_lock);
}

static void pool_lock_drop(void)
{
	if (mmu_on)
		el2_unlock(&pool_lock);
}

void el2_mm_init(const struct el2_mm_config *c)
{
	cfg = *c;
	mmu_on = false;
}

void el2_mm_mmu_on(void)
{
	mmu_on = true;
}

void el2_mm_set_host_vttbr(u64 vttbr)
{
	host_vttbr = vttbr;
}

static bool in_carveout(u64 pa)
{
	return pa >= cfg.carve_base && pa - cfg.carve_base < cfg.carve_size;
}

void *el2_phys_to_virt(u64 pa)
{
	if (mmu_on && in_carveout(pa))
		pa += cfg.hyp_va_offset;
	return (void *)(uintptr_t)pa;
}

u64 el2_virt_to_phys(const void *va)
{
	u64 v = (u64)(uintptr_t)va;

	if (mmu_on && v >= cfg.carve_base + cfg.hyp_va_offset &&
	    v - cfg.carve_base - cfg.hyp_va_offset < cfg.carve_size)
		v -= cfg.hyp_va_offset;
	return v;
}

void el2_mm_observe(el2_mm_observer_fn fn)
{
	observer = fn;
}

static void observe(const struct el2_mm_event *e)
{
	if (observer)
		observer(e);
}

static u32 *count_of_or_null(u64 pa)
{
	u64 index = 0;

	for (u32 i = 0; i < cfg.nr_memory; i++) {
		const struct el2_range *r = &cfg.memory[i];

		if (pa >= r->base && pa - r->base < r->size)
			return &cfg.counts[index + ((pa - r->base) >> PGT_PAGE_SHIFT)];
		index += r->size >> PGT_PAGE_SHIFT;
	}
	return NULL;
}

u32 el2_mm_table_count(u64 pa)
{
	u32 *c = count_of_or_null(pa);

	return c ? __atomic_load_n(c, __ATOMIC_ACQUIRE) : 0;
}

static u32 *count_of(u64 pa)
{
	u32 *c = count_of_or_null(pa);

	if (!c)
		el2_panic("table page %llx is not memory", (unsigned long long)pa);
	return c;
}

void el2_pool_init_empty(struct pgt_pool *pool)
{
	*pool = (struct pgt_pool){ .head = EL2_POOL_EMPTY };
}

static void pool_push(struct pgt_pool *pool, u64 pa)
{
	u64 *page = el2_phys_to_virt(pa);

	for (u32 i = 1; i < PGT_PAGE_SIZE / 8; i++)
		page[i] = EL2_POISON;
	page[0] = pool->head;
	pool->head = pa;
	pool->nr_free++;
}

void el2_pool_init(struct pgt_pool *pool, u64 base, u64 nr)
{
	el2_pool_init_empty(pool);
	for (u64 i = nr; i-- > 0;)
		pool_push(pool, base + i * PGT_PAGE_SIZE);
	pool->nr_pages = nr;
}

static void *mm_page_alloc(void *ctx, struct pgt_pool *pool)
{
	u64 pa;
	u64 *page = NULL;

	pool_lock_take();
	if (pool->nr_free) {
		pa = pool->head;
		page = el2_phys_to_virt(pa);
		pool->head = page[0];
		pool->nr_free--;
		*count_of(pa) = 1;
	}
	pool_lock_drop();
	if (page)
		memset(page, 0, PGT_PAGE_SIZE);
	return page;
}

static void mm_page_free(void *ctx, struct pgt_pool *pool, void *page)
{
	u64 pa = el2_virt_to_phys(page);

	observe(&(struct el2_mm_event){ .kind = EL2_MM_FREE, .page_pa = pa });
	pool_lock_take();
	*count_of(pa) = 0;
	pool_push(pool, pa);
	pool_lock_drop();
}

static u64 mm_pool_free_pages(void *ctx, struct pgt_pool *pool)
{
	return __atomic_load_n(&pool->nr_free, __ATOMIC_RELAXED);
}

static int mm_pool_add(void *ctx, struct pgt_pool *pool, paddr_t page)
{
	pool_push(pool, pa_addr(page));
	pool->nr_pages++;
	return 0;
}

static int mm_pool_remove(void *ctx, struct pgt_pool *pool, paddr_t page)
{
	u64 want = pa_addr(page), *link = &pool->head;

	while (*link != EL2_POOL_EMPTY) {
		u64 *p = el2_phys_to_virt(*link);

		if (*link == want) {
			*link = p[0];
			pool->nr_free--;
			pool->nr_pages--;
			return 0;
		}
		link = &p[0];
	}
	return -CORE_EBUSY;
}

static void *mm_root_adopt(void *ctx, paddr_t page)
{
	void *root = el2_phys_to_virt(pa_addr(page));

	memset(root, 0, PGT_PAGE_SIZE);
	*count_of(pa_addr(page)) = 1;
	return root;
}

static void mm_root_release(void *ctx, void *root)
{
	*count_of(el2_virt_to_phys(root)) = 0;
}

/*
 * Counts change with atomics once the MMU is on (cacheable memory); before,
 * memory is Device and exclusives are not guaranteed there, and only this
 * CPU runs.
 */
static void mm_page_get(void *ctx, void *page)
{
	u32 *c = count_of(el2_virt_to_phys(page));

	if (mmu_on)
		__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
	else
		(*c)++;
}

static void mm_page_put(void *ctx, void *page)
{
	u32 *c = count_of(el2_virt_to_phys(page));

	if (mmu_on)
		__atomic_fetch_sub(c, 1, __ATOMIC_RELEASE);
	else
		(*c)--;
}

static u32 mm_page_count(void *ctx, const void *page)
{
	return __atomic_load_n(count_of(el2_virt_to_phys(page)), __ATOMIC_ACQUIRE);
}

static void *mm_phys_to_virt(void *ctx, paddr_t pa)
{
	return el2_phys_to_virt(pa_addr(pa));
}

static paddr_t mm_virt_to_phys(void *ctx, const void *va)
{
	return pa_init(el2_virt_to_phys(va));
}

/*
 * Stage-2 invalidations act on the VMID in VTTBR_EL2: a guest's table is
 * invalidated with its VMID switched in, then the host's is put back.
 */
static void s2_switch_to(const struct pgt *pgt)
{
	if (pgt->kind == PGT_GUEST_S2) {
		write_sysreg(pa_addr(pgt->root_pa) | ((u64)pgt->vmid << 48), vttbr_el2);
		isb();
	}
}

static void s2_switch_back(const struct pgt *pgt)
{
	if (pgt->kind == PGT_GUEST_S2) {
		write_sysreg(host_vttbr, vttbr_el2);
		isb();
	}
}

static void tlbi_s2_pages(const struct pgt *pgt, u64 ia, u64 nr)
{
	dsb(ishst);
	s2_switch_to(pgt);
	for (u64 i = 0; i < nr; i++)
		__asm__ volatile("tlbi ipas2e1is, %0" : : "r"((ia >> 12) + i) : "memory");
	dsb(ish);
	/* Combined stage-1+2 entries may still hold the old output. */
	__asm__ volatile("tlbi vmalle1is" : : : "memory");
	dsb(ish);
	isb();
	s2_switch_back(pgt);
}

static void tlbi_s2_all(const struct pgt *pgt)
{
	dsb(ishst);
	s2_switch_to(pgt);
	__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	isb();
	s2_switch_back(pgt);
}

static void tlbi_s1_pages(u64 va, u64 nr)
{
	dsb(ishst);
	for (u64 i = 0; i < nr; i++)
		__asm__ volatile("tlbi vae2is, %0" : : "r"((va >> 12) + i) : "memory");
	dsb(ish);
	isb();
}

static void tlbi_s1_all(void)
{
	dsb(ishst);
	__asm__ volatile("tlbi alle2is" : : : "memory");
	dsb(ish);
	isb();
}

static void mm_tlbi_range(void *ctx, const struct pgt *pgt, u64 ia, u64 size)
{
	u64 nr = (size + PGT_PAGE_SIZE - 1) >> PGT_PAGE_SHIFT;

	observe(&(struct el2_mm_event){ .kind = EL2_MM_TLBI_RANGE, .pgt = pgt, .ia = ia,
					.size = size });
	if (pgt->kind == PGT_HYP_S1) {
		if (nr > TLBI_RANGE_MAX_PAGES)
			tlbi_s1_all();
		else
			tlbi_s1_pages(ia, nr);
	} else if (nr > TLBI_RANGE_MAX_PAGES) {
		tlbi_s2_all(pgt);
	} else {
		tlbi_s2_pages(pgt, ia, nr);
	}
}

/*
 * A leaf: one TLBI by address invalidates the whole block that holds it
 * (the TLB caches a block as one entry, whatever address inside it is named).
 */
static void mm_tlbi_leaf(void *ctx, const struct pgt *pgt, u64 ia, u32 level)
{
	observe(&(struct el2_mm_event){ .kind = EL2_MM_TLBI_LEAF, .pgt = pgt, .ia = ia,
					.level = level });
	if (pgt->kind == PGT_HYP_S1)
		tlbi_s1_pages(ia, 1);
	else
		tlbi_s2_pages(pgt, ia, 1);
}

static void mm_tlbi_all(void *ctx, const struct pgt *pgt)
{
	observe(&(struct el2_mm_event){ .kind = EL2_MM_TLBI_ALL, .pgt = pgt });
	if (pgt->kind == PGT_HYP_S1)
		tlbi_s1_all();
	else
		tlbi_s2_all(pgt);
}

static void mm_on_store(void *ctx, const struct pgt *pgt, pte_t *ptep, pte_t old, pte_t new_pte,
			u64 ia, u32 level)
{
	if (observer)
		observer(&(struct el2_mm_event){
			.kind = EL2_MM_STORE, .pgt = pgt,
			.table_pa = el2_virt_to_phys(
				(const void *)((uintptr_t)ptep & ~(uintptr_t)(PGT_PAGE_SIZE - 1))),
			.old = old, .new_pte = new_pte, .ia = ia, .level = level });
}

/*
 * Every shared walk runs inside el2_state_lock taken shared, and nothing
 * else runs beside it (hyp/traps.c), so the lock tells when no walker can
 * be inside an unlinked table: entering and leaving need no bookkeeping.
 */
static void mm_shared_enter(void *ctx)
{
}

static void mm_shared_exit(void *ctx)
{
}

static void mm_free_unlinked(void *ctx, struct pgt *pgt, void *table, u32 level)
{
	el2_lock(&pool_lock);
	if (nr_deferred == EL2_MAX_CPUS)
		el2_panic("more unlinked tables than CPUs before an exclusive section");
	deferred[nr_deferred].pgt = pgt;
	deferred[nr_deferred].table = table;
	deferred[nr_deferred].level = level;
	__atomic_store_n(&nr_deferred, nr_deferred + 1, __ATOMIC_RELEASE);
	el2_unlock(&pool_lock);
}

bool el2_mm_has_deferred(void)
{
	return __atomic_load_n(&nr_deferred, __ATOMIC_ACQUIRE) != 0;
}

void el2_mm_free_deferred(void)
{
	while (nr_deferred) {
		nr_deferred--;
		pgt_free_unlinked(deferred[nr_deferred].pgt, deferred[nr_deferred].table,
				  deferred[nr_deferred].level);
	}
}

static const struct pgt_mm_ops el2_mm_ops = {
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
};

static const struct pgt_mm el2_pgt_mm = { .ops = &el2_mm_ops };

const struct pgt_mm *el2_mm(void)
{
	return &el2_pgt_mm;
}
