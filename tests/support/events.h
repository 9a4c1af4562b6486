/* SPDX-License-Identifier: MIT */
/* Recording what the core does to the simulated machine, in order. */
#ifndef TEST_EVENTS_H
#define TEST_EVENTS_H

#include "sim/sim.h"

#define EV_LOG_MAX 8192

struct ev_log {
	struct sim_event ev[EV_LOG_MAX];
	u32 n;
	bool overflow;
};

void ev_log_attach(struct ev_log *log, struct sim *sim);
void ev_log_clear(struct ev_log *log);
/* Index of the first event of @kind at or after @from, or -1. */
int ev_log_find(const struct ev_log *log, u32 from, enum sim_event_kind kind);
u32 ev_log_count(const struct ev_log *log, enum sim_event_kind kind);

#endif /* TEST_EVENTS_H */
