/* SPDX-License-Identifier: MIT */
/* What the simulated machine reports, in the differ's terms. */
#ifndef FUZZ_SIM_EVENTS_H
#define FUZZ_SIM_EVENTS_H

#include "diff/bbm.h"
#include "diff/diff.h"
#include "diff/tlb.h"
#include "sim/sim.h"

/* The diff event for a sim event (a store, an invalidation, a free). */
struct diff_event fz_diff_event(const struct sim_event *ev);
/* Feed @ev to the break-before-make ledger and the TLB model: true for a store. */
bool fz_feed_checkers(struct diff_bbm *bbm, struct diff_tlb *tlb, const struct sim_event *ev);
/* The differ's view of the machine's table pages (struct diff_mem over @sim). */
struct diff_mem fz_sim_mem(struct sim *sim);

#endif /* FUZZ_SIM_EVENTS_H */
