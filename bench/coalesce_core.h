/* SPDX-License-Identifier: MIT */
/* The coalescing benchmark's machine: our core's pKVM layer on bare/. */
#ifndef BENCH_COALESCE_CORE_H
#define BENCH_COALESCE_CORE_H

#include "coalesce.h"

#include "bare/bare.h"
#include "core/pkvm.h"

struct co_machine {
	struct bare bare;
	struct pgt_pool host_pool, hyp_pool, memcache[PKVM_MAX_VMS];
	struct pkvm pkvm;
	struct pkvm_page *pages;
	uint64_t spare_base, spare_pages; /* host pages in the arena, after the carve-out */
};

/*
 * A 48-bit host on @m, the carve-out at @carve_base (@carve_pages pages, the
 * pools at its start), and @spare_pages host pages after it in the arena for
 * pgds and memcaches; with or without coalescing. 0 or a negative errno.
 */
int co_machine_init(struct co_machine *c, const struct co_memory *m, uint64_t carve_base,
		    uint64_t carve_pages, uint64_t host_pool, uint64_t hyp_pool,
		    uint64_t spare_pages, bool coalescing);
void co_machine_fini(struct co_machine *c);

/* The valid host stage-2 leaf mapping @pa: its level and base; false if none. */
bool co_host_leaf(struct co_machine *c, uint64_t pa, unsigned *level, uint64_t *base);
/* Leaves by level and table pages of the host stage 2, into @r. */
void co_host_shape(struct co_machine *c, struct co_result *r);

#endif /* BENCH_COALESCE_CORE_H */
