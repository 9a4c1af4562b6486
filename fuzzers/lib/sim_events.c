// SPDX-License-Identifier: MIT
/* Translating the simulated machine's events for the differ's checkers. */
#include "sim_events.h"

struct diff_event fz_diff_event(const struct sim_event *ev)
{
	static const enum diff_ev_kind kinds[] = {
		[SIM_EV_STORE] = DIFF_EV_STORE,
		[SIM_EV_TLBI_LEAF] = DIFF_EV_TLBI_LEAF,
		[SIM_EV_TLBI_RANGE] = DIFF_EV_TLBI_RANGE,
		[SIM_EV_TLBI_ALL] = DIFF_EV_TLBI_ALL,
		[SIM_EV_PAGE_FREE] = DIFF_EV_FREE,
	};
	static const enum diff_kind table_kinds[] = {
		[PGT_HOST_S2] = DIFF_HOST_S2,
		[PGT_GUEST_S2] = DIFF_GUEST_S2,
		[PGT_HYP_S1] = DIFF_HYP_S1,
	};

	return (struct diff_event){
		.kind = kinds[ev->kind],
		.regime = ev->pgt,
		.table_kind = ev->pgt ? table_kinds[ev->pgt->kind] : DIFF_HOST_S2,
		.ia = ev->ia,
		.size = ev->size,
		.level = ev->level,
		.old = ev->old,
		.new_pte = ev->new_pte,
		.page = pa_addr(ev->page),
		.table_page = pa_addr(ev->table),
	};
}

static const uint64_t *mem_table(void *ctx, uint64_t pa)
{
	enum sim_slot_state st = sim_page_state(ctx, pa_init(pa));

	return st == SIM_SLOT_TABLE || st == SIM_SLOT_ROOT ? sim_phys_to_virt(ctx, pa_init(pa))
							    : NULL;
}

static uint32_t mem_count(void *ctx, uint64_t pa)
{
	return sim_page_count(ctx, pa_init(pa));
}

struct diff_mem fz_sim_mem(struct sim *sim)
{
	return (struct diff_mem){ mem_table, mem_count, sim };
}

bool fz_feed_checkers(struct diff_bbm *bbm, struct diff_tlb *tlb, const struct sim_event *ev)
{
	struct diff_event e = fz_diff_event(ev);

	diff_bbm_event(bbm, &e);
	diff_tlb_event(tlb, &e);
	return ev->kind == SIM_EV_STORE;
}
