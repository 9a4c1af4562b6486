// SPDX-License-Identifier: MIT
/* The reference on a fuzz machine (ref_machine.h). */
#include "ref_machine.h"

#include "ops_pkvm.h"

#include <stdlib.h>

/* The mutator's reference's arena: the harness's own reference keeps its state in another. */
#define TRIAL_ARENA_BYTES (64ULL << 20)

void fz_ref_desc(const struct fz_machine *m, struct ref_desc *rd)
{
	*rd = (struct ref_desc){
		.nr_mem = m->nr_regions,
		.carveout = { m->carve_base, m->carve_size },
		.host_pool_pages = m->host_pool,
		.hyp_pool_pages = m->hyp_pool,
		.hyp_va_offset = m->hyp_va_offset,
		.host_ia_bits = m->host_ia_bits,
		.nr_vm_slots = m->nr_vm_slots,
		.nr_hyp_private = m->nr_private,
	};
	for (unsigned i = 0; i < fz_machine_regions(m); i++)
		rd->mem[i] = (struct ref_region){ m->regions[i].base, m->regions[i].size };
	for (unsigned i = 0; i < fz_machine_privates(m); i++)
		rd->hyp_private[i] = (struct ref_hyp_private){
			m->private_range[i].va, m->private_range[i].pa, m->private_range[i].nr,
			m->private_range[i].prot, m->private_range[i].memtype
		};
}

void *fz_machine_trial(const void *setup)
{
	static struct ref trial;
	static void *arena;
	struct ref_desc rd;

	if (!arena && !(arena = malloc(TRIAL_ARENA_BYTES)))
		abort();
	fz_ref_desc(setup, &rd);
	return ref_init(&trial, &rd, arena, TRIAL_ARENA_BYTES) ? NULL : &trial;
}
