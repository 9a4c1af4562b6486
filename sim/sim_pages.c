// SPDX-License-Identifier: MIT
/*
 * The page store: physical pages that hold tables are backed by slots of one
 * reserved arena. A hash maps a physical page to its slot; the slot index is
 * the arena offset, so virt-to-phys is a subtraction.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include "sim_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#define sim_poison(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define sim_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define sim_poison(p, n) ((void)(p), (void)(n))
#define sim_unpoison(p, n) ((void)(p), (void)(n))
#endif

static u64 hash_slot(u64 key, u64 cap)
{
	return (key * 0x9E3779B97F4A7C15ULL) >> 20 & (cap - 1);
}

/*
 * Large zeroed arrays come straight from the kernel: calloc may hand back
 * heap memory it must clear, and a fuzzer builds a machine per input.
 */
void *sim_zalloc_big(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void sim_free_big(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

int sim_pages_init(struct sim *sim, u64 cap_slots)
{
	void *arena = mmap(NULL, cap_slots * PGT_PAGE_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (arena == MAP_FAILED)
		return -CORE_ENOMEM;
	sim->arena = arena;
	sim->cap_slots = cap_slots;
	sim->slot_pa = sim_zalloc_big(cap_slots * sizeof(*sim->slot_pa));
	sim->slot_count = sim_zalloc_big(cap_slots * sizeof(*sim->slot_count));
	sim->slot_state = sim_zalloc_big(cap_slots * sizeof(*sim->slot_state));
	sim->free_slots = sim_zalloc_big(cap_slots * sizeof(*sim->free_slots));
	sim->hash_cap = 1024;
	sim->hash_key = calloc(sim->hash_cap, sizeof(*sim->hash_key));
	sim->hash_val = calloc(sim->hash_cap, sizeof(*sim->hash_val));
	if (!sim->slot_pa || !sim->slot_count || !sim->slot_state || !sim->free_slots ||
	    !sim->hash_key || !sim->hash_val)
		return -CORE_ENOMEM;
	return 0;
}

/*
 * Every page unregistered, every slot unused and handed out again in the
 * order a new machine hands them out; the arena stays mapped. Pages that
 * still held tables are poisoned: a wild read in the next run must not find
 * a plausible table there.
 */
void sim_pages_reset(struct sim *sim)
{
	for (u64 slot = 0; slot < sim->next_slot; slot++) {
		if (sim->slot_state[slot] == SIM_SLOT_TABLE || sim->slot_state[slot] == SIM_SLOT_ROOT)
			sim_slot_poison(sim, slot);
		sim->free_slots[slot] = (u32)(sim->next_slot - 1 - slot);
	}
	memset(sim->slot_state, SIM_SLOT_UNUSED, sim->next_slot * sizeof(*sim->slot_state));
	memset(sim->hash_key, 0, sim->hash_cap * sizeof(*sim->hash_key));
	sim->hash_used = 0;
	sim->hash_live = 0;
	/* next_slot stays the high-water mark: sim_pages_fini unpoisons up to it. */
	sim->nr_free_slots = sim->next_slot;
}

void sim_pages_fini(struct sim *sim)
{
	if (sim->arena) {
		/* ASan's poison outlives the mapping: clear it for whoever maps here next. */
		sim_unpoison(sim->arena, sim->next_slot * PGT_PAGE_SIZE);
		munmap(sim->arena, sim->cap_slots * PGT_PAGE_SIZE);
	}
	sim_free_big(sim->slot_pa, sim->cap_slots * sizeof(*sim->slot_pa));
	sim_free_big(sim->slot_count, sim->cap_slots * sizeof(*sim->slot_count));
	sim_free_big(sim->slot_state, sim->cap_slots * sizeof(*sim->slot_state));
	sim_free_big(sim->free_slots, sim->cap_slots * sizeof(*sim->free_slots));
	free(sim->hash_key);
	free(sim->hash_val);
}

/* Keys are page numbers + 1 so that 0 marks an empty bucket; a removed one is ~0. */
#define HASH_TOMB (~0ULL)

static void hash_put(struct sim *sim, u64 key, u32 val);

/*
 * Rebuild the table without its removed buckets, doubled only when the live
 * keys need it: pages leave and come back for every fuzz input, and a table
 * that counted its tombstones as keys would grow without end.
 */
static void hash_rebuild(struct sim *sim)
{
	u64 old_cap = sim->hash_cap;
	u64 *old_key = sim->hash_key;
	u32 *old_val = sim->hash_val;

	while ((sim->hash_live + 1) * 4 > sim->hash_cap)
		sim->hash_cap *= 2;
	sim->hash_key = calloc(sim->hash_cap, sizeof(*sim->hash_key));
	sim->hash_val = calloc(sim->hash_cap, sizeof(*sim->hash_val));
	CORE_ASSERT(sim->hash_key && sim->hash_val);
	sim->hash_used = 0;
	sim->hash_live = 0;
	for (u64 i = 0; i < old_cap; i++) {
		if (old_key[i] && old_key[i] != HASH_TOMB)
			hash_put(sim, old_key[i], old_val[i]);
	}
	free(old_key);
	free(old_val);
}

/* @used counts buckets ever filled (tombstones too): it bounds probe lengths. */
static void hash_put(struct sim *sim, u64 key, u32 val)
{
	u64 i;

	if ((sim->hash_used + 1) * 2 > sim->hash_cap)
		hash_rebuild(sim);
	for (i = hash_slot(key, sim->hash_cap); sim->hash_key[i] && sim->hash_key[i] != HASH_TOMB;
	     i = (i + 1) & (sim->hash_cap - 1))
		;
	if (!sim->hash_key[i])
		sim->hash_used++;
	sim->hash_key[i] = key;
	sim->hash_val[i] = val;
	sim->hash_live++;
}

static u64 hash_find(const struct sim *sim, u64 key)
{
	for (u64 i = hash_slot(key, sim->hash_cap); sim->hash_key[i];
	     i = (i + 1) & (sim->hash_cap - 1)) {
		if (sim->hash_key[i] == key)
			return i;
	}
	return ~0ULL;
}

/* The slot backing physical page @pa, or -1. */
s64 sim_slot_of_pa(const struct sim *sim, paddr_t pa)
{
	u64 i = hash_find(sim, (pa_addr(pa) >> PGT_PAGE_SHIFT) + 1);

	return i == ~0ULL ? -1 : (s64)sim->hash_val[i];
}

void *sim_slot_va(const struct sim *sim, u64 slot)
{
	return sim->arena + slot * PGT_PAGE_SIZE;
}

u64 sim_slot_of_va(const struct sim *sim, const void *va)
{
	u64 off = (u64)((const u8 *)va - sim->arena);

	CORE_ASSERT(off < sim->cap_slots * PGT_PAGE_SIZE && !(off & (PGT_PAGE_SIZE - 1)));
	return off >> PGT_PAGE_SHIFT;
}

/* Back physical page @pa with a slot; -EEXIST if it already is, -ENOMEM if full. */
int sim_page_register(struct sim *sim, paddr_t pa, u32 *slot_out)
{
	u32 slot;

	if (sim_slot_of_pa(sim, pa) >= 0)
		return -CORE_EEXIST;
	if (sim->nr_free_slots)
		slot = sim->free_slots[--sim->nr_free_slots];
	else if (sim->next_slot < sim->cap_slots)
		slot = (u32)sim->next_slot++;
	else
		return -CORE_ENOMEM;
	sim->slot_pa[slot] = pa_addr(pa);
	sim->slot_count[slot] = 0;
	sim->slot_state[slot] = SIM_SLOT_FREE;
	hash_put(sim, (pa_addr(pa) >> PGT_PAGE_SHIFT) + 1, slot);
	/* Never used yet: no pattern to write, but reads are still caught by ASan. */
	sim_poison(sim_slot_va(sim, slot), PGT_PAGE_SIZE);
	*slot_out = slot;
	return 0;
}

void sim_page_unregister(struct sim *sim, u32 slot)
{
	u64 i = hash_find(sim, (sim->slot_pa[slot] >> PGT_PAGE_SHIFT) + 1);

	CORE_ASSERT(i != ~0ULL);
	sim->hash_key[i] = HASH_TOMB;
	sim->hash_live--;
	sim->slot_state[slot] = SIM_SLOT_UNUSED;
	sim->free_slots[sim->nr_free_slots++] = slot;
}

/* A page leaves use: poison it so a late read is garbage, or an ASan report. */
void sim_slot_poison(struct sim *sim, u64 slot)
{
	u64 *p = sim_slot_va(sim, slot);

	sim_unpoison(p, PGT_PAGE_SIZE);
	for (u32 i = 0; i < PGT_ENTRIES; i++)
		p[i] = SIM_POISON;
	sim_poison(p, PGT_PAGE_SIZE);
}

void *sim_slot_take(struct sim *sim, u64 slot, enum sim_slot_state state)
{
	void *va = sim_slot_va(sim, slot);

	sim_unpoison(va, PGT_PAGE_SIZE);
	memset(va, 0, PGT_PAGE_SIZE);
	__atomic_store_n(&sim->slot_count[slot], 1, __ATOMIC_RELAXED);
	sim->slot_state[slot] = (u8)state;
	return va;
}

void *sim_phys_to_virt(struct sim *sim, paddr_t pa)
{
	s64 slot = sim_slot_of_pa(sim, pa);

	CORE_ASSERT(slot >= 0);
	return sim_slot_va(sim, (u64)slot);
}

void *sim_try_phys_to_virt(struct sim *sim, paddr_t pa)
{
	s64 slot = sim_slot_of_pa(sim, pa);

	return slot < 0 ? NULL : sim_slot_va(sim, (u64)slot);
}

u32 sim_page_count(struct sim *sim, paddr_t pa)
{
	s64 slot = sim_slot_of_pa(sim, pa);

	return slot < 0 ? 0 : __atomic_load_n(&sim->slot_count[slot], __ATOMIC_RELAXED);
}

enum sim_slot_state sim_page_state(struct sim *sim, paddr_t pa)
{
	s64 slot = sim_slot_of_pa(sim, pa);

	return slot < 0 ? SIM_SLOT_UNUSED : (enum sim_slot_state)sim->slot_state[slot];
}
