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
 * A machine in cmocka's test memory (a leak fails the test) that pkvm_init
 * accepted and that passes machine_check; machine_free checks it again.
 */
struct machine *machine_new(const struct pkvm_desc *d);
struct machine *machine_new_virt(void);
void machine_free(struct machine *m);

/* cmocka setup and teardown: *state is machine_new_virt(). */
int machine_setup_virt(void **state);
int machine_teardown(void **state);

/*
 * Check every table (refcount law, no LOCKED, reachability), pool
 * accounting (SPEC §7), and that host valid leaves are identity maps.
 */
void machine_check(struct machine *m);

/* A digest of everything an operation may change: tables, pools, pages. */
u64 machine_digest(struct machine *m);

/* @call returns @want and the machine is exactly as before (and still checks). */
#define assert_fails_unchanged(m, call, want)                 \
	do {                                                  \
		u64 before_ = machine_digest(m);              \
		assert_int_equal((call), (want));             \
		assert_int_equal(machine_digest(m), before_); \
		machine_check(m);                             \
	} while (0)

#endif /* TEST_MACHINE_H */
