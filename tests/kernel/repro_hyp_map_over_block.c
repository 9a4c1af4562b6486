// SPDX-License-Identifier: MIT
/*
 * Kernel finding 1 (docs/kernel-findings.md), standalone: a hyp stage-1
 * map of one page inside a live 2 MiB block mapping. kvm_pgtable_hyp_map's
 * documentation says a mapping over a mapped address is refused with an
 * error and a WARN. What the tree does instead is printed; the exit status
 * is 0 when the finding reproduces (the call succeeds, the block is
 * replaced by a table with no invalidation and the rest of it is dropped;
 * 6.1 on also leak a table page that destroy does not free), 1 when the
 * tree behaves as documented.
 *
 * Build it against any tree through the adapter (docs/kernel-tree.md):
 * the target repro_hyp_map_over_block_<tree>.
 */
#include "s2k/kernel_sim.h"

#include <stdio.h>

#define POOL_PAGES 64U
#define BLOCK_VA   0x40000000ULL
#define SZ_4K	   0x1000ULL
#define SZ_2M	   0x200000ULL
#define PROT_R	   4U
#define PROT_RW	   6U

int main(void)
{
	static struct sim sim;
	struct pgt_pool pool;
	struct s2k_sim plat;
	struct s2k_table *t;
	uint64_t pte = 0, tlbi, leaked, first;
	int rc = 0, level = -1;
	bool reproduced;

	if (sim_init(&sim, 256) || sim_pool_init(&sim, &pool, pa_init(0x800000000ULL), POOL_PAGES))
		return 2;
	s2k_sim_init(&plat, &sim, &pool);
	t = s2k_table_create(S2K_HYP_S1, 48, 0, &s2k_sim_platform, &plat, &rc);
	if (!t)
		return 2;
	printf("Linux %s, hyp stage 1, 48 bits\n", s2k_tree.version);
	rc = s2k_map(t, BLOCK_VA, SZ_2M, 0x80000000ULL, PROT_RW);
	s2k_get_leaf(t, BLOCK_VA + SZ_4K, &pte, &level);
	printf("kvm_pgtable_hyp_map(%#llx, 2 MiB, rw) = %d: L%d %#llx\n",
	       (unsigned long long)BLOCK_VA, rc, level, (unsigned long long)pte);
	rc = s2k_map(t, BLOCK_VA + SZ_4K, SZ_4K, 0x90000000ULL, PROT_R);
	tlbi = plat.tlbi[S2K_TLBI_HYP_VA] + plat.tlbi[S2K_TLBI_HYP_VA_LEAF];
	printf("kvm_pgtable_hyp_map(%#llx, 4 KiB, r) = %d, %llu WARN%s%s%s, %llu invalidations\n",
	       (unsigned long long)(BLOCK_VA + SZ_4K), rc, (unsigned long long)plat.warnings,
	       plat.warnings ? " (" : "", plat.warning, plat.warnings ? ")" : "",
	       (unsigned long long)tlbi);
	s2k_get_leaf(t, BLOCK_VA, &first, &level);
	printf("  the block's first page now: L%d %#llx\n", level, (unsigned long long)first);
	s2k_get_leaf(t, BLOCK_VA + SZ_4K, &pte, &level);
	printf("  the page: L%d %#llx\n", level, (unsigned long long)pte);
	s2k_table_destroy(t);
	leaked = sim_pool_empty(&pool);
	printf("kvm_pgtable_hyp_destroy: %llu table page%s not freed\n", (unsigned long long)leaked,
	       leaked == 1 ? "" : "s");
	sim_pool_fini(&pool);
	sim_fini(&sim);
	reproduced = rc == 0 && tlbi == 0 && !(first & 1);
	printf("%s%s\n", reproduced ? "REPRODUCED: the live block was replaced without "
				      "break-before-make"
				    : "not reproduced: the tree refuses the map or keeps the block",
	       reproduced && leaked ? ", and a table page leaked" : "");
	return reproduced ? 0 : 1;
}
