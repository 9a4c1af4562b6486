// SPDX-License-Identifier: MIT
/* An observer that keeps the machine's events for a test to inspect. */
#include "events.h"

static void record(void *arg, const struct sim_event *ev)
{
	struct ev_log *log = arg;

	if (log->n == EV_LOG_MAX) {
		log->overflow = true;
		return;
	}
	log->ev[log->n++] = *ev;
}

void ev_log_attach(struct ev_log *log, struct sim *sim)
{
	struct sim_observer obs = { .event = record, .arg = log };

	ev_log_clear(log);
	sim_set_observer(sim, &obs);
}

void ev_log_clear(struct ev_log *log)
{
	log->n = 0;
	log->overflow = false;
}

int ev_log_find(const struct ev_log *log, u32 from, enum sim_event_kind kind)
{
	for (u32 i = from; i < log->n; i++) {
		if (log->ev[i].kind == kind)
			return (int)i;
	}
	return -1;
}

u32 ev_log_count(const struct ev_log *log, enum sim_event_kind kind)
{
	u32 n = 0;

	for (u32 i = 0; i < log->n; i++)
		n += log->ev[i].kind == kind;
	return n;
}
