// SPDX-License-Identifier: MIT
/*
 * Kernel finding 2 (docs/kernel-findings.md), standalone: eager splitting
 * of a 2 MiB block of device memory in a guest's stage 2. Where the tree has
 * kvm_pgtable_stage2_split, what it does is printed; the exit status is 0
 * when the finding reproduces (the pages come out as normal, cacheable
 * memory), 1 when they keep the block's memory type; a tree without eager
 * splitting has nothing to reproduce (0, said so).
 */
#include "s2k/kernel_sim.h"

#include <stdio.h>

#define SZ_4K	     0x1000ULL
#define SZ_2M	     0x200000ULL
#define PROT_RW	     6U
#define PROT_DEVICE  8U /* KVM_PGTABLE_PROT_DEVICE */
#define MEMATTR(pte) (((pte) >> 2) & 0xf)

int main(void)
{
	static struct sim sim;
	struct pgt_pool pool;
	struct s2k_sim plat;
	struct s2k_table *t;
	uint64_t block = 0, page = 0;
	int rc = 0, level = -1;

	if (!s2k_tree.has_split) {
		printf("Linux %s has no kvm_pgtable_stage2_split: nothing to reproduce\n",
		       s2k_tree.version);
		return 0;
	}
	if (sim_init(&sim, 256) || sim_pool_init(&sim, &pool, pa_init(0x800000000ULL), 64))
		return 2;
	s2k_sim_init(&plat, &sim, &pool);
	t = s2k_table_create(S2K_GUEST_S2, 40, 0, &s2k_sim_platform, &plat, &rc);
	if (!t)
		return 2;
	printf("Linux %s, guest stage 2, 40 bits (FWB)\n", s2k_tree.version);
	rc = s2k_map(t, 0x40000000ULL, SZ_2M, 0x80000000ULL, PROT_RW | PROT_DEVICE);
	s2k_get_leaf(t, 0x40000000ULL + SZ_4K, &block, &level);
	printf("kvm_pgtable_stage2_map(0x40000000, 2 MiB, rw, DEVICE) = %d: L%d %#llx, MemAttr %#llx\n",
	       rc, level, (unsigned long long)block, (unsigned long long)MEMATTR(block));
	rc = s2k_split(t, 0x40000000ULL, SZ_2M);
	s2k_get_leaf(t, 0x40000000ULL + SZ_4K, &page, &level);
	printf("kvm_pgtable_stage2_split(0x40000000, 2 MiB) = %d: L%d %#llx, MemAttr %#llx\n", rc,
	       level, (unsigned long long)page, (unsigned long long)MEMATTR(page));
	s2k_table_destroy(t);
	sim_pool_empty(&pool);
	sim_pool_fini(&pool);
	sim_fini(&sim);
	if (level == 3 && MEMATTR(page) != MEMATTR(block)) {
		printf("REPRODUCED: the block's pages lost its memory type\n");
		return 0;
	}
	printf("not reproduced: the pages keep the block's memory type\n");
	return 1;
}
