// SPDX-License-Identifier: MIT
/*
 * Kernel finding 4 (docs/kernel-findings.md), standalone: the invalidation
 * a guest stage-2 unmap makes when it unlinks a table left empty. One page
 * is mapped in an empty 40-bit stage 2 (three new tables under the root)
 * and unmapped again: the page's invalidation is a leaf's, at level 3; a
 * table holds no leaf, so its unlink must not carry a level hint (a TLBI
 * whose TTL names the wrong level need not invalidate anything, walk-cache
 * entries included). Every invalidation is printed; the exit status is 0
 * when the finding reproduces (an invalidation by address hinted at a
 * table's level, 0-2) or when the tree is 6.1 or later and it does not
 * (6.1's unmap gives a table's unlink no hint); 1 otherwise.
 */
#include "repro.h"
#include "s2k/kernel_sim.h"

#include <limits.h>
#include <stdio.h>

#define POOL_PAGES 16U
#define IA	   0x40000000ULL
#define SZ_4K	   0x1000ULL
#define PROT_RW	   6U

/* The first release seen without it (the change itself is not pinned down: see the doc). */
#define FIXED_MAJOR 6
#define FIXED_MINOR 1

static const char *const kinds[] = {
	[S2K_TLBI_IPA] = "by IPA",
	[S2K_TLBI_IPA_NSH] = "by IPA, this CPU",
	[S2K_TLBI_RANGE] = "IPA range",
	[S2K_TLBI_VMID] = "whole VMID",
	[S2K_TLBI_HYP_VA] = "hyp VA",
	[S2K_TLBI_HYP_VA_LEAF] = "hyp VA, leaf",
};

static unsigned hinted_at_a_table;

static void on_tlbi(void *arg, enum s2k_tlbi kind, u64 addr, u64 size, int level)
{
	bool by_ipa = kind == S2K_TLBI_IPA || kind == S2K_TLBI_IPA_NSH;
	bool hinted = level >= 1 && level <= 3;

	(void)arg;
	printf("  TLBI %s %#llx", kinds[kind], (unsigned long long)addr);
	if (kind == S2K_TLBI_RANGE)
		printf(" +%#llx", (unsigned long long)size);
	if (hinted)
		printf(", level hint %d", level);
	printf("\n");
	if (by_ipa && hinted && level < 3)
		hinted_at_a_table++;
}


int main(void)
{
	const bool fixed = tree_at_least(FIXED_MAJOR, FIXED_MINOR);
	static struct sim sim;
	struct pgt_pool pool;
	struct s2k_sim plat;
	struct s2k_table *t;
	int rc = 0;
	u64 left;

	if (sim_init(&sim, 64) || sim_pool_init(&sim, &pool, pa_init(0x800000000ULL), POOL_PAGES))
		return 2;
	s2k_sim_init(&plat, &sim, &pool);
	t = s2k_table_create(S2K_GUEST_S2, 40, 0, &s2k_sim_platform, &plat, &rc);
	if (!t)
		return 2;
	printf("Linux %s, guest stage 2, 40 bits from level 0\n", s2k_tree.version);
	rc = s2k_map(t, IA, SZ_4K, 0x80000000ULL, PROT_RW);
	printf("kvm_pgtable_stage2_map(%#llx, 4 KiB, rw) = %d: %llu table pages in use\n",
	       (unsigned long long)IA, rc, (unsigned long long)(POOL_PAGES - sim_pool_free(&pool)));
	if (rc)
		return 2;
	plat.on_tlbi = on_tlbi;
	rc = (int)s2k_unmap(t, IA, SZ_4K);
	left = POOL_PAGES - sim_pool_free(&pool);
	printf("kvm_pgtable_stage2_unmap(%#llx, 4 KiB) = %d: %llu table page%s in use\n",
	       (unsigned long long)IA, rc, (unsigned long long)left, left == 1 ? "" : "s");
	plat.on_tlbi = NULL;
	s2k_table_destroy(t);
	sim_pool_empty(&pool);
	sim_pool_fini(&pool);
	sim_fini(&sim);
	if (hinted_at_a_table) {
		printf("REPRODUCED: %u table unlink%s invalidated with a leaf's level hint%s\n",
		       hinted_at_a_table, hinted_at_a_table == 1 ? "" : "s",
		       fixed ? ", in a tree from 6.1 on" : "");
		return fixed ? 1 : 0;
	}
	printf("not reproduced: no table's unlink carries a level hint%s\n",
	       fixed ? " (as from 6.1)" : "");
	return fixed ? 0 : 1;
}
