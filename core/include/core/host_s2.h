/* SPDX-License-Identifier: MIT */
/*
 * Host stage-2 (SPEC §3, §4.4, §6): the host's lazy identity map. Aborts
 * build it one default leaf at a time; ownership changes write annotations
 * and shared pages into it; returns to the default state coalesce it.
 */
#ifndef CORE_HOST_S2_H
#define CORE_HOST_S2_H

#include "core/host_layout.h"
#include "core/pgtable.h"

enum pkvm_owner_id {
	PKVM_OWNER_HOST = 0,
	PKVM_OWNER_HYP = 1,
	PKVM_OWNER_GUEST = 2,
};

/*
 * The host touched @addr (page-aligned) and its stage-2 did not map it
 * (SPEC §6): -EPERM if another owner holds the page, 0 if it is mapped
 * already, else map the largest default block that fits (or -ENOMEM).
 */
int host_s2_mem_abort(struct pgt *host, u64 addr);

/*
 * The same as a shared walk (SPEC §9, docs/semantics.md S46): may run at
 * once with other shared aborts on @host, never with anything else. Every
 * change is a compare-and-swap; -EAGAIN when it lost a race, and the host's
 * access is simply retried. -ENOMEM may be a race too (another abort took
 * the pages this one counted on): the caller asks again exclusively.
 */
int host_s2_mem_abort_shared(struct pgt *host, u64 addr);

#endif /* CORE_HOST_S2_H */
