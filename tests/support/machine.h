/* SPDX-License-Identifier: MIT */
/*
 * A whole simulated pKVM machine for tests: a description, the simulated
 * machine's pools carved as S23 says, and the ownership layer on top.
 */
#ifndef TEST_MACHINE_H
#define TEST_MACHINE_H

#include "core/pkvm.h"
#include "tables.h"

struct machine {
	struct sim sim;
	struct pgt_pool host_pool, hyp_pool;
	struct pgt_pool memcache[PKVM_MAX_VMS];
	struct pkvm pkvm;
	struct pkvm_page *pages;
};

/* Memory [base, base + size) regions, then the carve-out and pools. */
struct pkvm_desc machine_desc(u32 ia_bits, u32 nr_regions, const struct host_region *regions,
			      u64 carve_base, u64 carve_pages, u64 host_pool, u64 hyp_pool);
/* QEMU virt-like: 2 GiB at 1 GiB, carve-out of 4 MiB at 1 GiB + 512 MiB. */
struct pkvm_desc machine_desc_virt(void);

/* Returns pkvm_init's result; the machine is usable only on 0. */
int machine_init(struct machine *m, const struct pkvm_desc *d);
void machine_fini(struct machine *m);

/*
 * Check every table (refcount law, no LOCKED, reachability), pool
 * accounting (SPEC §7), and that host valid leaves are identity maps.
 */
void machine_check(struct machine *m);

/* A digest of everything an operation may change: tables, pools, pages. */
u64 machine_digest(struct machine *m);

#endif /* TEST_MACHINE_H */
