// SPDX-License-Identifier: MIT
/*
 * The stage-2 summary: valid leaves by level, owner annotations and table
 * pages, read straight from table memory (the seeds' "dump the host stage-2
 * page tables and view the mapping").
 */
#include "el2/console.h"
#include "el2/hyp.h"
#include "el2/mm.h"

static void summarize_table(const pte_t *table, u32 level, struct stage2_summary *s)
{
	s->tables++;
	for (u32 i = 0; i < PGT_PAGE_SIZE / sizeof(pte_t); i++) {
		pte_t e = table[i];

		if (!(e & PTE_VALID)) {
			if (e)
				s->annotations++;
			continue;
		}
		if (level < PGT_MAX_LEVEL && (e & PTE_TYPE_TABLE))
			summarize_table(el2_phys_to_virt(e & PTE_ADDR_MASK), level + 1, s);
		else
			s->leaves[level]++;
	}
}

void stage2_summarize(struct pgt *pgt, struct stage2_summary *s)
{
	*s = (struct stage2_summary){ 0 };
	summarize_table(pgt->root, pgt->start_level, s);
}

void stage2_print(const char *what, const struct stage2_summary *s)
{
	console_printf("s2fuzz el2: host stage-2 %s: leaves L1 %llu, L2 %llu, L3 %llu; "
		       "%llu annotations; %llu table pages\n",
		       what, (unsigned long long)s->leaves[1], (unsigned long long)s->leaves[2],
		       (unsigned long long)s->leaves[3], (unsigned long long)s->annotations,
		       (unsigned long long)s->tables);
}
