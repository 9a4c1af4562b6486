// SPDX-License-Identifier: MIT
/*
 * Kernel finding 3 (docs/kernel-findings.md), standalone: the hyp's stage-1
 * entry for a page mapped without execute permission, when EL2 runs in
 * hVHE (HCR_EL2.E2H set: the EL2&0 regime, whose stage 1 has two execute
 * bits, PXN at 53 for EL2 and UXN at 54 for EL0). What the tree writes is
 * printed; the exit status is 0 when the finding reproduces (PXN clear: the
 * page executable at EL2), 1 when PXN is set; a tree without hVHE support
 * (its entries the same either way) has nothing to reproduce (0, said so).
 * Upstream fixed it in 6.19: from there on, the status says the opposite
 * (0 when PXN is set, 1 when the finding is back).
 */
#include "repro.h"
#include "s2k/kernel_sim.h"

#include <stdio.h>

#define PROT_R	 4U
#define PROT_W	 2U
#define BIT_PXN	 (1ULL << 53)
#define BIT_UXN	 (1ULL << 54)
#define AP_FIELD (3ULL << 6)

/* The first release with upstream's fix. */
#define FIXED_MAJOR 6
#define FIXED_MINOR 19


/* The leaf a fresh hyp table writes for one read-write page, on @cpu (NULL: the machine goes). */
static uint64_t hyp_rw_page(const struct s2k_cpu *cpu)
{
	static struct sim sim;
	static bool up;
	struct pgt_pool pool;
	struct s2k_sim plat;
	struct s2k_table *t;
	uint64_t pte = 0;
	int rc = 0, level = -1;

	if (!cpu) {
		sim_fini(&sim);
		return 0;
	}
	if (!up && sim_init(&sim, 256))
		return 0;
	up = true;
	if (sim_pool_init(&sim, &pool, pa_init(0x800000000ULL), 16))
		return 0;
	s2k_sim_init(&plat, &sim, &pool);
	s2k_set_cpu(cpu);
	t = s2k_table_create(S2K_HYP_S1, 48, 0, &s2k_sim_platform, &plat, &rc);
	if (t && !s2k_map(t, 0x40000000ULL, 0x1000, 0x80000000ULL, PROT_R | PROT_W))
		s2k_get_leaf(t, 0x40000000ULL, &pte, &level);
	s2k_table_destroy(t);
	sim_pool_empty(&pool);
	sim_pool_fini(&pool);
	return pte;
}

int main(void)
{
	const bool fixed = tree_at_least(FIXED_MAJOR, FIXED_MINOR);
	const struct s2k_cpu nvhe = { .fwb = true, .tlb_range = true, .hvhe = false };
	const struct s2k_cpu hvhe = { .fwb = true, .tlb_range = true, .hvhe = true };
	uint64_t plain = hyp_rw_page(&nvhe), e2h = hyp_rw_page(&hvhe);

	printf("Linux %s: kvm_pgtable_hyp_map(0x40000000, 4 KiB, R|W)\n", s2k_tree.version);
	printf("  nVHE: %#llx (XN at 54: %s)\n", (unsigned long long)plain,
	       plain & BIT_UXN ? "set" : "clear");
	printf("  hVHE: %#llx (PXN at 53: %s, UXN at 54: %s)\n", (unsigned long long)e2h,
	       e2h & BIT_PXN ? "set" : "clear", e2h & BIT_UXN ? "set" : "clear");
	if (!plain || !e2h)
		return 2;
	hyp_rw_page(NULL); /* the machine's memory back */
	if ((plain & AP_FIELD) == (e2h & AP_FIELD)) {
		printf("the tree writes the same entry for hVHE: no hVHE support, nothing to "
		       "reproduce\n");
		return 0;
	}
	if (!(e2h & BIT_PXN)) {
		printf("REPRODUCED: a page mapped without execute permission is executable at "
		       "EL2 under hVHE%s\n",
		       fixed ? ", in a tree that should have upstream's fix (6.19)"
					  : "");
		return fixed ? 1 : 0;
	}
	printf("not reproduced: PXN is set under hVHE%s\n",
	       fixed ? " (fixed upstream in 6.19)" : "");
	return fixed ? 0 : 1;
}
