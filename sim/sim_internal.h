/* SPDX-License-Identifier: MIT */
/* Private to sim/: the page store beneath the pools and the platform ops. */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include "sim/sim.h"

/* SIM_ASAN: built with AddressSanitizer (clang or gcc), whose interfaces sim/ calls. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#endif

int sim_pages_init(struct sim *sim, u64 cap_slots);
void sim_pages_reset(struct sim *sim);
void sim_pages_fini(struct sim *sim);
s64 sim_slot_of_pa(const struct sim *sim, paddr_t pa);
void *sim_slot_va(const struct sim *sim, u64 slot);
u64 sim_slot_of_va(const struct sim *sim, const void *va);
int sim_page_register(struct sim *sim, paddr_t pa, u32 *slot_out);
void sim_page_unregister(struct sim *sim, u32 slot);
void sim_slot_poison(struct sim *sim, u64 slot);
void *sim_slot_take(struct sim *sim, u64 slot, enum sim_slot_state state);
int sim_pool_add_page(struct pgt_pool *pool, paddr_t pa);
int sim_pool_remove_page(struct pgt_pool *pool, paddr_t pa);
void *sim_pool_alloc(struct pgt_pool *pool);
void sim_pool_release(struct pgt_pool *pool, void *page);
void sim_event(struct sim *sim, const struct sim_event *ev);

#endif /* SIM_INTERNAL_H */
