/* SPDX-License-Identifier: MIT */
/*
 * The packed corpus (el2/tools/replay_pack.c) and how its inputs' pages are
 * put on el2's real machine (replay_map.c, docs/el2-differential.md).
 */
#ifndef PAYLOAD_REPLAY_H
#define PAYLOAD_REPLAY_H

#include "payload.h"

#define REPLAY_NAME_WORDS    6	/* 48 bytes */
#define REPLAY_MACHINE_WORDS 21 /* struct replay_machine */
#define REPLAY_STEP_WORDS    6	/* kind, x0..x4 */

/* The machine an input's header describes, as the harness decoded it. */
struct replay_machine {
	u64 nr_regions;
	u64 regions[8][2]; /* base, size in bytes */
	u64 carve_base, carve_pages;
	u64 host_ia_bits;
	u64 nr_vm_slots;
};

/* A hypercall's registers @in (x0..x4, on the input's machine) for el2's: @x. */
void replay_map_call(const struct replay_machine *m, const u64 *in, u64 *x);
/* An abort at @addr: false when it is not replayed (not memory on el2), else *to. */
bool replay_map_abort(const struct replay_machine *m, u64 addr, u64 *to);

#endif /* PAYLOAD_REPLAY_H */
